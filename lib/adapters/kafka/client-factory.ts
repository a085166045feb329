/**
 * The runtime's KafkaClientFactory on kafkajs: Kafka-style client properties (as `connectorClientProps`
 * assembles them) → a kafkajs client per task client (./client-from-props), wrapped in the port adapters.
 */
import { mapClientConfig } from '../../config/client-config';
import type {
  ClientProps,
  ConsumerPort,
  GroupLagPort,
  GroupOffsetsAdminPort,
  ProducerFencingPort,
  ProducerPort,
  TopicLogReaderOptions,
  TopicLogReaderPort,
  WorkerKafkaClientFactory,
  WorkerTopicAdminPort,
} from '../../storage/kafka-ports';
import { kafkajsTopicAdmin } from './admin';
import { createKafkaFromProps } from './client-from-props';
import type { KafkaClientFromPropsOptions } from './client-from-props';
import { KafkajsConsumer } from './consumer';
import { KafkajsGroupLag } from './group-lag';
import { KafkaGroupOffsets } from './group-offsets';
import { KafkaLogReader } from './log-reader';
import { KafkajsProducer, KafkajsTransactionalProducer } from './producer';
import { KafkajsProducerFencer } from './producer-fencing';

export type KafkajsClientFactoryOptions = KafkaClientFromPropsOptions;

export class KafkajsClientFactory implements WorkerKafkaClientFactory {
  constructor(private readonly options: KafkajsClientFactoryOptions = {}) {}

  newProducer(props: ClientProps): ProducerPort {
    const mapping = mapClientConfig('producer', props);
    // Idempotence by default needs retries (Kafka disables it when they conflict); this factory's retry policy
    // applies to the producer too. An explicit enable.idempotence=true is left for kafkajs to refuse.
    const retries = mapping.client.retry?.retries ?? this.options.retry?.retries;
    const producer =
      retries === 0 && props['enable.idempotence'] === undefined
        ? { ...mapping.producer, idempotent: false }
        : mapping.producer;
    const kafka = createKafkaFromProps('producer', props, this.options, mapping);
    const { transactionalId } = producer;
    return transactionalId === undefined
      ? new KafkajsProducer(kafka, producer)
      : new KafkajsTransactionalProducer(kafka, { ...producer, transactionalId });
  }

  newConsumer(props: ClientProps): ConsumerPort {
    const mapping = mapClientConfig('consumer', props);
    return new KafkajsConsumer(createKafkaFromProps('consumer', props, this.options, mapping), mapping.consumer);
  }

  newTopicAdmin(props: ClientProps): WorkerTopicAdminPort {
    const mapping = mapClientConfig('admin', props);
    return kafkajsTopicAdmin(createKafkaFromProps('admin', props, this.options, mapping));
  }

  newLogReader(props: ClientProps, options: TopicLogReaderOptions): TopicLogReaderPort {
    // Apache's KafkaBasedLog reads with a consumer: the consumer's client settings, security included.
    const mapping = mapClientConfig('consumer', props, { warnUnknown: false });
    return new KafkaLogReader({ kafka: createKafkaFromProps('consumer', props, this.options, mapping), ...options });
  }

  newGroupOffsets(props: ClientProps): GroupOffsetsAdminPort {
    const mapping = mapClientConfig('admin', props, { warnUnknown: false });
    return new KafkaGroupOffsets(createKafkaFromProps('admin', props, this.options, mapping));
  }

  newProducerFencer(props: ClientProps): ProducerFencingPort {
    // Apache fences with an admin client (`Worker.fenceZombies`): the admin settings, security included.
    const mapping = mapClientConfig('admin', props, { warnUnknown: false });
    return new KafkajsProducerFencer(createKafkaFromProps('admin', props, this.options, mapping));
  }

  newGroupLag(props: ClientProps): GroupLagPort {
    // The consumer's own client settings (security, bootstrap), so lag is read with the access the task has.
    const mapping = mapClientConfig('consumer', props);
    return new KafkajsGroupLag(createKafkaFromProps('consumer', props, this.options, mapping));
  }
}
