/**
 * TaskLauncher on the local machine: one child process per task instance (`node dist/task-runner.js`), with the
 * same environment contract as the ECS container. Each child writes stdout/stderr straight into its own log
 * file and runs in its own process group, so it survives a crash of the local stack; a pid file per instance
 * lets the next local stack adopt it (or the reconciler stop it).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { LaunchSpec, TaskInstance, TaskLauncher } from '../../storage/ports';
import { StoppedInstances } from './stopped-instances';
import { isAlive } from './process-alive';
import { isSpareReady, SPARE_ENV, type SpareAssignment } from './spare-protocol';

export interface ProcessLauncherOptions {
  /** executable, default the current Node binary */
  readonly command?: string;
  /** arguments before the launcher's own `--skc-instance=<id>` marker, e.g. `[dist/task-runner.js]` */
  readonly args: readonly string[];
  /** environment of every child on top of SKC_CONNECTOR / SKC_TASK_ID / SKC_GENERATION (default: this process's) */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** pid files (one JSON per live instance) */
  readonly runDir: string;
  /** one log file per instance */
  readonly logDir: string;
  /** SIGTERM, then SIGKILL after this long (default 10 s) */
  readonly stopGraceMs?: number;
  /** how many stopped instances per task to remember (restart backoff history); default 10 */
  readonly historyPerTask?: number;
  /** called after an instance stopped (its final state), e.g. to trigger a reconcile */
  readonly onExit?: (instance: TaskInstance) => void;
  /** how often adopted (non-child) processes are checked for liveness */
  readonly adoptedPollMs?: number;
  /**
   * Node's on-disk compile cache of the children (NODE_COMPILE_CACHE, Node ≥ 22.1): a task-runner reuses the
   * bytecode of the previous start instead of compiling its bundle again, about a third of its module loading
   * (more when several start at once on few cores). Default `<parent of runDir>/compile-cache`, unless the
   * environment sets NODE_COMPILE_CACHE; `false` turns it off.
   */
  readonly compileCacheDir?: string | false;
  /**
   * Keep one warm spare task process (./spare-protocol.ts): started by startSpare(), it loads the task-runner and
   * opens its stores ahead of need, and the next launch() hands its task to it instead of spawning a process,
   * which saves the Node start and module loading (about half a second) of a new task. A new spare is started
   * `spareDelayMs` after an adoption; a launch while the spare is still starting waits for it. Default false.
   */
  readonly warmSpare?: boolean;
  /**
   * How long after an adoption the next spare starts (default 250 ms): its start-up competes for CPU with the
   * task that just took over the previous spare, which is then still starting its connector (100–200 ms).
   */
  readonly spareDelayMs?: number;
}

interface Spare {
  readonly instanceId: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  ready: boolean;
  /** resolves when it reports ready or exits */
  readonly readyOrGone: Promise<void>;
  readonly exited: Promise<void>;
}

/** How long a launch waits for a spare that is still starting before it spawns a process of its own. */
const SPARE_READY_WAIT_MS = 5_000;

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Tracked {
  instance: Mutable<TaskInstance>;
  pid: number;
  logFile: string;
  child?: ChildProcess;
  exited: Promise<void>;
  markExited: () => void;
  killTimer?: NodeJS.Timeout;
}

const PidFile = z.object({
  instanceId: z.string(),
  pid: z.number().int().positive(),
  connector: z.string(),
  taskId: z.number().int().nonnegative(),
  generation: z.number().int().nonnegative(),
  startedAt: z.number(),
  logFile: z.string(),
});
type PidFile = z.infer<typeof PidFile>;

export const INSTANCE_ARG_PREFIX = '--skc-instance=';

export class ProcessLauncher implements TaskLauncher {
  private readonly live = new Map<string, Tracked>();
  private readonly history: StoppedInstances;
  private readonly stopGraceMs: number;
  private readonly childEnv: Readonly<Record<string, string | undefined>>;
  private pollTimer: NodeJS.Timeout | undefined;
  private spare: Spare | undefined;
  private spareTimer: NodeJS.Timeout | undefined;
  /** spares that exited before they were adopted, in a row (their restart backs off) */
  private spareFailures = 0;
  private spareEnabled = false;

  constructor(private readonly options: ProcessLauncherOptions) {
    this.history = new StoppedInstances(options.historyPerTask);
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    mkdirSync(options.runDir, { recursive: true });
    mkdirSync(options.logDir, { recursive: true });
    const env = options.env ?? process.env;
    const cacheDir = options.compileCacheDir ?? join(dirname(options.runDir), 'compile-cache');
    this.childEnv = cacheDir === false || env.NODE_COMPILE_CACHE ? env : { ...env, NODE_COMPILE_CACHE: cacheDir };
  }

  /**
   * Find instances a previous launcher (a crashed or restarted local stack) left behind: live ones are adopted
   * and appear in list() as RUNNING, dead ones become history. Returns the adopted instances.
   */
  recover(): TaskInstance[] {
    const adopted: TaskInstance[] = [];
    for (const file of readdirSync(this.options.runDir).filter((f) => f.endsWith('.json'))) {
      const path = join(this.options.runDir, file);
      let record: PidFile;
      try {
        record = PidFile.parse(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        rmSync(path, { force: true });
        continue;
      }
      if (this.live.has(record.instanceId)) continue;
      const instance: Mutable<TaskInstance> = {
        instanceId: record.instanceId,
        connector: record.connector,
        taskId: record.taskId,
        generation: record.generation,
        state: 'RUNNING',
        startedAt: record.startedAt,
      };
      if (isOurProcess(record.pid, record.instanceId)) {
        this.track(instance, record.pid, record.logFile);
        adopted.push({ ...instance });
      } else {
        rmSync(path, { force: true });
        this.history.add({
          ...instance,
          state: 'STOPPED',
          stoppedAt: Date.now(),
          exitCode: null,
          stoppedReason: 'Exited while the local stack was not running',
        });
      }
    }
    if (adopted.length > 0) this.startPolling();
    return adopted;
  }

  async list(): Promise<TaskInstance[]> {
    return [...[...this.live.values()].map((t) => ({ ...t.instance })), ...this.history.list()];
  }

  async launch(spec: LaunchSpec): Promise<TaskInstance> {
    // A spare still starting is ready sooner than a new process would be, and a second Node starting beside it
    // would only slow both down: wait for it (not past SPARE_READY_WAIT_MS: a hung spare is no reason to wait).
    const starting = this.spare;
    if (starting && !starting.ready) await Promise.race([starting.readyOrGone, delay(SPARE_READY_WAIT_MS)]);
    const adopted = this.adoptSpare(spec);
    if (adopted) return adopted;
    const instanceId = newInstanceId();
    const logFile = this.logFileOf(spec, instanceId);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        this.options.command ?? process.execPath,
        [...this.options.args, `${INSTANCE_ARG_PREFIX}${instanceId}`],
        {
          env: {
            ...this.childEnv,
            SKC_CONNECTOR: spec.connector,
            SKC_TASK_ID: String(spec.taskId),
            SKC_GENERATION: String(spec.generation),
          },
          stdio: ['ignore', fd, fd],
          // Its own process group: Ctrl-C in the terminal reaches only the local stack, which stops children in order.
          detached: true,
        },
      );
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`Could not start task-runner for ${spec.connector}-${spec.taskId}: ${error.message}`, {
        cause: error,
      });
    }
    const instance: Mutable<TaskInstance> = { instanceId, ...spec, state: 'RUNNING', startedAt: Date.now() };
    const tracked = this.track(instance, pid, logFile, child);
    child.once('exit', (code, signal) => this.exited(tracked, code, signal));
    const record: PidFile = { instanceId, pid, ...spec, startedAt: instance.startedAt, logFile };
    writeFileSync(this.pidFile(instanceId), JSON.stringify(record));
    return { ...instance };
  }

  /**
   * Start keeping a warm spare (option `warmSpare`; the local stack calls this once Kafka is ready, so the spare's
   * offsets-topic store finds the broker). No-op without the option.
   */
  startSpare(): void {
    if (!this.options.warmSpare) return;
    this.spareEnabled = true;
    this.scheduleSpare(0);
  }

  /** The current spare (tests, benchmarks): its pid and whether it has reported ready. */
  spareState(): { readonly instanceId: string; readonly pid: number; readonly ready: boolean } | undefined {
    const spare = this.spare;
    return spare ? { instanceId: spare.instanceId, pid: spare.pid, ready: spare.ready } : undefined;
  }

  async stop(instanceId: string, reason: string): Promise<void> {
    const tracked = this.live.get(instanceId);
    if (!tracked || tracked.instance.state === 'STOPPING') return;
    tracked.instance.state = 'STOPPING';
    tracked.instance.stoppedReason = reason;
    signal(tracked.pid, 'SIGTERM');
    // An adopted process has no child handle to keep this process alive until its exit is seen.
    if (!tracked.child) this.pollTimer?.ref();
    tracked.killTimer = setTimeout(() => signal(tracked.pid, 'SIGKILL'), this.stopGraceMs);
    tracked.killTimer.unref();
  }

  /** Stop every live instance and wait until all have exited (Ctrl-C of the local stack). */
  async stopAll(reason: string): Promise<void> {
    const spare = this.stopSpares();
    const waits = [...this.live.values()].map((t) => t.exited);
    if (spare) waits.push(spare);
    await Promise.all([...this.live.keys()].map((id) => this.stop(id, reason)));
    await Promise.all(waits);
  }

  /** Resolves when the instance has exited (immediately if unknown). */
  async waitForExit(instanceId: string): Promise<void> {
    await this.live.get(instanceId)?.exited;
  }

  /** The log file of a live or remembered instance. */
  logFile(instanceId: string): string | undefined {
    return this.live.get(instanceId)?.logFile;
  }

  /** Forget adopted processes' polling (children keep running; used when the stack stops without stopping them). */
  close(): void {
    // An idle spare is no task: it goes with the launcher (it would also exit when its IPC channel closes).
    void this.stopSpares();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    for (const tracked of this.live.values()) {
      if (tracked.killTimer) clearTimeout(tracked.killTimer);
      tracked.child?.unref();
    }
  }

  private logFileOf(spec: LaunchSpec, instanceId: string): string {
    return join(this.options.logDir, `${fileSafe(spec.connector)}-${spec.taskId}-${instanceId}.log`);
  }

  /**
   * Hand `spec` to the warm spare, if one is ready: it becomes this launch's instance (its instance id, chosen
   * when it was spawned, is already on its command line for recover()), its log file is renamed after the task,
   * and a new spare is scheduled. Synchronous up to the send, so two launches never get the same spare.
   */
  private adoptSpare(spec: LaunchSpec): TaskInstance | undefined {
    const spare = this.spare;
    if (!spare?.ready || !spare.child.connected) return undefined;
    this.spare = undefined;
    this.spareFailures = 0;
    const { instanceId, pid, child } = spare;
    let logFile = this.logFileOf(spec, instanceId);
    try {
      renameSync(spare.logFile, logFile); // the spare keeps writing to the same file (same inode)
    } catch {
      logFile = spare.logFile;
    }
    const instance: Mutable<TaskInstance> = { instanceId, ...spec, state: 'RUNNING', startedAt: Date.now() };
    const tracked = this.track(instance, pid, logFile, child);
    child.removeAllListeners('exit');
    child.removeAllListeners('message');
    child.once('exit', (code, sig) => this.exited(tracked, code, sig));
    // As a launched child: a live task keeps this process alive until stopped (the spare did not).
    child.ref();
    const record: PidFile = { instanceId, pid, ...spec, startedAt: instance.startedAt, logFile };
    writeFileSync(this.pidFile(instanceId), JSON.stringify(record));
    const assignment: SpareAssignment = { type: 'skc-spare-assign', ...spec };
    // A spare that died just now: its exit is this instance's exit, reported like any crash.
    child.send(assignment, (error) => {
      if (error) signal(pid, 'SIGKILL');
    });
    this.scheduleSpare(this.options.spareDelayMs ?? 250);
    return { ...instance };
  }

  private scheduleSpare(delayMs: number): void {
    if (!this.spareEnabled || this.spare || this.spareTimer) return;
    this.spareTimer = setTimeout(() => {
      this.spareTimer = undefined;
      this.spawnSpare();
    }, delayMs);
    this.spareTimer.unref();
  }

  private spawnSpare(): void {
    if (!this.spareEnabled || this.spare) return;
    const instanceId = newInstanceId();
    const logFile = join(this.options.logDir, `spare-${instanceId}.log`);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        this.options.command ?? process.execPath,
        [...this.options.args, `${INSTANCE_ARG_PREFIX}${instanceId}`],
        {
          env: { ...this.childEnv, [SPARE_ENV]: '1' },
          stdio: ['ignore', fd, fd, 'ipc'],
          detached: true,
        },
      );
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      child.once('error', () => undefined);
      rmSync(logFile, { force: true });
      this.spareExited();
      return;
    }
    let markExited = () => {};
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const spare: Spare = {
      instanceId,
      child,
      pid,
      logFile,
      ready: false,
      readyOrGone: Promise.race([ready, exited]),
      exited,
    };
    this.spare = spare;
    child.on('message', (message) => {
      if (!isSpareReady(message)) return;
      spare.ready = true;
      markReady();
    });
    child.once('exit', () => {
      markExited();
      if (this.spare !== spare) return;
      this.spare = undefined;
      rmSync(logFile, { force: true });
      this.spareExited();
    });
    // An idle spare keeps neither this process nor its IPC channel alive.
    child.unref();
    child.channel?.unref();
  }

  /** A spare exited unadopted (killed, crashed): replace it, backing off while they keep dying. */
  private spareExited(): void {
    this.spareFailures++;
    this.scheduleSpare(Math.min(60_000, 500 * 2 ** Math.min(this.spareFailures - 1, 7)));
  }

  /** No more spares; SIGTERM to the idle one. Resolves when it has exited (undefined: there was none). */
  private stopSpares(): Promise<void> | undefined {
    this.spareEnabled = false;
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    const spare = this.spare;
    this.spare = undefined;
    if (!spare) return undefined;
    signal(spare.pid, 'SIGTERM');
    rmSync(spare.logFile, { force: true });
    return spare.exited;
  }

  private track(instance: Mutable<TaskInstance>, pid: number, logFile: string, child?: ChildProcess): Tracked {
    let markExited = () => {};
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const tracked: Tracked = { instance, pid, logFile, exited, markExited, ...(child ? { child } : {}) };
    this.live.set(instance.instanceId, tracked);
    return tracked;
  }

  private exited(tracked: Tracked, code: number | null, sig: NodeJS.Signals | null): void {
    if (!this.live.delete(tracked.instance.instanceId)) return;
    if (tracked.killTimer) clearTimeout(tracked.killTimer);
    rmSync(this.pidFile(tracked.instance.instanceId), { force: true });
    const how = sig
      ? `Killed by signal ${sig}`
      : code === null
        ? 'Exited (exit code unknown)'
        : `Exited with code ${code}`;
    const requested = tracked.instance.stoppedReason;
    const stopped: TaskInstance = {
      ...tracked.instance,
      state: 'STOPPED',
      stoppedAt: Date.now(),
      exitCode: sig ? (SIGNAL_EXIT[sig] ?? null) : code,
      stoppedReason: requested ? `${requested} (${how})` : how,
    };
    this.history.add(stopped);
    // Keep this process alive only while an adopted process we asked to stop has not exited yet.
    const awaiting = [...this.live.values()].some((t) => !t.child && t.instance.state === 'STOPPING');
    if (!awaiting) this.pollTimer?.unref();
    tracked.markExited();
    this.options.onExit?.(stopped);
  }

  /** Adopted processes are not our children: no exit event, so poll. */
  private startPolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      for (const tracked of this.live.values()) {
        if (!tracked.child && !isAlive(tracked.pid)) this.exited(tracked, null, null);
      }
    }, this.options.adoptedPollMs ?? 500);
    this.pollTimer.unref();
  }

  private pidFile(instanceId: string): string {
    return join(this.options.runDir, `${instanceId}.json`);
  }
}

/** Shell convention (128 + n), as ECS reports 137 for a SIGKILLed container. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 137, SIGTERM: 143, SIGINT: 130, SIGSEGV: 139 };

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the whole process group (the task-runner and anything it started)
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Alive and really ours (a recycled pid would not carry our instance marker on its command line). */
function isOurProcess(pid: number, instanceId: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${INSTANCE_ARG_PREFIX}${instanceId}`);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid file
  }
}

const newInstanceId = (): string => `p-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
