/**
 * The S3 sink task (Confluent's `S3SinkTask`): one TopicPartitionWriter per assigned partition; put() writes records
 * and uploads the objects that rotation closes; preCommit() returns, per partition, the first offset that is not in
 * a durable object, so the runtime commits exactly what S3 holds.
 */
import { SinkTask } from '../../connect/connector';
import type { ConnectorConfigMap } from '../../connect/connector';
import { ConnectException, RetriableException } from '../../connect/errors';
import type { OffsetAndMetadata, SinkRecord, TopicPartition } from '../../connect/records';
import { topicPartitionKey } from '../../connect/records';
import { createS3ObjectStore } from '../../adapters/s3';
import type { ObjectStore } from '../../storage/object-store';
import { ObjectStoreError } from '../../storage/object-store';
import { KAFKA_VERSION } from '../kafka-version';
import { createPartitioner } from './partitioner';
import { parseS3SinkSettings } from './settings';
import type { S3SinkSettings } from './settings';
import { TopicPartitionWriter } from './topic-partition-writer';

/** A factory of the object store, replaceable by tests of the task against another adapter. */
export type ObjectStoreFactory = (settings: S3SinkSettings) => ObjectStore;

export class S3SinkTask extends SinkTask {
  static storeFactory: ObjectStoreFactory = (s) => createS3ObjectStore(s.store);
  private settings!: S3SinkSettings;
  private store!: ObjectStore;
  private readonly writers = new Map<string, TopicPartitionWriter>();
  private readonly log = (message: string): void => console.error(`[S3SinkTask] ${message}`);

  version(): string {
    return KAFKA_VERSION;
  }

  async start(props: ConnectorConfigMap): Promise<void> {
    this.settings = parseS3SinkSettings(props);
    this.store = S3SinkTask.storeFactory(this.settings);
    try {
      await this.store.checkBucket();
    } catch (error) {
      throw new ConnectException(`S3 sink cannot start: ${(error as Error).message}`, { cause: error });
    }
  }

  override open(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      if (this.writers.has(key)) continue;
      this.writers.set(
        key,
        new TopicPartitionWriter(
          tp,
          this.settings.writer,
          this.settings.format,
          createPartitioner(this.settings.partitioner),
          this.store,
          this.log,
          Date.now,
          // errors.tolerance=all with a DLQ (or errors.log.enable): unencodable records are reported, not fatal.
          this.context.errantRecordReporter?.() ?? null,
        ),
      );
    }
  }

  override close(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      this.writers.get(key)?.close();
      this.writers.delete(key);
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    // Records come grouped by partition; one write() per run of the same partition.
    let start = 0;
    for (let i = 1; i <= records.length; i++) {
      const first = records[start];
      const r = records[i];
      if (first && (!r || r.topic !== first.topic || r.kafkaPartition !== first.kafkaPartition)) {
        const tp = { topic: first.topic, partition: first.kafkaPartition };
        await this.guard(() => this.writerFor(tp).write(records.slice(start, i)));
        start = i;
      }
    }
  }

  override async preCommit(
    currentOffsets: ReadonlyMap<string, OffsetAndMetadata>,
  ): Promise<ReadonlyMap<string, OffsetAndMetadata>> {
    const out = new Map<string, OffsetAndMetadata>();
    for (const [key, consumed] of currentOffsets) {
      const writer = this.writers.get(key);
      if (!writer) continue;
      await this.guard(() => writer.rotateIfScheduled());
      out.set(key, { offset: writer.committableOffset(consumed.offset) });
    }
    return out;
  }

  stop(): void {
    for (const writer of this.writers.values()) writer.close();
    this.writers.clear();
    this.store?.close();
  }

  private writerFor(tp: TopicPartition): TopicPartitionWriter {
    const key = topicPartitionKey(tp);
    let writer = this.writers.get(key);
    if (!writer) {
      this.open([tp]);
      writer = this.writers.get(key) as TopicPartitionWriter;
    }
    return writer;
  }

  /** S3 failures: retriable ones ask the runtime to redeliver after retry.backoff.ms; others fail the task. */
  private async guard(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (error) {
      if (error instanceof ObjectStoreError) {
        if (error.retriable) {
          this.context.timeout(this.settings.retryBackoffMs);
          throw new RetriableException(error.message, { cause: error });
        }
        throw new ConnectException(error.message, { cause: error });
      }
      throw error;
    }
  }
}
