/**
 * Kafka-backed adapters of the worker: the client factory `skc.kafka.client` selects (docs/kafka-client-port.md) —
 * for the task data path and the worker's own clients alike (offsets topic, group offsets, cluster id, group lag,
 * zombie fencing) — and the offsets-topic store on it.
 */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import type { KafkajsClientFactoryOptions } from '../lib/adapters/kafka/client-factory';
import type { PlatformaticClientFactory } from '../lib/adapters/platformatic-kafka/client-factory';
import { kafkaClientsOf } from '../lib/config/kafka-client-choice';
import { connectorClientProps, workerAdminProps } from '../lib/config/client-config';
import { offsetStorageTopicSettings, type WorkerConfig } from '../lib/config/worker-config';
import type { WorkerKafkaClientFactory } from '../lib/storage/kafka-ports';
import { OffsetsTopicStore } from '../lib/storage/offsets-topic-store';
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
 * The Kafka client factory of the worker's `skc.kafka.client`, for the task data path and the worker's own clients
 * (offsets topic, group offsets, cluster id, group lag, zombie fencing): one client for everything when it is set;
 * unset, each role on its default (KAFKA_CLIENT_DEFAULTS: @platformatic/kafka for all of them). Without worker
 * properties: kafkajs.
 */
export const kafkaClientFactory = (
  worker?: Pick<WorkerConfig, 'originals'>,
  options: KafkajsClientFactoryOptions = {},
): WorkerKafkaClientFactory => {
  const kafkajs = () => new KafkajsClientFactory(options);
  if (worker === undefined) return kafkajs();
  const platformatic = () =>
    new (platformaticFactory())({
      ...(options.onWarnings ? { onWarnings: options.onWarnings } : {}),
      ...(options.retry?.retries !== undefined ? { retries: options.retry.retries } : {}),
    });
  const choice = kafkaClientsOf(worker.originals);
  if (choice.producer === choice.consumer) return choice.producer === 'platformatic' ? platformatic() : kafkajs();
  return splitFactory(choice.producer === 'platformatic' ? platformatic() : kafkajs(), kafkajs());
};

/** Producers from one factory, every other client from the other (the per-role default). */
const splitFactory = (
  producers: WorkerKafkaClientFactory,
  rest: WorkerKafkaClientFactory,
): WorkerKafkaClientFactory => ({
  newProducer: (props) => producers.newProducer(props),
  newConsumer: (props) => rest.newConsumer(props),
  newTopicAdmin: (props) => rest.newTopicAdmin(props),
  newLogReader: (props, options) => rest.newLogReader(props, options),
  newGroupOffsets: (props) => rest.newGroupOffsets(props),
  newGroupLag: (props) => rest.newGroupLag(props),
  newProducerFencer: (props) => rest.newProducerFencer(props),
});

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
  return new OffsetsTopicStore({
    // No warnings callback: the worker's admin settings carry every un-prefixed worker key (as in Apache).
    clients: kafkaClientFactory(worker),
    props: { ...clientProps, 'client.id': clientId },
    topic,
    ...(partitions ? { partitions: Number(partitions) } : {}),
    ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
    topicConfigs: offsetStorageTopicSettings(props),
  });
}
