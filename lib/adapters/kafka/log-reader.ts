/**
 * A group-less reader of a whole topic, like Apache Kafka Connect's `KafkaBasedLog`: every partition is read from
 * its earliest offset (`assign` + `seekToBeginning`), the reader keeps tailing while it runs, and `readToEnd`
 * waits until it has passed the end offsets the topic had when it was called.
 *
 * Why not a kafkajs consumer: kafkajs has no `assign()`, only group subscription, and joining a group costs a
 * JoinGroup round that a real broker delays by `group.initial.rebalance.delay.ms` (Apache's default 3 s) for the
 * first member of an empty group — on every start of every reader — and leaves a group per reader behind. So this
 * module talks to the partition leaders itself with the requests a consumer's fetch path uses (Metadata,
 * ListOffsets, Fetch), through kafkajs's `Cluster`/`Broker` (kafkajs 2.2.4, see `src/consumer/consumerGroup.js`
 * `fetch` and `recoverFromFetch`, which this follows). The `Cluster` comes from the `Kafka` instance's own private
 * factory, so connection settings (brokers, TLS, SASL including custom mechanisms such as MSK IAM, timeouts,
 * retry, logger, socket factory) are exactly the client's.
 *
 * Isolation level is READ_COMMITTED for both Fetch and the end offsets (the last stable offset): what kafkajs's
 * consumer used here before, and what Apache's offsets-topic consumer uses when the worker enables
 * `exactly.once.source.support` (KafkaOffsetBackingStore forces `isolation.level=read_committed` then; without
 * it the worker's consumer default, read_uncommitted, applies). Only transactional writers (Java workers with
 * exactly-once source support) make a difference, and for them aborted offsets must not be applied.
 */
import type { Broker, Cluster, Kafka, Logger } from 'kafkajs';

/** One record of the topic: control records and records of aborted transactions are never passed on. */
export interface LogRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface KafkaLogReaderOptions {
  /** from `createKafka` (./client); the reader builds its own connections from the same settings */
  readonly kafka: Kafka;
  readonly topic: string;
  /** What the topic is, for error messages (`Timed out … reading <description> <topic> to its end`); default `topic`. */
  readonly description?: string;
  /**
   * Records of one partition in offset order, called before the reader's position moves past them; a partition
   * reset to its earliest offset (its data was truncated or deleted, OFFSET_OUT_OF_RANGE) is read again, like
   * Apache's log does with `auto.offset.reset=earliest`.
   */
  readonly onRecords: (partition: number, records: readonly LogRecord[]) => void;
  /** How long the broker holds a Fetch on an idle tail (Fetch `max_wait_ms`); also bounds `stop()`. Default 500. */
  readonly maxWaitMs?: number;
}

const READ_COMMITTED = 1; // kafkajs src/protocol/isolationLevel.js
const DEFAULT_MAX_WAIT_MS = 500; // the Java consumer's fetch.max.wait.ms
const MAX_BYTES_PER_PARTITION = 1024 * 1024; // the Java consumer's max.partition.fetch.bytes
const MAX_BYTES = 10 * 1024 * 1024; // kafkajs consumer's default maxBytes; one oversized batch is still returned
const METADATA_MAX_AGE_MS = 300_000; // kafkajs consumer's default metadataMaxAge (0 would refresh on every fetch)

/** The fields of a kafkajs-decoded record that matter here (RecordBatch v2; legacy message sets lack batchContext). */
interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
  batchContext?: { firstOffset: string; lastOffsetDelta: number; producerId: string; inTransaction: boolean };
}

interface FetchedPartition {
  partition: number;
  abortedTransactions?: { producerId: string; firstOffset: string }[];
  messages: FetchedMessage[];
}

interface FetchResponse {
  responses: { topicName: string; partitions: FetchedPartition[] }[];
}

interface KafkaError extends Error {
  retriable?: boolean;
  type?: string;
  partition?: number;
  host?: string;
  port?: number;
}

/** Errors after which kafkajs's own consumer restarts (runner.js `isErrorRetriable` + cluster hiccups). */
function isRetriable(error: KafkaError): boolean {
  return (
    error.retriable === true ||
    error.name === 'KafkaJSNumberOfRetriesExceeded' ||
    error.name === 'KafkaJSLockTimeout' ||
    error.name === 'KafkaJSConnectionError' ||
    error.name === 'KafkaJSConnectionClosedError'
  );
}

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/**
 * A new `Cluster` with the `Kafka` instance's connection settings, through the factory its producer, consumer and
 * admin use (a Symbol-keyed property of kafkajs's `Client`; there is no public way to get one).
 */
function createCluster(kafka: Kafka): Cluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') {
    throw new Error(
      `kafkajs Client has no '${CREATE_CLUSTER}' factory: the group-less log reader needs kafkajs 2.x internals ` +
        '(written against 2.2.4)',
    );
  }
  return (create as (options: Record<string, unknown>) => Cluster)({
    metadataMaxAge: METADATA_MAX_AGE_MS,
    allowAutoTopicCreation: false,
    isolationLevel: READ_COMMITTED,
  });
}

interface Waiter {
  readonly targets: ReadonlyMap<number, number>;
  readonly resolve: () => void;
}

export class KafkaLogReader {
  /** next offset to read, per partition */
  private readonly positions = new Map<number, number>();
  private waiters: Waiter[] = [];
  private cluster: Cluster | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  /** bumped to make every fetch loop return after its current request, so leaders are looked up again */
  private generation = 0;
  private failure: Error | undefined;
  private stopped = false;
  /** pending back-off pauses (the fetch supervisor's and any readToEnd's), ended early by stop() */
  private readonly sleepers = new Set<() => void>();
  private readonly logger: Logger;

  constructor(private readonly options: KafkaLogReaderOptions) {
    this.logger = options.kafka.logger().namespace('KafkaLogReader');
  }

  /**
   * Connects, learns the partitions and their earliest offsets, and starts reading in the background; retries
   * retriable errors (a topic just created, leaders moving) until `timeoutMs` has passed.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.cluster) throw new Error(`log reader of ${this.options.topic} already started`);
    const cluster = createCluster(this.options.kafka);
    this.cluster = cluster;
    this.failure = undefined;
    this.stopped = false;
    try {
      await this.retryUntil(Date.now() + timeoutMs, async () => {
        await cluster.connect();
        await cluster.addTargetTopic(this.options.topic);
        const partitions = this.partitionLeaders().map(([partition]) => partition);
        await this.resetToEarliest(partitions);
      });
    } catch (error) {
      if (this.cluster === cluster) this.cluster = undefined;
      await cluster.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      // stop() was called while starting: it found nothing to close yet.
      await cluster.disconnect().catch(() => undefined);
      throw this.failure ?? new Error(`log reader of ${this.options.topic} stopped`);
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading and closes the connections (waits for an in-flight Fetch, at most `maxWaitMs`). */
  async stop(): Promise<void> {
    const { cluster, loop } = this;
    this.running = false;
    this.stopped = true;
    this.cluster = undefined;
    this.loop = undefined;
    for (const wake of [...this.sleepers]) wake();
    await loop;
    await cluster?.disconnect().catch(() => undefined);
    this.fail(new Error(`log reader of ${this.options.topic} stopped`));
  }

  /**
   * Resolves once every record written to the topic before this call (and committed) has been passed to
   * `onRecords`; rejects if the reader failed or stopped, or after `timeoutMs`.
   */
  async readToEnd(timeoutMs: number): Promise<void> {
    if (this.failure) throw this.failure;
    const deadline = Date.now() + timeoutMs;
    const targets = await this.retryUntil(deadline, () => this.endOffsets());
    if (!this.reached(targets)) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          new Promise<void>((resolve) => this.waiters.push({ targets, resolve })),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => {
                const what = `${this.options.description ?? 'topic'} ${this.options.topic}`;
                reject(new Error(`Timed out after ${timeoutMs} ms reading ${what} to its end`));
              },
              Math.max(0, deadline - Date.now()),
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    }
    if (this.failure) throw this.failure;
  }

  // ------------------------------------------------------------------------------------------------ internals

  private requireCluster(): Cluster {
    if (!this.cluster) throw this.failure ?? new Error(`log reader of ${this.options.topic} is not started`);
    return this.cluster;
  }

  /** [partition, leader node id] from the cached metadata; a partition without a leader is a retriable error. */
  private partitionLeaders(): [number, number][] {
    const metadata = this.requireCluster().findTopicPartitionMetadata(this.options.topic);
    if (metadata.length === 0) {
      throw Object.assign(new Error(`no metadata for topic ${this.options.topic} yet`), { retriable: true });
    }
    return metadata
      .map((p): [number, number] => {
        if (p.leader === null || p.leader === undefined || p.leader < 0) {
          throw Object.assign(new Error(`partition ${p.partitionId} of ${this.options.topic} has no leader`), {
            retriable: true,
          });
        }
        return [p.partitionId, p.leader];
      })
      .sort((a, b) => a[0] - b[0]);
  }

  /** ListOffsets (latest, read_committed: the last stable offset) of every partition. */
  private async endOffsets(): Promise<Map<number, number>> {
    const cluster = this.requireCluster();
    await cluster.refreshMetadataIfNecessary();
    const partitions = this.partitionLeaders().map(([partition]) => ({ partition }));
    const [result] = await cluster.fetchTopicsOffset([{ topic: this.options.topic, partitions, fromBeginning: false }]);
    return new Map((result?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  }

  /** Positions `partitions` at their earliest offsets (ListOffsets earliest), i.e. `seekToBeginning`. */
  private async resetToEarliest(partitions: readonly number[]): Promise<void> {
    if (partitions.length === 0) return;
    const [result] = await this.requireCluster().fetchTopicsOffset([
      { topic: this.options.topic, partitions: partitions.map((partition) => ({ partition })), fromBeginning: true },
    ]);
    for (const { partition, offset } of result?.partitions ?? []) this.positions.set(partition, Number(offset));
  }

  private reached(targets: ReadonlyMap<number, number>): boolean {
    for (const [partition, end] of targets) {
      const position = this.positions.get(partition);
      // A partition not known when the reader started counts as unread unless it is empty up to `end`.
      if ((position ?? 0) < end) return false;
    }
    return true;
  }

  private wakeWaiters(): void {
    const pending: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.reached(waiter.targets)) waiter.resolve();
      else pending.push(waiter);
    }
    this.waiters = pending;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }

  /** Waits `ms` or until `stop()`. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async retryUntil<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isRetriable(error as KafkaError) || Date.now() > deadline) throw error;
        await this.recover(error as KafkaError);
        await this.pause(Math.min(1000, 50 * attempt));
      }
    }
  }

  /** What kafkajs's consumer does after a failed fetch (`recoverFromFetch`), minus rejoining a group. */
  private async recover(error: KafkaError): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) return;
    if (error.name === 'KafkaJSConnectionClosedError' && error.host && error.port) {
      cluster.removeBroker({ host: error.host, port: error.port });
    }
    await cluster.refreshMetadata().catch(() => undefined);
  }

  /**
   * Supervises one fetch loop per partition leader (as kafkajs's fetchManager does per node) until stopped; when
   * a loop hits an error or sees leadership move, all loops end after their current Fetch and are planned again
   * from fresh metadata. Loops of one plan never overlap the next, so a partition is only read by one at a time.
   */
  private async run(): Promise<void> {
    for (let attempt = 1; this.running;) {
      try {
        const cluster = this.requireCluster();
        await cluster.refreshMetadataIfNecessary();
        const leaders = this.partitionLeaders();
        // Partitions added to the topic since start: read them from their beginning.
        await this.resetToEarliest(leaders.filter(([p]) => !this.positions.has(p)).map(([p]) => p));
        const byLeader = new Map<number, number[]>();
        for (const [partition, leader] of leaders) byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
        const generation = ++this.generation;
        const plan = [...byLeader].map(([leader, partitions]) =>
          this.fetchLoop(generation, leader, partitions, leaders).catch((error: unknown) => {
            this.generation++; // the other loops end after their current Fetch; then plan again
            throw error;
          }),
        );
        const settled = await Promise.allSettled(plan);
        const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (rejected) throw rejected.reason;
        attempt = 1;
      } catch (error) {
        if (!this.running) return;
        const kafkaError = error as KafkaError;
        if (!isRetriable(kafkaError)) {
          this.logger.error(`Reading ${this.options.topic} failed`, { error: kafkaError.message });
          this.fail(kafkaError);
          return;
        }
        this.logger.debug(`Reading ${this.options.topic}: ${kafkaError.message}; refreshing metadata`, {
          type: kafkaError.type,
        });
        await this.recover(kafkaError);
        await this.pause(Math.min(5000, 100 * 2 ** Math.min(attempt++, 6)));
      }
    }
  }

  private async fetchLoop(
    generation: number,
    leader: number,
    partitions: readonly number[],
    plan: readonly [number, number][],
  ): Promise<void> {
    const cluster = this.requireCluster();
    const { topic } = this.options;
    const broker: Broker = await cluster.findBroker({ nodeId: String(leader) });
    while (this.running && this.generation === generation) {
      const requested = new Map(partitions.map((p) => [p, this.positions.get(p) ?? 0]));
      let response: FetchResponse;
      try {
        response = (await broker.fetch({
          isolationLevel: READ_COMMITTED,
          maxWaitTime: this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
          minBytes: 1,
          maxBytes: MAX_BYTES,
          topics: [
            {
              topic,
              partitions: [...requested].map(([partition, offset]) => ({
                partition,
                fetchOffset: String(offset),
                maxBytes: MAX_BYTES_PER_PARTITION,
              })),
            },
          ],
        })) as FetchResponse;
      } catch (error) {
        const kafkaError = error as KafkaError;
        if (kafkaError.name === 'KafkaJSOffsetOutOfRange' && kafkaError.partition !== undefined) {
          // Our position is outside the log (records deleted, or the log truncated under us): start the
          // partition again from its beginning, as KafkaBasedLog's consumer (auto.offset.reset=earliest) does.
          this.logger.warn(`Offset out of range reading ${topic}, partition ${kafkaError.partition}: from earliest`);
          await this.resetToEarliest([kafkaError.partition]);
          continue;
        }
        throw error;
      }
      for (const { topicName, partitions: data } of response.responses) {
        if (topicName !== topic) continue;
        for (const partitionData of data) {
          const fetchOffset = requested.get(partitionData.partition);
          if (fetchOffset !== undefined) this.consume(partitionData, fetchOffset);
        }
      }
      this.wakeWaiters();
      // Leadership moved or partitions were added (metadata older than metadataMaxAge is refreshed here).
      await cluster.refreshMetadataIfNecessary();
      if (this.generation === generation && !samePlan(plan, this.partitionLeaders())) this.generation++;
    }
  }

  /**
   * Passes the records of one partition's Fetch data on and moves its position past them. The position moves to
   * the end of the last record batch returned (as the Java consumer's `nextFetchOffset`), so batches whose tail
   * was compacted away, control batches and aborted records are stepped over.
   */
  private consume(data: FetchedPartition, fetchOffset: number): void {
    if (this.positions.get(data.partition) !== fetchOffset) return; // reset while the Fetch was in flight
    let next = fetchOffset;
    const records: LogRecord[] = [];
    // Aborted transactions in this range (read_committed): from each one's first offset, that producer's
    // transactional records are skipped until its abort marker (the Java consumer's logic, per record).
    const aborted = [...(data.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
    const abortedProducers = new Set<string>();
    for (const message of data.messages) {
      const offset = Number(message.offset);
      const batch = message.batchContext;
      next = Math.max(next, batch ? Number(batch.firstOffset) + batch.lastOffsetDelta + 1 : offset + 1);
      while (aborted.length > 0 && offset >= Number(aborted[0]!.firstOffset)) {
        abortedProducers.add(aborted.shift()!.producerId);
      }
      if (message.isControlRecord) {
        // Control record key: version int16, type int16 (0 = ABORT, 1 = COMMIT).
        if (batch && message.key?.length === 4 && message.key.readInt16BE(2) === 0) {
          abortedProducers.delete(batch.producerId);
        }
        continue;
      }
      if (offset < fetchOffset) continue; // the head of a batch that starts before our position
      if (batch?.inTransaction && abortedProducers.has(batch.producerId)) continue;
      records.push({ offset, key: message.key, value: message.value });
    }
    if (records.length > 0) this.options.onRecords(data.partition, records);
    this.positions.set(data.partition, next);
  }
}

function samePlan(a: readonly [number, number][], b: readonly [number, number][]): boolean {
  return a.length === b.length && a.every(([p, leader], i) => b[i]![0] === p && b[i]![1] === leader);
}
