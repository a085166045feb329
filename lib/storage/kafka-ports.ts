/**
 * Ports through which the data-plane runtime talks to Kafka: produce (source tasks), consume + commit (sink
 * tasks). Records are already converted to bytes; the adapter (lib/adapters/kafka) owns the client library.
 */
import type { RecordMetadata, TimestampType, TopicPartition } from '../connect/records';
import type { SinkOffsets } from './sink-offsets';

export interface KafkaHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export interface ProducerRecord {
  readonly topic: string;
  /** null lets the producer's partitioner choose (murmur2 of the key, as Java's default) */
  readonly partition: number | null;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** epoch ms; null = stamped by the producer */
  readonly timestamp: number | null;
  readonly headers: readonly KafkaHeader[];
}

export interface ProducerPort {
  /**
   * The most records one send() should carry, where the client's cost per request makes it matter (kafkajs'
   * grouping is quadratic in a request's records); undefined: the runtime's default (MAX_RECORDS_PER_REQUEST).
   */
  readonly maxRecordsPerSend?: number;
  connect(): Promise<void>;
  /**
   * Send a batch; resolves when every record is acknowledged (per the producer's `acks`), with the metadata of
   * each record in input order. Rejects if any record could not be written; callers then treat the whole
   * batch as unacknowledged. The rejection is `retriable` (lib/errors.ts) when sending the same batch again may
   * succeed (broker unavailable, leader moving, timeouts), and not when it cannot (e.g. a record too large). With `metadata: false` it may resolve with [] (the caller needs no per-record
   * metadata, which saves work on the hot path).
   */
  send(records: readonly ProducerRecord[], options?: { readonly metadata?: boolean }): Promise<RecordMetadata[]>;
  close(): Promise<void>;
}

/**
 * A producer with a `transactional.id` (KIP-98), as Apache's exactly-once source tasks use it (KIP-618). The
 * factory returns one when the props carry `transactional.id`. `send()` joins the open transaction, beginning one
 * when none is open (Java's explicit `beginTransaction()`); nothing sent is visible to read_committed consumers
 * until `commitTransaction()`.
 */
export interface TransactionalProducerPort extends ProducerPort {
  /**
   * Java's `initTransactions()`: claims the transactional id with a new epoch, which fences every older producer
   * of that id (its open transaction is aborted, its later writes and commits are refused). Fails after
   * `timeoutMs` (Java's `max.block.ms`) when the broker cannot do transactions (e.g. the transaction state log
   * cannot be created), never falling back to non-transactional writes.
   */
  initTransactions(timeoutMs: number): Promise<void>;
  /**
   * Sends `last` (e.g. the source offsets of the transaction's records, which are not the task's output) in the
   * open transaction, then commits it; no-op when no transaction is open and `last` is empty.
   */
  commitTransaction(last?: readonly ProducerRecord[]): Promise<void>;
  /** Aborts the open transaction (no-op when none is open). */
  abortTransaction(): Promise<void>;
}

/**
 * Apache's `Admin.fenceProducers` (KIP-618 zombie fencing): bumps the epoch of each transactional id, which aborts
 * the open transaction of whatever producer holds it and refuses that producer's later writes and commits. The
 * reconciler calls it before it launches a new generation of an exactly-once source connector's tasks.
 */
export interface ProducerFencingPort {
  /** Rejects when an id could not be fenced within `timeoutMs` (e.g. the broker cannot do transactions). */
  fenceProducers(transactionalIds: readonly string[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const isTransactionalProducer = (producer: ProducerPort): producer is TransactionalProducerPort =>
  typeof (producer as Partial<TransactionalProducerPort>).commitTransaction === 'function' &&
  typeof (producer as Partial<TransactionalProducerPort>).initTransactions === 'function';

export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly headers: readonly KafkaHeader[];
}

export interface RebalanceListener {
  /** partitions newly assigned to this member */
  onPartitionsAssigned(partitions: readonly TopicPartition[]): void | Promise<void>;
  /** partitions taken away (commit what was processed of them before returning) */
  onPartitionsRevoked(partitions: readonly TopicPartition[]): void | Promise<void>;
}

export interface ConsumerSubscription {
  /** exact topic names (`topics`) … */
  readonly topics?: readonly string[];
  /** … or a pattern (`topics.regex`), matched against the cluster's topics */
  readonly pattern?: RegExp;
}

/** A pull-style consumer in a group with manual commits (Java's KafkaConsumer as Connect uses it). */
export interface ConsumerPort {
  subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void>;
  /** The records fetched so far, waiting up to `timeoutMs` for some; [] on timeout. */
  poll(timeoutMs: number): Promise<ConsumerRecord[]>;
  /** Commit next-offsets-to-read per partition; resolves when the group coordinator acknowledged. */
  commit(offsets: ReadonlyMap<TopicPartition, number>): Promise<void>;
  /** Continue consumption of `tp` at `offset` (records of it already fetched but not returned are dropped). */
  seek(tp: TopicPartition, offset: number): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  assignment(): TopicPartition[];
  /** Java's wakeup(): a poll() in progress returns now (with what it has), e.g. when the task stops. */
  wakeup?(): void;
  close(): Promise<void>;
}

/**
 * Kafka client properties as Apache assembles them (`producer.*`, `consumer.*` worker keys and connector
 * `*.override.*` keys, prefixes stripped, e.g. `bootstrap.servers`, `client.id`, `acks`, `group.id`). The
 * adapter maps them onto its client library and reports keys it cannot honour.
 */
export type ClientProps = Readonly<Record<string, string>>;

/** One partition of a consumer group: committed offset (null: none yet), log-end offset, and their distance. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number | null;
  readonly end: number;
  /** end − committed; end − log-start offset when nothing was committed yet */
  readonly lag: number;
}

/**
 * A consumer group's lag from the admin API (committed offsets against end offsets), as Apache users read it
 * with `kafka-consumer-groups --describe`. Independent of group membership: it answers while the group is
 * rebalancing or has no member at all, which is exactly when a sink makes no progress.
 */
export interface GroupLagPort {
  /** `topics`: the subscription's topics (a topic without commits counts from its log-start offset) */
  lag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]>;
  close(): Promise<void>;
}

export interface KafkaClientFactory {
  /** A TransactionalProducerPort when `props` carry `transactional.id`. */
  newProducer(props: ClientProps): ProducerPort;
  newConsumer(props: ClientProps): ConsumerPort;
  /** an admin client with these properties (Apache's `admin.*` / `admin.override.*` precedence applied) */
  newTopicAdmin(props: ClientProps): TopicAdminPort;
  /** an admin reader of group lag with the consumer's client properties; absent: lag is not reported */
  newGroupLag?(props: ClientProps): GroupLagPort;
  /** a fencer of transactional ids with an admin client's properties; absent: the reconciler cannot fence */
  newProducerFencer?(props: ClientProps): ProducerFencingPort;
}

export interface TopicSettings {
  /** -1 = the broker's default */
  readonly partitions: number;
  /** -1 = the broker's default */
  readonly replicationFactor: number;
  /** topic configs such as cleanup.policy */
  readonly configs?: Readonly<Record<string, string>>;
}

/** The topic administration the runtime needs (a sink's dead letter queue, a source's topic.creation.*). */
export interface TopicAdminPort {
  /**
   * Create `topic` unless it exists (Apache's `listTopics` then `createTopics`, an "already exists" race being
   * success). Resolves true when this call created it.
   */
  ensureTopic(topic: string, settings: TopicSettings): Promise<boolean>;
}

// ------------------------------------------------------------------------------------------ the worker's clients
// What the worker itself needs of Kafka besides the task data path (the offsets topic, the REST API's group-offset
// admin and cluster id, group lag, zombie fencing), so that `skc.kafka.client` selects the client of all of it.

/** One record of a topic read by a TopicLogReaderPort: control records and aborted records are never passed on. */
export interface LogRecord {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
}

export interface TopicLogReaderOptions {
  readonly topic: string;
  /** What the topic is, for error messages (`Timed out … reading <description> <topic> to its end`). */
  readonly description?: string;
  /**
   * Records of one partition in offset order, called before the reader's position moves past them; a partition
   * reset to its earliest offset (OFFSET_OUT_OF_RANGE) is read again, like Apache's log with
   * `auto.offset.reset=earliest`.
   */
  readonly onRecords: (partition: number, records: readonly LogRecord[]) => void;
  /** How long the broker holds a Fetch on an idle tail (Fetch `max_wait_ms`); also bounds `stop()`. Default 500. */
  readonly maxWaitMs?: number;
}

/**
 * Apache Kafka Connect's `KafkaBasedLog` reader: group-less (no JoinGroup, no group left behind), every partition
 * from its earliest offset, read_committed, tailing while it runs.
 */
export interface TopicLogReaderPort {
  /** Connects and starts reading in the background; retries retriable errors until `timeoutMs` has passed. */
  start(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every record written (and committed) before this call has been passed to `onRecords`; rejects
   * if the reader failed or stopped, or after `timeoutMs`.
   */
  readToEnd(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The topic admin the worker's offsets topic needs on top of `ensureTopic`. */
export interface WorkerTopicAdminPort extends TopicAdminPort {
  /**
   * The value of one topic config (e.g. `cleanup.policy`); undefined when the broker does not say or describing
   * configs is not allowed (Apache logs a warning and goes on then).
   */
  topicConfig(topic: string, name: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * The admin reads and writes of a sink connector's consumer-group offsets (KIP-875, `SinkOffsets`) and the
 * cluster id (`GET /`, `connect-standalone`'s start-up check), as Apache's worker does them with its admin client.
 */
export interface GroupOffsetsAdminPort extends SinkOffsets {
  clusterId(): Promise<string>;
  close(): Promise<void>;
}

/** Every Kafka client the worker uses: the data path's and its own. Both adapters' factories implement it. */
export interface WorkerKafkaClientFactory extends KafkaClientFactory {
  newTopicAdmin(props: ClientProps): WorkerTopicAdminPort;
  /** a group-less reader of a whole topic with a consumer's client properties */
  newLogReader(props: ClientProps, options: TopicLogReaderOptions): TopicLogReaderPort;
  /** group offsets and cluster id with an admin client's properties */
  newGroupOffsets(props: ClientProps): GroupOffsetsAdminPort;
  newGroupLag(props: ClientProps): GroupLagPort;
  newProducerFencer(props: ClientProps): ProducerFencingPort;
}
