/**
 * Kafka-backed adapters of a task-runner: the data path's client factory (the client `skc.kafka.client` selects,
 * docs/kafka-client-port.md) and the offsets-topic store.
 */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import type { KafkajsClientFactoryOptions } from '../lib/adapters/kafka/client-factory';
import type { PlatformaticClientFactory } from '../lib/adapters/platformatic-kafka/client-factory';
import { kafkaClientOf } from '../lib/config/kafka-client-choice';
import { createKafkaFromProps } from '../lib/adapters/kafka/client-from-props';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import { workerAdminProps } from '../lib/config/client-config';
import type { WorkerConfig } from '../lib/config/worker-config';
import type { KafkaClientFactory } from '../lib/storage/kafka-ports';
import type { OffsetStore } from '../lib/storage/ports';

/**
 * `@platformatic/kafka` is loaded only when selected: it is ESM that reads `import.meta.url` at load, which a
 * CommonJS bundle supports only with scripts/build.mjs' settings, and a worker on kafkajs need not pay its load.
 */
const platformaticFactory = (): typeof PlatformaticClientFactory => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const adapter = require('../lib/adapters/platformatic-kafka/client-factory') as {
    PlatformaticClientFactory: typeof PlatformaticClientFactory;
  };
  return adapter.PlatformaticClientFactory;
};

/**
 * The task data path's client factory, by the worker's `skc.kafka.client`. Without worker properties: kafkajs,
 * the client of the worker's own clients (e.g. the reconciler's fencing of transactional ids, which only the
 * kafkajs adapter implements).
 */
export const kafkaClientFactory = (
  worker: Pick<WorkerConfig, 'originals'> = { originals: {} },
  options: KafkajsClientFactoryOptions = {},
): KafkaClientFactory =>
  kafkaClientOf(worker.originals) === 'platformatic'
    ? new (platformaticFactory())({
        ...(options.onWarnings ? { onWarnings: options.onWarnings } : {}),
        ...(options.retry?.retries !== undefined ? { retries: options.retry.retries } : {}),
      })
    : new KafkajsClientFactory(options);

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
