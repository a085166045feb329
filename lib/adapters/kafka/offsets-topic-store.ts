/**
 * OffsetStore on Apache Kafka Connect's offsets topic (`offset.storage.topic`), byte-compatible with Java workers
 * (`KafkaOffsetBackingStore`): key `["<connector>",{<partition>}]`, value `{<offset>}` or null (tombstone),
 * encoded by lib/storage/offsets-codec; records are partitioned like the Java producer's default partitioner
 * (murmur2 of the key bytes, positive, modulo the partition count).
 *
 * Reading works like Apache's `KafkaBasedLog`: a consumer reads the whole topic from the beginning into a map
 * (last write per key wins, tombstones delete) and keeps consuming while the store runs; `get`/`list` first
 * "read to end": they fetch the topic's end offsets and wait until the consumer has passed them, so they see
 * every write acknowledged before the call (read-your-writes across processes). kafkajs has no group-less
 * assignment, so the reader uses a unique consumer group that never commits.
 *
 * `put` produces with acks=all, one in-flight request and serialised calls (offsets of one partition are
 * applied in order), resolving once the broker has acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { SourceMap } from '../../connect/records';
import {
  decodeOffsetKey,
  decodeOffsetValue,
  encodeOffsetKey,
  encodeOffsetValue,
  partitionForKey,
  validateOffsetEntries,
} from '../../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../../storage/ports';
import { lookupOffsets } from '../local/memory-stores';
import { ensureTopic } from './admin';

export interface KafkaOffsetStoreOptions {
  /** from `createKafka` (./client) with the worker's connection settings */
  readonly kafka: Kafka;
  /** `offset.storage.topic` */
  readonly topic: string;
  /** `offset.storage.partitions` when the topic is created; Apache's default 25 */
  readonly partitions?: number;
  /** `offset.storage.replication.factor` when the topic is created; Apache's default 3 (-1 = broker default) */
  readonly replicationFactor?: number;
  /** extra topic configs on creation (`offset.storage.*` topic settings); cleanup.policy is always compact */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** how long `get`/`list` wait to catch up with the end of the topic; default 30 s */
  readonly readToEndTimeoutMs?: number;
  /** reports records skipped as malformed (Apache logs them and goes on) */
  readonly onMalformedRecord?: (detail: string) => void;
}

export const OFFSET_STORAGE_PARTITIONS_DEFAULT = 25;
export const OFFSET_STORAGE_REPLICATION_FACTOR_DEFAULT = 3;

interface Waiter {
  readonly targets: Map<number, number>;
  readonly resolve: () => void;
}

export class KafkaOffsetStore implements OffsetStore {
  /** offsets-topic key string → decoded live entry (tombstoned keys are removed) */
  private readonly entries = new Map<string, { connector: string; partition: SourceMap; offset: SourceMap }>();
  /** next offset to read, per topic partition */
  private readonly positions = new Map<number, number>();
  private waiters: Waiter[] = [];
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly options: KafkaOffsetStoreOptions) {}

  start(): Promise<void> {
    this.starting ??= this.doStart().catch(async (error: unknown) => {
      this.starting = undefined;
      await this.stop();
      throw error;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { kafka, topic } = this.options;
    this.failure = undefined;
    await this.retrying(() =>
      ensureTopic(kafka, topic, {
        partitions: this.options.partitions ?? OFFSET_STORAGE_PARTITIONS_DEFAULT,
        replicationFactor: this.options.replicationFactor ?? OFFSET_STORAGE_REPLICATION_FACTOR_DEFAULT,
        configEntries: { ...this.options.topicConfigs, 'cleanup.policy': 'compact' },
      }),
    );
    this.admin = kafka.admin();
    await this.admin.connect();
    const admin = this.admin;
    await this.retrying(() => admin.fetchTopicMetadata({ topics: [topic] })); // learn the new topic's leaders
    await this.verifyCompacted(this.admin);
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's default partitioner for keyed records, with our murmur2 (checked against Kafka's test vectors).
      createPartitioner: () => (args) => partitionForKey(args.message.key as Buffer, args.partitionMetadata.length),
    });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: `skc-offsets-reader-${randomUUID()}`,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const position = this.positions.get(batch.partition) ?? 0;
        for (const message of batch.messages) {
          // A consumer restarted by kafkajs re-reads from the beginning: never re-apply older records.
          if (Number(message.offset) >= position) this.apply(message.key, message.value);
        }
        const next = Number(batch.lastOffset()) + 1;
        if (next > position) this.positions.set(batch.partition, next);
        this.wakeWaiters();
      },
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
  }

  /**
   * Like Apache (`TopicAdmin.verifyTopicCleanupPolicyOnlyCompact`), refuses an existing offsets topic that is not
   * compacted-only: deleting old records would lose offsets. Skipped when describing configs is not allowed.
   */
  private async verifyCompacted(admin: Admin): Promise<void> {
    const { topic } = this.options;
    let value: string | undefined;
    try {
      const described = await this.retrying(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
        }),
      );
      value = described.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    } catch (error) {
      // Not allowed to describe configs, or a broker too old: Apache logs a warning and goes on.
      const type = String((error as { type?: unknown }).type ?? '');
      if (type.includes('AUTHORIZATION') || type === 'UNSUPPORTED_VERSION') return;
      throw error;
    }
    if (value === undefined) return;
    const policies = [...new Set(value.split(',').map((p) => p.trim().toLowerCase()))];
    if (policies.length === 1 && policies[0] === 'compact') return;
    throw new Error(
      `Topic '${topic}' supplied via the 'offset.storage.topic' property is required to have ` +
        "'cleanup.policy=compact' to guarantee consistency and durability of source connector offsets, but found " +
        `the topic currently has 'cleanup.policy=${policies.join(',')}'. Continuing would likely result in ` +
        'eventually losing source connector offsets and problems restarting this Connect cluster in the future. ' +
        "Change the 'offset.storage.topic' property in the Connect worker configurations to use a topic with " +
        "'cleanup.policy=compact'.",
    );
  }

  private apply(key: Buffer | null, value: Buffer | null): void {
    const decodedKey = decodeOffsetKey(key);
    if (!decodedKey) {
      this.options.onMalformedRecord?.(`ignoring offsets-topic record with malformed key ${key?.toString('utf8')}`);
      return;
    }
    const offset = decodeOffsetValue(value);
    if (offset === undefined) {
      this.options.onMalformedRecord?.(`ignoring offsets-topic record with malformed value ${value?.toString('utf8')}`);
      return;
    }
    // Re-encode so the map key is canonical even if a foreign writer spaced its JSON differently.
    const mapKey = encodeOffsetKey(decodedKey.connector, decodedKey.partition);
    if (offset === null) this.entries.delete(mapKey);
    else this.entries.set(mapKey, { connector: decodedKey.connector, partition: decodedKey.partition, offset });
  }

  private reached(targets: Map<number, number>): boolean {
    for (const [partition, end] of targets) if ((this.positions.get(partition) ?? 0) < end) return false;
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
    this.failure = error;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }

  /**
   * Runs `fn`, retrying errors kafkajs marks retriable (a new topic's partitions not yet known to every broker
   * component, leadership moving) until `readToEndTimeoutMs` has passed.
   */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.options.readToEndTimeoutMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable !== true || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * attempt)));
      }
    }
  }

  /** Log start/end offsets per partition. */
  private fetchEndOffsets(): Promise<{ partition: number; high: string; low: string }[]> {
    return this.retrying(() => this.admin!.fetchTopicOffsets(this.options.topic));
  }

  /** Waits until everything written before this call has been read. */
  private async readToEnd(): Promise<void> {
    await this.start();
    if (this.failure) throw this.failure;
    const offsets = await this.fetchEndOffsets();
    const targets = new Map<number, number>();
    for (const { partition, high, low } of offsets) {
      // An empty partition (low = high) has nothing to read even if its offsets start above 0.
      if (Number(high) > Number(low)) targets.set(partition, Number(high));
    }
    if (this.reached(targets)) return;
    const timeoutMs = this.options.readToEndTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push({ targets, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`Timed out after ${timeoutMs} ms reading offsets topic ${this.options.topic} to its end`),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    if (this.failure) throw this.failure;
  }

  async get(connector: string, partitions: readonly SourceMap[]): Promise<Map<string, SourceMap | null>> {
    await this.readToEnd();
    return lookupOffsets(connector, partitions, (key) => this.entries.get(key)?.offset);
  }

  async list(connector: string): Promise<SourceOffsetEntry[]> {
    await this.readToEnd();
    return [...this.entries.values()]
      .filter((e) => e.connector === connector)
      .map((e) => ({ partition: structuredClone(e.partition), offset: structuredClone(e.offset) }));
  }

  async put(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    validateOffsetEntries(entries);
    if (entries.length === 0) return;
    await this.start();
    const messages = entries.map(({ partition, offset }) => {
      const value = encodeOffsetValue(offset);
      return {
        key: Buffer.from(encodeOffsetKey(connector, partition), 'utf8'),
        value: value === null ? null : Buffer.from(value, 'utf8'),
      };
    });
    const send = this.writes.then(() => this.producer!.send({ topic: this.options.topic, acks: -1, messages }));
    this.writes = send.catch(() => undefined);
    await send;
  }

  async stop(): Promise<void> {
    await this.writes;
    const { consumer, producer, admin } = this;
    this.consumer = this.producer = this.admin = undefined;
    this.starting = undefined;
    await Promise.all([
      consumer?.disconnect().catch(() => undefined),
      producer?.disconnect().catch(() => undefined),
      admin?.disconnect().catch(() => undefined),
    ]);
    this.fail(new Error('KafkaOffsetStore stopped'));
  }
}
