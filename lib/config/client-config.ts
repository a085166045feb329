import { ConfigException } from '../connect/errors';
import { parseType } from '../connect/config-def';
import type { WorkerConfig } from './worker-config';

/**
 * Kafka client configs (Java `producer.*`, `consumer.*`, `admin.*` worker keys and connector
 * `producer.override.*` …) mapped to kafkajs-equivalent options, as plain data: the Kafka adapter applies it
 * (nothing here imports kafkajs). Keys kafkajs has no equivalent for are listed as warnings.
 */

export type ClientType = 'producer' | 'consumer' | 'admin';

export interface SslSettings {
  /** PEM CA certificates (inline), from `ssl.truststore.certificates` (type PEM). */
  ca?: string;
  /** File with PEM CA certificates, from `ssl.truststore.location` with `ssl.truststore.type=PEM`. */
  caFile?: string;
  /** PEM client certificate chain / key (inline), from `ssl.keystore.certificate.chain` / `ssl.keystore.key`. */
  cert?: string;
  key?: string;
  /** File holding the PEM client key and certificate, from `ssl.keystore.location` with type PEM. */
  keyStoreFile?: string;
  passphrase?: string;
  /** False when `ssl.endpoint.identification.algorithm` is empty (Java: no hostname verification). */
  checkHostname: boolean;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer' | 'aws';

export interface SaslSettings {
  mechanism: SaslMechanism;
  username?: string;
  password?: string;
}

/** Options of the kafkajs `Kafka` constructor. */
export interface KafkaClientSettings {
  clientId?: string;
  brokers?: string[];
  ssl?: boolean | SslSettings;
  sasl?: SaslSettings;
  connectionTimeout?: number;
  requestTimeout?: number;
  retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number };
}

export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerSettings {
  /** kafkajs `send({ acks })`: -1 = all. */
  acks?: -1 | 0 | 1;
  compression?: CompressionType;
  /** `linger.ms`; the source task's batching honours it (WorkerSourceTask: the clients have no linger of ours). */
  lingerMs?: number;
  /** `batch.size`; the source task caps its requests at it (WorkerSourceTask). */
  batchSizeBytes?: number;
  maxInFlightRequests?: number;
  idempotent?: boolean;
  transactionalId?: string;
  transactionTimeout?: number;
  /** kafkajs `send({ timeout })`, from `request.timeout.ms`. */
  timeout?: number;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
}

export interface ConsumerSettings {
  groupId?: string;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** From `max.poll.interval.ms` (the Java consumer's rebalance timeout). */
  rebalanceTimeout?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  minBytes?: number;
  maxWaitTimeInMs?: number;
  /** Runtime cap on records handed to one put() (kafkajs has no max.poll.records). */
  maxPollRecords?: number;
  /** `auto.offset.reset`: earliest → subscribe({ fromBeginning: true }). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  readUncommitted?: boolean;
  autoCommit?: boolean;
  autoCommitInterval?: number;
  rackId?: string;
  metadataMaxAge?: number;
}

export interface ClientConfigMapping {
  client: KafkaClientSettings;
  producer: ProducerSettings;
  consumer: ConsumerSettings;
  /** One line per key with no kafkajs equivalent (or an unusable value), for a startup log. */
  warnings: string[];
}

/** Keys Connect sets for the JVM clients or that only matter to a JVM; never worth a warning. */
/** The classes Amazon MSK documents for IAM authentication of Java clients (aws-msk-iam-auth). */
export const MSK_IAM_LOGIN_MODULE = 'software.amazon.msk.auth.iam.IAMLoginModule';
export const MSK_IAM_CALLBACK_HANDLER = 'software.amazon.msk.auth.iam.IAMClientCallbackHandler';

const SILENT = new Set([
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'client.dns.lookup',
  'metric.reporters',
  'metrics.num.samples',
  'metrics.recording.level',
  'metrics.sample.window.ms',
  'auto.include.jmx.reporter',
  'enable.metrics.push',
  'delivery.timeout.ms',
  'default.api.timeout.ms',
]);

const int = (name: string, value: string): number => parseType(name, value, 'LONG') as number;
const bool = (name: string, value: string): boolean => parseType(name, value, 'BOOLEAN') as boolean;

/**
 * Parse `sasl.jaas.config` for PLAIN / SCRAM login modules:
 * `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`.
 * Returns null when no username/password options are present.
 */
export function parseJaasConfig(jaas: string): { loginModule: string; username?: string; password?: string } | null {
  const module = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b/.exec(jaas);
  if (!module?.[1]) return null;
  const options: Record<string, string> = {};
  const optionPattern = /([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/g;
  for (const m of jaas.slice(module[0].length).matchAll(optionPattern)) {
    const [, key = '', quoted, bare] = m;
    options[key] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  const result: { loginModule: string; username?: string; password?: string } = { loginModule: module[1] };
  if (options.username !== undefined) result.username = options.username;
  if (options.password !== undefined) result.password = options.password;
  return result;
}

const SASL_MECHANISMS: Record<string, SaslMechanism> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
  OAUTHBEARER: 'oauthbearer',
  AWS_MSK_IAM: 'aws',
};

/**
 * Map Java client properties (prefix already stripped) to kafkajs settings. `type` decides which
 * client-specific keys apply; `warnUnknown: false` skips warnings for keys that are not client configs at all
 * (used for the admin client, which inherits every un-prefixed worker key, as in Apache).
 */
export function mapClientConfig(
  type: ClientType,
  props: Readonly<Record<string, string>>,
  options: { warnUnknown?: boolean } = {},
): ClientConfigMapping {
  const warnUnknown = options.warnUnknown ?? true;
  const client: KafkaClientSettings = {};
  const producer: ProducerSettings = {};
  const consumer: ConsumerSettings = {};
  const warnings: string[] = [];
  const noEquivalent = (key: string) => {
    if (warnUnknown && !SILENT.has(key))
      warnings.push(`${type} config '${key}' has no kafkajs equivalent and is ignored`);
  };
  const ssl: SslSettings = { checkHostname: true };
  // Java only uses ssl.* / sasl.* when security.protocol asks for them (default PLAINTEXT).
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').trim().toUpperCase();
  let truststoreType = (props['ssl.truststore.type'] ?? 'JKS').toUpperCase();
  let keystoreType = (props['ssl.keystore.type'] ?? 'JKS').toUpperCase();
  if (props['ssl.truststore.certificates'] !== undefined) truststoreType = 'PEM';
  if (props['ssl.keystore.key'] !== undefined) keystoreType = 'PEM';

  for (const [key, value] of Object.entries(props)) {
    switch (key) {
      // ---- common
      case 'bootstrap.servers':
        client.brokers = parseType(key, value, 'LIST') as string[];
        break;
      case 'client.id':
        client.clientId = value;
        break;
      case 'request.timeout.ms':
        client.requestTimeout = int(key, value);
        if (type === 'producer') producer.timeout = client.requestTimeout;
        break;
      case 'socket.connection.setup.timeout.ms':
        client.connectionTimeout = int(key, value);
        break;
      case 'retry.backoff.ms':
        client.retry = { ...client.retry, initialRetryTime: int(key, value) };
        break;
      case 'retry.backoff.max.ms':
        client.retry = { ...client.retry, maxRetryTime: int(key, value) };
        break;
      case 'retries':
        client.retry = { ...client.retry, retries: Math.min(int(key, value), 2147483647) };
        break;
      case 'metadata.max.age.ms':
        if (type === 'producer') producer.metadataMaxAge = int(key, value);
        else if (type === 'consumer') consumer.metadataMaxAge = int(key, value);
        else noEquivalent(key);
        break;
      case 'sasl.client.callback.handler.class':
        // MSK IAM's Java callback handler: its job (signing with AWS credentials) is the 'aws' mechanism's here.
        if (!value.includes(MSK_IAM_CALLBACK_HANDLER)) noEquivalent(key);
        break;
      case 'security.protocol':
        if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
          throw new ConfigException(
            key,
            value,
            `Invalid value ${value} for configuration ${key}: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`,
          );
        }
        break;
      case 'sasl.mechanism': {
        const mechanism = SASL_MECHANISMS[value.trim().toUpperCase()];
        if (!mechanism)
          warnings.push(`${type} config 'sasl.mechanism=${value}' is not supported by kafkajs and is ignored`);
        else client.sasl = { ...client.sasl, mechanism };
        break;
      }
      case 'sasl.jaas.config': {
        const jaas = parseJaasConfig(value);
        // MSK IAM's login module takes no credentials: the mechanism signs with the AWS credentials.
        if (value.includes(MSK_IAM_LOGIN_MODULE)) break;
        if (jaas?.username === undefined || jaas.password === undefined) {
          warnings.push(`${type} config 'sasl.jaas.config' has no username/password options kafkajs can use`);
        } else {
          client.sasl = {
            mechanism: client.sasl?.mechanism ?? 'plain',
            ...client.sasl,
            username: jaas.username,
            password: jaas.password,
          };
        }
        break;
      }
      // ---- ssl (PEM material only: kafkajs uses Node's TLS, which cannot read JKS/PKCS12 stores)
      case 'ssl.truststore.location':
        if (truststoreType === 'PEM') ssl.caFile = value;
        else
          warnings.push(
            `${type} config 'ssl.truststore.location' of type ${truststoreType} cannot be used by kafkajs (use PEM)`,
          );
        break;
      case 'ssl.truststore.certificates':
        ssl.ca = value;
        break;
      case 'ssl.keystore.location':
        if (keystoreType === 'PEM') ssl.keyStoreFile = value;
        else
          warnings.push(
            `${type} config 'ssl.keystore.location' of type ${keystoreType} cannot be used by kafkajs (use PEM)`,
          );
        break;
      case 'ssl.keystore.certificate.chain':
        ssl.cert = value;
        break;
      case 'ssl.keystore.key':
        ssl.key = value;
        break;
      case 'ssl.key.password':
        ssl.passphrase = value;
        break;
      case 'ssl.keystore.password':
      case 'ssl.truststore.password':
        if (ssl.passphrase === undefined && key === 'ssl.keystore.password') ssl.passphrase = value;
        break;
      case 'ssl.truststore.type':
      case 'ssl.keystore.type':
        break;
      case 'ssl.endpoint.identification.algorithm':
        ssl.checkHostname = value.trim() !== '';
        break;
      // ---- producer
      case 'acks':
        if (type !== 'producer') {
          noEquivalent(key);
          break;
        }
        {
          const acks = value.trim().toLowerCase();
          if (acks === 'all' || acks === '-1') producer.acks = -1;
          else if (acks === '0' || acks === '1') producer.acks = Number(acks) as 0 | 1;
          else
            throw new ConfigException(
              key,
              value,
              `Invalid value ${value} for configuration acks: String must be one of: all, -1, 0, 1`,
            );
        }
        break;
      case 'compression.type': {
        const c = value.trim().toLowerCase();
        if (type !== 'producer') noEquivalent(key);
        else if (c === 'none' || c === 'gzip' || c === 'snappy' || c === 'lz4' || c === 'zstd')
          producer.compression = c;
        else
          throw new ConfigException(
            key,
            value,
            `Invalid value ${value} for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd`,
          );
        break;
      }
      case 'linger.ms':
        if (type === 'producer') producer.lingerMs = int(key, value);
        else noEquivalent(key);
        break;
      case 'batch.size':
        if (type === 'producer') producer.batchSizeBytes = int(key, value);
        else noEquivalent(key);
        break;
      case 'max.in.flight.requests.per.connection':
        if (type === 'producer') producer.maxInFlightRequests = int(key, value);
        else noEquivalent(key);
        break;
      case 'enable.idempotence':
        if (type === 'producer') producer.idempotent = bool(key, value);
        else noEquivalent(key);
        break;
      case 'transactional.id':
        if (type === 'producer') producer.transactionalId = value;
        else noEquivalent(key);
        break;
      case 'transaction.timeout.ms':
        if (type === 'producer') producer.transactionTimeout = int(key, value);
        else noEquivalent(key);
        break;
      // ---- consumer
      case 'group.id':
        if (type === 'consumer') consumer.groupId = value;
        else noEquivalent(key);
        break;
      case 'session.timeout.ms':
        if (type === 'consumer') consumer.sessionTimeout = int(key, value);
        else noEquivalent(key);
        break;
      case 'heartbeat.interval.ms':
        if (type === 'consumer') consumer.heartbeatInterval = int(key, value);
        else noEquivalent(key);
        break;
      case 'max.poll.interval.ms':
        if (type === 'consumer') consumer.rebalanceTimeout = int(key, value);
        else noEquivalent(key);
        break;
      case 'max.partition.fetch.bytes':
        if (type === 'consumer') consumer.maxBytesPerPartition = int(key, value);
        else noEquivalent(key);
        break;
      case 'fetch.max.bytes':
        if (type === 'consumer') consumer.maxBytes = int(key, value);
        else noEquivalent(key);
        break;
      case 'fetch.min.bytes':
        if (type === 'consumer') consumer.minBytes = int(key, value);
        else noEquivalent(key);
        break;
      case 'fetch.max.wait.ms':
        if (type === 'consumer') consumer.maxWaitTimeInMs = int(key, value);
        else noEquivalent(key);
        break;
      case 'max.poll.records':
        if (type === 'consumer') consumer.maxPollRecords = int(key, value);
        else noEquivalent(key);
        break;
      case 'auto.offset.reset': {
        const reset = value.trim().toLowerCase();
        if (type !== 'consumer') noEquivalent(key);
        else if (reset === 'earliest' || reset === 'latest' || reset === 'none') consumer.autoOffsetReset = reset;
        else
          throw new ConfigException(
            key,
            value,
            `Invalid value ${value} for configuration auto.offset.reset: String must be one of: earliest, latest, none`,
          );
        break;
      }
      case 'isolation.level':
        if (type === 'consumer') consumer.readUncommitted = value.trim().toLowerCase() === 'read_uncommitted';
        else noEquivalent(key);
        break;
      case 'enable.auto.commit':
        if (type === 'consumer') consumer.autoCommit = bool(key, value);
        else noEquivalent(key);
        break;
      case 'auto.commit.interval.ms':
        if (type === 'consumer') consumer.autoCommitInterval = int(key, value);
        else noEquivalent(key);
        break;
      case 'client.rack':
        if (type === 'consumer') consumer.rackId = value;
        else noEquivalent(key);
        break;
      case 'allow.auto.create.topics':
        // Deliberately not Java's default (true): a sink task waits for a missing topic instead of having its
        // consumer's metadata request create it with the broker's defaults (lib/adapters/kafka/consumer.ts).
        if (type === 'consumer')
          warnings.push(
            `consumer config '${key}' is ignored: a sink task waits for missing topics and never auto-creates them`,
          );
        else noEquivalent(key);
        break;
      default:
        noEquivalent(key);
    }
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const hasMaterial = Object.keys(ssl).some((k) => k !== 'checkHostname');
    client.ssl = hasMaterial || !ssl.checkHostname ? ssl : true;
  }
  if (protocol.startsWith('SASL_')) client.sasl = { mechanism: 'plain', ...client.sasl };
  else delete client.sasl;
  if (type === 'producer' && producer.idempotent === undefined) {
    // Kafka's producer is idempotent by default (3.0+) unless acks, retries or in-flight requests conflict, so
    // Connect's task producers (acks=all, one request in flight) write idempotently: a retried request cannot
    // duplicate records. kafkajs keeps sequence numbers right only with one request in flight, so only then.
    producer.idempotent =
      (producer.acks ?? -1) === -1 &&
      producer.maxInFlightRequests === 1 &&
      client.retry?.retries !== 0 &&
      producer.transactionalId === undefined;
  }
  return { client, producer, consumer, warnings };
}

/** Apache's client ids of a sink task's dead-letter-queue clients (`Worker.sinkTaskReporters`). */
export const DLQ_PRODUCER_CLIENT_ID_PREFIX = 'connector-dlq-producer-';
export const DLQ_ADMIN_CLIENT_ID = 'connector-dlq-adminclient-';

/** Client id Apache gives each connector client (`connector-producer-<name>-<task>` …). */
export function defaultClientId(type: ClientType, connectorName: string, taskId: number): string {
  const kind = type === 'admin' ? 'adminclient' : type;
  return `connector-${kind}-${connectorName}-${taskId}`;
}

/**
 * The Java properties a connector task's client gets, with Apache's precedence (`Worker.baseProducerConfigs`,
 * `Worker.baseConsumerConfigs`, `Worker.adminConfigs`): framework defaults, then worker `producer.*` (…), then
 * the connector's `producer.override.*` (…). Policy checks happen at validation (connector-config.ts).
 */
export function connectorClientProps(
  worker: WorkerConfig,
  type: ClientType,
  connectorName: string,
  taskId: number,
  connectorConfig: Readonly<Record<string, string>>,
): Record<string, string> {
  const bootstrap = worker.bootstrapServers.join(',');
  const overrides = withPrefix(connectorConfig, `${type}.override.`);
  if (type === 'producer') {
    return {
      'bootstrap.servers': bootstrap,
      acks: 'all',
      'max.in.flight.requests.per.connection': '1',
      'delivery.timeout.ms': '2147483647',
      'client.id': defaultClientId(type, connectorName, taskId),
      ...worker.producer,
      ...overrides,
    };
  }
  if (type === 'consumer') {
    return {
      'group.id': `connect-${connectorName}`,
      'bootstrap.servers': bootstrap,
      'enable.auto.commit': 'false',
      'auto.offset.reset': 'earliest',
      'client.id': defaultClientId(type, connectorName, taskId),
      ...worker.consumer,
      ...overrides,
    };
  }
  return {
    'bootstrap.servers': bootstrap,
    'client.id': defaultClientId(type, connectorName, taskId),
    ...workerAdminProps(worker.originals),
    ...overrides,
  };
}

/**
 * The client properties of an admin client of the worker (Apache's `Worker.adminConfigs` base, and the REST
 * API's consumer-group admin): every un-prefixed worker key (backwards compatibility in Apache), then `admin.*`.
 * Without `admin.*` these are also what the worker's own topic clients get (`KafkaOffsetBackingStore`).
 */
export function workerAdminProps(workerProps: Readonly<Record<string, string>>): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(workerProps)) {
    if (!k.startsWith('admin.') && !k.startsWith('producer.') && !k.startsWith('consumer.')) props[k] = v;
  }
  for (const [k, v] of Object.entries(withPrefix(workerProps, 'admin.'))) {
    // `admin.listeners` is a REST key, not an admin-client key.
    if (k !== 'listeners' && !k.startsWith('listeners.')) props[k] = v;
  }
  return props;
}

function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props))
    if (k.startsWith(prefix) && k.length > prefix.length) out[k.slice(prefix.length)] = v;
  return out;
}

/** Client keys the admin mapping reads from worker originals (anything else there is a worker key). */
export function mapConnectorClient(
  worker: WorkerConfig,
  type: ClientType,
  connectorName: string,
  taskId: number,
  connectorConfig: Readonly<Record<string, string>>,
): ClientConfigMapping {
  const props = connectorClientProps(worker, type, connectorName, taskId, connectorConfig);
  if (type !== 'admin') return mapClientConfig(type, props);
  // For the admin client only warn about explicitly admin-targeted keys, not about every worker key.
  const explicit = new Set([
    ...Object.keys(worker.admin),
    ...Object.keys(withPrefix(connectorConfig, 'admin.override.')),
  ]);
  const mapping = mapClientConfig('admin', props, { warnUnknown: false });
  const warnings = mapClientConfig(
    'admin',
    Object.fromEntries(Object.entries(props).filter(([k]) => explicit.has(k))),
  ).warnings;
  return { ...mapping, warnings: [...mapping.warnings, ...warnings.filter((w) => !mapping.warnings.includes(w))] };
}
