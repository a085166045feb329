/**
 * The progress of a task the JVM task host runs (a Java plug-in, docs/java-plugins.md), in the shape every task
 * reports with its heartbeat (TaskProgress). The JVM sends Apache's own task metrics — its Worker's metrics
 * registry, groups `source-task-metrics`, `sink-task-metrics`, `connector-task-metrics`, `task-error-metrics` —
 * once a second (a `metrics` event); this class keeps the latest, derives the times of the last poll / put /
 * commit from the movement of Apache's totals (Apache has no such metrics; a sink's last poll and a source's
 * last commit come from the JVM directly), and adds a sink's lag from the group's committed offsets, read the
 * same way as for a JavaScript sink (TaskMetrics' lag probe, never on the JVM's path).
 */
import type { PartitionLag } from '../storage/kafka-ports';
import type { TaskProgress } from '../storage/ports';
import { TaskMetrics } from './task-metrics';

/** One `metrics` event of the JVM task host. */
export interface JvmMetricsReport {
  readonly kind: 'source' | 'sink';
  /** epoch ms at which the JVM read its metrics */
  readonly at: number;
  /** Apache metric name → value (non-finite values arrive as 0) */
  readonly metrics: Readonly<Record<string, number>>;
  /** sink: the partitions its consumer fetches from */
  readonly assigned?: readonly { readonly topic: string; readonly partition: number }[];
  /** sink: its consumer's last poll (the consumer's `last-poll-seconds-ago`) */
  readonly lastPollAt?: number;
  /** source: the last offset commit the offsets topic acknowledged */
  readonly lastCommitAt?: number;
}

/** Reads a `metrics` event; undefined when it is not one this version understands. */
export function parseJvmMetricsReport(event: Readonly<Record<string, unknown>>): JvmMetricsReport | undefined {
  const { kind, at, metrics } = event;
  if ((kind !== 'source' && kind !== 'sink') || typeof at !== 'number' || typeof metrics !== 'object' || !metrics)
    return undefined;
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) if (typeof value === 'number') values[name] = value;
  const assigned = Array.isArray(event.assigned)
    ? (event.assigned as { topic?: unknown; partition?: unknown }[]).flatMap((p) =>
        typeof p.topic === 'string' && typeof p.partition === 'number'
          ? [{ topic: p.topic, partition: p.partition }]
          : [],
      )
    : undefined;
  return {
    kind,
    at,
    metrics: values,
    ...(assigned ? { assigned } : {}),
    ...(typeof event.lastPollAt === 'number' ? { lastPollAt: event.lastPollAt } : {}),
    ...(typeof event.lastCommitAt === 'number' ? { lastCommitAt: event.lastCommitAt } : {}),
  };
}

export class JvmTaskMetrics {
  private last: JvmMetricsReport | undefined;
  private lastPollAt: number | null = null;
  private lastPutAt: number | null = null;
  private lastCommitAt: number | null = null;
  /** only its lag bookkeeping is used: the group's lag, filtered to the assigned partitions */
  private readonly lag: TaskMetrics;
  readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    this.lag = new TaskMetrics('sink', now);
  }

  /** Sink: where the group's lag comes from (the admin API), as TaskMetrics.setLagProbe. */
  setLagProbe(probe: () => Promise<readonly PartitionLag[]>, close: () => Promise<void>): void {
    this.lag.setLagProbe(probe, close);
  }

  /** One `metrics` event from the JVM. */
  report(report: JvmMetricsReport): void {
    const previous = this.last?.metrics ?? {};
    const moved = (name: string): boolean => (report.metrics[name] ?? 0) > (previous[name] ?? 0);
    if (report.kind === 'source') {
      if (moved('source-record-poll-total')) this.lastPollAt = report.at;
      if (moved('source-record-write-total')) this.lastPutAt = report.at;
      if (report.lastCommitAt !== undefined) this.lastCommitAt = report.lastCommitAt;
    } else {
      if (report.lastPollAt !== undefined) this.lastPollAt = report.lastPollAt;
      else if (moved('sink-record-read-total')) this.lastPollAt = report.at;
      if (moved('sink-record-send-total')) this.lastPutAt = report.at;
      if (moved('offset-commit-completion-total')) this.lastCommitAt = report.at;
      if (report.assigned) this.lag.recordAssignment(report.assigned.map((p) => `${p.topic}-${p.partition}`));
    }
    this.last = report;
  }

  /** Starts one lag read (a sink's); the next snapshot carries its result. */
  refreshLag(onError?: (error: unknown) => void): void {
    if (this.last?.kind === 'sink') this.lag.refreshLag(onError);
  }

  /** The progress for the next heartbeat; undefined until the JVM has reported. */
  snapshot(): TaskProgress | undefined {
    const report = this.last;
    if (!report) return undefined;
    const m: Record<string, number> = { ...report.metrics };
    const source = report.kind === 'source';
    let lagFields: Pick<TaskProgress, 'lag' | 'groupLag' | 'groupCommitMovedAt'> = {};
    if (!source) {
      const { lag, groupLag, groupCommitMovedAt } = this.lag.snapshot();
      // Ours, as for JavaScript sinks: the sum over the task's partitions (Apache has only sink-record-lag-max).
      if (lag) m['records-lag'] = lag.reduce((sum, l) => sum + l.lag, 0);
      lagFields = {
        ...(lag ? { lag } : {}),
        ...(groupLag === undefined ? {} : { groupLag }),
        ...(groupCommitMovedAt === undefined ? {} : { groupCommitMovedAt }),
      };
    }
    const value = (name: string): number => report.metrics[name] ?? 0;
    return {
      kind: report.kind,
      startedAt: this.startedAt,
      at: this.now(),
      recordsIn: value(source ? 'source-record-poll-total' : 'sink-record-read-total'),
      recordsOut: value(source ? 'source-record-write-total' : 'sink-record-send-total'),
      recordsActive: value(source ? 'source-record-active-count' : 'sink-record-active-count'),
      lastPollAt: this.lastPollAt,
      lastPutAt: this.lastPutAt,
      lastCommitAt: this.lastCommitAt,
      metrics: m,
      ...lagFields,
    };
  }

  close(): Promise<void> {
    return this.lag.close();
  }
}
