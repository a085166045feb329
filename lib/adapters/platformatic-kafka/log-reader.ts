/**
 * TopicLogReaderPort on `@platformatic/kafka`: a group-less reader of a whole topic, like Apache Kafka Connect's
 * `KafkaBasedLog` (and the kafkajs adapter's log reader, which this mirrors): every partition from its earliest
 * offset, tailing while it runs; `readToEnd` waits until it has passed the end offsets the topic had when called.
 *
 * It uses the client's low-level consumer calls only (`metadata`, `listOffsets`, `fetch` to a partition leader):
 * the consumer never joins its group (the `groupId` the client requires is never used), so there is no JoinGroup,
 * no `group.initial.rebalance.delay.ms` on every start and no group left on the broker.
 *
 * READ_COMMITTED for Fetch and the end offsets (the last stable offset), as Apache's offsets-topic consumer with
 * exactly-once source support. Aborted records are dropped here by Java's rule (from an aborted transaction's first
 * offset, that producer's transactional batches are skipped until its abort marker), not by the client's own
 * filter alone: the client keeps an aborted range whose marker is not in the same Fetch response.
 */
import { Consumer } from '@platformatic/kafka';
import type { BaseOptions } from '@platformatic/kafka';
import type { LogRecord, TopicLogReaderOptions, TopicLogReaderPort } from '../../storage/kafka-ports';
import { canRetry, hasApiId, isUnknownTopic } from './errors';

const READ_COMMITTED = 1;
const EARLIEST = -2n;
const LATEST = -1n;
const DEFAULT_MAX_WAIT_MS = 500; // the Java consumer's fetch.max.wait.ms
const MAX_BYTES_PER_PARTITION = 1024 * 1024; // the Java consumer's max.partition.fetch.bytes
const MAX_BYTES = 8 * 1024 * 1024;
const IS_TRANSACTIONAL = 0x10; // record batch attributes bit 4
const IS_CONTROL = 0x20; // record batch attributes bit 5

/** The client's Fetch response (its type is not exported; `fetch`'s promise overload is declared last). */
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
type FetchedPartition = FetchResponse['responses'][number]['partitions'][number];

interface Waiter {
  readonly targets: ReadonlyMap<number, number>;
  readonly resolve: () => void;
}

const retriableError = (message: string): Error => Object.assign(new Error(message), { retriable: true });

export class PlatformaticLogReader implements TopicLogReaderPort {
  /** next offset to read, per partition */
  private readonly positions = new Map<number, number>();
  private waiters: Waiter[] = [];
  private consumer: Consumer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  /** bumped to make every fetch loop return after its current request, so leaders are looked up again */
  private generation = 0;
  private failure: Error | undefined;
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly base: BaseOptions,
    private readonly options: TopicLogReaderOptions,
  ) {}

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.consumer) throw new Error(`log reader of ${this.options.topic} already started`);
    // The group id is required by the client's options and never used: nothing here joins a group.
    const consumer = new Consumer({ ...this.base, groupId: `skc-log-reader-unused-${this.options.topic}` });
    this.consumer = consumer;
    this.failure = undefined;
    this.stopped = false;
    try {
      await this.retryUntil(Date.now() + timeoutMs, async () => {
        const partitions = (await this.partitionLeaders(true)).map(([partition]) => partition);
        await this.resetToEarliest(partitions);
      });
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.close().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await consumer.close().catch(() => undefined);
      throw this.failure ?? new Error(`log reader of ${this.options.topic} stopped`);
    }
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    const { consumer, loop } = this;
    this.running = false;
    this.stopped = true;
    this.consumer = undefined;
    this.loop = undefined;
    for (const wake of [...this.sleepers]) wake();
    await loop;
    await consumer?.close().catch(() => undefined);
    this.fail(new Error(`log reader of ${this.options.topic} stopped`));
  }

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

  // ------------------------------------------------------------------------------------------------ internals

  private requireConsumer(): Consumer {
    if (!this.consumer) throw this.failure ?? new Error(`log reader of ${this.options.topic} is not started`);
    return this.consumer;
  }

  /** [partition, leader node id] sorted by partition, and the topic's id; a partition without leader is retriable. */
  private async partitionLeaders(forceUpdate = false): Promise<[number, number][]> {
    return (await this.topicMetadata(forceUpdate)).leaders;
  }

  private async topicMetadata(forceUpdate = false): Promise<{ id: string; leaders: [number, number][] }> {
    const { topic } = this.options;
    const metadata = await this.requireConsumer().metadata({ topics: [topic], forceUpdate });
    const described = metadata.topics.get(topic);
    if (!described || described.partitionsCount === 0) throw retriableError(`no metadata for topic ${topic} yet`);
    const leaders = described.partitions.map((p, partition): [number, number] => {
      if (p === undefined || p.leader === undefined || p.leader < 0) {
        throw retriableError(`partition ${partition} of ${topic} has no leader`);
      }
      return [partition, p.leader];
    });
    return { id: described.id, leaders };
  }

  private async listOffsets(timestamp: bigint, partitions?: readonly number[]): Promise<Map<number, number>> {
    const { topic } = this.options;
    const offsets = await this.requireConsumer().listOffsets({
      topics: [topic],
      ...(partitions ? { partitions: { [topic]: [...partitions] } } : {}),
      timestamp,
      isolationLevel: READ_COMMITTED,
    });
    const result = new Map<number, number>();
    const list = offsets.get(topic) ?? [];
    list.forEach((offset, partition) => {
      if (offset !== undefined && (!partitions || partitions.includes(partition))) {
        result.set(partition, Number(offset));
      }
    });
    return result;
  }

  /** ListOffsets latest, read_committed (the last stable offset), of every partition. */
  private async endOffsets(): Promise<Map<number, number>> {
    await this.partitionLeaders();
    return this.listOffsets(LATEST);
  }

  /** Positions `partitions` at their earliest offsets, i.e. `seekToBeginning`. */
  private async resetToEarliest(partitions: readonly number[]): Promise<void> {
    if (partitions.length === 0) return;
    for (const [partition, offset] of await this.listOffsets(EARLIEST, partitions)) {
      this.positions.set(partition, offset);
    }
  }

  private reached(targets: ReadonlyMap<number, number>): boolean {
    for (const [partition, end] of targets) {
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

  /** Includes an unknown topic: a topic just created is not known to every broker component at once. */
  private isRetriable(error: unknown): boolean {
    return (error as { retriable?: unknown } | null)?.retriable === true || canRetry(error) || isUnknownTopic(error);
  }

  private async retryUntil<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (this.stopped || !this.isRetriable(error) || Date.now() > deadline) throw error;
        this.consumer?.clearMetadata();
        await this.pause(Math.min(1000, 50 * attempt));
      }
    }
  }

  /**
   * Supervises one fetch loop per partition leader until stopped; when a loop fails or sees leadership move, all
   * loops end after their current Fetch and are planned again from fresh metadata, so a partition is only ever
   * read by one loop at a time.
   */
  private async run(): Promise<void> {
    for (let attempt = 1; this.running;) {
      try {
        const { id, leaders } = await this.topicMetadata();
        // Partitions added to the topic since start: read them from their beginning.
        await this.resetToEarliest(leaders.filter(([p]) => !this.positions.has(p)).map(([p]) => p));
        const byLeader = new Map<number, number[]>();
        for (const [partition, leader] of leaders) byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
        const generation = ++this.generation;
        const plan = [...byLeader].map(([leader, partitions]) =>
          this.fetchLoop(generation, id, leader, partitions, leaders).catch((error: unknown) => {
            this.generation++;
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
          this.fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.consumer?.clearMetadata();
        await this.pause(Math.min(5000, 100 * 2 ** Math.min(attempt++, 6)));
      }
    }
  }

  private async fetchLoop(
    generation: number,
    topicId: string,
    leader: number,
    partitions: readonly number[],
    plan: readonly [number, number][],
  ): Promise<void> {
    while (this.running && this.generation === generation) {
      const consumer = this.requireConsumer();
      const requested = new Map(partitions.map((p) => [p, this.positions.get(p) ?? 0]));
      let response: FetchResponse;
      try {
        response = await consumer.fetch({
          node: leader,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
          minBytes: 1,
          maxBytes: MAX_BYTES,
          topics: [
            {
              topicId,
              partitions: [...requested].map(([partition, offset]) => ({
                partition,
                fetchOffset: BigInt(offset),
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: MAX_BYTES_PER_PARTITION,
              })),
            },
          ],
        });
      } catch (error) {
        if (hasApiId(error, 'OFFSET_OUT_OF_RANGE')) {
          // Our position is outside the log (records deleted, or the log truncated under us): read the partitions
          // the broker named again from their beginning, as KafkaBasedLog's consumer (auto.offset.reset=earliest).
          const named = outOfRange(error, topicId);
          await this.resetToEarliest(named.length > 0 ? named : partitions);
          continue;
        }
        throw error;
      }
      for (const { topicId: id, partitions: data } of response.responses) {
        if (id !== topicId) continue;
        for (const partitionData of data) {
          const fetchOffset = requested.get(partitionData.partitionIndex);
          if (fetchOffset !== undefined) this.consume(partitionData, fetchOffset);
        }
      }
      this.wakeWaiters();
      // Leadership moved or partitions were added (the client refreshes metadata older than metadataMaxAge).
      const current = await this.partitionLeaders();
      if (this.generation === generation && !samePlan(plan, current)) this.generation++;
    }
  }

  /**
   * Passes the records of one partition's Fetch data on and moves its position past them: to the end of the last
   * batch returned (the Java consumer's `nextFetchOffset`), so batches whose tail was compacted away, control
   * batches and aborted batches are stepped over.
   */
  private consume(data: FetchedPartition, fetchOffset: number): void {
    const partition = data.partitionIndex;
    if (this.positions.get(partition) !== fetchOffset) return; // reset while the Fetch was in flight
    let next = fetchOffset;
    const records: LogRecord[] = [];
    const aborted = [...(data.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset));
    const abortedProducers = new Set<bigint>();
    for (const batch of data.records ?? []) {
      const first = Number(batch.firstOffset);
      next = Math.max(next, first + batch.lastOffsetDelta + 1);
      while (aborted.length > 0 && batch.firstOffset >= aborted[0]!.firstOffset) {
        abortedProducers.add(aborted.shift()!.producerId);
      }
      if (batch.attributes & IS_CONTROL) {
        // Control record key: version int16, type int16 (0 = ABORT, 1 = COMMIT).
        const key = batch.records[0]?.key;
        if (key && key.length === 4 && key.readInt16BE(2) === 0) abortedProducers.delete(batch.producerId);
        continue;
      }
      if (batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
      for (const record of batch.records) {
        const offset = first + record.offsetDelta;
        if (offset < fetchOffset) continue; // the head of a batch that starts before our position
        records.push({ offset, key: record.key, value: record.value });
      }
    }
    if (records.length > 0) this.options.onRecords(partition, records);
    this.positions.set(partition, next);
  }
}

/** Partitions of `topicId` a failed Fetch's response marks OFFSET_OUT_OF_RANGE (error code 1). */
function outOfRange(error: unknown, topicId: string): number[] {
  const response = (error as { response?: FetchResponse } | null)?.response;
  const topic = response?.responses?.find((t) => t.topicId === topicId);
  return (topic?.partitions ?? []).filter((p) => p.errorCode === 1).map((p) => p.partitionIndex);
}

function samePlan(a: readonly [number, number][], b: readonly [number, number][]): boolean {
  return a.length === b.length && a.every(([p, leader], i) => b[i]![0] === p && b[i]![1] === leader);
}
