/**
 * kafkajs adapter of the runtime's ProducerPort. One `send()` is one kafkajs `sendBatch` (one produce request
 * per broker); the metadata of each record is derived from the per-partition base offsets, using the partition
 * the (Java-compatible murmur2) partitioner chose for it.
 */
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Kafka, Message, Producer, ICustomPartitioner, IHeaders } from 'kafkajs';
import type { ProducerSettings } from '../../config/client-config';
import type { RecordMetadata } from '../../connect/records';
import type { KafkaHeader, ProducerPort, ProducerRecord } from '../../storage/kafka-ports';

/**
 * kafkajs passes our message objects to the partitioner: it notes its choice for them (in a WeakMap, so the
 * messages keep one shape for kafkajs' hot paths).
 */
const chosenPartitions = new WeakMap<Message, number>();

const recordingPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  return (args) => {
    const partition = inner(args);
    chosenPartitions.set(args.message, partition);
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

export class KafkajsProducer implements ProducerPort {
  private readonly producer: Producer;
  private readonly acks: -1 | 0 | 1;
  private readonly compression: CompressionTypes;
  private readonly timeout: number | undefined;

  constructor(kafka: Kafka, settings: ProducerSettings = {}) {
    this.producer = kafka.producer({
      createPartitioner: recordingPartitioner,
      allowAutoTopicCreation: settings.allowAutoTopicCreation ?? true,
      idempotent: settings.idempotent ?? false,
      ...(settings.maxInFlightRequests !== undefined ? { maxInFlightRequests: settings.maxInFlightRequests } : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
    this.acks = settings.idempotent ? -1 : (settings.acks ?? -1);
    this.compression = COMPRESSION[settings.compression ?? 'none'] ?? CompressionTypes.None;
    this.timeout = settings.timeout;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async send(records: readonly ProducerRecord[], options?: { readonly metadata?: boolean }): Promise<RecordMetadata[]> {
    const byTopic = new Map<string, Message[]>();
    const messages: Message[] = new Array<Message>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProducerRecord;
      // One object shape for every message (absent fields undefined), which kafkajs' per-message code prefers.
      const message = {
        key: toBuffer(r.key),
        value: toBuffer(r.value),
        partition: r.partition ?? undefined,
        timestamp: r.timestamp === null ? undefined : String(r.timestamp),
        headers: toKafkajsHeaders(r.headers),
      } as Message;
      messages[i] = message;
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push(message);
    }
    const response = await this.producer.sendBatch({
      acks: this.acks,
      compression: this.compression,
      ...(this.timeout !== undefined ? { timeout: this.timeout } : {}),
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
    if (options?.metadata === false) return [];
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

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
