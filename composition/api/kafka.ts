/**
 * Kafka-backed adapters of the API, loaded on demand (offsets routes and `GET /` only): one kafkajs client built
 * from the worker's admin settings (`bootstrap.servers`, `security.protocol`, `sasl.*`, `ssl.*`, `admin.*` as
 * Apache's admin client inherits them), the offsets-topic store for source offsets and the consumer-group admin
 * for sink offsets.
 */
import { createKafkaFromProps } from '../../lib/adapters/kafka/client-from-props';
import { KafkaGroupOffsets } from '../../lib/adapters/kafka/group-offsets';
import { workerAdminProps } from '../../lib/config/client-config';
import type { OffsetStore } from '../../lib/storage/ports';

export interface KafkaAdapters {
  readonly groupOffsets: KafkaGroupOffsets;
  offsetStore(): Promise<OffsetStore>;
}

export async function connectKafka(
  bootstrapServers: string,
  worker: Readonly<Record<string, string>>,
  closers: (() => Promise<void>)[],
): Promise<KafkaAdapters> {
  const kafka = createKafkaFromProps('admin', {
    'client.id': 'skc-api',
    ...workerAdminProps(worker),
    'bootstrap.servers': bootstrapServers,
  });
  const groupOffsets = new KafkaGroupOffsets(kafka);
  closers.push(() => groupOffsets.close());
  let store: Promise<OffsetStore> | undefined;
  return {
    groupOffsets,
    offsetStore: () =>
      (store ??= (async () => {
        const { KafkaOffsetStore } = await import('../../lib/adapters/kafka/offsets-topic-store');
        const partitions = worker['offset.storage.partitions'];
        const replicationFactor = worker['offset.storage.replication.factor'];
        const offsets = new KafkaOffsetStore({
          kafka,
          topic: worker['offset.storage.topic'] ?? 'connect-offsets',
          ...(partitions ? { partitions: Number(partitions) } : {}),
          ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
        });
        await offsets.start();
        closers.push(() => offsets.stop());
        return offsets as OffsetStore;
      })()),
  };
}
