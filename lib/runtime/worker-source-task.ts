/**
 * Apache's `WorkerSourceTask` (at-least-once): poll → transforms → converters → produce in batches; the source
 * offsets of ACKNOWLEDGED records only are flushed to the OffsetStore every `offset.flush.interval.ms` and on
 * stop, so a crash can replay records but never skip one.
 *
 * Batching: records are grouped into produce requests of at most `max.request.size` bytes; up to
 * `max.in.flight.requests.per.connection` requests are in flight (Apache forces 1, which keeps order across
 * retries). While requests are in flight the loop keeps polling and converting the next batch, which is what
 * Java's producer accumulator gives Apache.
 */
import { SourceTask } from '../connect/connector';
import type { ConnectorConfigMap } from '../connect/connector';
import type { Converter, HeaderConverter } from '../connect/converter';
import type { RecordMetadata, SourceMap, SourceRecord } from '../connect/records';
import type { KafkaHeader, ProducerPort, ProducerRecord } from '../storage/kafka-ports';
import { partitionKey } from '../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../storage/ports';
import { Backoff, isRetriableError, sleep } from './error-handling';
import type { RetryWithToleranceOperator } from './error-handling';
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
  /** upper bound of one produce request (Java's `max.request.size`) */
  readonly maxRequestBytes: number;
  /** upper bound of records in one produce request (see MAX_RECORDS_PER_REQUEST in worker.ts) */
  readonly maxRequestRecords?: number;
  readonly listener: TaskStateListener;
  readonly log?: (message: string) => void;
  /** Apache's source-task metrics, counted here (see task-metrics.ts) */
  readonly metrics?: TaskMetrics;
}

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

  constructor(options: WorkerSourceTaskOptions) {
    super(options.connector, options.taskId, options.listener);
    this.o = options;
    this.log = options.log ?? ((m) => console.error(m));
    this.maxRequestRecords = options.maxRequestRecords ?? Number.MAX_SAFE_INTEGER;
    // commitRecord() per record only when the task overrides the SPI's no-op (FileStream does not).
    const commitRecord = (options.task as Partial<SourceTask>).commitRecord;
    this.callsCommitRecord = typeof commitRecord === 'function' && commitRecord !== SourceTask.prototype.commitRecord;
  }

  private readonly callsCommitRecord: boolean;

  protected async execute(): Promise<void> {
    const { task } = this.o;
    task.initialize({
      configs: () => this.o.taskConfig,
      offsetStorageReader: () => new OffsetStorageReaderImpl(this.o.connector, this.o.offsetStore),
    });
    await this.o.producer.connect();
    let failure: unknown;
    try {
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
    const backoff = new Backoff();
    while (!this.stopping) {
      this.throwIfSendFailed();
      this.maybeFlushOffsets();
      if (this.paused) {
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
        if (!isRetriableError(error) || this.stopping) throw error;
        this.log(`${this.id} poll() failed with a retriable error, retrying: ${String(error)}`);
        await sleep(backoff.next(), this.stopSignal.signal);
        continue;
      }
      if (records === null || records.length === 0) continue;
      // Convert one request's worth at a time and dispatch it: the next request is ready (and acknowledgements
      // are taken) while the rest of a large poll() batch is converted, rather than after all of it.
      for (let from = 0; from < records.length; from += this.maxRequestRecords) {
        this.enqueue(records, from, Math.min(records.length, from + this.maxRequestRecords));
        await this.dispatch(false);
      }
    }
  }

  private throwIfSendFailed(): void {
    if (this.sendError !== undefined) throw this.sendError;
  }

  /** Transform and convert records[from, to) into produce chunks (synchronous: converters are CPU work). */
  private enqueue(records: readonly SourceRecord[], from: number, to: number): void {
    let chunk = this.queue.at(-1) ?? this.newChunk();
    for (let i = from; i < to; i++) {
      const original = records[i] as SourceRecord;
      const produced = this.convert(original);
      const size = produced ? recordSize(produced) : 0;
      if (
        produced &&
        chunk.records.length > 0 &&
        (chunk.bytes + size > this.o.maxRequestBytes || chunk.records.length >= this.maxRequestRecords)
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
   * Transform + convert one record; undefined when it is dropped (filtered, or skipped by errors.tolerance).
   * The hot path has no inner functions, so V8 allocates neither closures nor a context per record; on any error
   * the tolerance operator runs the failed stage again (retry/skip/fail) in `stage()`.
   */
  private convert(original: SourceRecord): ProducerRecord | undefined {
    const { keyConverter, valueConverter, transforms } = this.o;
    const record = transforms.isEmpty ? original : this.stage('TRANSFORMATION', original, original);
    if (record === null || record === undefined) return undefined;
    let key: Uint8Array | null | undefined;
    let value: Uint8Array | null | undefined;
    try {
      key = keyConverter.fromConnectData(record.topic, record.keySchema, record.key);
    } catch {
      key = this.stage('KEY_CONVERTER', original, record);
    }
    if (key === undefined) return undefined;
    try {
      value = valueConverter.fromConnectData(record.topic, record.valueSchema, record.value);
    } catch {
      value = this.stage('VALUE_CONVERTER', original, record);
    }
    if (value === undefined) return undefined;
    const headers = record.headers.length === 0 ? NO_HEADERS : this.stage('HEADER_CONVERTER', original, record);
    if (headers === undefined) return undefined;
    return { topic: record.topic, partition: record.kafkaPartition, key, value, timestamp: record.timestamp, headers };
  }

  /** One stage of convert() under the tolerance operator (the paths that need closures). */
  private stage(stage: 'TRANSFORMATION', original: SourceRecord, record: SourceRecord): SourceRecord | null | undefined;
  private stage(
    stage: 'KEY_CONVERTER' | 'VALUE_CONVERTER',
    original: SourceRecord,
    record: SourceRecord,
  ): Uint8Array | null | undefined;
  private stage(stage: 'HEADER_CONVERTER', original: SourceRecord, record: SourceRecord): KafkaHeader[] | undefined;
  private stage(
    stage: 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER',
    original: SourceRecord,
    record: SourceRecord,
  ): SourceRecord | Uint8Array | KafkaHeader[] | null | undefined {
    const { keyConverter, valueConverter, headerConverter, transforms, errors } = this.o;
    const describe = (): string => `topic='${original.topic}', partition=${original.kafkaPartition}`;
    switch (stage) {
      case 'TRANSFORMATION':
        return errors.execute(stage, describe, () => transforms.apply(original));
      case 'KEY_CONVERTER':
        return errors.execute(stage, describe, () =>
          keyConverter.fromConnectData(record.topic, record.keySchema, record.key),
        );
      case 'VALUE_CONVERTER':
        return errors.execute(stage, describe, () =>
          valueConverter.fromConnectData(record.topic, record.valueSchema, record.value),
        );
      case 'HEADER_CONVERTER':
        return errors.execute(stage, describe, () =>
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
      last: undefined,
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
      this.pump();
      const waiting = this.queue.length > 1 || (this.queue.length > 0 && (all || this.isFull(this.queue[0] as Chunk)));
      if (this.inFlight.size === 0 || (!waiting && !all)) return;
      await Promise.race(this.inFlight.values());
      this.throwIfSendFailed();
      if (all && this.queue.length === 0 && this.inFlight.size === 0) return;
    }
  }

  /** No further record fits into the chunk (polling more would only start the next one). */
  private isFull(chunk: Chunk): boolean {
    return chunk.records.length >= this.maxRequestRecords || chunk.bytes + RECORD_OVERHEAD >= this.o.maxRequestBytes;
  }

  /** Send queued chunks while there is room in flight (also called on each acknowledgement, like Java's sender). */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.o.maxInFlight && this.sendError === undefined) {
      this.send(this.queue.shift() as Chunk);
    }
  }

  private send(chunk: Chunk): void {
    const sent =
      chunk.records.length === 0
        ? Promise.resolve<RecordMetadata[]>([])
        : this.o.producer.send(chunk.records, { metadata: this.callsCommitRecord });
    const done = sent.then(
      (metadata) => this.onAcked(chunk, metadata),
      (error: unknown) => this.onSendFailed(chunk, error),
    );
    this.inFlight.set(chunk.seq, done);
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

  private onSendFailed(chunk: Chunk, error: unknown): void {
    try {
      // errors.tolerance=all: Apache logs the failed send and moves on, so the chunk counts as done.
      this.o.errors.tolerate('KAFKA_PRODUCE', () => `${chunk.records.length} records`, error);
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

  private taskStopped: Promise<void> | undefined;

  /** task.stop(), once (Apache's tryStop): called early by stop() to wake a waiting poll(), and on shutdown. */
  private stopTask(): Promise<void> {
    this.taskStopped ??= Promise.resolve()
      .then(() => this.o.task.stop())
      .catch((error: unknown) => this.log(`${this.id} Exception thrown while stopping task: ${String(error)}`));
    return this.taskStopped;
  }

  protected override onStop(): void {
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
