/**
 * The kafkajs client factory. lib/adapters/kafka is the only folder that imports kafkajs; everything else asks it
 * for a configured client (or, better, for a port implemented here).
 */
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, LogEntry, Mechanism, RetryOptions, SASLOptions, logCreator } from 'kafkajs';

export type { Kafka } from 'kafkajs';

/** The logging surface the client writes to (console, the Powertools logger and test spies all fit). */
export interface KafkaClientLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type KafkaClientLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  /** `host:port` entries, or one comma-separated string as in `bootstrap.servers`. */
  bootstrapServers: readonly string[] | string;
  clientId: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions | Mechanism;
  /** Where kafkajs' own log lines go; default: warnings and errors to stderr. */
  logger?: KafkaClientLogger;
  /** Least severe kafkajs level passed on to the logger; default `warn`. */
  logLevel?: KafkaClientLogLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

const LEVELS: Record<KafkaClientLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** Parses `bootstrap.servers` (`host1:9092, host2:9092`) into kafkajs' broker list. */
export function parseBootstrapServers(value: readonly string[] | string): string[] {
  const entries = typeof value === 'string' ? value.split(',') : value;
  const brokers = entries.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  if (brokers.length === 0) throw new Error('bootstrap.servers is empty');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker.replace(/^[A-Za-z_]+:\/\//, ''))) {
      throw new Error(`Invalid bootstrap server '${broker}': expected host:port`);
    }
  }
  // kafkajs wants plain host:port; Kafka also accepts PLAINTEXT://host:port in bootstrap.servers.
  return brokers.map((broker) => broker.replace(/^[A-Za-z_]+:\/\//, ''));
}

/** The default: warnings and errors to stderr, nothing else. */
export const stderrLogger: KafkaClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, attributes) => console.warn(message, attributes ?? ''),
  error: (message, attributes) => console.error(message, attributes ?? ''),
};

/**
 * A kafkajs log creator that routes entries to `logger`, quietly:
 * - kafkajs logs every error *response* (`[Connection] Response Metadata … The coordinator is loading`) at ERROR
 *   although it retries them and throws if the retries run out; those become debug lines;
 * - a transactional send that meets CONCURRENT_TRANSACTIONS (the broker is still writing the previous commit's
 *   markers) is retried by kafkajs, which logs each retry at ERROR; Java's producer retries it silently, so these
 *   become debug lines too (a send whose retries run out still throws, and the task reports that);
 * - the v2 partitioner notice (a warning on every producer) is dropped.
 */
export function createLogCreator(logger: KafkaClientLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...rest } = log;
      if (message.includes('KafkaJS v2.0.0 switched default partitioner')) return;
      const attributes: Record<string, unknown> = { namespace, ...rest };
      if (
        level === logLevel.ERROR &&
        ((namespace === 'Connection' && message.startsWith('Response ')) || isConcurrentTransactionsRetry(message))
      ) {
        logger.debug(`kafkajs: ${message}`, attributes);
      } else if (level === logLevel.ERROR) logger.error(`kafkajs: ${message}`, attributes);
      else if (level === logLevel.WARN) logger.warn(`kafkajs: ${message}`, attributes);
      else if (level === logLevel.INFO) logger.info(`kafkajs: ${message}`, attributes);
      else logger.debug(`kafkajs: ${message}`, attributes);
    };
}

/** kafkajs' message for a send retried on CONCURRENT_TRANSACTIONS (its error text for that code). */
const isConcurrentTransactionsRetry = (message: string): boolean =>
  message.startsWith('Failed to send messages: ') &&
  message.includes('another concurrent operation on the same transaction was ongoing');

/** Builds a kafkajs client from Kafka-style connection settings. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: parseBootstrapServers(options.bootstrapServers),
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: createLogCreator(options.logger ?? stderrLogger),
  };
  if (options.ssl !== undefined) config.ssl = options.ssl;
  if (options.sasl !== undefined) config.sasl = options.sasl;
  if (options.connectionTimeoutMs !== undefined) config.connectionTimeout = options.connectionTimeoutMs;
  if (options.requestTimeoutMs !== undefined) config.requestTimeout = options.requestTimeoutMs;
  if (options.retry !== undefined) config.retry = options.retry;
  return new Kafka(config);
}
