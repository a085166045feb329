/**
 * Kafka-style client properties → `@platformatic/kafka` connection options: the same mapping of Apache's keys
 * (lib/config/client-config.ts) as the kafkajs adapter applies, onto this client's option names. The one place
 * where `bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*` and timeouts become connection options here.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { ClientConfigMapping, KafkaClientSettings } from '../../config/client-config';
import { oauthBearerTokenProvider, tlsConnectionOptions } from '../../config/client-security';
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

/**
 * A refused OAUTHBEARER token comes back as an error challenge (`{"status":"invalid_token"}`, RFC 7628) rather than
 * an error code; without this check the client went on and met ILLEGAL_SASL_STATE on its next request.
 */
const refusedToken = (authBytes: Buffer, callback: (error: Error | null, bytes?: Buffer) => void): void => {
  if (authBytes.length === 0) callback(null, authBytes);
  else callback(new Error(`SASL OAUTHBEARER: the broker refused the token (${authBytes.toString()})`));
};

/**
 * The client reports a failed connection as nested AggregateErrors ("metadata failed 2 times." → "Cannot connect
 * to any broker." → "Connection to … failed." → cause "SASL authentication failed." …): the root causes are what a
 * user needs, so they are appended to the message (the original stays the `cause`).
 */
export function withRootCauses(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const leaves = new Set<string>();
  const walk = (current: unknown, depth: number): void => {
    if (typeof current !== 'object' || current === null || depth > 10) return;
    const link = current as { message?: unknown; errors?: unknown; cause?: unknown; serverErrorMessage?: unknown };
    const children = [...(Array.isArray(link.errors) ? link.errors : []), ...(link.cause ? [link.cause] : [])];
    // The broker's own words (e.g. "Authentication failed: Invalid username or password") beat the code's name.
    if (typeof link.serverErrorMessage === 'string') leaves.add(link.serverErrorMessage);
    else if (children.length === 0 && typeof link.message === 'string') leaves.add(link.message);
    for (const child of children) walk(child, depth + 1);
  };
  walk(error, 0);
  leaves.delete(error.message);
  if (leaves.size === 0) return error;
  const clear = new Error(`${error.message} (${[...leaves].join('; ')})`, { cause: error });
  clear.name = error.name;
  return Object.assign(clear, { canRetry: (error as { canRetry?: unknown }).canRetry });
}

export const saslOptions = (sasl: KafkaClientSettings['sasl']): SASLOptions | undefined => {
  if (!sasl) return undefined;
  const { mechanism, username = '', password = '' } = sasl;
  if (mechanism === 'plain') return { mechanism: 'PLAIN', username, password };
  if (mechanism === 'scram-sha-256') return { mechanism: 'SCRAM-SHA-256', username, password };
  if (mechanism === 'scram-sha-512') return { mechanism: 'SCRAM-SHA-512', username, password };
  const token = oauthBearerTokenProvider(sasl);
  if (token) return { mechanism: 'OAUTHBEARER', token, authBytesValidator: refusedToken };
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
