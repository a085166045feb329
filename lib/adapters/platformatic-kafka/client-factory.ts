/**
 * The runtime's KafkaClientFactory on `@platformatic/kafka` (worker key `skc.kafka.client=platformatic`,
 * docs/kafka-client-port.md): Kafka-style client properties → this client's producer, consumer and admin,
 * wrapped in the port adapters. Never imports the kafkajs adapter.
 */
import { Admin } from '@platformatic/kafka';
import { mapClientConfig } from '../../config/client-config';
import type {
  ClientProps,
  ConsumerPort,
  KafkaClientFactory,
  ProducerPort,
  TopicAdminPort,
  TopicSettings,
} from '../../storage/kafka-ports';
import { baseOptions } from './client-options';
import type { PlatformaticOptionsContext } from './client-options';
import { PlatformaticConsumer } from './consumer';
import { PlatformaticProducer, PlatformaticTransactionalProducer } from './producer';

export type PlatformaticClientFactoryOptions = PlatformaticOptionsContext;

const alreadyExists = (error: unknown): boolean => {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    const link = current as { apiId?: unknown; errors?: unknown; cause?: unknown };
    if (link.apiId === 'TOPIC_ALREADY_EXISTS') return true;
    if (Array.isArray(link.errors) && link.errors.some(alreadyExists)) return true;
    current = link.cause;
  }
  return false;
};

export class PlatformaticClientFactory implements KafkaClientFactory {
  constructor(private readonly options: PlatformaticClientFactoryOptions = {}) {}

  newProducer(props: ClientProps): ProducerPort {
    const mapping = mapClientConfig('producer', props);
    const base = baseOptions(props, mapping, this.options);
    const retries = base.retries;
    // As with kafkajs: idempotence by default needs retries; an explicit enable.idempotence=true is kept.
    const producer =
      retries === 0 && props['enable.idempotence'] === undefined
        ? { ...mapping.producer, idempotent: false }
        : mapping.producer;
    const { transactionalId } = producer;
    return transactionalId === undefined
      ? new PlatformaticProducer(base, producer)
      : new PlatformaticTransactionalProducer(base, { ...producer, transactionalId });
  }

  newConsumer(props: ClientProps): ConsumerPort {
    const mapping = mapClientConfig('consumer', props);
    return new PlatformaticConsumer(baseOptions(props, mapping, this.options), mapping.consumer);
  }

  newTopicAdmin(props: ClientProps): TopicAdminPort {
    const mapping = mapClientConfig('admin', props);
    const base = baseOptions(props, mapping, this.options);
    return {
      ensureTopic: async (topic: string, settings: TopicSettings) => {
        const admin = new Admin(base);
        try {
          const existing = await admin.listTopics({ includeInternals: true });
          if (existing.includes(topic)) return false;
          try {
            await admin.createTopics({
              topics: [topic],
              partitions: settings.partitions,
              replicas: settings.replicationFactor,
              configs: Object.entries(settings.configs ?? {}).map(([name, value]) => ({ name, value })),
            });
            return true;
          } catch (error) {
            // Lost a race with another creator: the topic exists, which is all we asked for.
            if (alreadyExists(error)) return false;
            throw error;
          }
        } finally {
          await admin.close().catch(() => undefined);
        }
      },
    };
  }
}
