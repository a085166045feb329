/**
 * Drives a Reconciler in a long-lived process (the local stack): runs are serialized, triggers arriving during
 * a run are coalesced into the next one, a timer re-converges everything periodically (heartbeats, anything a
 * trigger missed), and a delayed relaunch (restart backoff) wakes the loop when it is due.
 */
import type { ReconcileReport } from './reconciler';

export interface ReconcileLoopOptions {
  /** full reconcile period (default 2 s) */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export class ReconcileLoop {
  private pending = new Set<string>();
  private pendingAll = false;
  private running: Promise<void> | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly reconcile: (name?: string) => Promise<ReconcileReport>,
    private readonly options: ReconcileLoopOptions = {},
  ) {}

  start(): void {
    this.interval = setInterval(() => this.trigger(), this.options.intervalMs ?? 2000);
    this.interval.unref();
    this.trigger();
  }

  /** Reconcile `name` (or everything) soon. */
  trigger(name?: string): void {
    if (this.stopped) return;
    if (name === undefined) this.pendingAll = true;
    else this.pending.add(name);
    this.running ??= this.drain();
  }

  /** Resolves once nothing is pending or running (tests, benchmarks). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No more runs; waits for the current one. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  private async drain(): Promise<void> {
    // Let a burst of synchronous triggers (one HTTP request → several store writes) collapse into one run.
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.stopped && (this.pendingAll || this.pending.size > 0)) {
      const all = this.pendingAll;
      const names = [...this.pending];
      this.pendingAll = false;
      this.pending.clear();
      try {
        const reports = all ? [await this.reconcile()] : await sequential(names, (n) => this.reconcile(n));
        for (const report of reports) this.scheduleWake(report);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    this.running = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private scheduleWake(report: ReconcileReport): void {
    if (report.nextWakeAt === undefined || this.stopped) return;
    const names = report.connectors;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        for (const name of names) this.trigger(name);
      },
      Math.max(0, report.nextWakeAt - Date.now()),
    );
    timer.unref();
    this.timers.add(timer);
  }
}

async function sequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
