/**
 * kafkajs adapter of the runtime's ProducerPort. One `send()` is one kafkajs `sendBatch` (one produce request
 * per broker); the metadata of each record is derived from the per-partition base offsets, using the partition
 * the (Java-compatible murmur2) partitioner chose for it.
 */
import { randomBytes } from 'node:crypto';
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Kafka, Message, PartitionMetadata, Producer, ICustomPartitioner, IHeaders, Transaction } from 'kafkajs';
import type { ProducerSettings } from '../../config/client-config';
import { RetriableException } from '../../connect/errors';
import type { RecordMetadata } from '../../connect/records';
import { awaitInitProducerId } from '../../storage/init-transactions';
import type { KafkaHeader, ProducerPort, ProducerRecord, TransactionalProducerPort } from '../../storage/kafka-ports';

/**
 * kafkajs passes our message objects to the partitioner: while a send that wants per-record metadata is in
 * progress it notes its choice for them (in a WeakMap, so the messages keep one shape for kafkajs' hot paths).
 * Sends without metadata (every source task that does not override commitRecord) skip the WeakMap, whose
 * per-message insert was a tenth of a source task's CPU.
 */
const chosenPartitions = new WeakMap<Message, number>();

/** How many sends of one producer want metadata right now (kafkajs partitions asynchronously, after send()). */
interface Recording {
  count: number;
}

/**
 * kafkajs' DefaultPartitioner (Java's murmur2 for keyed records) with its round-robin for null keys inlined:
 * the same choice (a random start per topic, then the next partition that has a leader), without the filtered
 * copy of the partition list that kafkajs makes for every message.
 */
const recordingPartitioner =
  (recording: Recording): ICustomPartitioner =>
  () => {
    const keyed = Partitioners.DefaultPartitioner();
    const counters = new Map<string, number>();
    let metadataSeen: PartitionMetadata[] | undefined;
    let available: PartitionMetadata[] = [];
    return (args) => {
      const { message, partitionMetadata, topic } = args;
      let partition: number;
      if (message.partition !== null && message.partition !== undefined) {
        partition = message.partition;
      } else if (message.key !== null && message.key !== undefined) {
        partition = keyed(args);
      } else {
        // kafkajs hands out the same metadata array until the metadata is refreshed.
        if (partitionMetadata !== metadataSeen) {
          metadataSeen = partitionMetadata;
          available = partitionMetadata.filter((p) => p.leader >= 0);
        }
        const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
        counters.set(topic, counter);
        const i = counter & 0x7fffffff;
        partition =
          available.length > 0
            ? (available[i % available.length] as PartitionMetadata).partitionId
            : i % partitionMetadata.length;
      }
      if (recording.count > 0) chosenPartitions.set(message, partition);
      return partition;
    };
  };

const COMPRESSION: Record<string, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export const toBuffer = (bytes: Uint8Array | null): Buffer | null =>
  bytes === null
    ? null
    : Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const toKafkajsHeaders = (headers: readonly KafkaHeader[]): IHeaders | undefined => {
  if (headers.length === 0) return undefined;
  const out: IHeaders = {};
  for (const { key, value } of headers) {
    // kafkajs cannot write a null header value; an empty one is the closest it gets.
    const buf = toBuffer(value) ?? Buffer.alloc(0);
    const existing = out[key];
    out[key] = existing === undefined ? buf : Array.isArray(existing) ? [...existing, buf] : [existing, buf];
  }
  return out;
};

/**
 * The port's contract: a rejected send is `retriable` when the same records may be written if sent again (broker
 * down, leader moving, timeouts). kafkajs retries such errors itself a few times and then throws
 * KafkaJSNumberOfRetriesExceeded, which it marks non-retriable although its cause is retriable; an outer kafkajs
 * retrier may wrap that again in a KafkaJSNonRetriableError. So the root cause decides: errors kafkajs never
 * retries (record too large, authorization) stay non-retriable.
 */
export const asProduceError = (error: unknown): unknown => {
  if (typeof error !== 'object' || error === null || error instanceof RetriableException) return error;
  let retriable = false;
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    const link = current as { name?: unknown; retriable?: unknown; cause?: unknown; originalError?: unknown };
    if (link.name === 'KafkaJSNumberOfRetriesExceeded') retriable = true;
    const next = link.cause ?? link.originalError;
    if (next === undefined || next === current) {
      retriable ||= link.retriable === true;
      break;
    }
    current = next;
  }
  if (!retriable) return error;
  return new RetriableException(`Failed to send records: ${(error as { message?: unknown }).message}`, {
    cause: error,
  });
};

export class KafkajsProducer implements ProducerPort {
  protected readonly producer: Producer;
  private readonly acks: -1 | 0 | 1;
  private readonly compression: CompressionTypes;
  private readonly timeout: number | undefined;
  private readonly recording: Recording = { count: 0 };

  constructor(kafka: Kafka, settings: ProducerSettings = {}) {
    const { transactionalId } = settings;
    const transactional = transactionalId !== undefined;
    this.producer = kafka.producer({
      createPartitioner: recordingPartitioner(this.recording),
      allowAutoTopicCreation: settings.allowAutoTopicCreation ?? true,
      // A transactional producer is idempotent with one request in flight (kafkajs keeps sequence numbers only so).
      idempotent: transactional || (settings.idempotent ?? false),
      ...(transactionalId !== undefined
        ? {
            transactionalId,
            maxInFlightRequests: 1,
            ...(settings.transactionTimeout !== undefined ? { transactionTimeout: settings.transactionTimeout } : {}),
          }
        : settings.maxInFlightRequests !== undefined
          ? { maxInFlightRequests: settings.maxInFlightRequests }
          : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
    this.acks = transactional || settings.idempotent ? -1 : (settings.acks ?? -1);
    this.compression = COMPRESSION[settings.compression ?? 'none'] ?? CompressionTypes.None;
    this.timeout = settings.timeout;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async send(records: readonly ProducerRecord[], options?: { readonly metadata?: boolean }): Promise<RecordMetadata[]> {
    const wantsMetadata = options?.metadata !== false;
    const messages: Message[] = [];
    // A batch usually goes to one topic: group only when a second topic shows up.
    const firstTopic = records[0]?.topic ?? '';
    let byTopic: Map<string, Message[]> | undefined;
    // Records of one poll() share their timestamp: one string for all of them, not one per record.
    let timestamp: number | null = null;
    let timestampText: string | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProducerRecord;
      if (r.timestamp !== timestamp) {
        timestamp = r.timestamp;
        timestampText = timestamp === null ? undefined : String(timestamp);
      }
      // One object shape for every message (absent fields undefined), which kafkajs' per-message code prefers.
      const message = {
        key: toBuffer(r.key),
        value: toBuffer(r.value),
        partition: r.partition ?? undefined,
        timestamp: timestampText,
        headers: r.headers.length === 0 ? undefined : toKafkajsHeaders(r.headers),
      } as Message;
      messages.push(message);
      if (r.topic !== firstTopic && byTopic === undefined) {
        byTopic = new Map([[firstTopic, messages.slice(0, i)]]);
      }
      if (byTopic !== undefined) {
        let list = byTopic.get(r.topic);
        if (!list) byTopic.set(r.topic, (list = []));
        list.push(message);
      }
    }
    if (wantsMetadata) this.recording.count++;
    let response: Awaited<ReturnType<Producer['sendBatch']>>;
    try {
      response = await (
        await this.batchSender()
      ).sendBatch({
        acks: this.acks,
        compression: this.compression,
        ...(this.timeout !== undefined ? { timeout: this.timeout } : {}),
        topicMessages: byTopic
          ? [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }))
          : messages.length === 0
            ? []
            : [{ topic: firstTopic, messages }],
      });
    } catch (error) {
      throw asProduceError(error);
    } finally {
      if (wantsMetadata) this.recording.count--;
    }
    if (!wantsMetadata) return [];
    // Records of one partition are written in send order, so the n-th gets the partition's base offset + n.
    const next = new Map<string, Map<number, number>>();
    for (const m of response) {
      let partitions = next.get(m.topicName);
      if (!partitions) next.set(m.topicName, (partitions = new Map()));
      partitions.set(m.partition, Number(m.baseOffset ?? m.offset ?? -1));
    }
    const out = new Array<RecordMetadata>(records.length);
    for (let i = 0; i < records.length; i++) {
      const topic = (records[i] as ProducerRecord).topic;
      const message = messages[i] as Message;
      const partition = message.partition ?? chosenPartitions.get(message) ?? -1;
      const partitions = next.get(topic);
      const offset = partitions?.get(partition) ?? -1;
      if (offset >= 0) partitions?.set(partition, offset + 1);
      out[i] = { topic, partition, offset };
    }
    return out;
  }

  /** Where a send goes: the producer itself, or (transactional) the open transaction. */
  protected batchSender(): Producer | Promise<Pick<Transaction, 'sendBatch'>> {
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * The transactional producer (`transactional.id`). kafkajs names Java's `initTransactions()` + `beginTransaction()`
 * `producer.transaction()`: its first call sends InitProducerId for the transactional id (which bumps the epoch
 * and so fences older producers of the id), each call begins a transaction locally; AddPartitionsToTxn and EndTxn
 * follow from sends and commit/abort. A transaction that wrote nothing ends without an EndTxn.
 */
export class KafkajsTransactionalProducer extends KafkajsProducer implements TransactionalProducerPort {
  private transaction: Promise<Transaction> | undefined;

  constructor(
    kafka: Kafka,
    settings: ProducerSettings & { readonly transactionalId: string },
    private readonly transactionalId = settings.transactionalId,
  ) {
    super(kafka, settings);
  }

  async initTransactions(timeoutMs: number): Promise<void> {
    // kafkajs retries InitProducerId without end while the coordinator is not available: bounded like Java's.
    const transaction = await awaitInitProducerId(this.producer.transaction(), timeoutMs, this.transactionalId);
    // Nothing was written yet: ends locally, without an EndTxn.
    await transaction.abort();
  }

  protected override batchSender(): Promise<Transaction> {
    this.transaction ??= this.producer.transaction();
    return this.transaction;
  }

  async commitTransaction(last: readonly ProducerRecord[] = []): Promise<void> {
    if (last.length > 0) await this.send(last, { metadata: false });
    const open = this.transaction;
    if (!open) return;
    this.transaction = undefined;
    await (await open).commit();
  }

  async abortTransaction(): Promise<void> {
    const open = this.transaction;
    if (!open) return;
    this.transaction = undefined;
    const transaction = await open;
    if (transaction.isActive()) await transaction.abort();
  }
}
