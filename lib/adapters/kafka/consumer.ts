/**
 * kafkajs adapter of the runtime's ConsumerPort: a pull-style consumer (like Java's KafkaConsumer) over kafkajs'
 * push-style `eachBatch`. Fetched batches wait in a bounded buffer until poll() takes them; the handler holds
 * kafkajs back while the buffer is full. Rebalance callbacks run inside poll(), as Java's do, so they never
 * interleave with put(). Offsets are committed only by commit() (auto-commit off).
 *
 * Topics that do not exist (yet). kafkajs fixes its subscription when it starts and fails on a topic the cluster
 * does not have; Java's consumer instead keeps the subscription and picks topics up as its metadata shows them.
 * So the kafkajs consumer is only ever subscribed to topics that exist: a metadata check (one Metadata request of
 * an admin client, which never auto-creates) resolves `topics` / `topics.regex` against the cluster; while
 * something is missing (or for a pattern, always) it is repeated, and when the set of existing topics grows, the
 * kafkajs consumer rejoins the group with the larger subscription — inside poll(), after the runtime committed
 * and closed the old assignment (Java's eager rebalance: revoke everything, then assign).
 */
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumerSettings } from '../../config/client-config';
import type { TimestampType, TopicPartition } from '../../connect/records';
import { topicPartitionKey } from '../../connect/records';
import { isRetriable } from '../../errors';
import { retry } from '../../retry';
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

/** Records buffered before the eachBatch handler stops kafkajs from fetching more (about one 1 MiB fetch ahead). */
const MAX_BUFFERED_RECORDS = 10000;

/** How long the kafkajs subscription waits for the metadata of topics that exist (leaders being elected). */
const SUBSCRIBE_TIMEOUT_MS = 120000;

/** Java's `max.poll.records` default: the most records one poll() returns. */
const MAX_POLL_RECORDS_DEFAULT = 500;

// Java's `fetch.max.wait.ms` default. kafkajs' own is 5 s, and it heartbeats and stops only between
// fetches: an idle consumer noticed rebalances late and took up to 5 s to leave its group on close.
const FETCH_MAX_WAIT_MS_DEFAULT = 500;

/**
 * One fetched batch of one partition, as kafkajs decoded it. ConsumerRecords are made from it only when poll()
 * hands them out, so they live from poll() to put() and die young (cheap for the garbage collector).
 */
interface BufferedBatch {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly messages: KafkaMessage[];
  /** index of the next message to hand out */
  next: number;
}

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
  private readonly maxPollRecords: number;
  private readonly paused = new Map<string, TopicPartition>();
  private assigned = new Map<string, TopicPartition>();
  private readonly events: RebalanceEvent[] = [];
  private listener: RebalanceListener | undefined;
  /** poll() waiting for records or rebalances */
  private readonly arrival = new PollWait();
  private roomWaiters: (() => void)[] = [];
  private closed = false;
  /** consumer.run(): resolves once the first group join completed */
  private running: Promise<void> | undefined;
  private runFailure: unknown;
  private subscription: ConsumerSubscription = {};
  /** kafkajs' run() was called (it refuses pause/resume/seek before) and not stopped since */
  private runCalled = false;
  /** topics the kafkajs consumer is subscribed to (all exist) */
  private readonly subscribed = new Set<string>();
  /** existing topics of the subscription not yet subscribed: poll() rejoins with them */
  private pendingTopics: string[] | undefined;
  /** batches of the previous membership arriving while poll() rejoins are dropped */
  private rejoining = false;
  private admin: Admin | undefined;
  /** the periodic check of the subscription against the cluster's topics */
  private readonly topicRefresh: TopicRefresh;
  private readonly kafka: Kafka;
  /** parse cache: the records of a batch mostly share one timestamp (a string from kafkajs) */
  private lastTimestampText = '';
  private lastTimestamp = 0;

  constructor(
    kafka: Kafka,
    private readonly settings: ConsumerSettings,
  ) {
    this.kafka = kafka;
    this.maxPollRecords = settings.maxPollRecords ?? MAX_POLL_RECORDS_DEFAULT;
    this.consumer = kafka.consumer({
      groupId: settings.groupId ?? 'connect-unnamed',
      // Never subscribed to a topic that is not in the metadata (see above): nothing to auto-create. A sink task
      // waits for its topics, as Apache's does on a cluster without auto-creation.
      allowAutoTopicCreation: false,
      ...(settings.sessionTimeout !== undefined ? { sessionTimeout: settings.sessionTimeout } : {}),
      ...(settings.heartbeatInterval !== undefined ? { heartbeatInterval: settings.heartbeatInterval } : {}),
      ...(settings.rebalanceTimeout !== undefined ? { rebalanceTimeout: settings.rebalanceTimeout } : {}),
      ...(settings.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: settings.maxBytesPerPartition } : {}),
      ...(settings.maxBytes !== undefined ? { maxBytes: settings.maxBytes } : {}),
      ...(settings.minBytes !== undefined ? { minBytes: settings.minBytes } : {}),
      maxWaitTimeInMs: settings.maxWaitTimeInMs ?? FETCH_MAX_WAIT_MS_DEFAULT,
      ...(settings.readUncommitted !== undefined ? { readUncommitted: settings.readUncommitted } : {}),
      ...(settings.rackId !== undefined ? { rackId: settings.rackId } : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
    this.topicRefresh = new TopicRefresh({
      subscription: () => this.subscription,
      metadataMaxAgeMs: this.settings.metadataMaxAge,
      missingNamedTopics: () => this.missingNamedTopics(),
      check: () => this.refresh(),
      onSettled: () => {
        // Every named topic is subscribed: no more checks, so no admin connection to keep open.
        const admin = this.admin;
        this.admin = undefined;
        void admin?.disconnect().catch(() => undefined);
      },
    });
  }

  async subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void> {
    this.listener = listener;
    this.subscription = subscription;
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
      this.arrival.wake();
    });
    await this.consumer.connect();
    // Like Java's subscribe(), this returns at once when a topic does not exist yet: the task is RUNNING and
    // starts consuming when the topic appears.
    const existing = await this.existingTopics();
    this.startRunning(existing);
    this.topicRefresh.schedule();
  }

  /** The subscription's topics that exist now (one Metadata request; an admin client never auto-creates). */
  private async existingTopics(): Promise<string[]> {
    if (this.admin === undefined) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return existingSubscribedTopics(await this.admin.listTopics(), this.subscription);
  }

  private missingNamedTopics(): boolean {
    return !this.subscription.pattern && (this.subscription.topics ?? []).some((t) => !this.subscribed.has(t));
  }

  /** One check of the subscription (TopicRefresh): the existing topics not consumed yet are taken up. */
  private async refresh(): Promise<void> {
    const pending = new Set(this.pendingTopics);
    const added = (await this.existingTopics()).filter((t) => !this.subscribed.has(t) && !pending.has(t));
    if (added.length > 0 && !this.closed) {
      if (this.running === undefined) {
        // Nothing consumed yet: no assignment to give back, start right here.
        this.startRunning(added);
      } else {
        // A rejoin revokes the current assignment, and revocation callbacks run in poll(): hand it over.
        this.pendingTopics = [...(this.pendingTopics ?? []), ...added];
        this.arrival.wake();
      }
    }
  }

  /** Subscribe kafkajs to `topics` (existing ones) and run it in the background; no-op for none. */
  private startRunning(topics: readonly string[]): void {
    if (topics.length === 0 || this.closed) return;
    for (const t of topics) this.subscribed.add(t);
    const fromBeginning = (this.settings.autoOffsetReset ?? 'earliest') === 'earliest';
    // Like Java's subscribe(), joining the group happens in the background: Apache reports a sink task
    // RUNNING once start() returned, while its consumer may still be joining. Assignments arrive through poll().
    this.running = this.subscribeKafkajs([...this.subscribed], fromBeginning)
      .then(() => {
        this.runCalled = true;
        return this.consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => this.onBatch(payload),
        });
      })
      .catch((error: unknown) => {
        this.runFailure = error;
        this.arrival.wake();
      });
  }

  /**
   * kafkajs' subscribe() asks for the topics' metadata and gives up at once on an error such as
   * LEADER_NOT_AVAILABLE of a topic created a moment ago; Java's consumer keeps waiting. The topics exist, so a
   * retry (it is idempotent) with a growing pause settles it.
   */
  private async subscribeKafkajs(topics: string[], fromBeginning: boolean): Promise<void> {
    await retry(() => this.consumer.subscribe({ topics, fromBeginning }), {
      initialDelayMs: 100,
      maxDelayMs: 2000,
      timeoutMs: SUBSCRIBE_TIMEOUT_MS,
      retryOn: (error) => isRetriable(error) && !this.closed,
    });
  }

  /**
   * Java's eager rebalance on a subscription change: the runtime commits and closes everything assigned
   * (onPartitionsRevoked), then the kafkajs consumer leaves and joins again with the new topics; the new
   * assignment arrives through GROUP_JOIN as usual.
   */
  private async rejoinWithPendingTopics(): Promise<void> {
    const topics = this.pendingTopics ?? [];
    this.pendingTopics = undefined;
    // The join in flight (if any) completes first: kafkajs can only stop a consumer that finished starting.
    await this.running;
    const revoked = [...this.assigned.values()];
    if (revoked.length > 0) await this.listener?.onPartitionsRevoked(revoked);
    this.rejoining = true;
    try {
      this.assigned = new Map();
      this.paused.clear();
      this.dropBuffered(() => true);
      await this.consumer.stop();
      this.runCalled = false;
    } finally {
      this.rejoining = false;
    }
    this.running = undefined;
    this.startRunning(topics);
  }

  private async onBatch({ batch, isRunning, isStale, heartbeat }: EachBatchPayload): Promise<void> {
    if (batch.isEmpty() || isStale() || this.closed || this.rejoining) return;
    const { topic, partition } = batch;
    const messages: KafkaMessage[] = batch.messages;
    this.buffer.push({ key: topicPartitionKey({ topic, partition }), topic, partition, messages, next: 0 });
    this.buffered += messages.length;
    this.arrival.wake();
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
    if (this.runFailure !== undefined) throw this.runFailure;
    if (this.pendingTopics !== undefined) await this.rejoinWithPendingTopics();
    await runRebalanceCallbacks(this.events, this.listener);
    if (!this.hasDeliverable()) {
      await this.arrival.wait(timeoutMs);
      if (this.runFailure !== undefined) throw this.runFailure;
      if (this.pendingTopics !== undefined) await this.rejoinWithPendingTopics();
      await runRebalanceCallbacks(this.events, this.listener);
    }
    return this.take(this.maxPollRecords);
  }

  /** Up to `max` records of unpaused partitions, in fetch order; ConsumerRecords are made here (see BufferedBatch). */
  private take(max: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const timestampType: TimestampType = 'CreateTime';
    for (let i = 0; i < this.buffer.length && out.length < max;) {
      const batch = this.buffer[i] as BufferedBatch;
      if (this.paused.has(batch.key)) {
        i++;
        continue;
      }
      const { topic, partition, messages } = batch;
      const end = Math.min(messages.length, batch.next + (max - out.length));
      // Per record on the hot path: one plain loop, one object per record, nothing else allocated.
      for (let j = batch.next; j < end; j++) {
        const m = messages[j] as KafkaMessage;
        out.push({
          topic,
          partition,
          offset: Number(m.offset),
          key: m.key ?? null,
          value: m.value ?? null,
          timestamp: this.timestampOf(m.timestamp),
          timestampType,
          headers: fromKafkajsHeaders(m.headers),
        });
        // Let the message (its offset/timestamp strings, headers object…) die now rather than with the batch:
        // fewer survivors per scavenge. kafkajs keeps its own array (messagesWithinOffset) for its bookkeeping.
        messages[j] = undefined as unknown as KafkaMessage;
      }
      batch.next = end;
      if (end === messages.length) this.buffer.splice(i, 1);
    }
    this.buffered -= out.length;
    if (this.buffered <= MAX_BUFFERED_RECORDS) for (const w of this.roomWaiters.splice(0)) w();
    return out;
  }

  /** kafkajs gives timestamps as decimal strings; a 13-digit Number() parse per record is measurable. */
  private timestampOf(text: string): number {
    if (text !== this.lastTimestampText) {
      this.lastTimestampText = text;
      this.lastTimestamp = Number(text);
    }
    return this.lastTimestamp;
  }

  private hasDeliverable(): boolean {
    return (
      this.events.length > 0 || this.pendingTopics !== undefined || this.buffer.some((b) => !this.paused.has(b.key))
    );
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
    // kafkajs refuses pause/resume before run(); before it nothing is assigned, so there is nothing to pause there.
    if (partitions.length > 0 && this.runCalled) this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(topicPartitionKey(tp));
    if (partitions.length > 0 && this.runCalled) this.consumer.resume(groupByTopic(partitions));
    if (this.hasDeliverable()) this.arrival.wake();
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  /** Ends a poll() in progress at once (a stopping task then shuts down without its poll timeout). */
  wakeup(): void {
    this.arrival.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.topicRefresh.stop();
    for (const w of this.roomWaiters.splice(0)) w();
    this.arrival.wake();
    // A join still in flight completes first, so the member leaves the group (LeaveGroup) instead of
    // lingering until the session timeout and holding up its successors' rebalance.
    await this.running;
    await this.admin?.disconnect().catch(() => undefined);
    await this.consumer.disconnect();
  }

  private dropBuffered(match: (key: string) => boolean): void {
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      const batch = this.buffer[i] as BufferedBatch;
      if (match(batch.key)) {
        this.buffered -= batch.messages.length - batch.next;
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
