/**
 * `@platformatic/kafka` adapter of the runtime's ConsumerPort: a pull-style consumer (Java's KafkaConsumer as
 * Connect uses it) with its own fetch loop over the client's `consumer.fetch()`. The client's group consumer does
 * the membership (join, sync, heartbeats); positions, pause, seek and read_committed filtering are ours, as in
 * Java's fetcher. Its MessagesStream is not used: per message it built a headers Map, a metadata object, a
 * spread copy and a bound commit function, and it has no per-partition pause or seek (issue 15: the sink on it
 * ran at 0.6× of kafkajs with 296 MiB peak RSS).
 *
 * - Rebalances: each completed join is handed to the runtime inside poll() as Java's eager rebalance: every
 *   partition held before is revoked (the runtime commits what it processed), then the new assignment is
 *   assigned. Positions of the new assignment start from the committed offsets, else `auto.offset.reset`;
 *   records fetched before the join are dropped (at least once: they are fetched again).
 * - Fetches: one request in flight per broker, for the partitions it leads that are assigned, not paused and
 *   have fewer than PREFETCH_BELOW_RECORDS records waiting; `max.partition.fetch.bytes`, `fetch.max.bytes`,
 *   `fetch.min.bytes` and `fetch.max.wait.ms` go into the request as Java sends them. A response is applied to
 *   a partition only if its position is still the offset fetched (a seek or rebalance meanwhile drops it).
 * - Fetches use their own connections, so a long-polling fetch never delays a commit or heartbeat to the same
 *   broker (the client's stream does the same).
 * - read_committed: records of aborted transactions are skipped as Java's consumer does (below); the client's
 *   own filter misses an aborted transaction whose abort marker is not in the same response.
 * - Topics that do not exist yet: like the kafkajs adapter, only existing topics are consumed; a missing named
 *   topic (and, for `topics.regex`, any new match) is picked up by a periodic metadata check, which then
 *   subscribes the group to the larger topic list (the group rejoins).
 */
import { Admin, ConnectionPool, Consumer, findErrorBy, protocolErrors } from '@platformatic/kafka';
import type { BaseOptions, fetchV17 } from '@platformatic/kafka';
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
/**
 * A partition is fetched again once fewer records than this wait for poll(). Java fetches a partition only when
 * none of its records wait; fetching a little ahead keeps the broker's round trip off the sink's path, and
 * bounds what waits to this plus one response per partition.
 */
const PREFETCH_BELOW_RECORDS = 1000;
/** Wait before fetching again after a retriable fetch failure (the client already retried the request). */
const FETCH_RETRY_BACKOFF_MS = 1000;
const READ_COMMITTED = 1;
const READ_UNCOMMITTED = 0;
/** Record batch attributes (Kafka's DefaultRecordBatch). */
const TIMESTAMP_TYPE_LOG_APPEND = 1 << 3;
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;
const NO_HEADERS: KafkaHeader[] = [];
const EARLIEST = -2n;
const LATEST = -1n;

type FetchResponse = fetchV17.FetchResponse;
type FetchPartitionResponse = FetchResponse['responses'][number]['partitions'][number];
type RecordBatch = NonNullable<FetchPartitionResponse['records']>[number];

/** An assigned partition: where the next fetch starts, and its fetched records waiting for poll(). */
interface PartitionState {
  readonly tp: TopicPartition;
  /** next offset to hand out (and to fetch after the waiting records); undefined until it is known */
  position: number | undefined;
  /** the offset after the last waiting record (the next fetch's offset) */
  fetchPosition: number | undefined;
  records: ConsumerRecord[];
  head: number;
  paused: boolean;
  inFlight: boolean;
}

export class PlatformaticConsumer implements ConsumerPort {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private readonly admin: Admin;
  /** the fetches' own connections (see the module comment) */
  private readonly fetchPool: ConnectionPool;
  private readonly maxPollRecords: number;
  private readonly isolationLevel: number;
  private readonly partitionMaxBytes: number;
  private readonly maxBytes: number;
  private readonly minBytes: number;
  private readonly maxWaitMs: number;
  /** topics the group is subscribed with (all exist) */
  private groupTopics: string[] = [];
  private assigned = new Map<string, PartitionState>();
  /** bumped by every join: fetches and offset look-ups of an older assignment are dropped */
  private generation = 0;
  /** brokers with a fetch in flight */
  private readonly fetchingNodes = new Set<number>();
  private fetchScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** the next partition take() starts from, so no partition starves the others */
  private takeCursor = 0;
  private readonly events: RebalanceEvent[] = [];
  private listener: RebalanceListener | undefined;
  private subscription: ConsumerSubscription = {};
  /** poll() waiting for records or rebalances */
  private readonly arrival = new PollWait();
  private failure: unknown;
  private closed = false;
  /** the periodic check of the subscription against the cluster's topics */
  private readonly topicRefresh: TopicRefresh;
  /** a (re)join in progress (serialised) */
  private joining: Promise<void> = Promise.resolve();

  constructor(
    base: BaseOptions,
    private readonly settings: ConsumerSettings,
  ) {
    this.maxPollRecords = settings.maxPollRecords ?? MAX_POLL_RECORDS_DEFAULT;
    // Java's default is read_uncommitted (the client's is read_committed).
    this.isolationLevel = settings.readUncommitted === false ? READ_COMMITTED : READ_UNCOMMITTED;
    this.partitionMaxBytes = settings.maxBytesPerPartition ?? MAX_PARTITION_FETCH_BYTES_DEFAULT;
    this.maxBytes = settings.maxBytes ?? FETCH_MAX_BYTES_DEFAULT;
    this.minBytes = settings.minBytes ?? 1;
    this.maxWaitMs = settings.maxWaitTimeInMs ?? FETCH_MAX_WAIT_MS_DEFAULT;
    this.consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      groupId: settings.groupId ?? 'connect-unnamed',
      autocommit: false,
      // Never subscribed to a missing topic (see above): nothing to auto-create.
      autocreateTopics: false,
      ...(settings.sessionTimeout !== undefined ? { sessionTimeout: settings.sessionTimeout } : {}),
      ...(settings.heartbeatInterval !== undefined ? { heartbeatInterval: settings.heartbeatInterval } : {}),
      ...(settings.rebalanceTimeout !== undefined ? { rebalanceTimeout: settings.rebalanceTimeout } : {}),
      isolationLevel: this.isolationLevel,
      ...(settings.rackId !== undefined ? { clientRack: settings.rackId } : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
    });
    this.fetchPool = new ConnectionPool(`${base.clientId}-fetch`, {
      ...(base.connectTimeout !== undefined ? { connectTimeout: base.connectTimeout } : {}),
      ...(base.requestTimeout !== undefined ? { requestTimeout: base.requestTimeout } : {}),
      ...(base.tls !== undefined ? { tls: base.tls } : {}),
      ...(base.sasl !== undefined ? { sasl: base.sasl } : {}),
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
    this.generation++;
    const next = new Map<string, PartitionState>();
    for (const { topic, partitions } of this.consumer.assignments ?? []) {
      for (const partition of partitions) {
        const tp = { topic, partition };
        const key = topicPartitionKey(tp);
        next.set(key, {
          tp,
          position: undefined,
          fetchPosition: undefined,
          records: [],
          head: 0,
          paused: this.assigned.get(key)?.paused ?? false,
          inFlight: false,
        });
      }
    }
    const revoked = [...this.assigned.values()].map((s) => s.tp);
    this.assigned = next;
    if (revoked.length > 0) this.events.push({ kind: 'revoked', partitions: revoked });
    if (next.size > 0) this.events.push({ kind: 'assigned', partitions: [...next.values()].map((s) => s.tp) });
    void this.initPositions(this.generation).catch((error: unknown) => this.fail(error));
    this.arrival.wake();
  }

  /** The start of each new partition: its committed offset, else `auto.offset.reset` (Java's order). */
  private async initPositions(generation: number): Promise<void> {
    const pending = [...this.assigned.values()].filter((s) => s.position === undefined);
    if (pending.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const { tp } of pending) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const committed = await this.consumer.listCommittedOffsets({
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    if (generation !== this.generation || this.closed) return;
    const missing = new Map<string, number[]>();
    for (const state of pending) {
      if (state.position !== undefined) continue; // seek() in onPartitionsAssigned won
      const offset = committed.get(state.tp.topic)?.[state.tp.partition];
      if (offset !== undefined && offset >= 0n) this.setPosition(state, Number(offset));
      else missing.set(state.tp.topic, [...(missing.get(state.tp.topic) ?? []), state.tp.partition]);
    }
    if (missing.size > 0) await this.resetPositions(missing, generation);
    this.scheduleFetch();
  }

  /** `auto.offset.reset` for partitions with no committed offset (or out of range). */
  private async resetPositions(partitions: Map<string, number[]>, generation: number): Promise<void> {
    const reset = this.settings.autoOffsetReset ?? 'earliest';
    if (reset === 'none') {
      const [topic, [partition] = []] = [...partitions][0] ?? [];
      throw new Error(`Undefined offset with no reset policy for partitions: [${topic}-${partition}]`);
    }
    const offsets = await this.consumer.listOffsets({
      topics: [...partitions.keys()],
      partitions: Object.fromEntries(partitions),
      timestamp: reset === 'earliest' ? EARLIEST : LATEST,
      isolationLevel: this.isolationLevel,
    });
    if (generation !== this.generation || this.closed) return;
    for (const [topic, list] of partitions) {
      for (const partition of list) {
        const state = this.assigned.get(topicPartitionKey({ topic, partition }));
        const offset = offsets.get(topic)?.[partition];
        if (state && offset !== undefined) this.setPosition(state, Number(offset));
      }
    }
  }

  private setPosition(state: PartitionState, offset: number): void {
    state.position = offset;
    state.fetchPosition = offset;
    state.records = [];
    state.head = 0;
  }

  async subscribe(subscription: ConsumerSubscription, listener: RebalanceListener): Promise<void> {
    this.listener = listener;
    this.subscription = subscription;
    // Like Java's subscribe(), this returns at once; joining happens in the background, assignments come
    // through poll(). A topic that does not exist yet is picked up by the metadata check.
    const existing = await this.existingTopics();
    if (existing.length > 0) this.join(existing);
    this.topicRefresh.schedule();
  }

  private async existingTopics(): Promise<string[]> {
    return existingSubscribedTopics(await this.admin.listTopics({ includeInternals: false }), this.subscription);
  }

  private missingNamedTopics(): boolean {
    const subscribed = new Set(this.groupTopics);
    return !this.subscription.pattern && (this.subscription.topics ?? []).some((t) => !subscribed.has(t));
  }

  /** One check of the subscription (TopicRefresh): a new existing topic joins the group with the larger list. */
  private async refresh(): Promise<void> {
    const topics = await this.existingTopics();
    const subscribed = new Set(this.groupTopics);
    if (topics.some((t) => !subscribed.has(t)) && !this.closed) this.join(topics);
  }

  /** Subscribes the group to `topics` (all exist) and joins, or rejoins with the larger list. Serialised. */
  private join(topics: readonly string[]): void {
    this.joining = this.joining.then(async () => {
      if (this.closed) return;
      const added = topics.filter((t) => !this.groupTopics.includes(t));
      if (added.length === 0) return;
      this.groupTopics = [...this.groupTopics, ...added];
      this.consumer.topics.trackAll(...added);
      try {
        await this.consumer.joinGroup({});
      } catch (error) {
        if (!this.closed) this.fail(error);
      }
    });
  }

  private fail(error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = error;
    this.arrival.wake();
  }

  /** Starts the fetches that may start, on the next tick (several triggers in one tick make one pass). */
  private scheduleFetch(): void {
    if (this.fetchScheduled || this.closed) return;
    this.fetchScheduled = true;
    process.nextTick(() => {
      this.fetchScheduled = false;
      this.fetch().catch((error: unknown) => this.fail(error));
    });
  }

  private fetchable(state: PartitionState): boolean {
    return (
      state.position !== undefined &&
      !state.paused &&
      !state.inFlight &&
      state.records.length - state.head < PREFETCH_BELOW_RECORDS
    );
  }

  /** One fetch per broker with no fetch in flight, for its fetchable partitions. */
  private async fetch(): Promise<void> {
    if (this.closed || this.failure !== undefined || this.retryTimer !== undefined) return;
    const candidates = [...this.assigned.values()].filter((s) => this.fetchable(s));
    if (candidates.length === 0) return;
    const metadata = await this.consumer.metadata({ topics: this.groupTopics });
    const generation = this.generation;
    if (this.closed) return;
    const byNode = new Map<number, Map<string, PartitionState[]>>();
    for (const state of candidates) {
      if (!this.fetchable(state)) continue;
      const topic = metadata.topics.get(state.tp.topic);
      const leader = topic?.partitions[state.tp.partition]?.leader;
      if (topic === undefined || leader === undefined || leader < 0 || this.fetchingNodes.has(leader)) continue;
      const topics = byNode.get(leader) ?? new Map<string, PartitionState[]>();
      byNode.set(leader, topics);
      topics.set(topic.id, [...(topics.get(topic.id) ?? []), state]);
    }
    for (const [node, topics] of byNode) {
      this.fetchingNodes.add(node);
      const requested = new Map<PartitionState, number>();
      for (const states of topics.values()) {
        for (const state of states) {
          state.inFlight = true;
          requested.set(state, state.fetchPosition as number);
        }
      }
      this.consumer
        .fetch({
          node,
          connectionPool: this.fetchPool,
          maxBytes: this.maxBytes,
          minBytes: this.minBytes,
          maxWaitTime: this.maxWaitMs,
          isolationLevel: this.isolationLevel,
          topics: [...topics].map(([topicId, states]) => ({
            topicId,
            partitions: states.map((s) => ({
              partition: s.tp.partition,
              fetchOffset: BigInt(s.fetchPosition as number),
              partitionMaxBytes: this.partitionMaxBytes,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          })),
        })
        .then(
          (response) => this.onFetched(generation, requested, response, metadata.topics),
          (error: unknown) => this.onFetchFailed(generation, requested, error, metadata.topics),
        )
        .finally(() => {
          this.fetchingNodes.delete(node);
          for (const state of requested.keys()) state.inFlight = false;
          this.scheduleFetch();
        })
        .catch((error: unknown) => this.fail(error));
    }
  }

  /** The requested partition of a response, if the response still applies to it (no seek or rebalance since). */
  private current(
    generation: number,
    requested: Map<PartitionState, number>,
    topic: string | undefined,
    partition: number,
  ): PartitionState | undefined {
    if (generation !== this.generation || topic === undefined) return undefined;
    const state = this.assigned.get(topicPartitionKey({ topic, partition }));
    if (state === undefined) return undefined;
    const offset = requested.get(state);
    return offset !== undefined && state.fetchPosition === offset ? state : undefined;
  }

  private onFetched(
    generation: number,
    requested: Map<PartitionState, number>,
    response: FetchResponse,
    topics: ReadonlyMap<string, { id: string }>,
  ): void {
    const names = topicNames(topics);
    let arrived = false;
    for (const topicResponse of response.responses) {
      const topic = names.get(topicResponse.topicId);
      for (const partitionResponse of topicResponse.partitions) {
        const state = this.current(generation, requested, topic, partitionResponse.partitionIndex);
        if (state && this.append(state, partitionResponse)) arrived = true;
      }
    }
    if (arrived) this.arrival.wake();
  }

  /** Appends a partition's fetched records, skipping control batches and (read_committed) aborted ones. */
  private append(state: PartitionState, response: FetchPartitionResponse): boolean {
    const batches = response.records;
    if (!batches || batches.length === 0) return false;
    const { topic, partition } = state.tp;
    const from = state.fetchPosition as number;
    const aborted = this.isolationLevel === READ_COMMITTED ? new AbortedTransactions(response) : undefined;
    const out = state.head === 0 && state.records.length === 0 ? [] : state.records.slice(state.head);
    let next = from;
    for (const batch of batches) {
      const firstOffset = Number(batch.firstOffset);
      const lastOffset = firstOffset + batch.lastOffsetDelta;
      if (lastOffset < from) continue;
      next = lastOffset + 1;
      if (aborted?.skips(batch, lastOffset)) continue;
      if (batch.attributes & IS_CONTROL) continue;
      const logAppendTime = (batch.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0;
      const timestampType = logAppendTime ? 'LogAppendTime' : 'CreateTime';
      const firstTimestamp = Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp);
      for (const record of batch.records) {
        const offset = firstOffset + record.offsetDelta;
        // A compressed batch starts before the fetch offset when the fetch started inside it.
        if (offset < from) continue;
        out.push({
          topic,
          partition,
          offset,
          key: record.key ?? null,
          value: record.value ?? null,
          timestamp: logAppendTime ? firstTimestamp : firstTimestamp + Number(record.timestampDelta),
          timestampType,
          headers: toHeaders(record.headers),
        });
      }
    }
    state.records = out;
    state.head = 0;
    state.fetchPosition = next;
    return out.length > 0;
  }

  private onFetchFailed(
    generation: number,
    requested: Map<PartitionState, number>,
    error: unknown,
    topics: ReadonlyMap<string, { id: string }>,
  ): void {
    if (this.closed || generation !== this.generation) return;
    const outOfRange = outOfRangePartitions(error);
    if (outOfRange.length > 0) {
      // Java's auto.offset.reset for a fetch offset the log no longer (or not yet) has.
      const names = topicNames(topics);
      const reset = new Map<string, number[]>();
      for (const { topicId, partition } of outOfRange) {
        const state = this.current(generation, requested, names.get(topicId), partition);
        if (state) reset.set(state.tp.topic, [...(reset.get(state.tp.topic) ?? []), partition]);
      }
      void this.resetPositions(reset, generation).then(
        () => this.scheduleFetch(),
        (resetError: unknown) => this.fail(resetError),
      );
      return;
    }
    if (!retriable(error)) {
      this.fail(error);
      return;
    }
    // A broker outage: fetch again later (Java's consumer keeps trying; nothing is lost or skipped).
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.scheduleFetch();
    }, FETCH_RETRY_BACKOFF_MS);
  }

  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    if (this.failure !== undefined) throw this.failure;
    await runRebalanceCallbacks(this.events, this.listener);
    if (!this.hasDeliverable()) {
      this.scheduleFetch();
      await this.arrival.wait(timeoutMs);
      if (this.failure !== undefined) throw this.failure;
      await runRebalanceCallbacks(this.events, this.listener);
    }
    return this.take();
  }

  private hasDeliverable(): boolean {
    if (this.events.length > 0) return true;
    for (const state of this.assigned.values()) {
      if (!state.paused && state.head < state.records.length) return true;
    }
    return false;
  }

  /** Up to `max.poll.records`, partition after partition, starting one further each poll. */
  private take(): ConsumerRecord[] {
    const states = [...this.assigned.values()];
    let out: ConsumerRecord[] = [];
    for (let i = 0; i < states.length && out.length < this.maxPollRecords; i++) {
      const state = states[(this.takeCursor + i) % states.length] as PartitionState;
      if (state.paused || state.head >= state.records.length) continue;
      const end = Math.min(state.records.length, state.head + this.maxPollRecords - out.length);
      const slice =
        state.head === 0 && end === state.records.length ? state.records : state.records.slice(state.head, end);
      out = out.length === 0 ? slice : out.concat(slice);
      state.head = end;
      if (state.head >= state.records.length) {
        state.records = [];
        state.head = 0;
      }
      state.position =
        state.head < state.records.length ? (state.records[state.head] as ConsumerRecord).offset : state.fetchPosition;
    }
    this.takeCursor = states.length > 0 ? (this.takeCursor + 1) % states.length : 0;
    this.scheduleFetch();
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
    const state = this.assigned.get(topicPartitionKey(tp));
    if (!state) return;
    // A fetch in flight for the old position is dropped when it returns (its offset no longer matches).
    this.setPosition(state, offset);
    this.scheduleFetch();
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const state = this.assigned.get(topicPartitionKey(tp));
      if (state) state.paused = true;
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const state = this.assigned.get(topicPartitionKey(tp));
      if (state) state.paused = false;
    }
    this.scheduleFetch();
    if (this.hasDeliverable()) this.arrival.wake();
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()].map((s) => s.tp);
  }

  wakeup(): void {
    this.arrival.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    await this.topicRefresh.stop();
    this.arrival.wake();
    await this.joining;
    await this.admin.close().catch(() => undefined);
    // Leaves the group (LeaveGroup), so successors need not wait for the session timeout.
    await this.consumer.close();
    await this.fetchPool.close().catch(() => undefined);
  }
}

/**
 * Java's read_committed filter (its fetcher's CompletedFetch): the response lists the aborted transactions
 * overlapping the fetched range (producer id, first offset). Walking the batches in offset order, a producer
 * becomes "aborted" once a batch reaches the first offset of one of its aborted transactions, and stops being so
 * at its abort marker; its transactional batches in between are skipped.
 */
class AbortedTransactions {
  private readonly pending: { producerId: bigint; firstOffset: number }[];
  private next = 0;
  private readonly producers = new Set<bigint>();

  constructor(response: FetchPartitionResponse) {
    this.pending = (response.abortedTransactions ?? [])
      .map((t: { producerId: bigint; firstOffset: bigint }) => ({
        producerId: t.producerId,
        firstOffset: Number(t.firstOffset),
      }))
      .sort((a: { firstOffset: number }, b: { firstOffset: number }) => a.firstOffset - b.firstOffset);
  }

  /** Whether `batch` belongs to an aborted transaction (its abort marker itself is a control batch). */
  skips(batch: RecordBatch, lastOffset: number): boolean {
    if (batch.producerId < 0n) return false;
    while (this.next < this.pending.length && (this.pending[this.next]?.firstOffset ?? Infinity) <= lastOffset) {
      this.producers.add((this.pending[this.next++] as { producerId: bigint }).producerId);
    }
    if (batch.attributes & IS_CONTROL) {
      if (isAbortMarker(batch)) this.producers.delete(batch.producerId);
      return false;
    }
    return (batch.attributes & IS_TRANSACTIONAL) !== 0 && this.producers.has(batch.producerId);
  }
}

/** A control batch's record key is version (int16) then type (int16): 0 = ABORT, 1 = COMMIT. */
const isAbortMarker = (batch: RecordBatch): boolean => {
  const key = batch.records[0]?.key;
  return key !== undefined && key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
};

const topicNames = (topics: ReadonlyMap<string, { id: string }>): Map<string, string> => {
  const names = new Map<string, string>();
  for (const [name, { id }] of topics) names.set(id, name);
  return names;
};

/** The partitions a fetch failed for with OFFSET_OUT_OF_RANGE (the client rejects the whole response). */
const outOfRangePartitions = (error: unknown): { topicId: string; partition: number }[] => {
  if (!findErrorBy(error as Error, 'apiId', 'OFFSET_OUT_OF_RANGE')) return [];
  const response = (error as { response?: FetchResponse }).response;
  const out: { topicId: string; partition: number }[] = [];
  for (const topic of response?.responses ?? []) {
    for (const p of topic.partitions) {
      if (p.errorCode === protocolErrors.OFFSET_OUT_OF_RANGE?.code)
        out.push({ topicId: topic.topicId, partition: p.partitionIndex });
    }
  }
  return out;
};

/** Network failures and retriable protocol errors: the broker may answer again later. */
const retriable = (error: unknown): boolean =>
  !!findErrorBy(error as Error, 'canRetry', true) || !!findErrorBy(error as Error, 'code', 'PLT_KFK_NETWORK');

const toHeaders = (entries: Array<[Buffer | null, Buffer | null]>): KafkaHeader[] => {
  if (entries.length === 0) return NO_HEADERS;
  const out: KafkaHeader[] = [];
  for (const [key, value] of entries) out.push({ key: key?.toString() ?? '', value: value ?? null });
  return out;
};
