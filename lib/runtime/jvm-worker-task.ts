/**
 * One connector task run by the JVM task host (a Java plug-in, docs/java-plugins.md), seen by its supervisor as
 * any other task: `run()` until stopped or failed, `pause()`, `resume()`, `stop()`. The JVM runs Apache's
 * WorkerSourceTask / WorkerSinkTask (converters, transforms, error handling, DLQ, offset commits); this class
 * relays its state reports (RUNNING, PAUSED, FAILED with the Java stack trace) to the listener and turns a stop
 * into the host's own graceful stop (final offset commit), with a kill after the grace period.
 */
import { type JvmMetricsReport, parseJvmMetricsReport } from './jvm-task-metrics';
import type { TaskStateListener } from './worker-task';

export interface JvmHostExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
}

/** The JVM task host process (lib/adapters/jvm `JvmHost` satisfies it). */
export interface JvmTaskProcess {
  request<T>(op: string, payload?: Readonly<Record<string, unknown>>): Promise<T>;
  onEvent(listener: (event: { readonly event: string } & Readonly<Record<string, unknown>>) => void): void;
  stop(graceMs?: number): Promise<JvmHostExitInfo>;
  readonly exited: Promise<JvmHostExitInfo>;
}

export interface JvmTaskSpec {
  readonly connector: string;
  readonly taskId: number;
  /** provider-resolved connector and task configs */
  readonly connectorConfig: Readonly<Record<string, string>>;
  readonly taskConfig: Readonly<Record<string, string>>;
  /** how many tasks the connector has (Apache checks it against tasks.max) */
  readonly taskCount: number;
  /** the distributed-worker properties, plugin.path included */
  readonly workerProperties: Readonly<Record<string, string>>;
  readonly workerId: string;
  /** how long a stop may take before the JVM is killed (task.shutdown.graceful.timeout.ms + margin) */
  readonly stopGraceMs: number;
  /**
   * Asked before each source offset commit in the JVM (its final one included): false when this instance's
   * generation was superseded, and the JVM does not write the offsets. Absent: the JVM commits unchecked.
   */
  readonly mayCommit?: () => Promise<boolean>;
  /** Apache's task metrics, as the JVM reports them every `metricsIntervalMs` */
  readonly onMetrics?: (report: JvmMetricsReport) => void;
  readonly metricsIntervalMs?: number;
  /**
   * `supervisor`: source offsets go through the supervisor (standalone's offsets file, served by
   * lib/adapters/jvm/jvm-offsets) instead of the worker's offsets topic
   */
  readonly offsets?: 'supervisor';
}

/** How often the JVM reports its task metrics unless told otherwise. */
export const DEFAULT_JVM_METRICS_INTERVAL_MS = 1000;

type Outcome = { kind: 'stopped' } | { kind: 'failed'; trace: string } | { kind: 'exited'; info: JvmHostExitInfo };

/** The first line of a Java stack trace: the exception and its message. */
const headline = (trace: string): string => trace.split('\n', 1)[0] ?? trace;

export class JvmWorkerTask {
  private paused = false;
  private stopping = false;
  private settle: ((outcome: Outcome) => void) | undefined;
  private readonly outcome: Promise<Outcome>;

  constructor(
    private readonly host: JvmTaskProcess,
    private readonly spec: JvmTaskSpec,
    private readonly listener: TaskStateListener,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    host.onEvent((event) => {
      if (event.event === 'mayCommit') return void this.answerCommitQuestion(event.question);
      if (event.event === 'metrics') {
        const report = parseJvmMetricsReport(event);
        if (report) this.spec.onMetrics?.(report);
        return;
      }
      if (event.event !== 'state') return;
      const state = event.state;
      const trace = typeof event.trace === 'string' ? event.trace : null;
      const version = typeof event.version === 'string' ? event.version : undefined;
      if (state === 'RUNNING' || state === 'PAUSED') this.listener(state, null, version);
      if (state === 'FAILED') {
        this.listener('FAILED', trace, version);
        this.settle?.({ kind: 'failed', trace: trace ?? 'Task failed' });
      }
    });
    void host.exited.then((info) => this.settle?.({ kind: 'exited', info }));
  }

  async run(initialState: 'STARTED' | 'PAUSED' = 'STARTED'): Promise<void> {
    this.paused = initialState === 'PAUSED';
    const { spec } = this;
    // A JVM takes seconds to scan plugin.path: say UNASSIGNED (Apache's state of a task not started yet) at once,
    // so the supervisor's heartbeat runs while it starts.
    this.listener('UNASSIGNED', null);
    try {
      await this.host.request('init', {
        worker: spec.workerProperties,
        workerId: spec.workerId,
        ...(spec.offsets ? { offsets: spec.offsets } : {}),
      });
      if (!this.stopping) {
        await this.host.request('startTask', {
          connector: spec.connector,
          taskId: spec.taskId,
          connectorConfig: spec.connectorConfig,
          taskConfig: spec.taskConfig,
          taskCount: spec.taskCount,
          targetState: this.paused ? 'PAUSED' : 'STARTED',
          fenceOffsets: spec.mayCommit !== undefined,
          metricsIntervalMs: spec.onMetrics ? (spec.metricsIntervalMs ?? DEFAULT_JVM_METRICS_INTERVAL_MS) : 0,
        });
      }
    } catch (error) {
      // The host could not even start the task (plug-in not found, broken jar, worker config …).
      const trace = (error as { trace?: unknown }).trace;
      const text =
        typeof trace === 'string' ? trace : error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.listener('FAILED', text);
      await this.host.stop(this.spec.stopGraceMs);
      throw error instanceof Error ? error : new Error(String(error));
    }
    // A pause or resume that arrived while the task was starting.
    if (this.paused !== (initialState === 'PAUSED')) void this.send(this.paused ? 'pause' : 'resume');

    const outcome = await this.outcome;
    if (outcome.kind === 'stopped') {
      await this.host.stop(this.spec.stopGraceMs);
      return;
    }
    if (outcome.kind === 'failed') {
      await this.host.stop(this.spec.stopGraceMs);
      throw new Error(headline(outcome.trace));
    }
    const { info } = outcome;
    const why =
      `The JVM task host of ${spec.connector}-${spec.taskId} exited unexpectedly (${info.signal ?? `code ${info.code}`})` +
      (info.stderrTail ? `; its last log lines:\n${info.stderrTail}` : '');
    this.listener('FAILED', why);
    throw new Error(why);
  }

  pause(): void {
    if (this.paused || this.stopping) return;
    this.paused = true;
    void this.send('pause');
  }

  resume(): void {
    if (!this.paused || this.stopping) return;
    this.paused = false;
    void this.send('resume');
  }

  /** SIGTERM or fencing: the host stops the task (final offset commit) and exits. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.settle?.({ kind: 'stopped' });
  }

  /** The JVM's generation check before an offset commit; any doubt (a store error) refuses it: replay, not loss. */
  private async answerCommitQuestion(question: unknown): Promise<void> {
    let allowed = false;
    try {
      allowed = (await this.spec.mayCommit?.()) ?? true;
    } catch (error) {
      this.log(`offset commit refused: the generation could not be checked (${String(error)})`);
    }
    if (!allowed) this.log(`offset commit refused: ${this.spec.connector}-${this.spec.taskId} was superseded`);
    try {
      await this.host.request('commitAnswer', { question, allowed });
    } catch (error) {
      this.log(`commit answer not delivered: ${String(error)}`);
    }
  }

  private async send(op: 'pause' | 'resume'): Promise<void> {
    try {
      await this.host.request(op);
    } catch (error) {
      // Before startTask answered there is no task to pause yet: the initial state carries it instead.
      this.log(`${op} not delivered: ${String(error)}`);
    }
  }
}
