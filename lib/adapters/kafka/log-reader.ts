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
 * The client-neutral lifecycle (start/stop, readToEnd, retries, the per-leader fetch supervisor) is
 * `TailingLogReader` (lib/storage/tailing-log-reader.ts); this class is its kafkajs half.
 *
 * Isolation level is READ_COMMITTED for both Fetch and the end offsets (the last stable offset): what kafkajs's
 * consumer used here before, and what Apache's offsets-topic consumer uses when the worker enables
 * `exactly.once.source.support` (KafkaOffsetBackingStore forces `isolation.level=read_committed` then; without
 * it the worker's consumer default, read_uncommitted, applies). Only transactional writers (Java workers with
 * exactly-once source support) make a difference, and for them aborted offsets must not be applied.
 */
import type { Broker, Cluster, Kafka, Logger } from 'kafkajs';
import { retriableError, TailingLogReader } from '../../storage/tailing-log-reader';
import type { FetchRound, PartitionLeaders, TailingLogReaderOptions } from '../../storage/tailing-log-reader';

/** One record of the topic: control records and records of aborted transactions are never passed on. */
export interface LogRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface KafkaLogReaderOptions extends TailingLogReaderOptions<LogRecord> {
  /** from `createKafka` (./client); the reader builds its own connections from the same settings */
  readonly kafka: Kafka;
}

const READ_COMMITTED = 1; // kafkajs src/protocol/isolationLevel.js
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

export class KafkaLogReader extends TailingLogReader<Cluster, string, LogRecord> {
  private readonly kafka: Kafka;
  private readonly logger: Logger;

  constructor(options: KafkaLogReaderOptions) {
    super(options);
    this.kafka = options.kafka;
    this.logger = options.kafka.logger().namespace('KafkaLogReader');
  }

  // ------------------------------------------------------------------------------------------------ hooks

  protected newClient(): Cluster {
    return createCluster(this.kafka);
  }

  protected closeClient(cluster: Cluster): Promise<void> {
    return cluster.disconnect();
  }

  protected async connect(cluster: Cluster): Promise<readonly number[]> {
    await cluster.connect();
    await cluster.addTargetTopic(this.options.topic);
    return this.partitionLeaders().map(([partition]) => partition);
  }

  protected async topicLeaders(): Promise<{ topic: string; leaders: PartitionLeaders }> {
    await this.requireClient().refreshMetadataIfNecessary();
    return { topic: this.options.topic, leaders: this.partitionLeaders() };
  }

  /** ListOffsets (latest, read_committed: the last stable offset) of every partition. */
  protected async endOffsets(): Promise<Map<number, number>> {
    const cluster = this.requireClient();
    await cluster.refreshMetadataIfNecessary();
    const partitions = this.partitionLeaders().map(([partition]) => ({ partition }));
    const [result] = await cluster.fetchTopicsOffset([{ topic: this.options.topic, partitions, fromBeginning: false }]);
    return new Map((result?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  }

  protected async earliestOffsets(partitions: readonly number[]): Promise<[number, number][]> {
    const [result] = await this.requireClient().fetchTopicsOffset([
      { topic: this.options.topic, partitions: partitions.map((partition) => ({ partition })), fromBeginning: true },
    ]);
    return (result?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]);
  }

  protected async openFetch(leader: number, topic: string): Promise<FetchRound<LogRecord>> {
    const broker: Broker = await this.requireClient().findBroker({ nodeId: String(leader) });
    return async (requested) => {
      let response: FetchResponse;
      try {
        response = (await broker.fetch({
          isolationLevel: READ_COMMITTED,
          maxWaitTime: this.maxWaitMs,
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
          return undefined;
        }
        throw error;
      }
      return response.responses
        .filter(({ topicName }) => topicName === topic)
        .flatMap(({ partitions }) =>
          partitions.map((data) => ({
            partition: data.partition,
            decode: (fetchOffset: number) => decode(data, fetchOffset),
          })),
        );
    };
  }

  protected isRetriable(error: unknown): boolean {
    return isRetriable(error as KafkaError);
  }

  /** What kafkajs's consumer does after a failed fetch (`recoverFromFetch`), minus rejoining a group. */
  protected async recover(cluster: Cluster, error: unknown): Promise<void> {
    const kafkaError = error as KafkaError;
    if (kafkaError.name === 'KafkaJSConnectionClosedError' && kafkaError.host && kafkaError.port) {
      cluster.removeBroker({ host: kafkaError.host, port: kafkaError.port });
    }
    await cluster.refreshMetadata().catch(() => undefined);
  }

  protected override onReadError(error: unknown, retriable: boolean): void {
    const kafkaError = error as KafkaError;
    if (!retriable) {
      this.logger.error(`Reading ${this.options.topic} failed`, { error: kafkaError.message });
    } else {
      this.logger.debug(`Reading ${this.options.topic}: ${kafkaError.message}; refreshing metadata`, {
        type: kafkaError.type,
      });
    }
  }

  // ------------------------------------------------------------------------------------------------ internals

  /** [partition, leader node id] from the cached metadata; a partition without a leader is a retriable error. */
  private partitionLeaders(): PartitionLeaders {
    const metadata = this.requireClient().findTopicPartitionMetadata(this.options.topic);
    if (metadata.length === 0) throw retriableError(`no metadata for topic ${this.options.topic} yet`);
    return metadata
      .map((p): [number, number] => {
        if (p.leader === null || p.leader === undefined || p.leader < 0) {
          throw retriableError(`partition ${p.partitionId} of ${this.options.topic} has no leader`);
        }
        return [p.partitionId, p.leader];
      })
      .sort((a, b) => a[0] - b[0]);
  }
}

/**
 * The records of one partition's Fetch data at or after `fetchOffset`, and the end of the last record batch
 * returned (kafkajs hands out records, each with its batch's context).
 */
function decode(data: FetchedPartition, fetchOffset: number): { records: LogRecord[]; next: number } {
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
  return { records, next };
}
