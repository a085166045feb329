/**
 * `skc.kafka.client` (ours, prefixed so it never collides with Apache's keys): which Kafka client library the
 * task data path uses — the source task producer (transactional too), the sink task consumer, the DLQ producer
 * and topic admin. `kafkajs` (kafkajs 2.2.4) or `platformatic` (`@platformatic/kafka`) for all of them; unset, each
 * role gets the client the benchmark and the contract suite justify (docs/kafka-client-port.md, "Default"):
 * @platformatic/kafka for producers and consumers (and the admin, group lag, fencing, and the worker's own
 * clients: offsets topic, cluster id, REST group offsets). The roles stay separate so that one can move alone.
 */
import { AbstractConfig, CaseInsensitiveValidString, ConfigDef } from '../connect/config-def';
import type { Validator } from '../connect/config-def';

export const KAFKA_CLIENT_CONFIG = 'skc.kafka.client';
export type KafkaClientName = 'kafkajs' | 'platformatic';
export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'platformatic'];

/** The client of each role of the data path. */
export interface KafkaClientChoice {
  /** source task producers (transactional ones too) and sink DLQ producers */
  readonly producer: KafkaClientName;
  /** sink task consumers, topic admin, group lag, producer fencing */
  readonly consumer: KafkaClientName;
}

/** Without `skc.kafka.client`: the measured best of each role (docs/kafka-client-port.md, "Default"). */
export const KAFKA_CLIENT_DEFAULTS: KafkaClientChoice = { producer: 'platformatic', consumer: 'platformatic' };

const oneOfClients = CaseInsensitiveValidString.in(...KAFKA_CLIENTS);
/** Unset is valid (the per-role default); a value must name a client. */
const optionalClient: Validator = {
  ensureValid(name, value) {
    if (value !== null && value !== undefined) oneOfClients.ensureValid(name, value);
  },
  toString: () => oneOfClients.toString(),
};

/** The definition, merged into the worker ConfigDefs (worker-config.ts) so a bad value fails at startup. */
export function defineKafkaClientKey(def: ConfigDef): ConfigDef {
  return def.define({
    name: KAFKA_CLIENT_CONFIG,
    type: 'STRING',
    defaultValue: null,
    validator: optionalClient,
    importance: 'LOW',
    documentation:
      'The Kafka client library of the task data path: kafkajs or platformatic (@platformatic/kafka) for every ' +
      'client of a task and of the worker; unset, platformatic. Not an Apache key.',
  });
}

/** The clients the worker properties select (raw or resolved). Throws ConfigException on an unknown value. */
export function kafkaClientsOf(props: Readonly<Record<string, string>>): KafkaClientChoice {
  const config = new AbstractConfig(defineKafkaClientKey(new ConfigDef()), props);
  const value = config.getString(KAFKA_CLIENT_CONFIG);
  if (value === null || value === undefined) return KAFKA_CLIENT_DEFAULTS;
  const client = value.trim().toLowerCase() as KafkaClientName;
  return { producer: client, consumer: client };
}
