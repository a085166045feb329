/** Kafka-backed adapters of a task-runner: the kafkajs client factory and the offsets-topic store. */
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import type { WorkerConfig } from '../../lib/config/worker-config';
import type { KafkaClientFactory } from '../../lib/storage/kafka-ports';
import type { OffsetStore } from '../../lib/storage/ports';

export const kafkaClientFactory = (): KafkaClientFactory => new KafkajsClientFactory();

/** Apache's offsets topic (`offset.storage.*` worker keys); not started. */
export function offsetsTopicStore(worker: WorkerConfig, clientId: string): OffsetStore {
  const props = worker.originals;
  const partitions = props['offset.storage.partitions'];
  const replicationFactor = props['offset.storage.replication.factor'];
  return new KafkaOffsetStore({
    kafka: createKafka({ bootstrapServers: [...worker.bootstrapServers], clientId }),
    topic: worker.offsetStorageTopic ?? 'connect-offsets',
    ...(partitions ? { partitions: Number(partitions) } : {}),
    ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
  });
}
