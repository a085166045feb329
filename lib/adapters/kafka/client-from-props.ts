/**
 * Kafka-style client properties → a kafkajs client: the one place where `bootstrap.servers`, `security.protocol`,
 * `ssl.*`, `sasl.*` and timeouts become connection options, for task clients (./client-factory) and the worker's
 * own (offsets topic, cluster id, the REST API's consumer-group admin) alike. Kept apart from the factory so the
 * API bundle does not carry the producer and consumer adapters.
 */
import type { ConnectionOptions } from 'node:tls';
import { KafkaJSSASLAuthenticationError } from 'kafkajs';
import type { Mechanism, SASLOptions } from 'kafkajs';
import { mapClientConfig } from '../../config/client-config';
import type { ClientConfigMapping, ClientType, KafkaClientSettings } from '../../config/client-config';
import { mskIamAuthToken, oauthBearerTokenProvider, tlsConnectionOptions } from '../../config/client-security';
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
 * SASL/OAUTHBEARER (RFC 7628) with a token provider. Not kafkajs' own OAUTHBEARER: when the broker refuses the token
 * it answers with an error challenge (`{"status":"invalid_token"}`) that the client must acknowledge with a lone
 * SOH before the broker fails the exchange; kafkajs does not, so its next request met ILLEGAL_SASL_STATE ("Request
 * is not valid given the current SASL state") instead of an authentication error. This one acknowledges it and
 * fails with the broker's reason.
 */
/** kafkajs hands SASL bytes around as Kafka BYTES: a 4-byte length, then the bytes. */
const kafkaBytes = (text: string): Buffer => {
  const bytes = Buffer.from(text);
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

export const oauthBearerMechanism = (token: () => Promise<string>): Mechanism => ({
  mechanism: 'OAUTHBEARER',
  authenticationProvider: ({ host, port, saslAuthenticate }) => ({
    authenticate: async () => {
      const initial = kafkaBytes(`n,,\u0001auth=Bearer ${await token()}\u0001\u0001`);
      const challenge = await saslAuthenticate<Buffer>({
        request: { encode: () => initial },
        response: { decode: (bytes: Buffer) => bytes.subarray(4), parse: (bytes: Buffer) => bytes },
      });
      if (challenge && challenge.length > 0) {
        await saslAuthenticate({ request: { encode: () => kafkaBytes('\u0001') } }).catch(() => undefined);
        // Non-retriable in kafkajs (its types omit the message argument its constructor takes).
        const AuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
        throw new AuthenticationError(
          `SASL OAUTHBEARER authentication failed at ${host}:${port}: the broker refused the token (${challenge.toString()})`,
        );
      }
    },
  }),
});

/**
 * `sasl.mechanism=AWS_MSK_IAM`: kafkajs has no such mechanism, so it authenticates with OAUTHBEARER and a token
 * signed with the process's AWS credentials (lib/config/client-security.ts).
 */
export const mskIamOAuthBearer = (): Mechanism => oauthBearerMechanism(mskIamAuthToken);

const saslOptions = (sasl: KafkaClientSettings['sasl']): SASLOptions | Mechanism | undefined => {
  if (!sasl) return undefined;
  const { mechanism, username = '', password = '' } = sasl;
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    return { mechanism, username, password } as SASLOptions;
  }
  const token = oauthBearerTokenProvider(sasl);
  if (token) return oauthBearerMechanism(token);
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
