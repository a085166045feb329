/**
 * OffsetStore on Apache Kafka Connect's offsets topic (`offset.storage.topic`), byte-compatible with Java workers
 * (`KafkaOffsetBackingStore`): key `["<connector>",{<partition>}]`, value `{<offset>}` or null (tombstone),
 * encoded by lib/storage/offsets-codec; records are partitioned like the Java producer's default partitioner
 * (murmur2 of the key bytes, positive, modulo the partition count).
 *
 * Reading works like Apache's `KafkaBasedLog`: a group-less log reader (./log-reader: no consumer group, so no
 * JoinGroup and its `group.initial.rebalance.delay.ms` on every start, and no group left on the broker) reads the
 * whole topic from the beginning into a map (last write per key wins, tombstones delete) and keeps reading while
 * the store runs; `get`/`list` first "read to end": they fetch the topic's end offsets and wait until the reader
 * has passed them, so they see every write acknowledged before the call (read-your-writes across processes).
 *
 * `put` produces with acks=all, one in-flight request and serialised calls (offsets of one partition are
 * applied in order), resolving once the broker has acknowledged.
 */
import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { SourceMap } from '../../connect/records';
import { retry } from '../../retry';
import {
  decodeOffsetKey,
  decodeOffsetValue,
  encodeOffsetKey,
  encodeOffsetValue,
  lookupOffsets,
  partitionForKey,
  validateOffsetEntries,
} from '../../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../../storage/ports';
import { ensureTopic, withAdmin } from './admin';
import { KafkaLogReader } from './log-reader';

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

export class KafkaOffsetStore implements OffsetStore {
  /** offsets-topic key string → decoded live entry (tombstoned keys are removed) */
  private readonly entries = new Map<string, { connector: string; partition: SourceMap; offset: SourceMap }>();
  private reader: KafkaLogReader | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

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
    await this.retrying(() =>
      ensureTopic(kafka, topic, {
        partitions: this.options.partitions ?? OFFSET_STORAGE_PARTITIONS_DEFAULT,
        replicationFactor: this.options.replicationFactor ?? OFFSET_STORAGE_REPLICATION_FACTOR_DEFAULT,
        configEntries: { ...this.options.topicConfigs, 'cleanup.policy': 'compact' },
      }),
    );
    await withAdmin(kafka, (admin) => this.verifyCompacted(admin));
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's default partitioner for keyed records, with our murmur2 (checked against Kafka's test vectors).
      createPartitioner: () => (args) => partitionForKey(args.message.key as Buffer, args.partitionMetadata.length),
    });
    this.reader = new KafkaLogReader({
      kafka,
      topic,
      description: 'offsets topic',
      onRecords: (_partition, records) => {
        for (const { key, value } of records) this.apply(key, value);
      },
    });
    // Both connect independently; the reader also waits out a just-created topic's leader elections. Settle both
    // before failing, so that stop() never races a half-started client.
    const started = await Promise.allSettled([
      this.producer.connect(),
      this.reader.start(this.options.readToEndTimeoutMs ?? 30_000),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
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

  /**
   * Runs `fn`, retrying errors kafkajs marks retriable (a new topic's partitions not yet known to every broker
   * component, leadership moving) until `readToEndTimeoutMs` has passed.
   */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    return retry(fn, { initialDelayMs: 50, maxDelayMs: 1000, timeoutMs: this.options.readToEndTimeoutMs ?? 30_000 });
  }

  /** Waits until everything written before this call has been read. */
  private async readToEnd(): Promise<void> {
    await this.start();
    const reader = this.reader;
    try {
      if (!reader) throw new Error('not started');
      await reader.readToEnd(this.options.readToEndTimeoutMs ?? 30_000);
    } catch (error) {
      if (this.reader !== reader) throw new Error('KafkaOffsetStore stopped', { cause: error });
      throw error;
    }
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
    const { reader, producer } = this;
    this.reader = this.producer = undefined;
    this.starting = undefined;
    await Promise.all([reader?.stop(), producer?.disconnect().catch(() => undefined)]);
  }
}
