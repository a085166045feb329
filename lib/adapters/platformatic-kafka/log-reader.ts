/**
 * TopicLogReaderPort on `@platformatic/kafka`: a group-less reader of a whole topic, like Apache Kafka Connect's
 * `KafkaBasedLog`: every partition from its earliest offset, tailing while it runs; `readToEnd` waits until it
 * has passed the end offsets the topic had when called.
 *
 * It uses the client's low-level consumer calls only (`metadata`, `listOffsets`, `fetch` to a partition leader):
 * the consumer never joins its group (the `groupId` the client requires is never used), so there is no JoinGroup,
 * no `group.initial.rebalance.delay.ms` on every start and no group left on the broker.
 *
 * The client-neutral lifecycle (start/stop, readToEnd, retries, the per-leader fetch supervisor) is
 * `TailingLogReader` (lib/storage/tailing-log-reader.ts), shared with the kafkajs adapter; this is its
 * @platformatic/kafka half.
 *
 * READ_COMMITTED for Fetch and the end offsets (the last stable offset), as Apache's offsets-topic consumer with
 * exactly-once source support. Aborted records are dropped here by Java's rule (from an aborted transaction's first
 * offset, that producer's transactional batches are skipped until its abort marker), not by the client's own
 * filter alone: the client keeps an aborted range whose marker is not in the same Fetch response.
 */
import { ConnectionPool, Consumer } from '@platformatic/kafka';
import type { BaseOptions } from '@platformatic/kafka';
import type { LogRecord, TopicLogReaderOptions } from '../../storage/kafka-ports';
import { retriableError, TailingLogReader } from '../../storage/tailing-log-reader';
import type { FetchRound, PartitionLeaders } from '../../storage/tailing-log-reader';
import { canRetry, hasApiId, isUnknownTopic } from './errors';

const READ_COMMITTED = 1;
const EARLIEST = -2n;
const LATEST = -1n;
const MAX_BYTES_PER_PARTITION = 1024 * 1024; // the Java consumer's max.partition.fetch.bytes
const MAX_BYTES = 8 * 1024 * 1024;
const IS_TRANSACTIONAL = 0x10; // record batch attributes bit 4
const IS_CONTROL = 0x20; // record batch attributes bit 5

/** The client's Fetch response (its type is not exported; `fetch`'s promise overload is declared last). */
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
type FetchedPartition = FetchResponse['responses'][number]['partitions'][number];

export class PlatformaticLogReader extends TailingLogReader<Consumer, string> {
  /**
   * Each client's Fetch connections. A broker answers a connection's requests in order, so a Fetch long-polling
   * on the client's own connection (up to `maxWaitMs` on a quiet topic) held back the ListOffsets and Metadata of
   * every readToEnd() behind it: a new source task's first offset read waited for it (create → first record went
   * from ~65 to ~135 ms). The consumer adapter fetches on its own connections for the same reason.
   */
  private readonly fetchPools = new WeakMap<Consumer, ConnectionPool>();

  constructor(
    private readonly base: BaseOptions,
    options: TopicLogReaderOptions,
  ) {
    super(options);
  }

  // ------------------------------------------------------------------------------------------------ hooks

  protected newClient(): Consumer {
    // The group id is required by the client's options and never used: nothing here joins a group.
    const consumer = new Consumer({ ...this.base, groupId: `skc-log-reader-unused-${this.options.topic}` });
    const { connectTimeout, requestTimeout, tls, sasl } = this.base;
    this.fetchPools.set(
      consumer,
      new ConnectionPool(`${this.base.clientId}-fetch`, {
        ...(connectTimeout !== undefined ? { connectTimeout } : {}),
        ...(requestTimeout !== undefined ? { requestTimeout } : {}),
        ...(tls !== undefined ? { tls } : {}),
        ...(sasl !== undefined ? { sasl } : {}),
      }),
    );
    return consumer;
  }

  protected async closeClient(consumer: Consumer): Promise<void> {
    try {
      await consumer.close();
    } finally {
      await this.fetchPools.get(consumer)?.close();
    }
  }

  /** The client connects on its first request. */
  protected async connect(): Promise<readonly number[]> {
    return (await this.topicLeaders(true)).leaders.map(([partition]) => partition);
  }

  /** The leaders sorted by partition and the topic's id (Fetch names topics by id); no leader is retriable. */
  protected async topicLeaders(forceUpdate = false): Promise<{ topic: string; leaders: PartitionLeaders }> {
    const { topic } = this.options;
    const metadata = await this.requireClient().metadata({ topics: [topic], forceUpdate });
    const described = metadata.topics.get(topic);
    if (!described || described.partitionsCount === 0) throw retriableError(`no metadata for topic ${topic} yet`);
    const leaders = described.partitions.map((p, partition): [number, number] => {
      if (p === undefined || p.leader === undefined || p.leader < 0) {
        throw retriableError(`partition ${partition} of ${topic} has no leader`);
      }
      return [partition, p.leader];
    });
    return { topic: described.id, leaders };
  }

  /** ListOffsets latest, read_committed (the last stable offset), of every partition. */
  protected async endOffsets(): Promise<Map<number, number>> {
    await this.topicLeaders();
    return this.listOffsets(LATEST);
  }

  protected earliestOffsets(partitions: readonly number[]): Promise<Map<number, number>> {
    return this.listOffsets(EARLIEST, partitions);
  }

  protected async openFetch(leader: number, topicId: string): Promise<FetchRound> {
    return async (requested) => {
      const consumer = this.requireClient();
      let response: FetchResponse;
      try {
        response = await consumer.fetch({
          node: leader,
          connectionPool: this.fetchPools.get(consumer) as ConnectionPool,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: this.maxWaitMs,
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
          await this.resetToEarliest(named.length > 0 ? named : [...requested.keys()]);
          return undefined;
        }
        throw error;
      }
      return response.responses
        .filter(({ topicId: id }) => id === topicId)
        .flatMap(({ partitions }) =>
          partitions.map((data) => ({
            partition: data.partitionIndex,
            decode: (fetchOffset: number) => decode(data, fetchOffset),
          })),
        );
    };
  }

  /**
   * Includes an unknown topic: a topic just created is not known to every broker component at once. Nothing is
   * retried once stopped (the consumer is closed); while the reader runs it is never stopped, so this only cuts
   * short the retries of a start() or readToEnd() that stop() overtook.
   */
  protected isRetriable(error: unknown): boolean {
    return (
      !this.isStopped &&
      ((error as { retriable?: unknown } | null)?.retriable === true || canRetry(error) || isUnknownTopic(error))
    );
  }

  protected recover(consumer: Consumer): void {
    consumer.clearMetadata();
  }

  // ------------------------------------------------------------------------------------------------ internals

  private async listOffsets(timestamp: bigint, partitions?: readonly number[]): Promise<Map<number, number>> {
    const { topic } = this.options;
    const offsets = await this.requireClient().listOffsets({
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
}

/**
 * The records of one partition's Fetch data at or after `fetchOffset`, and the end of the last batch returned.
 * Aborted records are dropped by Java's rule (from an aborted transaction's first offset, that producer's
 * transactional batches are skipped until its abort marker).
 */
function decode(data: FetchedPartition, fetchOffset: number): { records: LogRecord[]; next: number } {
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
  return { records, next };
}

/** Partitions of `topicId` a failed Fetch's response marks OFFSET_OUT_OF_RANGE (error code 1). */
function outOfRange(error: unknown, topicId: string): number[] {
  const response = (error as { response?: FetchResponse } | null)?.response;
  const topic = response?.responses?.find((t) => t.topicId === topicId);
  return (topic?.partitions ?? []).filter((p) => p.errorCode === 1).map((p) => p.partitionIndex);
}
