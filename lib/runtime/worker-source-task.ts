/**
 * Apache's `WorkerSourceTask` (at-least-once): poll → transforms → converters → produce in batches; the source
 * offsets of ACKNOWLEDGED records only are flushed to the OffsetStore every `offset.flush.interval.ms` and on
 * stop, so a crash can replay records but never skip one.
 *
 * Batching: records are grouped into produce requests of at most `max.request.size` bytes (and `batch.size`
 * bytes when it is set, below); up to `max.in.flight.requests.per.connection` requests are in flight (Connect sets
 * 1, which keeps order across retries). While requests are in flight the loop keeps polling and converting the
 * next batch, which is what Java's producer accumulator gives Apache. With `linger.ms` set, a request that is not
 * full waits up to that long after its first record for more (Java's linger), unless a flush, pause or stop sends it.
 */
import { SourceTask } from '../connect/connector';
import type { ConnectorConfigMap } from '../connect/connector';
import type { Converter, HeaderConverter } from '../connect/converter';
import type { RecordMetadata, SourceMap, SourceRecord } from '../connect/records';
import type { TopicCreationGroup } from '../config/topic-creation';
import { topicCreationGroupFor } from '../config/topic-creation';
import type { KafkaHeader, ProducerPort, ProducerRecord, TopicAdminPort } from '../storage/kafka-ports';
import { partitionKey } from '../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../storage/ports';
import { isRetriable } from '../errors';
import { Backoff, backoffDelay, sleep } from '../retry';
import type { ErrorContext, RetryWithToleranceOperator, StageResult } from './error-handling';
import { WorkerTransactionContext } from './exactly-once-source';
import type { SourceTransactions, TransactionRequest } from './exactly-once-source';
import { OffsetStorageReaderImpl } from './offset-storage-reader';
import type { TaskMetrics } from './task-metrics';
import type { TransformationChain } from './transformation-chain';
import { WorkerTask } from './worker-task';
import type { TaskStateListener } from './worker-task';

export interface WorkerSourceTaskOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly task: SourceTask;
  readonly taskConfig: ConnectorConfigMap;
  readonly producer: ProducerPort;
  readonly offsetStore: OffsetStore;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  readonly transforms: TransformationChain<SourceRecord>;
  readonly errors: RetryWithToleranceOperator;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly maxInFlight: number;
  /**
   * KIP-158 `topic.creation.*` (worker `topic.creation.enable=true` and the connector has groups): a topic the
   * task writes to for the first time is created, when missing, with the settings of its group.
   */
  readonly topicCreation?: { readonly groups: readonly TopicCreationGroup[]; readonly admin: TopicAdminPort };
  /** Java's `delivery.timeout.ms`: how long retriable produce errors are retried (default, as Connect's: forever) */
  readonly deliveryTimeoutMs?: number;
  /** upper bound of one produce request (Java's `max.request.size`) */
  readonly maxRequestBytes: number;
  /** upper bound of records in one produce request (see MAX_RECORDS_PER_REQUEST in worker.ts) */
  readonly maxRequestRecords?: number;
  /**
   * Java's `batch.size`, when the connector's producer sets it: at most this many bytes of records per request
   * (Java: per partition per request; our partitioners spread a request over partitions, so the cap applies to the
   * whole request, which is never larger than Java's). 0 disables batching: one record per request.
   */
  readonly batchSizeBytes?: number;
  /** Java's `linger.ms`, when set: how long a request that is not full waits for more records (see above) */
  readonly lingerMs?: number;
  readonly listener: TaskStateListener;
  readonly log?: (message: string) => void;
  /** the Java class names error reports name as executing each stage (Apache's `__connect.errors.class.name`) */
  readonly executingClasses?: Partial<
    Record<'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER', string>
  >;
  /** Apache's source-task metrics, counted here (see task-metrics.ts) */
  readonly metrics?: TaskMetrics;
  /**
   * Exactly-once (KIP-618, ./exactly-once-source): records and their offsets are committed in producer
   * transactions instead of offset flushes; a failed send fails the task (no errors.tolerance, as Apache).
   */
  readonly transactions?: SourceTransactions;
}

/** RetriableException from poll(): 0.1 s doubling to 10 s. */
const POLL_BACKOFF = { initialDelayMs: 100, maxDelayMs: 10_000 };
/** A produce request that failed with a retriable error: again after 0.1 s, doubling to 5 s (between kafkajs' own retries). */
const PRODUCE_BACKOFF = { initialDelayMs: 100, maxDelayMs: 5_000 };

/** Approximate per-record overhead in a v2 record batch (varints, attributes, deltas). */
const RECORD_OVERHEAD = 24;
const BATCH_OVERHEAD = 61;
const NO_HEADERS: readonly KafkaHeader[] = [];

/** One produce request and the source records it stands for (filtered/skipped ones included, with no output). */
interface Chunk {
  readonly seq: number;
  readonly sources: SourceRecord[];
  /** producer record index per source record; -1 = nothing was produced for it */
  readonly produced: number[];
  readonly records: ProducerRecord[];
  bytes: number;
  /** last offset per source partition in this chunk (the current run of one partition is kept in `last`) */
  readonly offsets: Map<string, SourceOffsetEntry>;
  last: SourceRecord | undefined;
  /** when the chunk was started (linger.ms counts from there) */
  readonly createdAt: number;
  /** when the first produce request of this chunk was made (delivery.timeout.ms counts from there) */
  firstSentAt: number;
  /** failed produce requests so far (the backoff grows with them) */
  attempts: number;
}

export class WorkerSourceTask extends WorkerTask {
  private readonly o: WorkerSourceTaskOptions;
  private readonly queue: Chunk[] = [];
  private readonly inFlight = new Map<number, Promise<void>>();
  private nextSeq = 0;
  /** chunks acknowledged but not yet contiguous with everything before them */
  private readonly acked = new Map<number, Chunk>();
  private nextAckSeq = 0;
  /** offsets of acknowledged records not yet written to the OffsetStore */
  private readonly dirty = new Map<string, SourceOffsetEntry>();
  private flushing: Promise<void> | undefined;
  private nextFlushAt = 0;
  private sendError: unknown;
  private readonly partitionKeys = new WeakMap<SourceMap, string>();
  private readonly log: (message: string) => void;
  /** records acknowledged by Kafka (for tests and benchmarks) */
  recordsAcked = 0;
  private readonly maxRequestRecords: number;
  private readonly maxRequestBytes: number;
  private readonly lingerMs: number;
  /** pump() again when the oldest lingering chunk is due */
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly deliveryTimeoutMs: number;

  constructor(options: WorkerSourceTaskOptions) {
    super(options.connector, options.taskId, options.listener);
    this.o = options;
    this.log = options.log ?? ((m) => console.error(m));
    this.maxRequestRecords = options.maxRequestRecords ?? Number.MAX_SAFE_INTEGER;
    this.maxRequestBytes =
      options.batchSizeBytes === undefined
        ? options.maxRequestBytes
        : Math.min(options.maxRequestBytes, BATCH_OVERHEAD + options.batchSizeBytes);
    this.lingerMs = options.lingerMs ?? 0;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 2147483647;
    // commitRecord() per record only when the task overrides the SPI's no-op (FileStream does not).
    const commitRecord = (options.task as Partial<SourceTask>).commitRecord;
    this.callsCommitRecord = typeof commitRecord === 'function' && commitRecord !== SourceTask.prototype.commitRecord;
    this.transactionContext = options.transactions?.connectorDefined ? new WorkerTransactionContext() : undefined;
  }

  private readonly callsCommitRecord: boolean;
  /** `transaction.boundary=connector`: the task's TransactionContext */
  private readonly transactionContext: WorkerTransactionContext | undefined;

  protected async execute(): Promise<void> {
    const { task } = this.o;
    const transactionContext = this.transactionContext;
    task.initialize({
      configs: () => this.o.taskConfig,
      offsetStorageReader: () => new OffsetStorageReaderImpl(this.o.connector, this.o.offsetStore),
      transactionContext: () => transactionContext ?? null,
    });
    await this.o.producer.connect();
    let failure: unknown;
    try {
      // Fence older generations before the task reads its offsets (Apache: before SourceTask.start()).
      await this.o.transactions?.init();
      await task.start(this.o.taskConfig);
      this.reportStarted();
      this.nextFlushAt = Date.now() + this.o.offsetFlushIntervalMs;
      await this.pollLoop();
    } catch (error) {
      failure = error;
    }
    await this.shutdown(failure !== undefined);
    if (failure !== undefined) throw failure;
  }

  private async pollLoop(): Promise<void> {
    const backoff = new Backoff(POLL_BACKOFF);
    const transactionContext = this.transactionContext;
    while (!this.stopping) {
      this.throwIfSendFailed();
      if (this.o.transactions) {
        if (this.o.transactions.intervalElapsed()) await this.commitTransaction();
      } else this.maybeFlushOffsets();
      if (this.paused) {
        if (this.flushOnPause) {
          // Paused: what was polled is sent and its offsets committed now, not at the next interval.
          this.flushOnPause = false;
          await this.dispatch(true);
          this.nextFlushAt = 0;
          this.maybeFlushOffsets();
          await this.flushing;
        }
        await this.waitWhilePaused(Math.max(10, this.nextFlushAt - Date.now()));
        continue;
      }
      let records: SourceRecord[] | null;
      const pollStart = Date.now();
      try {
        records = await this.o.task.poll();
        this.o.metrics?.recordPoll(records?.length ?? 0, Date.now() - pollStart);
        backoff.reset();
      } catch (error) {
        if (!isRetriable(error) || this.stopping) throw error;
        this.log(`${this.id} poll() failed with a retriable error, retrying: ${String(error)}`);
        await sleep(backoff.next(), this.stopSignal.signal);
        continue;
      }
      if (records === null || records.length === 0) {
        if (transactionContext) await this.connectorBoundary(transactionContext.takeBatchRequest());
        continue;
      }
      if (transactionContext) {
        await this.sendWithConnectorBoundaries(records, transactionContext);
        continue;
      }
      // Convert one request's worth at a time and dispatch it: the next request is ready (and acknowledgements
      // are taken) while the rest of a large poll() batch is converted, rather than after all of it.
      for (let from = 0; from < records.length; from += this.maxRequestRecords) {
        await this.enqueue(records, from, Math.min(records.length, from + this.maxRequestRecords));
        await this.dispatch(false);
      }
      if (this.o.transactions?.perPoll) await this.commitTransaction();
    }
  }

  /** Sends records[from, to) one request's worth at a time. */
  private async sendRange(records: SourceRecord[], from: number, to: number): Promise<void> {
    for (let start = from; start < to; start += this.maxRequestRecords) {
      await this.enqueue(records, start, Math.min(to, start + this.maxRequestRecords));
      await this.dispatch(false);
    }
  }

  /**
   * `transaction.boundary=connector`: the batch is sent up to each record the task asked to commit or abort on,
   * then that transaction ends; after the batch, a batch-level request ends the open one (Apache's
   * ExactlyOnceWorkerSourceTask checks after each record and after each batch).
   */
  private async sendWithConnectorBoundaries(records: SourceRecord[], context: WorkerTransactionContext) {
    let from = 0;
    if (context.hasRecordRequests) {
      for (let i = 0; i < records.length; i++) {
        const request = context.takeRecordRequest(records[i] as SourceRecord);
        if (request === undefined) continue;
        await this.sendRange(records, from, i + 1);
        from = i + 1;
        await this.connectorBoundary(request);
      }
    }
    await this.sendRange(records, from, records.length);
    await this.connectorBoundary(context.takeBatchRequest());
  }

  /**
   * Ends the open transaction as the connector asked. An abort drops the transaction's records but, as Apache
   * does, still commits their source offsets (in a transaction of their own), so the task does not see them again.
   */
  private async connectorBoundary(request: TransactionRequest | undefined): Promise<void> {
    const transactions = this.o.transactions;
    if (request === undefined || !transactions) return;
    if (request === 'abort') {
      await this.dispatch(true);
      this.throwIfSendFailed();
      this.log(`${this.id} Aborting transaction as requested by the connector`);
      await transactions.abortOpen();
    }
    await this.commitTransaction();
  }

  /**
   * Exactly-once: send everything converted, then commit the records and their source offsets in one
   * transaction. A failure propagates and fails the task: the transaction is never committed, so nothing of it
   * is visible, and the next generation resumes from the last committed offsets.
   */
  private async commitTransaction(): Promise<void> {
    const transactions = this.o.transactions;
    if (!transactions) return;
    await this.dispatch(true);
    this.throwIfSendFailed();
    const entries = [...this.dirty.values()];
    this.dirty.clear();
    await transactions.commit(entries);
    try {
      await this.o.task.commit();
    } catch (error) {
      this.log(`${this.id} Exception thrown while calling task.commit(): ${String(error)}`);
    }
  }

  private throwIfSendFailed(): void {
    if (this.sendError !== undefined) throw this.sendError;
  }

  /**
   * Transform and convert records[from, to) into produce chunks. Synchronous per record (converters are CPU work)
   * unless a stage is being retried after a RetriableException; while that waits, acknowledgements may send the
   * chunk being filled, so the next record then starts a new one.
   */
  private async enqueue(records: readonly SourceRecord[], from: number, to: number): Promise<void> {
    let chunk = this.queue.at(-1) ?? this.newChunk();
    for (let i = from; i < to; i++) {
      const original = records[i] as SourceRecord;
      let produced = this.convert(original);
      if (produced instanceof Promise) {
        produced = await produced;
        if (this.queue.at(-1) !== chunk) chunk = this.newChunk();
      }
      const size = produced ? recordSize(produced) : 0;
      if (
        produced &&
        chunk.records.length > 0 &&
        (chunk.bytes + size > this.maxRequestBytes || chunk.records.length >= this.maxRequestRecords)
      ) {
        chunk = this.newChunk();
      }
      const at = produced ? chunk.records.push(produced) - 1 : -1;
      // Source records are kept only for commitRecord(); most tasks do not override it.
      if (this.callsCommitRecord) {
        chunk.sources.push(original);
        chunk.produced.push(at);
      }
      chunk.bytes += size;
      if (original.sourcePartition !== null) {
        // Consecutive records of one partition (the usual case) only move `last`; a change records the run.
        if (chunk.last !== undefined && chunk.last.sourcePartition !== original.sourcePartition) closeRun(chunk, this);
        chunk.last = original;
      }
    }
  }

  /**
   * Transform + convert one record; undefined when it is dropped (filtered, or skipped by errors.tolerance), a
   * promise while a failed stage is retried. The hot path has no inner functions, so V8 allocates neither closures
   * nor a context per record; on any error the tolerance operator runs the failed stage again (retry/skip/fail)
   * in `stage()`.
   */
  private convert(original: SourceRecord): StageResult<ProducerRecord> {
    if (this.o.transforms.isEmpty) return this.convertTransformed(original, original);
    const record = this.stage('TRANSFORMATION', original, original);
    return record instanceof Promise
      ? record.then((r) => this.convertTransformed(original, r))
      : this.convertTransformed(original, record);
  }

  private convertTransformed(
    original: SourceRecord,
    record: SourceRecord | null | undefined,
  ): StageResult<ProducerRecord> {
    if (record === null || record === undefined) return undefined;
    let key: StageResult<Uint8Array | null>;
    try {
      key = this.o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key);
    } catch {
      key = this.stage('KEY_CONVERTER', original, record);
    }
    return key instanceof Promise
      ? key.then((k) => this.convertValue(original, record, k))
      : this.convertValue(original, record, key);
  }

  private convertValue(
    original: SourceRecord,
    record: SourceRecord,
    key: Uint8Array | null | undefined,
  ): StageResult<ProducerRecord> {
    if (key === undefined) return undefined;
    let value: StageResult<Uint8Array | null>;
    try {
      value = this.o.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value);
    } catch {
      value = this.stage('VALUE_CONVERTER', original, record);
    }
    return value instanceof Promise
      ? value.then((v) => this.convertHeaders(original, record, key, v))
      : this.convertHeaders(original, record, key, value);
  }

  private convertHeaders(
    original: SourceRecord,
    record: SourceRecord,
    key: Uint8Array | null,
    value: Uint8Array | null | undefined,
  ): StageResult<ProducerRecord> {
    if (value === undefined) return undefined;
    const headers = record.headers.length === 0 ? NO_HEADERS : this.stage('HEADER_CONVERTER', original, record);
    const build = (h: readonly KafkaHeader[] | undefined): ProducerRecord | undefined =>
      h === undefined
        ? undefined
        : {
            topic: record.topic,
            partition: record.kafkaPartition,
            key,
            value,
            timestamp: record.timestamp,
            headers: h,
          };
    return headers instanceof Promise ? headers.then(build) : build(headers);
  }

  /** One stage of convert() under the tolerance operator (the paths that need closures). */
  private stage(
    stage: 'TRANSFORMATION',
    original: SourceRecord,
    record: SourceRecord,
  ): StageResult<SourceRecord | null>;
  private stage(
    stage: 'KEY_CONVERTER' | 'VALUE_CONVERTER',
    original: SourceRecord,
    record: SourceRecord,
  ): StageResult<Uint8Array | null>;
  private stage(stage: 'HEADER_CONVERTER', original: SourceRecord, record: SourceRecord): StageResult<KafkaHeader[]>;
  private stage(
    stage: 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER',
    original: SourceRecord,
    record: SourceRecord,
  ): StageResult<SourceRecord | Uint8Array | KafkaHeader[] | null> {
    const { keyConverter, valueConverter, headerConverter, transforms, errors } = this.o;
    const context: ErrorContext = {
      stage,
      executingClass: this.o.executingClasses?.[stage] ?? stage,
      describe: () => `topic='${original.topic}', partition=${original.kafkaPartition}`,
    };
    switch (stage) {
      case 'TRANSFORMATION':
        return errors.execute(context, () => transforms.apply(original));
      case 'KEY_CONVERTER':
        return errors.execute(context, () => keyConverter.fromConnectData(record.topic, record.keySchema, record.key));
      case 'VALUE_CONVERTER':
        return errors.execute(context, () =>
          valueConverter.fromConnectData(record.topic, record.valueSchema, record.value),
        );
      case 'HEADER_CONVERTER':
        return errors.execute(context, () =>
          record.headers.map((h) => ({
            key: h.key,
            value: headerConverter.fromConnectHeader(record.topic, h.key, h.schema, h.value),
          })),
        );
    }
  }

  private newChunk(): Chunk {
    const chunk: Chunk = {
      seq: this.nextSeq++,
      sources: [],
      produced: [],
      records: [],
      bytes: BATCH_OVERHEAD,
      offsets: new Map(),
      createdAt: this.lingerMs > 0 ? Date.now() : 0,
      last: undefined,
      firstSentAt: 0,
      attempts: 0,
    };
    this.queue.push(chunk);
    return chunk;
  }

  /** offsets-topic partition key of a source partition (cached per partition object) */
  keyOf(partition: SourceMap): string {
    let key = this.partitionKeys.get(partition);
    if (key === undefined) {
      key = partitionKey(partition);
      this.partitionKeys.set(partition, key);
    }
    return key;
  }

  /**
   * Start sending queued chunks while there is room in flight. Backpressure: when a full chunk is waiting (or
   * `all`), wait for in-flight requests to complete before converting more: one request in flight and the next
   * one ready is all the pipeline needs, and fewer records alive keep the heap (and GC) small.
   */
  private async dispatch(all: boolean): Promise<void> {
    for (;;) {
      this.pump(all);
      const waiting = this.queue.length > 1 || (this.queue.length > 0 && (all || this.isFull(this.queue[0] as Chunk)));
      if (this.inFlight.size === 0 || (!waiting && !all)) return;
      await Promise.race(this.inFlight.values());
      this.throwIfSendFailed();
      if (all && this.queue.length === 0 && this.inFlight.size === 0) return;
    }
  }

  /** No further record fits into the chunk (polling more would only start the next one). */
  private isFull(chunk: Chunk): boolean {
    return chunk.records.length >= this.maxRequestRecords || chunk.bytes + RECORD_OVERHEAD >= this.maxRequestBytes;
  }

  /**
   * Send queued chunks while there is room in flight (also called on each acknowledgement, like Java's sender).
   * With linger.ms, the last chunk (the one being filled) waits until it is full or has lingered long enough,
   * unless `all` (a flush, pause or stop); a timer sends it then, even while poll() waits for data.
   */
  private pump(all = false): void {
    while (this.queue.length > 0 && this.inFlight.size < this.o.maxInFlight && this.sendError === undefined) {
      const chunk = this.queue[0] as Chunk;
      if (this.lingerMs > 0 && !all && this.queue.length === 1 && !this.isFull(chunk)) {
        const due = chunk.createdAt + this.lingerMs - Date.now();
        if (due > 0) {
          this.lingerTimer ??= setTimeout(() => {
            this.lingerTimer = undefined;
            this.pump();
          }, due);
          return;
        }
      }
      this.send(this.queue.shift() as Chunk);
    }
  }

  private send(chunk: Chunk): void {
    chunk.firstSentAt = Date.now();
    this.inFlight.set(chunk.seq, this.attemptSend(chunk));
  }

  /** One produce request of the chunk; on a retriable failure the promise covers the retries too. */
  private attemptSend(chunk: Chunk): Promise<void> {
    const created = this.o.topicCreation ? this.createTopics(chunk.records) : undefined;
    const produce = (): Promise<RecordMetadata[]> =>
      chunk.records.length === 0
        ? Promise.resolve<RecordMetadata[]>([])
        : this.o.producer.send(chunk.records, { metadata: this.callsCommitRecord });
    const sent = created ? created.then(produce) : produce();
    return sent.then(
      (metadata) => this.onAcked(chunk, metadata),
      (error: unknown) => this.onSendFailed(chunk, error),
    );
  }

  /** topics this task has created or found to exist (Apache's `TopicCreation` cache) */
  private readonly knownTopics = new Set<string>();

  /**
   * Apache's `WorkerSourceTask.maybeCreateTopic`: before the first record to a topic is sent, create the topic
   * with its group's partitions, replication factor and configs unless it exists. Undefined when every topic of
   * the chunk is known (the usual case, with no promise).
   */
  private createTopics(records: readonly ProducerRecord[]): Promise<void> | undefined {
    const creation = this.o.topicCreation;
    if (!creation) return undefined;
    let fresh: string[] | undefined;
    let last: string | undefined;
    for (const { topic } of records) {
      if (topic === last) continue;
      last = topic;
      if (!this.knownTopics.has(topic) && !fresh?.includes(topic)) (fresh ??= []).push(topic);
    }
    if (!fresh) return undefined;
    return Promise.all(
      fresh.map(async (topic) => {
        const group = topicCreationGroupFor(creation.groups, topic);
        if (group) {
          const created = await creation.admin.ensureTopic(topic, {
            partitions: group.partitions,
            replicationFactor: group.replicationFactor,
            configs: group.otherConfigs,
          });
          if (created) this.log(`${this.id} Created topic '${topic}' using creation group ${group.name}`);
        }
        this.knownTopics.add(topic);
      }),
    ).then(() => undefined);
  }

  private onAcked(chunk: Chunk, metadata: readonly RecordMetadata[]): void {
    this.inFlight.delete(chunk.seq);
    this.recordsAcked += chunk.records.length;
    this.o.metrics?.recordWrite(chunk.records.length, chunk.sources.length);
    for (let i = 0; this.callsCommitRecord && i < chunk.sources.length; i++) {
      const at = chunk.produced[i] as number;
      this.commitRecord(chunk.sources[i] as SourceRecord, at < 0 ? null : (metadata[at] ?? null));
    }
    // Offsets become flushable only once every earlier chunk is acknowledged too.
    closeRun(chunk, this);
    this.acked.set(chunk.seq, chunk);
    for (let next = this.acked.get(this.nextAckSeq); next; next = this.acked.get(this.nextAckSeq)) {
      this.acked.delete(this.nextAckSeq++);
      for (const [key, entry] of next.offsets) this.dirty.set(key, entry);
    }
    this.pump();
  }

  /**
   * Apache's Connect producer retries retriable errors until `delivery.timeout.ms` (forever by default), so a
   * broker outage of any length loses nothing: the chunk is sent again after a backoff (a timer: heartbeats,
   * status and stop keep working meanwhile), and backpressure stops polling while it is out. Only errors that
   * another attempt cannot fix (e.g. a record too large) are subject to errors.tolerance. A stop during the
   * retries abandons the chunk unacknowledged: its offsets (and every later chunk's) are never committed, so the
   * records are produced again by the next run.
   */
  private async onSendFailed(chunk: Chunk, error: unknown): Promise<void> {
    if (this.o.transactions) {
      // A transaction with a failed write cannot commit, and sending the chunk again in it could write it twice:
      // Apache's exactly-once task fails here too (kafkajs has already retried retriable errors).
      this.inFlight.delete(chunk.seq);
      this.sendError = error;
      return;
    }
    const elapsed = Date.now() - chunk.firstSentAt;
    if (isRetriable(error) && elapsed < this.deliveryTimeoutMs) {
      if (this.stopping) {
        this.inFlight.delete(chunk.seq);
        this.log(`${this.id} Stopping with ${chunk.records.length} records unacknowledged: ${String(error)}`);
        return;
      }
      const delay = Math.min(backoffDelay(PRODUCE_BACKOFF, ++chunk.attempts), this.deliveryTimeoutMs - elapsed);
      this.log(
        `${this.id} Failed to send ${chunk.records.length} records (attempt ${chunk.attempts}), retrying in ` +
          `${Math.round(delay)} ms: ${String(error)}`,
      );
      await sleep(delay, this.stopSignal.signal);
      if (this.stopping) {
        this.inFlight.delete(chunk.seq);
        return;
      }
      return this.attemptSend(chunk);
    }
    try {
      // errors.tolerance=all: Apache logs the failed send and moves on, so the chunk counts as done.
      this.o.errors.tolerate(
        {
          stage: 'KAFKA_PRODUCE',
          executingClass: 'org.apache.kafka.clients.producer.KafkaProducer',
          describe: () => `${chunk.records.length} records`,
        },
        error,
      );
    } catch (fatal) {
      this.inFlight.delete(chunk.seq);
      this.sendError = fatal;
      return;
    }
    this.onAcked(chunk, []);
    this.recordsAcked -= chunk.records.length;
  }

  private commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void {
    try {
      const result = this.o.task.commitRecord(record, metadata);
      if (result instanceof Promise) result.catch((e: unknown) => this.log(`commitRecord failed: ${String(e)}`));
    } catch (error) {
      this.log(`${this.id} Exception thrown while calling task.commitRecord(): ${String(error)}`);
    }
  }

  private maybeFlushOffsets(): void {
    if (Date.now() < this.nextFlushAt || this.flushing) return;
    this.nextFlushAt = Date.now() + this.o.offsetFlushIntervalMs;
    this.flushing = this.flushOffsets().finally(() => (this.flushing = undefined));
  }

  /** Write the offsets of acknowledged records, then call task.commit(). Failures are logged and retried later. */
  private async flushOffsets(): Promise<void> {
    if (this.dirty.size === 0) return;
    const entries = new Map(this.dirty);
    this.dirty.clear();
    let timer: NodeJS.Timeout | undefined;
    const flushStart = Date.now();
    try {
      await Promise.race([
        this.o.offsetStore.put(this.o.connector, [...entries.values()]),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Timed out after ${this.o.offsetFlushTimeoutMs} ms`)),
            this.o.offsetFlushTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.log(`${this.id} Failed to flush offsets to storage: ${String(error)}`);
      this.o.metrics?.recordCommit('failure', Date.now() - flushStart);
      for (const [key, entry] of entries) if (!this.dirty.has(key)) this.dirty.set(key, entry);
      return;
    } finally {
      clearTimeout(timer);
    }
    this.o.metrics?.recordCommit('success', Date.now() - flushStart);
    try {
      await this.o.task.commit();
    } catch (error) {
      this.log(`${this.id} Exception thrown while calling task.commit(): ${String(error)}`);
    }
  }

  /** Stop polling, send what was converted, wait for acks, flush offsets, close the producer. */
  private async shutdown(failed: boolean): Promise<void> {
    await this.stopTask();
    clearTimeout(this.lingerTimer);
    if (this.o.transactions) {
      await this.shutdownTransactional(this.o.transactions, failed);
      return;
    }
    if (!failed) {
      try {
        await this.dispatch(true);
      } catch (error) {
        this.log(`${this.id} Failed to send outstanding records on stop: ${String(error)}`);
      }
    } else {
      await Promise.allSettled(this.inFlight.values());
    }
    await this.flushing;
    await this.flushOffsets();
    this.o.transforms.close();
    await this.o.producer.close().catch(() => undefined);
  }

  /** Exactly-once stop: commit what was polled (a clean stop) or abort it (a failure), then close. */
  private async shutdownTransactional(transactions: SourceTransactions, failed: boolean): Promise<void> {
    let committed = false;
    // A connector that defines its boundaries commits its last transaction only if it asked for it (Apache).
    const final = this.transactionContext ? this.transactionContext.takeBatchRequest() : 'commit';
    if (!failed && final !== undefined) {
      try {
        if (final === 'abort') await this.connectorBoundary('abort');
        else await this.commitTransaction();
        committed = true;
      } catch (error) {
        this.log(`${this.id} Failed to commit the last transaction on stop: ${String(error)}`);
      }
    }
    if (!committed) {
      await Promise.allSettled(this.inFlight.values());
      await transactions
        .abort()
        .catch((error: unknown) => this.log(`${this.id} Failed to abort the transaction: ${String(error)}`));
    }
    this.o.transforms.close();
    await this.o.producer.close().catch(() => undefined);
  }

  private taskStopped: Promise<void> | undefined;

  /** task.stop(), once (Apache's tryStop): called early by stop() to wake a waiting poll(), and on shutdown. */
  private stopTask(): Promise<void> {
    this.taskStopped ??= Promise.resolve()
      .then(() => this.o.task.stop())
      .catch((error: unknown) => this.log(`${this.id} Exception thrown while stopping task: ${String(error)}`));
    return this.taskStopped;
  }

  private flushOnPause = false;

  protected override onPause(): void {
    this.flushOnPause = true;
  }

  protected override onStop(): void {
    this.o.errors.stop();
    // Wake a poll() that is waiting for data (FileStream's 1 s idle wait).
    void this.stopTask();
  }
}

/** Record the offset of the chunk's current run of one source partition. */
const closeRun = (chunk: Chunk, task: WorkerSourceTask): void => {
  const last = chunk.last;
  if (last?.sourcePartition) {
    chunk.offsets.set(task.keyOf(last.sourcePartition), { partition: last.sourcePartition, offset: last.sourceOffset });
  }
  chunk.last = undefined;
};

const recordSize = (r: ProducerRecord): number => {
  let size = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) size += h.key.length + (h.value?.length ?? 0) + 2;
  return size;
};
