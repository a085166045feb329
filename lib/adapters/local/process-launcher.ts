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
   * How many warm spare task processes to keep (./spare-protocol.ts; default 0): started by startSpare(), each
   * loads the task-runner and opens its stores ahead of need, and a launch() hands its task to the oldest ready
   * one instead of spawning a process, which saves the Node start, the module loading and the offsets-topic store
   * (0.5–1 s) of a new task. Each idle spare is a Node process (docs/lifecycle.md: its memory). Spares start one
   * at a time (two Node starts side by side on few cores only slow each other down); an adopted spare is
   * replaced `spareDelayMs` after its adoption; a launch while none is ready but one is starting waits for it.
   */
  readonly warmSpares?: number;
  /**
   * How long after an adoption its replacement starts (default 250 ms): its start-up competes for CPU with the
   * task that just took over, which is then still starting its connector (100–200 ms). A launch finding no
   * ready spare starts the replacement at once.
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
  /** idle spares, oldest first: launches take the ready ones in this order */
  private readonly spares: Spare[] = [];
  private spareTimer: NodeJS.Timeout | undefined;
  /** spares that exited before they were adopted, in a row (their restart backs off) */
  private spareFailures = 0;
  private spareEnabled = false;

  constructor(private readonly options: ProcessLauncherOptions) {
    const spares = options.warmSpares ?? 0;
    if (!Number.isInteger(spares) || spares < 0)
      throw new RangeError(`warmSpares must be a whole number ≥ 0: ${spares}`);
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
    // No spare ready: one still starting is ready sooner than a new process would be, and a second Node starting
    // beside it would only slow both down. So start the pending replacement now and wait for the starting one (not
    // past SPARE_READY_WAIT_MS: a hung spare is no reason to wait).
    if (this.spareEnabled && !this.spares.some((s) => s.ready)) {
      if (this.spareFailures === 0) this.scheduleSpare(0, true);
      const starting = this.spares.filter((s) => !s.ready);
      if (starting.length > 0) await Promise.race([...starting.map((s) => s.readyOrGone), delay(SPARE_READY_WAIT_MS)]);
    }
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
   * Start keeping the warm spares (option `warmSpares`; the local stack calls this once Kafka is ready, so a
   * spare's offsets-topic store finds the broker). No-op without the option.
   */
  startSpare(): void {
    if (!((this.options.warmSpares ?? 0) > 0)) return;
    this.spareEnabled = true;
    this.scheduleSpare(0);
  }

  /** The idle spares, oldest first (tests, benchmarks): pid and whether each has reported ready. */
  spareStates(): { readonly instanceId: string; readonly pid: number; readonly ready: boolean }[] {
    return this.spares.map(({ instanceId, pid, ready }) => ({ instanceId, pid, ready }));
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
   * Hand `spec` to the oldest ready spare, if any: it becomes this launch's instance (its instance id, chosen
   * when it was spawned, is already on its command line for recover()), its log file is renamed after the task,
   * and a new spare is scheduled. Synchronous up to the send, so two launches never get the same spare.
   */
  private adoptSpare(spec: LaunchSpec): TaskInstance | undefined {
    const index = this.spares.findIndex((s) => s.ready && s.child.connected);
    if (index < 0) return undefined;
    const spare = this.spares.splice(index, 1)[0]!;
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

  /**
   * Start the next spare after `delayMs`, if fewer than `warmSpares` are kept and none is starting (they start one
   * at a time: a ready spare schedules the next). `now`: a pending start happens at once.
   */
  private scheduleSpare(delayMs: number, now = false): void {
    if (!this.spareEnabled || this.spares.length >= (this.options.warmSpares ?? 0)) return;
    if (this.spares.some((s) => !s.ready) || (this.spareTimer && !now)) return;
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    if (now) {
      this.spawnSpare();
      return;
    }
    this.spareTimer = setTimeout(() => {
      this.spareTimer = undefined;
      this.spawnSpare();
    }, delayMs);
    this.spareTimer.unref();
  }

  private spawnSpare(): void {
    if (!this.spareEnabled || this.spares.length >= (this.options.warmSpares ?? 0)) return;
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
    this.spares.push(spare);
    child.on('message', (message) => {
      if (!isSpareReady(message) || spare.ready) return;
      spare.ready = true;
      this.spareFailures = 0;
      markReady();
      this.scheduleSpare(0); // the next one, if more are kept
    });
    child.once('exit', () => {
      markExited();
      const index = this.spares.indexOf(spare);
      if (index < 0) return; // adopted (its exit is the instance's) or stopped
      this.spares.splice(index, 1);
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

  /** No more spares; SIGTERM to the idle ones. Resolves when they have exited (undefined: there was none). */
  private stopSpares(): Promise<void> | undefined {
    this.spareEnabled = false;
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    const idle = this.spares.splice(0);
    if (idle.length === 0) return undefined;
    for (const spare of idle) {
      signal(spare.pid, 'SIGTERM');
      rmSync(spare.logFile, { force: true });
    }
    return Promise.all(idle.map((s) => s.exited)).then(() => undefined);
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
