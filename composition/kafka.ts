/** Kafka-backed adapters of a task-runner: the kafkajs client factory and the offsets-topic store. */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import type { KafkaClientLogger } from '../lib/adapters/kafka/client';
import { createKafkaFromProps } from '../lib/adapters/kafka/client-from-props';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import { connectorClientProps, workerAdminProps } from '../lib/config/client-config';
import { offsetStorageTopicSettings, type WorkerConfig } from '../lib/config/worker-config';
import type { KafkaClientFactory } from '../lib/storage/kafka-ports';
import type { OffsetStore } from '../lib/storage/ports';

/** `logger`: where the Kafka clients' warnings and errors go (the task's structured logger); default stderr. */
export const kafkaClientFactory = (logger?: KafkaClientLogger): KafkaClientFactory =>
  new KafkajsClientFactory(logger ? { logger } : {});

/** Apache's offsets topic (`offset.storage.*` worker keys) over the worker's connection settings; not started. */
export function offsetsTopicStore(worker: WorkerConfig, clientId: string): OffsetStore {
  return offsetsStoreOn(
    worker,
    worker.offsetStorageTopic ?? 'connect-offsets',
    { ...workerAdminProps(worker.originals), 'bootstrap.servers': worker.bootstrapServers.join(',') },
    clientId,
  );
}

/**
 * A connector's own offsets topic (`offsets.storage.topic`), through the connector's admin client settings (its
 * `admin.override.*` included, as Apache's connector-specific store uses the connector's admin and consumer
 * clients), created if missing with the worker's `offset.storage.*` topic settings as Apache does; not started.
 */
export function connectorOffsetsTopicStore(
  worker: WorkerConfig,
  connector: string,
  taskId: number,
  topic: string,
  connectorConfig: Readonly<Record<string, string>>,
): OffsetStore {
  const props = connectorClientProps(worker, 'admin', connector, taskId, connectorConfig);
  return offsetsStoreOn(worker, topic, props, `connector-offsets-${connector}-${taskId}`);
}

function offsetsStoreOn(
  worker: WorkerConfig,
  topic: string,
  clientProps: Readonly<Record<string, string>>,
  clientId: string,
): OffsetStore {
  const props = worker.originals;
  const partitions = props['offset.storage.partitions'];
  const replicationFactor = props['offset.storage.replication.factor'];
  return new KafkaOffsetStore({
    kafka: createKafkaFromProps('admin', { ...clientProps, 'client.id': clientId }),
    topic,
    ...(partitions ? { partitions: Number(partitions) } : {}),
    ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
    topicConfigs: offsetStorageTopicSettings(props),
  });
}
