/**
 * Kafka-backed adapters of the API, loaded on demand (offsets routes and `GET /` only), on the client the worker's
 * `skc.kafka.client` selects (composition/kafka.ts), with the worker's admin settings (`bootstrap.servers`,
 * `security.protocol`, `sasl.*`, `ssl.*`, `admin.*` as Apache's admin client inherits them): the offsets-topic
 * store for source offsets, the consumer-group admin for sink offsets and the cluster id.
 */
import { workerAdminProps } from '../../lib/config/client-config';
import { offsetStorageTopicSettings } from '../../lib/config/worker-config';
import { connectorOffsetsTopic, offsetsTopicWorker } from '../../lib/runtime/connector-offsets-topic';
import { ConnectorOffsetStore } from '../../lib/storage/connector-offset-store';
import type { GroupOffsetsAdminPort } from '../../lib/storage/kafka-ports';
import { OffsetsTopicStore } from '../../lib/storage/offsets-topic-store';
import type { OffsetStore } from '../../lib/storage/ports';
import { kafkaClientFactory } from '../kafka';

export interface KafkaAdapters {
  readonly groupOffsets: GroupOffsetsAdminPort;
  /** the worker's offsets topic, or a ConnectorOffsetStore for a connector with its own (offsets.storage.topic) */
  offsetStore(connectorConfig: Readonly<Record<string, string>>): Promise<OffsetStore>;
}

export async function connectKafka(
  bootstrapServers: string,
  worker: Readonly<Record<string, string>>,
  closers: (() => Promise<void>)[],
): Promise<KafkaAdapters> {
  const clients = kafkaClientFactory({ originals: worker });
  const props = { 'client.id': 'skc-api', ...workerAdminProps(worker), 'bootstrap.servers': bootstrapServers };
  const groupOffsets = clients.newGroupOffsets(props);
  closers.push(() => groupOffsets.close());
  const stores = new Map<string, Promise<OffsetStore>>();
  // One started store per topic, kept for the life of the process (a Lambda container): the worker's topic and
  // the connectors' own topics (offsets.storage.topic, KIP-618) asked about.
  const storeOf = (topic: string): Promise<OffsetStore> => {
    let store = stores.get(topic);
    if (!store) {
      store = (async () => {
        const partitions = worker['offset.storage.partitions'];
        const replicationFactor = worker['offset.storage.replication.factor'];
        const offsets = new OffsetsTopicStore({
          clients,
          props,
          topic,
          ...(partitions ? { partitions: Number(partitions) } : {}),
          ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
          topicConfigs: offsetStorageTopicSettings(worker),
        });
        await offsets.start();
        closers.push(() => offsets.stop());
        return offsets as OffsetStore;
      })();
      // A failed start is not cached: the next request tries again.
      store.catch(() => stores.delete(topic));
      stores.set(topic, store);
    }
    return store;
  };
  const placement = offsetsTopicWorker({ ...worker, 'bootstrap.servers': bootstrapServers });
  return {
    groupOffsets,
    offsetStore: async (connectorConfig) => {
      const workerStore = await storeOf(placement.offsetsTopic);
      const own = connectorOffsetsTopic(placement, connectorConfig);
      if (own === undefined) return workerStore;
      return new ConnectorOffsetStore({ connectorStore: await storeOf(own), workerStore });
    },
  };
}
