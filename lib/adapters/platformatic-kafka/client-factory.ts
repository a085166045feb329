/**
 * The runtime's KafkaClientFactory on `@platformatic/kafka` (worker key `skc.kafka.client=platformatic`,
 * docs/kafka-client-port.md): Kafka-style client properties → this client's producer, consumer and admin,
 * wrapped in the port adapters. Never imports the kafkajs adapter.
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
import { PlatformaticGroupLag, PlatformaticGroupOffsets, PlatformaticTopicAdmin } from './admin';
import { baseOptions } from './client-options';
import type { PlatformaticOptionsContext } from './client-options';
import { PlatformaticConsumer } from './consumer';
import { PlatformaticLogReader } from './log-reader';
import { PlatformaticProducer, PlatformaticTransactionalProducer } from './producer';
import { PlatformaticProducerFencer } from './producer-fencing';

export type PlatformaticClientFactoryOptions = PlatformaticOptionsContext;

export class PlatformaticClientFactory implements WorkerKafkaClientFactory {
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

  newTopicAdmin(props: ClientProps): WorkerTopicAdminPort {
    return new PlatformaticTopicAdmin(baseOptions(props, mapClientConfig('admin', props), this.options));
  }

  newLogReader(props: ClientProps, options: TopicLogReaderOptions): TopicLogReaderPort {
    // Apache's KafkaBasedLog reads with a consumer: the consumer's client settings, security included.
    const mapping = mapClientConfig('consumer', props, { warnUnknown: false });
    return new PlatformaticLogReader(baseOptions(props, mapping, this.options), options);
  }

  newGroupOffsets(props: ClientProps): GroupOffsetsAdminPort {
    const mapping = mapClientConfig('admin', props, { warnUnknown: false });
    return new PlatformaticGroupOffsets(baseOptions(props, mapping, this.options));
  }

  newGroupLag(props: ClientProps): GroupLagPort {
    // The consumer's own client settings (security, bootstrap), so lag is read with the access the task has.
    return new PlatformaticGroupLag(baseOptions(props, mapClientConfig('consumer', props), this.options));
  }

  newProducerFencer(props: ClientProps): ProducerFencingPort {
    // Apache fences with an admin client (`Worker.fenceZombies`): the admin settings, security included.
    const mapping = mapClientConfig('admin', props, { warnUnknown: false });
    return new PlatformaticProducerFencer(baseOptions(props, mapping, this.options));
  }
}
