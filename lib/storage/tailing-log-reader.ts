/**
 * The client-neutral half of Apache Kafka Connect's `KafkaBasedLog` reader, shared by both adapters' log readers:
 * group-less, every partition from its earliest offset, tailing while it runs, and `readToEnd` waits until the
 * reader has passed the end offsets the topic had when it was called.
 *
 * Why a base class: the start/stop lifecycle (retries, rollback, a stop() racing start()), the readToEnd waiters
 * and their timeout, the back-off pauses that stop() cuts short and the supervisor that plans one fetch loop per
 * partition leader are the same whatever client talks to the broker, and they are where the subtle bugs live
 * (a waiter never woken, a loop outliving stop()). Written once here, each adapter keeps only what its client
 * does differently: connecting, metadata (partition leaders), ListOffsets, one Fetch round and its decoding
 * (READ_COMMITTED filtering depends on how the client exposes batches), which errors are retriable and how to
 * recover from one.
 */
import type { LogRecord, TopicLogReaderOptions, TopicLogReaderPort } from './kafka-ports';

/** The options the base needs, generic in the record type (the kafkajs adapter hands out Buffers). */
export interface TailingLogReaderOptions<R extends LogRecord = LogRecord> extends Omit<
  TopicLogReaderOptions,
  'onRecords'
> {
  /**
   * Records of one partition in offset order, called before the reader's position moves past them; a partition
   * reset to its earliest offset (its data was truncated or deleted, OFFSET_OUT_OF_RANGE) is read again, like
   * Apache's log does with `auto.offset.reset=earliest`.
   */
  readonly onRecords: (partition: number, records: readonly R[]) => void;
}

/** [partition, leader node id], sorted by partition. */
export type PartitionLeaders = [number, number][];

/** One partition's data of a Fetch response; decoded only if the position has not moved while it was in flight. */
export interface FetchedPartition<R extends LogRecord = LogRecord> {
  readonly partition: number;
  /**
   * The records at or after `fetchOffset` to pass on (control records and aborted records left out) and the next
   * offset to fetch: the end of the last batch returned (the Java consumer's `nextFetchOffset`), so batches whose
   * tail was compacted away, control batches and aborted batches are stepped over.
   */
  decode(fetchOffset: number): { records: R[]; next: number };
}

/**
 * One Fetch from a partition leader for the `requested` partitions at their offsets; `undefined` when the Fetch
 * was answered by resetting positions (OFFSET_OUT_OF_RANGE), so the loop fetches again from the new positions.
 */
export type FetchRound<R extends LogRecord = LogRecord> = (
  requested: ReadonlyMap<number, number>,
) => Promise<readonly FetchedPartition<R>[] | undefined>;

export const DEFAULT_MAX_WAIT_MS = 500; // the Java consumer's fetch.max.wait.ms

/** An error the reader's own checks raise (no metadata or leader yet) that every adapter treats as retriable. */
export const retriableError = (message: string): Error => Object.assign(new Error(message), { retriable: true });

interface Waiter {
  readonly targets: ReadonlyMap<number, number>;
  readonly resolve: () => void;
}

/**
 * `Client` is what the adapter connects with (one per start); `TopicRef` is how its Fetch names the topic, taken
 * from the same metadata as the leaders (the name for kafkajs, the topic id for @platformatic/kafka).
 */
export abstract class TailingLogReader<
  Client,
  TopicRef,
  R extends LogRecord = LogRecord,
> implements TopicLogReaderPort {
  /** next offset to read, per partition */
  private readonly positions = new Map<number, number>();
  private waiters: Waiter[] = [];
  private client: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  /** bumped to make every fetch loop return after its current request, so leaders are looked up again */
  private generation = 0;
  private failure: Error | undefined;
  private stopped = false;
  /** pending back-off pauses (the fetch supervisor's and any readToEnd's), ended early by stop() */
  private readonly sleepers = new Set<() => void>();

  protected constructor(protected readonly options: TailingLogReaderOptions<R>) {}

  // --------------------------------------------------------------------------------------- per-client hooks

  /** A new, unconnected client for one start(). */
  protected abstract newClient(): Client;
  /** Closes a client (errors are ignored by the caller). */
  protected abstract closeClient(client: Client): Promise<void>;
  /** Connects `client` (already the current one) and returns the topic's partitions from fresh metadata. */
  protected abstract connect(client: Client): Promise<readonly number[]>;
  /** The topic's partition leaders from (cached, refreshed when stale) metadata; no leader is a retriable error. */
  protected abstract topicLeaders(): Promise<{ topic: TopicRef; leaders: PartitionLeaders }>;
  /** ListOffsets latest, read_committed (the last stable offset), of every partition. */
  protected abstract endOffsets(): Promise<Map<number, number>>;
  /** ListOffsets earliest of `partitions` (not empty): [partition, offset]. */
  protected abstract earliestOffsets(partitions: readonly number[]): Promise<Iterable<[number, number]>>;
  /** Prepares one fetch loop's Fetch rounds against `leader` (called once per loop, before its first round). */
  protected abstract openFetch(leader: number, topic: TopicRef): Promise<FetchRound<R>>;
  protected abstract isRetriable(error: unknown): boolean;
  /** After a retriable error, before the back-off pause: what the client needs to find the leaders again. */
  protected abstract recover(client: Client, error: unknown): void | Promise<void>;
  /** Called by the fetch supervisor for every error it catches while running (for logging). */
  protected onReadError(_error: unknown, _retriable: boolean): void {}

  // --------------------------------------------------------------------------------------------- public API

  /**
   * Connects, learns the partitions and their earliest offsets, and starts reading in the background; retries
   * retriable errors (a topic just created, leaders moving) until `timeoutMs` has passed.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.client) throw new Error(`log reader of ${this.options.topic} already started`);
    const client = this.newClient();
    this.client = client;
    this.failure = undefined;
    this.stopped = false;
    try {
      await this.retryUntil(Date.now() + timeoutMs, async () => {
        const partitions = await this.connect(client);
        await this.resetToEarliest(partitions);
      });
    } catch (error) {
      if (this.client === client) this.client = undefined;
      await this.closeClient(client).catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      // stop() was called while starting: it found nothing to close yet.
      await this.closeClient(client).catch(() => undefined);
      throw this.failure ?? new Error(`log reader of ${this.options.topic} stopped`);
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading and closes the connections (waits for an in-flight Fetch, at most `maxWaitMs`). */
  async stop(): Promise<void> {
    const { client, loop } = this;
    this.running = false;
    this.stopped = true;
    this.client = undefined;
    this.loop = undefined;
    for (const wake of [...this.sleepers]) wake();
    await loop;
    if (client !== undefined) await this.closeClient(client).catch(() => undefined);
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

  // ------------------------------------------------------------------------------------ helpers for adapters

  protected requireClient(): Client {
    if (!this.client) throw this.failure ?? new Error(`log reader of ${this.options.topic} is not started`);
    return this.client;
  }

  /** True once stop() was called (until the next start()). */
  protected get isStopped(): boolean {
    return this.stopped;
  }

  /** How long the broker holds a Fetch on an idle tail (Fetch `max_wait_ms`). */
  protected get maxWaitMs(): number {
    return this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Positions `partitions` at their earliest offsets (ListOffsets earliest), i.e. `seekToBeginning`. */
  protected async resetToEarliest(partitions: readonly number[]): Promise<void> {
    if (partitions.length === 0) return;
    for (const [partition, offset] of await this.earliestOffsets(partitions)) this.positions.set(partition, offset);
  }

  // ------------------------------------------------------------------------------------------------ internals

  private reached(targets: ReadonlyMap<number, number>): boolean {
    for (const [partition, end] of targets) {
      // A partition not known when the reader started counts as unread unless it is empty up to `end`.
      if ((this.positions.get(partition) ?? 0) < end) return false;
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
        if (!this.isRetriable(error) || Date.now() > deadline) throw error;
        await this.recoverCurrent(error);
        await this.pause(Math.min(1000, 50 * attempt));
      }
    }
  }

  private async recoverCurrent(error: unknown): Promise<void> {
    const { client } = this;
    if (client !== undefined) await this.recover(client, error);
  }

  /**
   * Supervises one fetch loop per partition leader (as kafkajs's fetchManager does per node) until stopped; when
   * a loop hits an error or sees leadership move, all loops end after their current Fetch and are planned again
   * from fresh metadata. Loops of one plan never overlap the next, so a partition is only read by one at a time.
   */
  private async run(): Promise<void> {
    for (let attempt = 1; this.running;) {
      try {
        const { topic, leaders } = await this.topicLeaders();
        // Partitions added to the topic since start: read them from their beginning.
        await this.resetToEarliest(leaders.filter(([p]) => !this.positions.has(p)).map(([p]) => p));
        const byLeader = new Map<number, number[]>();
        for (const [partition, leader] of leaders) byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
        const generation = ++this.generation;
        const plan = [...byLeader].map(([leader, partitions]) =>
          this.fetchLoop(generation, topic, leader, partitions, leaders).catch((error: unknown) => {
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
        if (!this.isRetriable(error)) {
          this.onReadError(error, false);
          this.fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.onReadError(error, true);
        await this.recoverCurrent(error);
        await this.pause(Math.min(5000, 100 * 2 ** Math.min(attempt++, 6)));
      }
    }
  }

  private async fetchLoop(
    generation: number,
    topic: TopicRef,
    leader: number,
    partitions: readonly number[],
    plan: PartitionLeaders,
  ): Promise<void> {
    const fetch = await this.openFetch(leader, topic);
    while (this.running && this.generation === generation) {
      const requested = new Map(partitions.map((p) => [p, this.positions.get(p) ?? 0]));
      const fetched = await fetch(requested);
      if (fetched === undefined) continue; // positions were reset: fetch again from there
      for (const data of fetched) {
        const fetchOffset = requested.get(data.partition);
        if (fetchOffset !== undefined) this.consume(data, fetchOffset);
      }
      this.wakeWaiters();
      // Leadership moved or partitions were added (metadata older than the client's max age is refreshed here).
      const { leaders } = await this.topicLeaders();
      if (this.generation === generation && !samePlan(plan, leaders)) this.generation++;
    }
  }

  /** Passes the records of one partition's Fetch data on, then moves its position past them. */
  private consume(data: FetchedPartition<R>, fetchOffset: number): void {
    if (this.positions.get(data.partition) !== fetchOffset) return; // reset while the Fetch was in flight
    const { records, next } = data.decode(fetchOffset);
    if (records.length > 0) this.options.onRecords(data.partition, records);
    this.positions.set(data.partition, next);
  }
}

function samePlan(a: PartitionLeaders, b: PartitionLeaders): boolean {
  return a.length === b.length && a.every(([p, leader], i) => b[i]![0] === p && b[i]![1] === leader);
}
