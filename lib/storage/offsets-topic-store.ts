/**
 * OffsetStore on Apache Kafka Connect's offsets topic (`offset.storage.topic`), byte-compatible with Java workers
 * (`KafkaOffsetBackingStore`): key `["<connector>",{<partition>}]`, value `{<offset>}` or null (tombstone),
 * encoded by ./offsets-codec; records are partitioned like the Java producer's default partitioner (murmur2 of
 * the key bytes, positive, modulo the partition count: both producer adapters do this for keyed records).
 *
 * Client-neutral: it talks to Kafka through the ports of the adapter `skc.kafka.client` selects (./kafka-ports):
 * a topic admin, a producer and a group-less log reader. Reading works like Apache's `KafkaBasedLog`: the reader
 * (no consumer group, so no JoinGroup and its `group.initial.rebalance.delay.ms` on every start, and no group left
 * on the broker) reads the whole topic from the beginning into a map (last write per key wins, tombstones delete)
 * and keeps reading while the store runs; `get`/`list` first "read to end": they wait until the reader has passed
 * the topic's end offsets, so they see every write acknowledged before the call (read-your-writes across
 * processes).
 *
 * `put` produces with acks=all, one in-flight request and serialised calls (offsets of one partition are applied
 * in order), resolving once the broker has acknowledged.
 */
import type { SourceMap } from '../connect/records';
import { retry } from '../retry';
import type {
  ClientProps,
  LogRecord,
  ProducerPort,
  TopicLogReaderPort,
  WorkerKafkaClientFactory,
  WorkerTopicAdminPort,
} from './kafka-ports';
import {
  decodeOffsetKey,
  decodeOffsetValue,
  encodeOffsetKey,
  encodeOffsetValue,
  lookupOffsets,
  validateOffsetEntries,
} from './offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from './ports';

export interface OffsetsTopicStoreOptions {
  /** the Kafka client adapter (composition/kafka.ts picks it by `skc.kafka.client`) */
  readonly clients: Pick<WorkerKafkaClientFactory, 'newTopicAdmin' | 'newProducer' | 'newLogReader'>;
  /** client properties of the store's admin, producer and reader: `bootstrap.servers`, security, `client.id` */
  readonly props: ClientProps;
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

const utf8 = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

export class OffsetsTopicStore implements OffsetStore {
  /** offsets-topic key string → decoded live entry (tombstoned keys are removed) */
  private readonly entries = new Map<string, { connector: string; partition: SourceMap; offset: SourceMap }>();
  private reader: TopicLogReaderPort | undefined;
  private producer: ProducerPort | undefined;
  private starting: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OffsetsTopicStoreOptions) {}

  start(): Promise<void> {
    this.starting ??= this.doStart().catch(async (error: unknown) => {
      this.starting = undefined;
      await this.stop();
      throw error;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { clients, props, topic } = this.options;
    const admin = clients.newTopicAdmin(props);
    try {
      await this.retrying(() =>
        admin.ensureTopic(topic, {
          partitions: this.options.partitions ?? OFFSET_STORAGE_PARTITIONS_DEFAULT,
          replicationFactor: this.options.replicationFactor ?? OFFSET_STORAGE_REPLICATION_FACTOR_DEFAULT,
          configs: { ...this.options.topicConfigs, 'cleanup.policy': 'compact' },
        }),
      );
      await this.verifyCompacted(admin);
    } finally {
      await admin.close().catch(() => undefined);
    }
    // Apache's offsets producer: acks=all, one request in flight, so offsets of one key land in order.
    this.producer = clients.newProducer({
      ...props,
      acks: 'all',
      'max.in.flight.requests.per.connection': '1',
      'enable.idempotence': 'false',
    });
    this.reader = clients.newLogReader(props, {
      topic,
      description: 'offsets topic',
      onRecords: (_partition, records) => {
        for (const record of records) this.apply(record);
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
   * compacted-only: deleting old records would lose offsets. Skipped when the admin cannot tell.
   */
  private async verifyCompacted(admin: WorkerTopicAdminPort): Promise<void> {
    const { topic } = this.options;
    const value = await this.retrying(() => admin.topicConfig(topic, 'cleanup.policy'));
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

  private apply({ key, value }: LogRecord): void {
    const keyText = utf8(key);
    const decodedKey = decodeOffsetKey(keyText);
    if (!decodedKey) {
      this.options.onMalformedRecord?.(`ignoring offsets-topic record with malformed key ${keyText ?? 'null'}`);
      return;
    }
    const valueText = utf8(value);
    const offset = decodeOffsetValue(valueText);
    if (offset === undefined) {
      this.options.onMalformedRecord?.(`ignoring offsets-topic record with malformed value ${valueText ?? 'null'}`);
      return;
    }
    // Re-encode so the map key is canonical even if a foreign writer spaced its JSON differently.
    const mapKey = encodeOffsetKey(decodedKey.connector, decodedKey.partition);
    if (offset === null) this.entries.delete(mapKey);
    else this.entries.set(mapKey, { connector: decodedKey.connector, partition: decodedKey.partition, offset });
  }

  /**
   * Runs `fn`, retrying errors the adapter marks retriable (a new topic's partitions not yet known to every broker
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
      if (this.reader !== reader) throw new Error('offsets topic store stopped', { cause: error });
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
    const { topic } = this.options;
    const records = entries.map(({ partition, offset }) => {
      const value = encodeOffsetValue(offset);
      return {
        topic,
        partition: null, // Java's default partitioner: murmur2 of the key
        key: Buffer.from(encodeOffsetKey(connector, partition), 'utf8'),
        value: value === null ? null : Buffer.from(value, 'utf8'),
        timestamp: null,
        headers: [],
      };
    });
    const send = this.writes.then(() => this.producer!.send(records, { metadata: false }));
    this.writes = send.catch(() => undefined);
    await send;
  }

  async stop(): Promise<void> {
    await this.writes;
    const { reader, producer } = this;
    this.reader = this.producer = undefined;
    this.starting = undefined;
    await Promise.all([reader?.stop(), producer?.close().catch(() => undefined)]);
  }
}
