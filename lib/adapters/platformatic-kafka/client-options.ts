/**
 * Kafka-style client properties → `@platformatic/kafka` connection options: the same mapping of Apache's keys
 * (lib/config/client-config.ts) as the kafkajs adapter applies, onto this client's option names. The one place
 * where `bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*` and timeouts become connection options here.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { ClientConfigMapping, KafkaClientSettings } from '../../config/client-config';
import { mskIamAuthToken, tlsConnectionOptions } from '../../config/client-security';
import type { ClientProps } from '../../storage/kafka-ports';

export interface PlatformaticOptionsContext {
  /** Called once per client with the keys this client has no equivalent for. */
  readonly onWarnings?: (clientId: string, warnings: readonly string[]) => void;
  /** Connection retries (our retry policy's count; the client's own default is 3). */
  readonly retries?: number;
}

export const tlsOptions = (ssl: KafkaClientSettings['ssl']): TlsOptions | undefined => {
  if (ssl === undefined || ssl === false) return undefined;
  return ssl === true ? {} : tlsConnectionOptions(ssl);
};

export const saslOptions = (sasl: KafkaClientSettings['sasl']): SASLOptions | undefined => {
  if (!sasl) return undefined;
  const { mechanism, username = '', password = '' } = sasl;
  if (mechanism === 'plain') return { mechanism: 'PLAIN', username, password };
  if (mechanism === 'scram-sha-256') return { mechanism: 'SCRAM-SHA-256', username, password };
  if (mechanism === 'scram-sha-512') return { mechanism: 'SCRAM-SHA-512', username, password };
  if (mechanism === 'aws') return { mechanism: 'OAUTHBEARER', token: mskIamAuthToken };
  throw new Error(`SASL mechanism '${mechanism}' needs a provider this runtime does not configure from properties`);
};

/** `host:port` list of `bootstrap.servers` (Kafka also accepts `PLAINTEXT://host:port`). */
export const bootstrapBrokers = (value: readonly string[] | string): string[] => {
  const entries = typeof value === 'string' ? value.split(',') : value;
  const brokers = entries.map((e) => e.trim().replace(/^[A-Za-z_]+:\/\//, '')).filter((e) => e.length > 0);
  if (brokers.length === 0) throw new Error('bootstrap.servers is empty');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) throw new Error(`Invalid bootstrap server '${broker}': expected host:port`);
  }
  return brokers;
};

/** The connection part of a client's options (see the module comment). */
export function baseOptions(
  props: ClientProps,
  mapping: ClientConfigMapping,
  context: PlatformaticOptionsContext = {},
): BaseOptions {
  const { client } = mapping;
  const clientId = client.clientId ?? props['client.id'] ?? 'connect';
  if (mapping.warnings.length > 0) {
    context.onWarnings?.(
      clientId,
      mapping.warnings.map((w) => w.replace('kafkajs', '@platformatic/kafka')),
    );
  }
  const tls = tlsOptions(client.ssl);
  const sasl = saslOptions(client.sasl);
  const retries = context.retries ?? client.retry?.retries;
  return {
    clientId,
    bootstrapBrokers: bootstrapBrokers(client.brokers ?? props['bootstrap.servers'] ?? 'localhost:9092'),
    ...(tls !== undefined ? { tls } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
    ...(client.connectionTimeout !== undefined ? { connectTimeout: client.connectionTimeout } : {}),
    ...(client.requestTimeout !== undefined
      ? { requestTimeout: client.requestTimeout, timeout: client.requestTimeout }
      : {}),
    ...(retries !== undefined ? { retries } : {}),
    ...(client.retry?.initialRetryTime !== undefined ? { retryDelay: client.retry.initialRetryTime } : {}),
  };
}
