/**
 * Apache's `WorkerSinkTask`: consume (group `connect-<name>`, manual commits) → converters → transforms →
 * put(); at every `offset.flush.interval.ms`, on requestCommit(), on partition revocation and on stop:
 * preCommit() (flush) → commit the returned offsets (next offset to read) to the group. Offsets are committed
 * only after the task flushed what it was given, so a crash replays records but never skips one.
 */
import type { ConnectorConfigMap, ErrantRecordReporter, SinkTask, SinkTaskContext } from '../connect/connector';
import type { Converter, HeaderConverter, SchemaAndValue } from '../connect/converter';
import type { Header, OffsetAndMetadata, SinkRecord, TopicPartition } from '../connect/records';
import { topicPartitionKey } from '../connect/records';
import type { ConsumerPort, ConsumerRecord, ConsumerSubscription } from '../storage/kafka-ports';
import { isRetriable } from '../errors';
import { Backoff, sleep } from '../retry';
import type { DeadLetterQueueReporter } from './dead-letter-queue';
import type { ErrorContext, RetryWithToleranceOperator, Stage } from './error-handling';
import type { TaskMetrics } from './task-metrics';
import type { TransformationChain } from './transformation-chain';
import { WorkerTask } from './worker-task';
import type { TaskStateListener } from './worker-task';

export interface WorkerSinkTaskOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly task: SinkTask;
  readonly taskConfig: ConnectorConfigMap;
  readonly consumer: ConsumerPort;
  readonly subscription: ConsumerSubscription;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  readonly transforms: TransformationChain<SinkRecord>;
  readonly errors: RetryWithToleranceOperator;
  readonly offsetCommitIntervalMs: number;
  /** `max.poll.records`, if configured: the most records handed to one put() */
  readonly maxPollRecords?: number;
  readonly listener: TaskStateListener;
  readonly log?: (message: string) => void;
  /** `errors.deadletterqueue.topic.name` is set: started with the task, fed by the tolerance operator */
  readonly deadLetterQueue?: DeadLetterQueueReporter;
  /** KIP-610: the task gets an errant record reporter (a DLQ is configured, or errors.log.enable=true) */
  readonly errantRecordReporter?: boolean;
  /** the Java class names error reports name as executing each stage (Apache's `__connect.errors.class.name`) */
  readonly executingClasses?: Partial<Record<Stage, string>>;
  /** Apache's sink-task metrics, counted here (see task-metrics.ts) */
  readonly metrics?: TaskMetrics;
}

const POLL_TIMEOUT_MS = 500;
/** RetriableException from put() without context.timeout(): 0.1 s doubling to 10 s. */
const PUT_BACKOFF = { initialDelayMs: 100, maxDelayMs: 10_000 };
const NO_HEADERS: Header[] = [];

/** For error reports: the record's coordinates, built only when a stage failed. */
const describeRecord =
  (r: ConsumerRecord): (() => string) =>
  () =>
    `topic='${r.topic}', partition=${r.partition}, offset=${r.offset}`;

export class WorkerSinkTask extends WorkerTask {
  private readonly o: WorkerSinkTaskOptions;
  /** next offset to read per partition, for everything handed to put() */
  private readonly currentOffsets = new Map<string, { tp: TopicPartition; offset: OffsetAndMetadata }>();
  private readonly lastCommitted = new Map<string, number>();
  private readonly rewinds = new Map<string, { tp: TopicPartition; offset: number }>();
  private readonly assigned = new Map<string, TopicPartition>();
  private readonly pausedByTask = new Map<string, TopicPartition>();
  private commitRequested = false;
  private redeliverAfterMs: number | undefined;
  private nextCommitAt = 0;
  private readonly log: (message: string) => void;
  /** records handed to put() (for tests and benchmarks) */
  recordsPut = 0;

  constructor(options: WorkerSinkTaskOptions) {
    super(options.connector, options.taskId, options.listener);
    this.o = options;
    this.log = options.log ?? ((m) => console.error(m));
  }

  private context(): SinkTaskContext {
    return {
      configs: () => this.o.taskConfig,
      offset: (tp, offset) => {
        this.rewinds.set(topicPartitionKey(tp), { tp, offset });
      },
      timeout: (ms) => {
        this.redeliverAfterMs = ms;
      },
      assignment: () => [...this.assigned.values()],
      pause: (...tps) => {
        for (const tp of tps) this.pausedByTask.set(topicPartitionKey(tp), tp);
        this.o.consumer.pause(tps);
      },
      resume: (...tps) => {
        for (const tp of tps) this.pausedByTask.delete(topicPartitionKey(tp));
        if (!this.paused) this.o.consumer.resume(tps);
      },
      requestCommit: () => {
        this.commitRequested = true;
      },
      errantRecordReporter: () => this.errantReporter(),
    };
  }

  /** consumed record of each record handed to put(), for the errant record reporter (only when there is one) */
  private readonly consumedOf = new WeakMap<SinkRecord, ConsumerRecord>();
  /** a report under errors.tolerance=none: the task fails after put() returns, as Apache's maybeThrowAsyncError */
  private putFailure: unknown;

  private errantReporterInstance: ErrantRecordReporter | undefined;

  private errantReporter(): ErrantRecordReporter | null {
    if (!this.o.errantRecordReporter) return null;
    return (this.errantReporterInstance ??= { report: (record, error) => this.reportErrant(record, error) });
  }

  /** Apache's `WorkerErrantRecordReporter.report`: the record's consumed bytes go to the reporters (log, DLQ). */
  private reportErrant(record: SinkRecord, error: unknown): Promise<void> {
    const original = this.consumedOf.get(record) ?? this.reconvert(record);
    const context: ErrorContext = {
      stage: 'TASK_PUT',
      executingClass: 'org.apache.kafka.connect.sink.SinkTask',
      describe: describeRecord(original),
      original,
    };
    try {
      return this.o.errors.executeFailed(context, error);
    } catch (fatal) {
      this.putFailure ??= fatal;
      throw fatal;
    }
  }

  /** A record the task made up (not one we handed it): its bytes from the converters, as Apache does. */
  private reconvert(record: SinkRecord): ConsumerRecord {
    const { keyConverter, valueConverter, headerConverter } = this.o;
    return {
      topic: record.topic,
      partition: record.kafkaPartition ?? 0,
      offset: record.kafkaOffset,
      key: keyConverter.fromConnectData(record.topic, record.keySchema, record.key),
      value: valueConverter.fromConnectData(record.topic, record.valueSchema, record.value),
      timestamp: record.timestamp ?? -1,
      timestampType: record.timestampType,
      headers: record.headers.map((h) => ({
        key: h.key,
        value: headerConverter.fromConnectHeader(record.topic, h.key, h.schema, h.value),
      })),
    };
  }

  protected async execute(): Promise<void> {
    const { task, consumer } = this.o;
    task.initialize(this.context());
    let failure: unknown;
    try {
      await this.o.deadLetterQueue?.start();
      await task.start(this.o.taskConfig);
      await consumer.subscribe(this.o.subscription, {
        onPartitionsAssigned: (tps) => this.onAssigned(tps),
        onPartitionsRevoked: (tps) => this.onRevoked(tps),
      });
      this.reportStarted();
      if (this.paused) this.onPause();
      this.nextCommitAt = Date.now() + this.o.offsetCommitIntervalMs;
      await this.pollLoop();
    } catch (error) {
      failure = error;
    }
    await this.shutdown(failure === undefined);
    if (failure !== undefined) throw failure;
  }

  private async pollLoop(): Promise<void> {
    const backoff = new Backoff(PUT_BACKOFF);
    /** converted records of the last poll not yet accepted by put(), and the offsets they complete */
    let backlog: SinkRecord[] = [];
    let backlogOffsets = new Map<string, { tp: TopicPartition; offset: OffsetAndMetadata }>();
    /** consumed records the backlog stands for (the active count of the metrics) */
    let backlogConsumed = 0;
    const metrics = this.o.metrics;
    while (!this.stopping) {
      // Commit only between polls, so committed offsets never cover records put() has not accepted.
      if (backlog.length === 0 && (this.commitRequested || Date.now() >= this.nextCommitAt)) await this.commitOffsets();
      if (this.paused) {
        await this.waitWhilePaused(Math.max(10, this.nextCommitAt - Date.now()));
        continue;
      }
      if (backlog.length === 0) {
        const consumed = await this.o.consumer.poll(POLL_TIMEOUT_MS);
        metrics?.recordRead(consumed.length);
        if (consumed.length === 0) continue;
        backlogConsumed = consumed.length;
        ({ records: backlog, offsets: backlogOffsets } = await this.convert(consumed));
      }
      // Without max.poll.records the whole backlog is one put(): no copy of it.
      const max = this.o.maxPollRecords;
      const batch = max === undefined || backlog.length <= max ? backlog : backlog.slice(0, max);
      const putStart = metrics ? Date.now() : 0;
      try {
        await this.o.task.put(batch);
        this.throwIfReportedUntolerated();
      } catch (error) {
        this.throwIfReportedUntolerated();
        if (!isRetriable(error) || this.stopping) throw error;
        // Apache redelivers the same batch after context.timeout() (or a backoff).
        const wait = this.redeliverAfterMs ?? backoff.next();
        this.redeliverAfterMs = undefined;
        this.log(`${this.id} put() failed with a retriable error, redelivering in ${wait} ms: ${String(error)}`);
        await sleep(wait, this.stopSignal.signal);
        continue;
      }
      backoff.reset();
      this.recordsPut += batch.length;
      backlog = batch === backlog ? [] : backlog.slice(batch.length);
      const rewound = this.applyRewinds();
      if (rewound.size > 0) {
        // Records after a rewound position come again from the consumer.
        backlog = backlog.filter(
          (r) => !rewound.has(topicPartitionKey({ topic: r.topic, partition: r.kafkaPartition })),
        );
        for (const key of rewound) backlogOffsets.delete(key);
      }
      if (backlog.length === 0) for (const [key, entry] of backlogOffsets) this.currentOffsets.set(key, entry);
      if (metrics) {
        metrics.recordPut(batch.length, backlog.length === 0 ? backlogConsumed : 0, Date.now() - putStart);
        if (backlog.length === 0) for (const [key, e] of backlogOffsets) metrics.recordPosition(key, e.offset.offset);
      }
    }
  }

  /** Convert consumed records; offsets advance for every consumed record, also skipped or filtered ones. */
  private async convert(consumed: readonly ConsumerRecord[]): Promise<{
    records: SinkRecord[];
    offsets: Map<string, { tp: TopicPartition; offset: OffsetAndMetadata }>;
  }> {
    const { keyConverter, valueConverter, headerConverter, transforms, errors } = this.o;
    const noTransforms = transforms.isEmpty;
    const keepConsumed = this.o.errantRecordReporter === true;
    const out: SinkRecord[] = [];
    const offsets = new Map<string, { tp: TopicPartition; offset: OffsetAndMetadata }>();
    // Records come grouped by partition: one offsets entry per run of the same partition.
    let lastTp: TopicPartition | undefined;
    let lastNext = 0;
    const closeRun = (): void => {
      if (lastTp) offsets.set(topicPartitionKey(lastTp), { tp: lastTp, offset: { offset: lastNext } });
    };
    for (const r of consumed) {
      if (lastTp === undefined || lastTp.topic !== r.topic || lastTp.partition !== r.partition) {
        closeRun();
        lastTp = { topic: r.topic, partition: r.partition };
      }
      lastNext = r.offset + 1;
      let key: SchemaAndValue | undefined | Promise<SchemaAndValue | undefined>;
      let value: SchemaAndValue | undefined | Promise<SchemaAndValue | undefined>;
      // Fast path without closures (this loop runs per record: no allocation that is not the record's own); on
      // any error the tolerance operator runs the stage again (retry/skip/fail; a retry waits on a timer).
      try {
        key = keyConverter.toConnectData(r.topic, r.key);
      } catch {
        key = errors.execute(this.errorContext('KEY_CONVERTER', r), () => keyConverter.toConnectData(r.topic, r.key));
        if (key instanceof Promise) key = await key;
      }
      if (key === undefined) continue;
      try {
        value = valueConverter.toConnectData(r.topic, r.value);
      } catch {
        value = errors.execute(this.errorContext('VALUE_CONVERTER', r), () =>
          valueConverter.toConnectData(r.topic, r.value),
        );
        if (value instanceof Promise) value = await value;
      }
      if (value === undefined) continue;
      let headers: Header[] | undefined | Promise<Header[] | undefined> =
        r.headers.length === 0
          ? NO_HEADERS
          : errors.execute(this.errorContext('HEADER_CONVERTER', r), () =>
              r.headers.map((h) => {
                const sv = headerConverter.toConnectHeader(r.topic, h.key, h.value);
                return { key: h.key, schema: sv.schema, value: sv.value };
              }),
            );
      if (headers instanceof Promise) headers = await headers;
      if (headers === undefined) continue;
      const record: SinkRecord = {
        topic: r.topic,
        kafkaPartition: r.partition,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
        timestamp: r.timestampType === 'NoTimestampType' ? null : r.timestamp,
        headers,
        kafkaOffset: r.offset,
        timestampType: r.timestampType,
        originalTopic: r.topic,
        originalKafkaPartition: r.partition,
        originalKafkaOffset: r.offset,
      };
      if (noTransforms) {
        if (keepConsumed) this.consumedOf.set(record, r);
        out.push(record);
        continue;
      }
      // Through the operator directly: a transformation may keep state, so it must not run twice on an error.
      let transformed = errors.execute(this.errorContext('TRANSFORMATION', r), () => transforms.apply(record));
      if (transformed instanceof Promise) transformed = await transformed;
      if (transformed !== null && transformed !== undefined) {
        // Apache's InternalSinkRecord: the transformed record still knows the bytes it was consumed as.
        if (keepConsumed) this.consumedOf.set(transformed, r);
        out.push(transformed);
      }
    }
    closeRun();
    return { records: out, offsets };
  }

  private errorContext(stage: Stage, r: ConsumerRecord): ErrorContext {
    return {
      stage,
      executingClass: this.o.executingClasses?.[stage] ?? stage,
      describe: describeRecord(r),
      original: r,
    };
  }

  /** A record reported through the errant record reporter under errors.tolerance=none fails the task after put(). */
  private throwIfReportedUntolerated(): void {
    if (this.putFailure !== undefined) throw this.putFailure;
  }

  /** context.offset(): seek and forget what was consumed after the new position. */
  private applyRewinds(): Set<string> {
    const rewound = new Set(this.rewinds.keys());
    for (const [key, { tp, offset }] of this.rewinds) {
      this.o.consumer.seek(tp, offset);
      this.currentOffsets.set(key, { tp, offset: { offset } });
      this.lastCommitted.set(key, offset);
    }
    this.rewinds.clear();
    return rewound;
  }

  /** preCommit (flush) → commit what the task returned, for partitions still assigned. */
  private async commitOffsets(only?: readonly TopicPartition[]): Promise<void> {
    this.commitRequested = false;
    this.nextCommitAt = Date.now() + this.o.offsetCommitIntervalMs;
    // Records reported to the dead letter queue must be in it before their offsets are committed (Apache's
    // awaitFutures); a report that could not be written fails the task rather than lose the record.
    await this.o.errors.flushReports();
    const keys = only ? new Set(only.map(topicPartitionKey)) : undefined;
    const current = new Map<string, OffsetAndMetadata>();
    const tps = new Map<string, TopicPartition>();
    for (const [key, { tp, offset }] of this.currentOffsets) {
      if (keys && !keys.has(key)) continue;
      current.set(key, offset);
      tps.set(key, tp);
    }
    if (current.size === 0) return;
    let toCommit: ReadonlyMap<string, OffsetAndMetadata>;
    try {
      toCommit = await this.o.task.preCommit(current);
    } catch (error) {
      // Apache rewinds to the last committed offsets so nothing unflushed is lost.
      this.log(`${this.id} Offset commit failed, rewinding to last committed offsets: ${String(error)}`);
      for (const [key, tp] of tps) {
        const committed = this.lastCommitted.get(key);
        if (committed !== undefined) this.rewinds.set(key, { tp, offset: committed });
      }
      this.applyRewinds();
      return;
    }
    const commit = new Map<TopicPartition, number>();
    for (const [key, offset] of toCommit) {
      const tp = tps.get(key) ?? this.currentOffsets.get(key)?.tp;
      if (!tp || !this.assigned.has(key)) continue;
      if (this.lastCommitted.get(key) === offset.offset) continue;
      commit.set(tp, offset.offset);
    }
    if (commit.size === 0) {
      this.o.metrics?.recordCommit('skip', 0);
      return;
    }
    const commitStart = Date.now();
    try {
      await this.o.consumer.commit(commit);
      for (const [tp, offset] of commit) this.lastCommitted.set(topicPartitionKey(tp), offset);
      this.o.metrics?.recordCommit('success', Date.now() - commitStart);
    } catch (error) {
      this.log(`${this.id} Commit of offsets failed: ${String(error)}`);
      this.o.metrics?.recordCommit('failure', Date.now() - commitStart);
    }
  }

  private async onAssigned(tps: readonly TopicPartition[]): Promise<void> {
    for (const tp of tps) this.assigned.set(topicPartitionKey(tp), tp);
    this.o.metrics?.recordAssignment(this.assigned.keys());
    await this.o.task.open(tps);
    if (this.paused) this.o.consumer.pause(tps);
  }

  private async onRevoked(tps: readonly TopicPartition[]): Promise<void> {
    await this.commitOffsets(tps);
    await this.o.task.close(tps);
    for (const tp of tps) {
      const key = topicPartitionKey(tp);
      this.assigned.delete(key);
      this.currentOffsets.delete(key);
      this.lastCommitted.delete(key);
    }
    this.o.metrics?.recordAssignment(this.assigned.keys());
  }

  private async shutdown(clean: boolean): Promise<void> {
    if (clean) {
      try {
        await this.commitOffsets();
      } catch (error) {
        this.log(`${this.id} Final offset commit failed: ${String(error)}`);
      }
    }
    try {
      await this.o.task.close([...this.assigned.values()]);
    } catch (error) {
      this.log(`${this.id} Exception thrown while closing partitions: ${String(error)}`);
    }
    try {
      await this.o.task.stop();
    } catch (error) {
      this.log(`${this.id} Exception thrown while stopping task: ${String(error)}`);
    }
    this.o.transforms.close();
    await this.o.errors.close();
    await this.o.consumer.close().catch(() => undefined);
  }

  protected override onPause(): void {
    this.o.consumer.pause([...this.assigned.values()]);
  }

  /** As Apache's WorkerSinkTask.stop() wakes its consumer: shut down now, not when the poll times out. */
  protected override onStop(): void {
    this.o.errors.stop();
    this.o.consumer.wakeup?.();
  }

  protected override onResume(): void {
    const resume = [...this.assigned.values()].filter((tp) => !this.pausedByTask.has(topicPartitionKey(tp)));
    this.o.consumer.resume(resume);
  }
}
