/**
 * The offsets-topic store (lib/storage/offsets-topic-store) over one kafkajs client, for callers that hold a
 * `Kafka` instance (tests, benchmarks). The worker builds its store from the adapter `skc.kafka.client` selects
 * (composition/kafka.ts), which for kafkajs is this same code through KafkajsClientFactory.
 */
import type { Kafka } from 'kafkajs';
import { mapClientConfig } from '../../config/client-config';
import type { ClientProps, TopicLogReaderOptions } from '../../storage/kafka-ports';
import { OffsetsTopicStore } from '../../storage/offsets-topic-store';
import type { OffsetsTopicStoreOptions } from '../../storage/offsets-topic-store';
import { kafkajsTopicAdmin } from './admin';
import { KafkaLogReader } from './log-reader';
import { KafkajsProducer } from './producer';

export {
  OFFSET_STORAGE_PARTITIONS_DEFAULT,
  OFFSET_STORAGE_REPLICATION_FACTOR_DEFAULT,
} from '../../storage/offsets-topic-store';

export interface KafkaOffsetStoreOptions extends Omit<OffsetsTopicStoreOptions, 'clients' | 'props'> {
  /** from `createKafka` (./client) with the worker's connection settings */
  readonly kafka: Kafka;
}

/** The store's clients on one existing kafkajs client (its connection settings; `props` only tune the producer). */
export const kafkajsStoreClients = (kafka: Kafka): OffsetsTopicStoreOptions['clients'] => ({
  newTopicAdmin: () => kafkajsTopicAdmin(kafka),
  newProducer: (props: ClientProps) =>
    new KafkajsProducer(kafka, { ...mapClientConfig('producer', props).producer, allowAutoTopicCreation: false }),
  newLogReader: (_props: ClientProps, options: TopicLogReaderOptions) => new KafkaLogReader({ kafka, ...options }),
});

export class KafkaOffsetStore extends OffsetsTopicStore {
  constructor({ kafka, ...options }: KafkaOffsetStoreOptions) {
    super({ ...options, clients: kafkajsStoreClients(kafka), props: {} });
  }
}
