/**
 * The control-plane side of one running task instance (the distributed task-runner): what an Apache worker
 * does for its tasks through the status topic and group membership, done against the stores.
 *
 * - reports the task's state (RUNNING, PAUSED, FAILED + trace) and rewrites it periodically: the heartbeat the
 *   reconciler watches;
 * - follows the connector's target state (PAUSED → pause, STARTED → resume) by polling the ConfigStore;
 * - fences itself: when the stored generation moved on, the connector is gone or STOPPED, or the StatusStore
 *   rejects a write as older than its successor's, the task is stopped and the process exits.
 */
import type { ConfigStore, StatusStore, TargetState, TaskProgress, TaskStatusState } from '../storage/ports';

/** What the supervisor needs from a runtime task (lib/runtime WorkerTask satisfies it). */
export interface SupervisedTask {
  run(initialState?: 'STARTED' | 'PAUSED'): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
}

export type TaskOutcome =
  /** stopped on request (SIGTERM): exit 0 */
  | 'stopped'
  /** superseded, connector deleted or stopped: exit 0, the reconciler has already moved on */
  | 'fenced'
  /** the task failed (status FAILED written): exit non-zero so the restart policy sees it */
  | 'failed';

export interface TaskSupervisorOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly generation: number;
  readonly workerId: string;
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly heartbeatIntervalMs: number;
  /** how often the target state and generation are read (default 2 s) */
  readonly configPollMs?: number;
  readonly now?: () => number;
  /** the task's progress counters, sent with every heartbeat (TaskProgress) */
  readonly progress?: () => TaskProgress | undefined;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

export class TaskSupervisor {
  private state: TaskStatusState = 'UNASSIGNED';
  private trace: string | null = null;
  private version: string | null = null;
  private reported = false;
  private stopping = false;
  private fenced = false;
  private task: SupervisedTask | undefined;
  private writes: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;

  constructor(private readonly options: TaskSupervisorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The runtime's state listener. */
  readonly onState = (
    state: 'RUNNING' | 'PAUSED' | 'FAILED' | 'UNASSIGNED',
    trace: string | null,
    version?: string | null,
  ): void => {
    this.state = state;
    this.trace = trace;
    if (version !== undefined) this.version = version;
    this.reported = true;
    this.write();
  };

  /**
   * Run the task until it stops, fails or is fenced. The initial state follows the stored target state
   * (a task of a PAUSED connector starts paused, as in Apache).
   */
  async run(task: SupervisedTask, initialTarget: TargetState): Promise<TaskOutcome> {
    this.task = task;
    const { heartbeatIntervalMs, configPollMs = 2000 } = this.options;
    this.timers.push(setInterval(() => this.reported && this.write(), heartbeatIntervalMs));
    this.timers.push(setInterval(() => void this.followDesiredState(), configPollMs));
    let failed = false;
    try {
      await task.run(initialTarget === 'PAUSED' ? 'PAUSED' : 'STARTED');
    } catch (error) {
      failed = !this.stopping;
      this.options.log?.('task failed', { error: String(error) });
    } finally {
      for (const timer of this.timers.splice(0)) clearInterval(timer);
    }
    await this.writes;
    if (this.fenced) return 'fenced';
    return failed ? 'failed' : 'stopped';
  }

  /** SIGTERM: stop polling, flush, commit; no more status writes (the reconciler decides what is shown). */
  requestStop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.task?.stop();
  }

  /**
   * Whether this instance may still commit source offsets: checked before each commit so that a superseded
   * instance cannot move offsets under its successor. An instance that is being stopped because its connector was
   * stopped, deleted or reconfigured has no successor yet (the reconciler starts the next generation only after
   * every instance of the previous one has exited, as Apache stops all tasks before starting the reconfigured
   * ones), so its final commit goes through: stop → resume replays nothing. Once a newer generation owns the
   * task's status (its instance was launched), this one is a zombie and may not commit.
   */
  async isCurrent(): Promise<boolean> {
    const { connector, taskId, generation, configStore, statusStore } = this.options;
    const state = await configStore.get(connector);
    if (state !== undefined && state.generation === generation && state.targetState !== 'STOPPED') return true;
    this.fence(state === undefined ? 'connector deleted' : 'generation superseded');
    const status = await statusStore.getTask(connector, taskId);
    return status === undefined || status.generation <= generation;
  }

  private async followDesiredState(): Promise<void> {
    if (this.stopping) return;
    try {
      const state = await this.options.configStore.get(this.options.connector);
      if (!state) return this.fence('connector deleted');
      if (state.generation !== this.options.generation)
        return this.fence(`superseded by generation ${state.generation}`);
      if (state.targetState === 'STOPPED') return this.fence('connector stopped');
      if (state.targetState === 'PAUSED') this.task?.pause();
      else this.task?.resume();
    } catch (error) {
      // A store hiccup is not a reason to stop a healthy task; the next poll tries again.
      this.options.log?.('could not read the connector state', { error: String(error) });
    }
  }

  private fence(why: string): void {
    if (this.stopping) return;
    this.options.log?.('fenced: stopping', { why });
    this.fenced = true;
    this.requestStop();
  }

  /** Writes are serialized so a heartbeat cannot overtake a state change. */
  private write(): void {
    if (this.stopping) return;
    const { connector, taskId, generation, workerId, statusStore } = this.options;
    const progress = this.state === 'RUNNING' || this.state === 'PAUSED' ? this.options.progress?.() : undefined;
    const status = {
      state: this.state,
      trace: this.trace,
      workerId,
      generation,
      updatedAt: this.now(),
      ...(this.version === null ? {} : { version: this.version }),
      ...(progress === undefined ? {} : { progress }),
    };
    this.writes = this.writes
      .then(async () => {
        const accepted = await statusStore.putTask(connector, taskId, status);
        if (!accepted) this.fence('a newer generation owns the status');
      })
      .catch((error: unknown) => this.options.log?.('status write failed', { error: String(error) }));
  }
}
