/**
 * The Node end of the JVM task host (jvm-host/, docs/java-plugins.md): starts `java … skc.jvmhost.Main <role>` as
 * a child process and speaks its protocol, one JSON object a line: requests `{id, op, …}` on stdin, replies
 * `{id, ok, result}` / `{id, ok:false, status, message, trace}` and events `{event, …}` on stdout. The JVM's logs
 * (stderr) are passed to `log` line by line and its last lines are kept for the message of an unexpected exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  AlreadyExistsError,
  BadRequestError,
  type ConnectError,
  InternalServerError,
  NotFoundError,
} from '../../errors';

export type JvmHostRole = 'catalog' | 'task';

export const JVM_HOST_CLASSPATH_FILE = '.cache/jvm-host/host.classpath';
export const JVM_HOST_JAR = '.cache/jvm-host/target/jvm-host.jar';
/** The AppCDS archive scripts/setup.mjs makes beside host.classpath (file name). */
export const JVM_HOST_CDS_ARCHIVE = 'host.jsa';
const MAIN_CLASS = 'skc.jvmhost.Main';
const STDERR_TAIL_LINES = 40;

/** A failed request: Apache's HTTP status and message, and the Java stack trace when there was an exception. */
export interface JvmHostFailure {
  readonly status: number;
  readonly message: string;
  readonly trace?: string;
}

/** The error a failed request rejects with: our typed error for Apache's status, carrying the Java trace. */
export function jvmHostError(failure: JvmHostFailure): ConnectError & { readonly trace?: string } {
  const error =
    failure.status === 400
      ? new BadRequestError(failure.message)
      : failure.status === 404
        ? new NotFoundError(failure.message)
        : failure.status === 409
          ? new AlreadyExistsError(failure.message)
          : new InternalServerError(failure.message);
  return Object.assign(error, failure.trace ? { trace: failure.trace } : {});
}

function findUp(relative: string, from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The host's classpath: `SKC_JVM_HOST_CLASSPATH`, else the jar and the classpath file that `scripts/setup.mjs`
 * builds into .cache/jvm-host/, found upwards from the working directory or from this bundle.
 */
export function resolveJvmHostClasspath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SKC_JVM_HOST_CLASSPATH) return env.SKC_JVM_HOST_CLASSPATH;
  const file = findUp(JVM_HOST_CLASSPATH_FILE, process.cwd()) ?? findUp(JVM_HOST_CLASSPATH_FILE, __dirname);
  if (!file) {
    throw new Error(
      `The JVM task host is not built (${JVM_HOST_CLASSPATH_FILE} not found): run \`node scripts/setup.mjs jvm-host\``,
    );
  }
  const jar = join(dirname(file), 'target', 'jvm-host.jar');
  return `${jar}:${readFileSync(file, 'utf8').trim()}`;
}

export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
}

export interface JvmHostOptions {
  readonly role: JvmHostRole;
  readonly classpath?: string;
  /** extra JVM flags (heap size …) */
  readonly jvmFlags?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** each line the JVM logs (stderr) */
  readonly log?: (line: string) => void;
}

export type JvmHostEvent = { readonly event: string } & Readonly<Record<string, unknown>>;

export interface JvmHostExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** the JVM's last log lines */
  readonly stderrTail: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Small heaps: one host runs one task (or answers one stack's catalog requests). The JVM's own warnings go to
 * stderr: stdout is the protocol.
 */
export const DEFAULT_JVM_FLAGS = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xlog:disable',
  '-Xlog:all=warning:stderr',
];

/**
 * DEFAULT_JVM_FLAGS plus the host's AppCDS archive (docs/java-plugins.md, "Start time"): `SKC_JVM_HOST_CDS_ARCHIVE`
 * (the image's, made for its class path) when `SKC_JVM_HOST_CLASSPATH` is set, else `host.jsa` beside the
 * host.classpath file when scripts/setup.mjs made it. An archive that does not match the JVM or the class path
 * (a rebuilt jar, a corrupt file) is ignored by the JVM (-Xshare:auto, its default): the host starts without it.
 */
export function jvmHostFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  let archive: string | undefined;
  if (env.SKC_JVM_HOST_CLASSPATH) archive = env.SKC_JVM_HOST_CDS_ARCHIVE || undefined;
  else {
    const file = findUp(JVM_HOST_CLASSPATH_FILE, process.cwd()) ?? findUp(JVM_HOST_CLASSPATH_FILE, __dirname);
    archive = file ? join(dirname(file), JVM_HOST_CDS_ARCHIVE) : undefined;
  }
  return archive && existsSync(archive)
    ? [...DEFAULT_JVM_FLAGS, `-XX:SharedArchiveFile=${archive}`]
    : [...DEFAULT_JVM_FLAGS];
}

export class JvmHost {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: JvmHostEvent) => void)[] = [];
  private readonly stderrTail: string[] = [];
  private nextId = 1;
  private exitInfo: JvmHostExit | undefined;
  /** resolves when the JVM has exited, for whatever reason */
  readonly exited: Promise<JvmHostExit>;

  constructor(options: JvmHostOptions) {
    const classpath = options.classpath ?? resolveJvmHostClasspath(options.env);
    const flags = options.jvmFlags ?? jvmHostFlags(options.env);
    this.child = spawn(javaBinary(options.env), [...flags, '-cp', classpath, MAIN_CLASS, options.role], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    this.exited = new Promise((resolveExit) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, stderrTail: this.stderrTail.join('\n') };
        const why =
          `The JVM task host exited (${signal ?? `code ${code}`})` +
          (this.stderrTail.length > 0 ? `; its last log lines:\n${this.exitInfo.stderrTail}` : '');
        for (const p of this.pending.values()) p.reject(new InternalServerError(why));
        this.pending.clear();
        resolveExit(this.exitInfo);
      };
      this.child.on('exit', finish);
      this.child.on('error', (error) => {
        this.stderrTail.push(String(error));
        finish(null, null);
      });
    });
    // Writes after the JVM died fail with EPIPE; the pending request is rejected by the exit handler instead.
    this.child.stdin.on('error', () => undefined);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      options.log?.(line);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  onEvent(listener: (event: JvmHostEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Send one request; resolves with its result, rejects with {@link jvmHostError} or when the JVM exits. */
  request<T>(op: string, payload: Readonly<Record<string, unknown>> = {}): Promise<T> {
    if (this.exitInfo) return Promise.reject(new InternalServerError('The JVM task host is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolveRequest, reject) => {
      this.pending.set(id, { resolve: (v) => resolveRequest(v as T), reject });
      this.child.stdin.write(`${JSON.stringify({ ...payload, id, op })}\n`);
    });
  }

  /**
   * Ask the host to stop (tasks stopped, final offset commit, worker stopped) and wait for its exit; kill it
   * when it does not exit within `graceMs`.
   */
  async stop(graceMs = 30_000): Promise<JvmHostExit> {
    if (!this.exitInfo) {
      this.request('stop').catch(() => undefined);
      const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
      timer.unref();
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exitInfo) this.child.kill(signal);
  }

  private onLine(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // Not the protocol (should not happen: the host sends System.out to stderr); keep it as a log line.
      this.stderrTail.push(line);
      return;
    }
    if (typeof message.event === 'string') {
      for (const listener of this.listeners) listener(message as JvmHostEvent);
      return;
    }
    const id = typeof message.id === 'number' ? message.id : 0;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (message.ok === true) pending.resolve(message.result);
    else {
      pending.reject(
        jvmHostError({
          status: typeof message.status === 'number' ? message.status : 500,
          message: typeof message.message === 'string' ? message.message : 'JVM task host request failed',
          ...(typeof message.trace === 'string' ? { trace: message.trace } : {}),
        }),
      );
    }
  }
}
