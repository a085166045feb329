/**
 * The counters of one running task, under Apache's metric names (ConnectMetricsRegistry: groups
 * `source-task-metrics`, `sink-task-metrics`, `connector-task-metrics`, `task-error-metrics`). The source and sink
 * loops call the small `record…` methods on their hot paths (plain additions, no allocation); a snapshot — the
 * rates over a sliding window, averages, the times of the last poll/put/commit and, for sinks, the lag — is taken
 * once per heartbeat and travels with the task's status (lib/storage TaskProgress). Exporters (Prometheus text,
 * CloudWatch EMF) read those snapshots; nothing here knows about them.
 */
import type { PartitionLag } from '../storage/kafka-ports';
import type { TaskPartitionLag, TaskProgress } from '../storage/ports';

/** Apache's `metrics.sample.window.ms` (30 s) × `metrics.num.samples` (2): the window of the `-rate` values. */
export const RATE_WINDOW_MS = 60_000;

/** Totals whose `-rate` companion is derived over the window. */
const RATED = [
  'source-record-poll',
  'source-record-write',
  'sink-record-read',
  'sink-record-send',
  'offset-commit-completion',
  'offset-commit-skip',
] as const;
type Rated = (typeof RATED)[number];

interface Sample {
  readonly at: number;
  readonly totals: Readonly<Record<Rated, number>>;
}

class TimeStat {
  count = 0;
  sum = 0;
  max = 0;
  add(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

export class TaskMetrics {
  private readonly totals: Record<Rated, number> = {
    'source-record-poll': 0,
    'source-record-write': 0,
    'sink-record-read': 0,
    'sink-record-send': 0,
    'offset-commit-completion': 0,
    'offset-commit-skip': 0,
  };
  private readonly pollBatch = new TimeStat();
  private readonly putBatch = new TimeStat();
  private readonly commitTime = new TimeStat();
  private commitFailures = 0;
  private recordErrors = 0;
  private recordsSkipped = 0;
  private recordFailures = 0;
  private dlqRequests = 0;
  private dlqFailures = 0;
  private lastErrorAt = 0;
  private active = 0;
  private assigned = new Set<string>();
  private groupCommitted = -1;
  private groupMovedAt: number;
  private lastPollAt: number | null = null;
  private lastPutAt: number | null = null;
  private lastCommitAt: number | null = null;
  private readonly positions = new Map<string, number>();
  private lag: readonly PartitionLag[] | undefined;
  private readonly samples: Sample[] = [];
  private lagProbe: (() => Promise<readonly PartitionLag[]>) | undefined;
  private closeProbe: (() => Promise<void>) | undefined;
  private lagReading = false;
  private closed = false;
  private skippedElsewhere: () => number = () => 0;
  readonly startedAt: number;

  constructor(
    readonly kind: 'source' | 'sink',
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.groupMovedAt = this.startedAt;
    this.samples.push({ at: this.startedAt, totals: { ...this.totals } });
  }

  /** Source: poll() returned `records` after `ms`. */
  recordPoll(records: number, ms: number): void {
    this.lastPollAt = this.now();
    if (records === 0) return;
    this.totals['source-record-poll'] += records;
    this.active += records;
    this.pollBatch.add(ms);
  }

  /** Source: Kafka acknowledged `records` produced records (`polled`: the source records they stand for). */
  recordWrite(records: number, polled: number = records): void {
    this.lastPutAt = this.now();
    this.totals['source-record-write'] += records;
    this.active = Math.max(0, this.active - polled);
  }

  /** Source: records polled but not produced (filtered by a transform, skipped on error) leave the active count. */
  recordDropped(polled: number): void {
    this.active = Math.max(0, this.active - polled);
  }

  /** Sink: records read from Kafka. */
  recordRead(records: number): void {
    this.lastPollAt = this.now();
    if (records === 0) return;
    this.totals['sink-record-read'] += records;
    this.active += records;
  }

  /**
   * Sink: put() accepted `records` (after transforms) standing for `consumed` consumed records, in `ms`.
   * `positions`: the next offset to read per `topic-partition` after this batch.
   */
  recordPut(records: number, consumed: number, ms: number): void {
    this.lastPutAt = this.now();
    this.totals['sink-record-send'] += records;
    this.active = Math.max(0, this.active - consumed);
    this.putBatch.add(ms);
  }

  /** Sink: the next offset to read of a partition (topicPartitionKey form; lag is measured from it). */
  recordPosition(key: string, next: number): void {
    this.positions.set(key, next);
  }

  /** Sink: the partitions assigned to this task now (topicPartitionKey form); lag is reported for these. */
  recordAssignment(keys: Iterable<string>): void {
    this.assigned = new Set(keys);
    for (const key of this.positions.keys()) if (!this.assigned.has(key)) this.positions.delete(key);
  }

  /** An offset commit (source: flush to the offsets store; sink: group commit) succeeded / was skipped / failed. */
  recordCommit(outcome: 'success' | 'skip' | 'failure', ms: number): void {
    if (outcome === 'skip') {
      this.totals['offset-commit-skip']++;
      return;
    }
    this.commitTime.add(ms);
    if (outcome === 'failure') {
      this.commitFailures++;
      return;
    }
    this.totals['offset-commit-completion']++;
    this.lastCommitAt = this.now();
  }

  /** task-error-metrics: a record failed in a stage; `skipped` under errors.tolerance=all. */
  recordError(skipped: boolean): void {
    this.recordErrors++;
    this.recordFailures++;
    if (skipped) this.recordsSkipped++;
    this.lastErrorAt = this.now();
  }

  /** task-error-metrics: a produce request to the dead letter queue topic. */
  recordDeadLetter(failed: boolean): void {
    this.dlqRequests++;
    if (failed) this.dlqFailures++;
  }

  /**
   * Sink: where the group's lag comes from (the admin API), and how to release it. Read by refreshLag(), never
   * on the task's hot path.
   */
  setLagProbe(probe: () => Promise<readonly PartitionLag[]>, close: () => Promise<void>): void {
    this.lagProbe = probe;
    this.closeProbe = close;
  }

  /**
   * Starts one lag read unless one is under way; the next snapshot carries its result. Not awaited by the
   * heartbeat, so a slow admin request never delays a status write.
   */
  refreshLag(onError?: (error: unknown) => void): void {
    if (!this.lagProbe || this.lagReading || this.closed) return;
    this.lagReading = true;
    this.lagProbe()
      .then((lag) => this.setLag(lag))
      .catch((error: unknown) => onError?.(error))
      .finally(() => (this.lagReading = false));
  }

  /** Error counts kept elsewhere (the tolerance operator's skipped records) are read at snapshot time. */
  trackSkipped(skipped: () => number): void {
    this.skippedElsewhere = skipped;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closeProbe?.().catch(() => undefined);
  }

  /** Sink: the group's lag as the admin API last read it. */
  setLag(lag: readonly PartitionLag[]): void {
    this.lag = lag;
    const committed = lag.reduce((sum, l) => sum + (l.committed ?? 0), 0);
    if (committed !== this.groupCommitted) {
      if (this.groupCommitted >= 0) this.groupMovedAt = this.now();
      this.groupCommitted = committed;
    }
  }

  /** One snapshot: Apache-named values, progress times, lag. Also takes a rate sample (call once per heartbeat). */
  snapshot(): TaskProgress {
    const at = this.now();
    while (this.samples.length > 1 && at - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0]!;
    const seconds = Math.max(1, (at - oldest.at) / 1000);
    const m: Record<string, number> = {};
    const rated =
      this.kind === 'source'
        ? RATED.filter((n) => !n.startsWith('sink-'))
        : RATED.filter((n) => !n.startsWith('source-'));
    for (const name of rated) {
      m[`${name}-total`] = this.totals[name];
      m[`${name}-rate`] = (this.totals[name] - oldest.totals[name]) / seconds;
    }
    if (this.kind === 'source') {
      m['source-record-active-count'] = this.active;
      m['poll-batch-avg-time-ms'] = this.pollBatch.avg;
      m['poll-batch-max-time-ms'] = this.pollBatch.max;
    } else {
      m['sink-record-active-count'] = this.active;
      m['put-batch-avg-time-ms'] = this.putBatch.avg;
      m['put-batch-max-time-ms'] = this.putBatch.max;
      m['partition-count'] = this.assigned.size;
    }
    const commits = this.commitTime.count;
    m['offset-commit-avg-time-ms'] = this.commitTime.avg;
    m['offset-commit-max-time-ms'] = this.commitTime.max;
    m['offset-commit-success-percentage'] = commits === 0 ? 0 : (commits - this.commitFailures) / commits;
    m['offset-commit-failure-percentage'] = commits === 0 ? 0 : this.commitFailures / commits;
    const skippedElsewhere = this.skippedElsewhere();
    m['total-record-failures'] = this.recordFailures + skippedElsewhere;
    m['total-record-errors'] = this.recordErrors + skippedElsewhere;
    m['total-records-skipped'] = this.recordsSkipped + skippedElsewhere;
    m['deadletterqueue-produce-requests'] = this.dlqRequests;
    m['deadletterqueue-produce-failures'] = this.dlqFailures;
    m['last-error-timestamp'] = this.lastErrorAt;
    const group = this.kind === 'sink' ? this.lag : undefined;
    const lag = group
      ? this.lagFromPositions(group.filter((l) => this.assigned.has(`${l.topic}-${l.partition}`)))
      : undefined;
    if (lag) {
      m['sink-record-lag-max'] = lag.reduce((max, l) => Math.max(max, l.lag), 0);
      m['records-lag'] = lag.reduce((sum, l) => sum + l.lag, 0);
    }
    this.samples.push({ at, totals: { ...this.totals } });
    return {
      kind: this.kind,
      startedAt: this.startedAt,
      at,
      recordsIn: this.kind === 'source' ? this.totals['source-record-poll'] : this.totals['sink-record-read'],
      recordsOut: this.kind === 'source' ? this.totals['source-record-write'] : this.totals['sink-record-send'],
      recordsActive: this.active,
      lastPollAt: this.lastPollAt,
      lastPutAt: this.lastPutAt,
      lastCommitAt: this.lastCommitAt,
      metrics: m,
      ...(lag ? { lag } : {}),
      ...(group ? { groupLag: group.reduce((sum, l) => sum + l.lag, 0), groupCommitMovedAt: this.groupMovedAt } : {}),
    };
  }

  /**
   * The committed offset lags behind what the task has already put (commits come every offset.flush.interval.ms);
   * the task's own position is the truer start: a sink that put everything is not behind.
   */
  private lagFromPositions(group: readonly PartitionLag[]): TaskPartitionLag[] {
    return group.map(({ topic, partition, committed, end, lag }) => {
      const position = this.positions.get(`${topic}-${partition}`);
      if (position === undefined || (committed !== null && position < committed))
        return { topic, partition, position: committed, end, lag };
      return { topic, partition, position, end, lag: Math.max(0, end - position) };
    });
  }
}
