/**
 * Kafka-style client properties → a kafkajs client: the one place where `bootstrap.servers`, `security.protocol`,
 * `ssl.*`, `sasl.*` and timeouts become connection options, for task clients (./client-factory) and the worker's
 * own (offsets topic, cluster id, the REST API's consumer-group admin) alike. Kept apart from the factory so the
 * API bundle does not carry the producer and consumer adapters.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { mapClientConfig } from '../../config/client-config';
import type { ClientConfigMapping, ClientType, KafkaClientSettings } from '../../config/client-config';
import { mskIamAuthToken, tlsConnectionOptions } from '../../config/client-security';
import type { ClientProps } from '../../storage/kafka-ports';
import { createKafka } from './client';
import type { Kafka, KafkaClientLogger, KafkaClientOptions } from './client';

export interface KafkaClientFromPropsOptions {
  readonly logger?: KafkaClientLogger;
  /** Called once per client with the keys kafkajs has no equivalent for. */
  readonly onWarnings?: (clientId: string, warnings: readonly string[]) => void;
  /** Retry policy for connecting (a broker that is not there fails after these retries). */
  readonly retry?: KafkaClientOptions['retry'];
}

const sslOptions = (ssl: KafkaClientSettings['ssl']): boolean | ConnectionOptions | undefined =>
  ssl === undefined || typeof ssl === 'boolean' ? ssl : tlsConnectionOptions(ssl);

/**
 * `sasl.mechanism=AWS_MSK_IAM`: kafkajs has no such mechanism, so it authenticates with OAUTHBEARER and a token
 * signed with the process's AWS credentials (lib/config/client-security.ts).
 */
export const mskIamOAuthBearer = (): SASLOptions => ({
  mechanism: 'oauthbearer',
  oauthBearerProvider: async () => ({ value: await mskIamAuthToken() }),
});

const saslOptions = (sasl: KafkaClientSettings['sasl']): SASLOptions | undefined => {
  if (!sasl) return undefined;
  const { mechanism, username = '', password = '' } = sasl;
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    return { mechanism, username, password } as SASLOptions;
  }
  if (mechanism === 'aws') return mskIamOAuthBearer();
  throw new Error(`SASL mechanism '${mechanism}' needs a provider this runtime does not configure from properties`);
};

/** A kafkajs client from Kafka-style client properties (see the module comment). */
export function createKafkaFromProps(
  type: ClientType,
  props: ClientProps,
  options: KafkaClientFromPropsOptions &
    Partial<Pick<KafkaClientOptions, 'clientId' | 'connectionTimeoutMs' | 'logLevel'>> = {},
  mapping: ClientConfigMapping = mapClientConfig(type, props, { warnUnknown: options.onWarnings !== undefined }),
): Kafka {
  const { client } = mapping;
  const clientId = options.clientId ?? client.clientId ?? props['client.id'] ?? 'connect';
  if (mapping.warnings.length > 0) options.onWarnings?.(clientId, mapping.warnings);
  const ssl = sslOptions(client.ssl);
  const sasl = saslOptions(client.sasl);
  const retry = options.retry ?? client.retry;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? client.connectionTimeout;
  return createKafka({
    bootstrapServers: client.brokers ?? props['bootstrap.servers'] ?? 'localhost:9092',
    clientId,
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
    ...(connectionTimeoutMs !== undefined ? { connectionTimeoutMs } : {}),
    ...(client.requestTimeout !== undefined ? { requestTimeoutMs: client.requestTimeout } : {}),
    ...(retry !== undefined ? { retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
}
