/**
 * kafkajs adapter of the runtime's ConsumerPort: a pull-style consumer (like Java's KafkaConsumer) over kafkajs'
 * push-style `eachBatch`. Fetched batches wait in a bounded buffer until poll() takes them; the handler holds
 * kafkajs back while the buffer is full. Rebalance callbacks run inside poll(), as Java's do, so they never
 * interleave with put(). Offsets are committed only by commit() (auto-commit off).
 */
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumerSettings } from '../../config/client-config';
import type { TimestampType, TopicPartition } from '../../connect/records';
import { topicPartitionKey } from '../../connect/records';
import type {
  ConsumerPort,
  ConsumerRecord,
  ConsumerSubscription,
  KafkaHeader,
  RebalanceListener,
} from '../../storage/kafka-ports';

/** How long subscribe() waits for its topics to exist (auto-created by the broker or by a source). */
const SUBSCRIBE_TIMEOUT_MS = 120000;

/** Records buffered before the eachBatch handler stops kafkajs from fetching more. */
const MAX_BUFFERED_RECORDS = 10000;

interface BufferedBatch {
  readonly key: string;
  records: ConsumerRecord[];
}

type RebalanceEvent = { kind: 'assigned' | 'revoked'; partitions: TopicPartition[] };

const NO_HEADERS: KafkaHeader[] = [];

const hasKeys = (o: object): boolean => {
  for (const _ in o) return true;
  return false;
};

const fromKafkajsHeaders = (headers: IHeaders | undefined): KafkaHeader[] => {
  // Most records have none: skip the allocations of Object.entries on the hot path.
  if (!headers || !hasKeys(headers)) return NO_HEADERS;
  let out: KafkaHeader[] = NO_HEADERS;
  for (const [key, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (out === NO_HEADERS) out = [];
      out.push({ key, value: v === undefined || v === null ? null : typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
};

export class KafkajsConsumer implements ConsumerPort {
  private readonly consumer: Consumer;
  private readonly buffer: BufferedBatch[] = [];
  private buffered = 0;
  private readonly paused = new Map<string, TopicPartition>();
  private assigned = new Map<string, TopicPartition>();
  private readonly events: RebalanceEvent[] = [];
  private listener: RebalanceListener | undefined;
  private dataWaiter: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    kafka: Kafka,
    private readonly settings: ConsumerSettings,
  ) {
    this.consumer = kafka.consumer({
      groupId: settings.groupId ?? 'connect-unnamed',
      // Java's consumer default allow.auto.create.topics=true: subscribing to a missing topic creates it (broker permitting).
      allowAutoTopicCreation: settings.allowAutoTopicCreation ?? true,
      ...(settings.sessionTimeout !== undefined ? { sessionTimeout: settings.sessionTimeout } : {}),
      ...(settings.heartbeatInterval !== undefined ? { heartbeatInterval: settings.heartbeatInterval } : {}),
      ...(settings.rebalanceTimeout !== undefined ? { rebalanceTimeout: settings.rebalanceTimeout } : {}),
      ...(settings.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: settings.maxBytesPerPartition } : {}),
      ...(settings.maxBytes !== undefined ? { maxBytes: settings.maxBytes } : {}),
      ...(settings.minBytes !== undefined ? { minBytes: settings.minBytes } : {}),
      ...(settings.maxWaitTimeInMs !== undefined ? { maxWaitTimeInMs: settings.maxWaitTimeInMs } : {}),
      ...(settings.readUncommitted !== undefined ? { readUncommitted: settings.readUncommitted } : {}),
      ...(settings.rackId !== undefined ? { rackId: settings.rackId } : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
  }

  async subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void> {
    this.listener = listener;
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const next = new Map<string, TopicPartition>();
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) next.set(topicPartitionKey({ topic, partition }), { topic, partition });
      }
      const revoked = [...this.assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
      const added = [...next].filter(([k]) => !this.assigned.has(k)).map(([, tp]) => tp);
      this.assigned = next;
      if (revoked.length > 0) {
        this.dropBuffered((key) => !next.has(key));
        this.events.push({ kind: 'revoked', partitions: revoked });
      }
      if (added.length > 0) this.events.push({ kind: 'assigned', partitions: added });
      this.dataWaiter?.();
    });
    await this.consumer.connect();
    const topics: (string | RegExp)[] = subscription.pattern
      ? [subscription.pattern]
      : [...(subscription.topics ?? [])];
    const fromBeginning = (this.settings.autoOffsetReset ?? 'earliest') === 'earliest';
    // A topic that does not exist yet answers UNKNOWN_TOPIC_OR_PARTITION while the broker auto-creates it; kafkajs
    // gives up at once, Java's consumer keeps waiting: retry (it is idempotent) with a growing pause.
    for (let attempt = 0, deadline = Date.now() + SUBSCRIBE_TIMEOUT_MS; ; attempt++) {
      try {
        await this.consumer.subscribe({ topics, fromBeginning });
        break;
      } catch (error) {
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || this.closed || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
      }
    }
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  private async onBatch({ batch, isRunning, isStale, heartbeat }: EachBatchPayload): Promise<void> {
    if (batch.isEmpty() || isStale() || this.closed) return;
    const { topic, partition } = batch;
    const timestampType: TimestampType = 'CreateTime';
    const records = batch.messages.map((m: KafkaMessage): ConsumerRecord => ({
      topic,
      partition,
      offset: Number(m.offset),
      key: m.key ?? null,
      value: m.value ?? null,
      timestamp: Number(m.timestamp),
      timestampType,
      headers: fromKafkajsHeaders(m.headers),
    }));
    this.buffer.push({ key: topicPartitionKey({ topic, partition }), records });
    this.buffered += records.length;
    this.dataWaiter?.();
    // Backpressure: keep kafkajs from fetching further while poll() has enough to hand out.
    while (this.buffered > MAX_BUFFERED_RECORDS && isRunning() && !isStale() && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1000);
        const waiters = this.roomWaiters;
        waiters.push(done);
        function done(): void {
          clearTimeout(timer);
          const i = waiters.indexOf(done);
          if (i >= 0) waiters.splice(i, 1);
          resolve();
        }
      });
      await heartbeat().catch(() => undefined);
    }
  }

  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    await this.runRebalanceCallbacks();
    if (!this.hasDeliverable()) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          if (this.dataWaiter === done) this.dataWaiter = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.dataWaiter = done;
      });
      await this.runRebalanceCallbacks();
    }
    const out: ConsumerRecord[] = [];
    for (let i = 0; i < this.buffer.length;) {
      const batch = this.buffer[i] as BufferedBatch;
      if (this.paused.has(batch.key)) {
        i++;
        continue;
      }
      for (const r of batch.records) out.push(r);
      this.buffer.splice(i, 1);
    }
    this.buffered -= out.length;
    for (const w of this.roomWaiters.splice(0)) w();
    return out;
  }

  private hasDeliverable(): boolean {
    return this.events.length > 0 || this.buffer.some((b) => !this.paused.has(b.key));
  }

  private async runRebalanceCallbacks(): Promise<void> {
    while (this.events.length > 0 && this.listener) {
      const event = this.events.shift() as RebalanceEvent;
      if (event.kind === 'revoked') await this.listener.onPartitionsRevoked(event.partitions);
      else await this.listener.onPartitionsAssigned(event.partitions);
    }
  }

  async commit(offsets: ReadonlyMap<TopicPartition, number>): Promise<void> {
    await this.consumer.commitOffsets(
      [...offsets].map(([tp, offset]) => ({ topic: tp.topic, partition: tp.partition, offset: String(offset) })),
    );
  }

  seek(tp: TopicPartition, offset: number): void {
    const key = topicPartitionKey(tp);
    this.dropBuffered((k) => k === key);
    this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.set(topicPartitionKey(tp), tp);
    this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(topicPartitionKey(tp));
    this.consumer.resume(groupByTopic(partitions));
    if (this.hasDeliverable()) this.dataWaiter?.();
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.roomWaiters.splice(0)) w();
    this.dataWaiter?.();
    await this.consumer.disconnect();
  }

  private dropBuffered(match: (key: string) => boolean): void {
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      const batch = this.buffer[i] as BufferedBatch;
      if (match(batch.key)) {
        this.buffered -= batch.records.length;
        this.buffer.splice(i, 1);
      }
    }
    for (const w of this.roomWaiters.splice(0)) w();
  }
}

const groupByTopic = (partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] => {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
};
