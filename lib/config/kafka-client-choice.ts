/**
 * `skc.kafka.client` (ours, prefixed so it never collides with Apache's keys): which Kafka client library the
 * task data path uses — the source task producer (transactional too), the sink task consumer, the DLQ producer
 * and topic admin. `kafkajs` (kafkajs 2.2.4) or `platformatic` (`@platformatic/kafka`); docs/kafka-client-port.md
 * explains the default. The worker's own clients (offsets topic, cluster id, REST group offsets) stay on kafkajs.
 */
import { AbstractConfig, CaseInsensitiveValidString, ConfigDef } from '../connect/config-def';

export const KAFKA_CLIENT_CONFIG = 'skc.kafka.client';
export type KafkaClientName = 'kafkajs' | 'platformatic';
export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'platformatic'];
export const KAFKA_CLIENT_DEFAULT: KafkaClientName = 'kafkajs';

/** The definition, merged into the worker ConfigDefs (worker-config.ts) so a bad value fails at startup. */
export function defineKafkaClientKey(def: ConfigDef): ConfigDef {
  return def.define({
    name: KAFKA_CLIENT_CONFIG,
    type: 'STRING',
    defaultValue: KAFKA_CLIENT_DEFAULT,
    validator: CaseInsensitiveValidString.in(...KAFKA_CLIENTS),
    importance: 'LOW',
    documentation:
      'The Kafka client library of the task data path: kafkajs or platformatic (@platformatic/kafka); not an Apache key.',
  });
}

/** The client the worker properties select (raw or resolved). Throws ConfigException on an unknown value. */
export function kafkaClientOf(props: Readonly<Record<string, string>>): KafkaClientName {
  const config = new AbstractConfig(defineKafkaClientKey(new ConfigDef()), props);
  return (config.getString(KAFKA_CLIENT_CONFIG) ?? KAFKA_CLIENT_DEFAULT).trim().toLowerCase() as KafkaClientName;
}
