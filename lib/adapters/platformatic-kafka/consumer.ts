/**
 * `@platformatic/kafka` adapter of the runtime's ConsumerPort: a pull-style consumer (Java's KafkaConsumer as
 * Connect uses it) over the client's group consumer and its flowing MessagesStream. Fetched records wait in a
 * bounded buffer until poll() takes them; the stream is paused while the buffer is full (its fetch loop stops).
 *
 * - Rebalances: the client joins the group by itself (classic protocol, eager). Each completed join is handed to
 *   the runtime inside poll() as Java's eager rebalance: every partition held before is revoked (the runtime
 *   commits what it processed), then the new assignment is assigned; the stream fetches from the committed
 *   offsets again. Records fetched before the join are dropped (at least once: they are fetched again).
 * - seek(), and resume() of a partition whose records were dropped while it was paused, restart the stream at
 *   the positions the runtime has seen (the client's stream has no per-partition seek): a new stream is opened
 *   before the old one closes, so the subscription never shrinks and the group is not rejoined.
 * - Topics that do not exist yet: like the kafkajs adapter, only existing topics are consumed; a missing named
 *   topic (and, for `topics.regex`, any new match) is picked up by a periodic metadata check, which then opens
 *   a stream over the larger topic list (the group rejoins with the new subscription).
 */
import { Admin, Consumer } from '@platformatic/kafka';
import type { BaseOptions, Message, MessagesStream, TopicWithPartitionAndOffset } from '@platformatic/kafka';
import type { ConsumerSettings } from '../../config/client-config';
import type { TopicPartition } from '../../connect/records';
import { topicPartitionKey } from '../../connect/records';
import type {
  ConsumerPort,
  ConsumerRecord,
  ConsumerSubscription,
  KafkaHeader,
  RebalanceListener,
} from '../../storage/kafka-ports';
import { PollWait, runRebalanceCallbacks } from '../../storage/consumer-poll';
import type { RebalanceEvent } from '../../storage/consumer-poll';
import { existingSubscribedTopics, TopicRefresh } from '../../storage/topic-subscription';

type Msg = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * Records buffered before the stream is paused. The client's messages are heavier than kafkajs' (a Map of
 * headers, a metadata object and a bound commit function each), so fewer wait than in the kafkajs adapter.
 */
const MAX_BUFFERED_RECORDS = 2000;
/** The stream's own buffer, in messages (the client's default is 1024). */
const STREAM_HIGH_WATER_MARK = 256;
/** Java's `max.poll.records` default. */
const MAX_POLL_RECORDS_DEFAULT = 500;
/** Java's `fetch.max.wait.ms` default (the client's own is 5 s). */
const FETCH_MAX_WAIT_MS_DEFAULT = 500;
/**
 * Java's `max.partition.fetch.bytes` default, 1 MiB. The client's own default is its `fetch.max.bytes` (50 MiB)
 * for every partition: measured 6× slower and 3× bigger on this workload, and a 512 MiB task cannot afford it.
 */
const MAX_PARTITION_FETCH_BYTES_DEFAULT = 1_048_576;
/** Java's `fetch.max.bytes` default (50 MiB) is a cap per response; 8 MiB keeps a task's fetch memory bounded. */
const FETCH_MAX_BYTES_DEFAULT = 8 * 1_048_576;
const NO_HEADERS: KafkaHeader[] = [];

export class PlatformaticConsumer implements ConsumerPort {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private readonly admin: Admin;
  private stream: Stream | undefined;
  /** the topics the open stream consumes (all exist) */
  private streamTopics: string[] = [];
  private buffer: Msg[] = [];
  private head = 0;
  private readonly maxPollRecords: number;
  private readonly paused = new Map<string, TopicPartition>();
  /** paused partitions whose arriving records were dropped: resume() restarts the stream at their position */
  private readonly dropped = new Set<string>();
  /** next offset per partition after what poll() handed out (or a seek) */
  private readonly positions = new Map<string, number>();
  private assigned = new Map<string, TopicPartition>();
  private readonly events: RebalanceEvent[] = [];
  private listener: RebalanceListener | undefined;
  private subscription: ConsumerSubscription = {};
  /** poll() waiting for records or rebalances */
  private readonly arrival = new PollWait();
  private failure: unknown;
  private closed = false;
  /** the periodic check of the subscription against the cluster's topics */
  private readonly topicRefresh: TopicRefresh;
  /** a stream (re)start in progress (serialised) */
  private restarting: Promise<void> = Promise.resolve();
  private restartWanted = false;
  /** the stream is paused because the buffer is full or every assigned partition is paused */
  private streamPaused = false;

  constructor(
    base: BaseOptions,
    private readonly settings: ConsumerSettings,
  ) {
    this.maxPollRecords = settings.maxPollRecords ?? MAX_POLL_RECORDS_DEFAULT;
    this.consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      groupId: settings.groupId ?? 'connect-unnamed',
      autocommit: false,
      // Never subscribed to a missing topic (see above): nothing to auto-create.
      autocreateTopics: false,
      ...(settings.sessionTimeout !== undefined ? { sessionTimeout: settings.sessionTimeout } : {}),
      ...(settings.heartbeatInterval !== undefined ? { heartbeatInterval: settings.heartbeatInterval } : {}),
      ...(settings.rebalanceTimeout !== undefined ? { rebalanceTimeout: settings.rebalanceTimeout } : {}),
      maxBytesPerPartition: settings.maxBytesPerPartition ?? MAX_PARTITION_FETCH_BYTES_DEFAULT,
      maxBytes: settings.maxBytes ?? FETCH_MAX_BYTES_DEFAULT,
      ...(settings.minBytes !== undefined ? { minBytes: settings.minBytes } : {}),
      maxWaitTime: settings.maxWaitTimeInMs ?? FETCH_MAX_WAIT_MS_DEFAULT,
      // Java's default is read_uncommitted (the client's is read_committed).
      isolationLevel: settings.readUncommitted === false ? 1 : 0,
      ...(settings.rackId !== undefined ? { clientRack: settings.rackId } : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
    this.admin = new Admin({ ...base, clientId: `${base.clientId}-metadata` });
    this.consumer.on('consumer:group:join', () => this.onJoin());
    this.topicRefresh = new TopicRefresh({
      subscription: () => this.subscription,
      metadataMaxAgeMs: this.settings.metadataMaxAge,
      missingNamedTopics: () => this.missingNamedTopics(),
      check: () => this.refresh(),
    });
  }

  /** A completed join: Java's eager rebalance (revoke everything held, assign the new set) inside poll(). */
  private onJoin(): void {
    const next = new Map<string, TopicPartition>();
    for (const { topic, partitions } of this.consumer.assignments ?? []) {
      for (const partition of partitions) next.set(topicPartitionKey({ topic, partition }), { topic, partition });
    }
    const revoked = [...this.assigned.values()];
    this.assigned = next;
    this.buffer = [];
    this.head = 0;
    this.positions.clear();
    this.dropped.clear();
    if (revoked.length > 0) this.events.push({ kind: 'revoked', partitions: revoked });
    if (next.size > 0) this.events.push({ kind: 'assigned', partitions: [...next.values()] });
    this.updateStreamFlow();
    this.arrival.wake();
  }

  async subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void> {
    this.listener = listener;
    this.subscription = subscription;
    // Like Java's subscribe(), this returns at once; joining happens in the background, assignments come
    // through poll(). A topic that does not exist yet is picked up by the metadata check.
    const existing = await this.existingTopics();
    if (existing.length > 0) this.openStream(existing);
    this.topicRefresh.schedule();
  }

  private async existingTopics(): Promise<string[]> {
    return existingSubscribedTopics(await this.admin.listTopics({ includeInternals: false }), this.subscription);
  }

  private missingNamedTopics(): boolean {
    const open = new Set(this.streamTopics);
    return !this.subscription.pattern && (this.subscription.topics ?? []).some((t) => !open.has(t));
  }

  /** One check of the subscription (TopicRefresh): a new existing topic opens a stream over the larger list. */
  private async refresh(): Promise<void> {
    const topics = await this.existingTopics();
    const open = new Set(this.streamTopics);
    if (topics.some((t) => !open.has(t)) && !this.closed) this.openStream(topics);
  }

  /**
   * Opens a stream over `topics` (committed offsets, then `auto.offset.reset`), overriding the start of the
   * partitions the runtime has positions for, then closes the previous stream. Serialised.
   */
  private openStream(topics: readonly string[]): void {
    this.restarting = this.restarting.then(async () => {
      if (this.closed) return;
      const previous = this.stream;
      this.streamTopics = [...topics];
      const reset = this.settings.autoOffsetReset ?? 'earliest';
      const positions: TopicWithPartitionAndOffset[] = [];
      for (const [key, offset] of this.positions) {
        const tp = this.assigned.get(key);
        if (tp && topics.includes(tp.topic)) positions.push({ ...tp, offset: BigInt(offset) });
      }
      this.buffer = [];
      this.head = 0;
      this.dropped.clear();
      try {
        const stream = await this.consumer.consume({
          topics: [...topics],
          mode: 'committed',
          fallbackMode: reset === 'none' ? 'fail' : reset,
          autocommit: false,
          highWaterMark: STREAM_HIGH_WATER_MARK,
        });
        if (this.closed) {
          await stream.close();
          return;
        }
        if (positions.length > 0) {
          stream.once('offsets', () => {
            for (const { topic, partition, offset } of positions)
              stream.offsetsToFetch.set(`${topic}:${partition}`, offset);
          });
        }
        stream.on('data', (message: Msg) => this.onMessage(stream, message));
        stream.on('error', (error: Error) => {
          if (this.stream === stream && !this.closed) {
            this.failure = error;
            this.arrival.wake();
          }
        });
        this.stream = stream;
        this.streamPaused = false;
        this.updateStreamFlow();
      } catch (error) {
        this.failure = error;
        this.arrival.wake();
      }
      await previous?.close().catch(() => undefined);
    });
  }

  private onMessage(stream: Stream, message: Msg): void {
    if (stream !== this.stream || this.closed) return;
    const key = topicPartitionKey(message);
    if (this.paused.has(key)) {
      // Dropped, fetched again after resume() (a partly paused task must not hold the others back).
      this.dropped.add(key);
      return;
    }
    const position = this.positions.get(key);
    if (position !== undefined && Number(message.offset) < position) return;
    this.buffer.push(message);
    if (this.buffer.length - this.head >= MAX_BUFFERED_RECORDS) this.updateStreamFlow();
    this.arrival.wake();
  }

  /** Pause the stream while the buffer is full or nothing assigned may be fetched; resume it otherwise. */
  private updateStreamFlow(): void {
    const stream = this.stream;
    if (!stream) return;
    const full = this.buffer.length - this.head >= MAX_BUFFERED_RECORDS;
    const allPaused = this.assigned.size > 0 && [...this.assigned.keys()].every((k) => this.paused.has(k));
    const pause = full || allPaused;
    if (pause && !this.streamPaused) {
      this.streamPaused = true;
      stream.pause();
    } else if (!pause && this.streamPaused) {
      this.streamPaused = false;
      stream.resume();
    }
  }

  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    if (this.failure !== undefined) throw this.failure;
    if (this.restartWanted) {
      this.restartWanted = false;
      this.openStream(this.streamTopics);
    }
    await runRebalanceCallbacks(this.events, this.listener);
    if (!this.hasDeliverable()) {
      await this.arrival.wait(timeoutMs);
      if (this.failure !== undefined) throw this.failure;
      await runRebalanceCallbacks(this.events, this.listener);
    }
    return this.take();
  }

  private hasDeliverable(): boolean {
    if (this.events.length > 0) return true;
    for (let i = this.head; i < this.buffer.length; i++) {
      const m = this.buffer[i] as Msg;
      if (!this.paused.has(topicPartitionKey(m))) return true;
    }
    return false;
  }

  private take(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const kept: Msg[] = [];
    let i = this.head;
    for (; i < this.buffer.length && out.length < this.maxPollRecords; i++) {
      const m = this.buffer[i] as Msg;
      const key = topicPartitionKey(m);
      if (this.paused.has(key)) {
        kept.push(m);
        continue;
      }
      const offset = Number(m.offset);
      out.push({
        topic: m.topic,
        partition: m.partition,
        offset,
        key: m.key ?? null,
        value: m.value ?? null,
        timestamp: Number(m.timestamp),
        timestampType: 'CreateTime',
        headers: toHeaders(m.headerEntries),
      });
      this.positions.set(key, offset + 1);
    }
    if (kept.length > 0) {
      // Records of paused partitions stay, in order, ahead of the rest.
      this.buffer = [...kept, ...this.buffer.slice(i)];
      this.head = 0;
    } else if (i >= this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    } else {
      this.head = i;
      if (this.head > 4096) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
    }
    this.updateStreamFlow();
    return out;
  }

  async commit(offsets: ReadonlyMap<TopicPartition, number>): Promise<void> {
    if (offsets.size === 0) return;
    await this.consumer.commit({
      offsets: [...offsets].map(([tp, offset]) => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: BigInt(offset),
        leaderEpoch: -1,
      })),
    });
  }

  seek(tp: TopicPartition, offset: number): void {
    const key = topicPartitionKey(tp);
    this.positions.set(key, offset);
    this.buffer = this.buffer.slice(this.head).filter((m) => topicPartitionKey(m) !== key);
    this.head = 0;
    this.restartWanted = true;
    this.arrival.wake();
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.set(topicPartitionKey(tp), tp);
    this.updateStreamFlow();
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      this.paused.delete(key);
      if (this.dropped.delete(key)) this.restartWanted = true;
    }
    this.updateStreamFlow();
    if (this.restartWanted || this.hasDeliverable()) this.arrival.wake();
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  wakeup(): void {
    this.arrival.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.topicRefresh.stop();
    this.arrival.wake();
    await this.restarting;
    await this.stream?.close().catch(() => undefined);
    await this.admin.close().catch(() => undefined);
    // Leaves the group (LeaveGroup), so successors need not wait for the session timeout.
    await this.consumer.close();
  }
}

const toHeaders = (entries: Array<[Buffer, Buffer]>): KafkaHeader[] => {
  if (entries.length === 0) return NO_HEADERS;
  const out: KafkaHeader[] = [];
  for (const [key, value] of entries) out.push({ key: key.toString(), value: value ?? null });
  return out;
};
