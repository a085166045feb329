/** Kafka-backed adapters of a task-runner: the kafkajs client factory and the offsets-topic store. */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import type { KafkaClientLogger } from '../lib/adapters/kafka/client';
import { createKafkaFromProps } from '../lib/adapters/kafka/client-from-props';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import { workerAdminProps } from '../lib/config/client-config';
import type { WorkerConfig } from '../lib/config/worker-config';
import type { KafkaClientFactory } from '../lib/storage/kafka-ports';
import type { OffsetStore } from '../lib/storage/ports';

/** `logger`: where the Kafka clients' warnings and errors go (the task's structured logger); default stderr. */
export const kafkaClientFactory = (logger?: KafkaClientLogger): KafkaClientFactory =>
  new KafkajsClientFactory(logger ? { logger } : {});

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
