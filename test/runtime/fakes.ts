/** In-memory adapters of the runtime's Kafka ports, for unit tests of the loops (integration tests use Kafka). */
import { ConfigDef } from '../../lib/connect/config-def';
import type { Converter, HeaderConverter, SchemaAndValue } from '../../lib/connect/converter';
import type { RecordMetadata, TopicPartition } from '../../lib/connect/records';
import { topicPartitionKey } from '../../lib/connect/records';
import type {
  ConsumerPort,
  ConsumerRecord,
  ConsumerSubscription,
  ProducerPort,
  ProducerRecord,
  RebalanceListener,
} from '../../lib/storage/kafka-ports';

/** One-partition-per-topic log shared by the fake producer and consumer. */
export class MemoryLog {
  readonly topics = new Map<string, ProducerRecord[]>();
  append(r: ProducerRecord): RecordMetadata {
    const list = this.topics.get(r.topic) ?? [];
    this.topics.set(r.topic, list);
    list.push(r);
    return { topic: r.topic, partition: 0, offset: list.length - 1 };
  }
  values(topic: string): string[] {
    return (this.topics.get(topic) ?? []).map((r) => Buffer.from(r.value ?? new Uint8Array()).toString('utf8'));
  }
}

export class FakeProducer implements ProducerPort {
  sends: number[] = [];
  /** when set, send() waits for this before acknowledging */
  gate: Promise<void> | undefined;
  failWith: Error | undefined;
  closed = false;
  constructor(readonly log: MemoryLog) {}
  async connect(): Promise<void> {}
  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.sends.push(records.length);
    await this.gate;
    if (this.failWith) throw this.failWith;
    return records.map((r) => this.log.append(r));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeConsumer implements ConsumerPort {
  readonly committed = new Map<string, number>();
  private readonly position = new Map<string, number>();
  private readonly pausedKeys = new Set<string>();
  private subscribed: string[] = [];
  private pendingAssign = false;
  private listener: RebalanceListener | undefined;
  closed = false;
  constructor(
    readonly log: MemoryLog,
    readonly batchSize = 100,
  ) {}
  async subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void> {
    this.subscribed = [...(subscription.topics ?? [])];
    this.listener = listener;
    this.pendingAssign = true;
  }
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    if (this.pendingAssign) {
      this.pendingAssign = false;
      await this.listener?.onPartitionsAssigned(this.assignment());
    }
    const out: ConsumerRecord[] = [];
    for (const topic of this.subscribed) {
      const key = topicPartitionKey({ topic, partition: 0 });
      if (this.pausedKeys.has(key)) continue;
      const list = this.log.topics.get(topic) ?? [];
      let pos = this.position.get(key) ?? this.committed.get(key) ?? 0;
      while (pos < list.length && out.length < this.batchSize) {
        const r = list[pos] as ProducerRecord;
        out.push({
          topic,
          partition: 0,
          offset: pos,
          key: r.key,
          value: r.value,
          timestamp: r.timestamp ?? 0,
          timestampType: 'CreateTime',
          headers: r.headers,
        });
        pos++;
      }
      this.position.set(key, pos);
    }
    if (out.length === 0) await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 10)));
    return out;
  }
  async commit(offsets: ReadonlyMap<TopicPartition, number>): Promise<void> {
    for (const [tp, o] of offsets) this.committed.set(topicPartitionKey(tp), o);
  }
  seek(tp: TopicPartition, offset: number): void {
    this.position.set(topicPartitionKey(tp), offset);
  }
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.pausedKeys.add(topicPartitionKey(tp));
  }
  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.pausedKeys.delete(topicPartitionKey(tp));
  }
  assignment(): TopicPartition[] {
    return this.subscribed.map((topic) => ({ topic, partition: 0 }));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** UTF-8 strings, like Apache's StringConverter (enough for the loops' tests). */
export class Utf8Converter implements Converter, HeaderConverter {
  configure(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  fromConnectData(_topic: string, _schema: unknown, value: unknown): Uint8Array | null {
    if (value === 'poison') throw new Error('cannot convert poison');
    return value === null || value === undefined ? null : Buffer.from(String(value), 'utf8');
  }
  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    const value = bytes === null ? null : Buffer.from(bytes).toString('utf8');
    if (value === 'poison') throw new Error('cannot convert poison');
    return { schema: { type: 'string', optional: true }, value };
  }
  fromConnectHeader(topic: string, _key: string, schema: unknown, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }
  toConnectHeader(topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
