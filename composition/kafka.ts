/** Kafka-backed adapters of a task-runner: the kafkajs client factory and the offsets-topic store. */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import { createKafkaFromProps } from '../lib/adapters/kafka/client-from-props';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import { workerAdminProps } from '../lib/config/client-config';
import type { WorkerConfig } from '../lib/config/worker-config';
import type { KafkaClientFactory } from '../lib/storage/kafka-ports';
import type { OffsetStore } from '../lib/storage/ports';

export const kafkaClientFactory = (): KafkaClientFactory => new KafkajsClientFactory();

/** Apache's offsets topic (`offset.storage.*` worker keys) over the worker's connection settings; not started. */
export function offsetsTopicStore(worker: WorkerConfig, clientId: string): OffsetStore {
  const props = worker.originals;
  const partitions = props['offset.storage.partitions'];
  const replicationFactor = props['offset.storage.replication.factor'];
  return new KafkaOffsetStore({
    kafka: createKafkaFromProps('admin', {
      ...workerAdminProps(props),
      'bootstrap.servers': worker.bootstrapServers.join(','),
      'client.id': clientId,
    }),
    topic: worker.offsetStorageTopic ?? 'connect-offsets',
    ...(partitions ? { partitions: Number(partitions) } : {}),
    ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
  });
}
