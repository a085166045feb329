/**
 * What the source and sink loops share (Apache's `WorkerTask`): the target state (started/paused), stop, and
 * the state callback through which the owner (standalone worker, distributed task-runner) learns RUNNING,
 * PAUSED and FAILED (with Apache-style trace).
 */
import { traceOf } from './trace';

export type TaskState = 'RUNNING' | 'PAUSED' | 'FAILED' | 'UNASSIGNED';

export interface TaskStateListener {
  /** `version`: the task plugin's version(), shown in its status as Apache 4.x does (set by createWorkerTask) */
  (state: TaskState, trace: string | null, version?: string | null): void;
}

export abstract class WorkerTask {
  protected paused = false;
  protected stopping = false;
  private resumeWaiters: (() => void)[] = [];
  /** aborted when stop() is called, to cut short waits inside the loop */
  protected readonly stopSignal = new AbortController();

  constructor(
    readonly connector: string,
    readonly taskId: number,
    private readonly listener: TaskStateListener,
  ) {}

  get id(): string {
    return `${this.connector}-${this.taskId}`;
  }

  /**
   * Run the task until stop() or failure. Resolves after a clean stop (offsets flushed/committed); on failure
   * reports FAILED and rejects with the error.
   */
  async run(initialState: 'STARTED' | 'PAUSED' = 'STARTED'): Promise<void> {
    this.paused = initialState === 'PAUSED';
    try {
      await this.execute();
    } catch (error) {
      this.listener('FAILED', traceOf(error));
      throw error;
    }
  }

  pause(): void {
    if (this.paused || this.stopping) return;
    this.paused = true;
    this.onPause();
    this.listener('PAUSED', null);
  }

  resume(): void {
    if (!this.paused || this.stopping) return;
    this.paused = false;
    this.onResume();
    this.listener('RUNNING', null);
    this.wakeResumeWaiters();
  }

  /** Ask the loop to finish: it flushes, commits and returns from run(). */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopSignal.abort();
    this.wakeResumeWaiters();
    this.onStop();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  protected reportStarted(): void {
    this.listener(this.paused ? 'PAUSED' : 'RUNNING', null);
  }

  /** Wait until resumed or stopped, at most `ms` (so periodic work such as commits can still run). */
  protected waitWhilePaused(ms: number): Promise<void> {
    if (!this.paused || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.resumeWaiters;
      waiters.push(done);
      function done(): void {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
    });
  }

  private wakeResumeWaiters(): void {
    for (const w of this.resumeWaiters.splice(0)) w();
  }

  protected abstract execute(): Promise<void>;
  protected onPause(): void {}
  protected onResume(): void {}
  protected onStop(): void {}
}
