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
  /** A PKCS12 keystore (client key and chain), from `ssl.keystore.location` with `ssl.keystore.type=PKCS12`. */
  pkcs12KeyStoreFile?: string;
  /** A JKS truststore, from `ssl.truststore.location` with `ssl.truststore.type=JKS` (Java's default type). */
  jksTrustStoreFile?: string;
  /** `ssl.truststore.password`: checks the JKS truststore's integrity (as Java does when it is given). */
  trustStorePassword?: string;
  /** `ssl.key.password`, else `ssl.keystore.password`: decrypts the PEM key or opens the PKCS12 keystore. */
  passphrase?: string;
  /** From `ssl.enabled.protocols` (TLSv1.2, TLSv1.3): Node's `minVersion`/`maxVersion`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** False when `ssl.endpoint.identification.algorithm` is empty (Java: no hostname verification). */
  checkHostname: boolean;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer' | 'aws';

export interface SaslSettings {
  mechanism: SaslMechanism;
  username?: string;
  password?: string;
  /**
   * OAUTHBEARER with Apache's default login (`OAuthBearerLoginModule` and its unsecured login callback handler):
   * the `unsecuredLogin*` options of `sasl.jaas.config`, from which an unsecured JWS is made per login
   * (lib/config/client-security.ts `unsecuredJws`).
   */
  unsecuredLogin?: Readonly<Record<string, string>>;
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
export function parseJaasConfig(
  jaas: string,
): { loginModule: string; username?: string; password?: string; options: Record<string, string> } | null {
  const module = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b/.exec(jaas);
  if (!module?.[1]) return null;
  const options: Record<string, string> = {};
  const optionPattern = /([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/g;
  for (const m of jaas.slice(module[0].length).matchAll(optionPattern)) {
    const [, key = '', quoted, bare] = m;
    options[key] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  const result: { loginModule: string; username?: string; password?: string; options: Record<string, string> } = {
    loginModule: module[1],
    options,
  };
  if (options.username !== undefined) result.username = options.username;
  if (options.password !== undefined) result.password = options.password;
  return result;
}

export const OAUTHBEARER_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

/**
 * What Java's login would refuse as well, refused when the client is made (not at the first connection, and never
 * by falling back to empty credentials): PLAIN/SCRAM need `username`/`password` in `sasl.jaas.config`, OAUTHBEARER
 * needs `OAuthBearerLoginModule` with at least the principal claim of an unsecured token.
 */
function checkSaslCredentials(sasl: SaslSettings, props: Readonly<Record<string, string>>): void {
  const jaas = props['sasl.jaas.config'];
  const mechanism = props['sasl.mechanism'] ?? 'PLAIN';
  const fail = (why: string) => {
    throw new ConfigException('sasl.jaas.config', jaas === undefined ? undefined : '[hidden]', why);
  };
  if (sasl.mechanism === 'plain' || sasl.mechanism.startsWith('scram')) {
    if (sasl.username === undefined || sasl.password === undefined)
      fail(
        `sasl.mechanism=${mechanism} needs sasl.jaas.config with username and password (e.g. ` +
          `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";)`,
      );
  } else if (sasl.mechanism === 'oauthbearer') {
    const principal = sasl.unsecuredLogin?.['unsecuredLoginPrincipalClaimName'] ?? 'sub';
    if (sasl.unsecuredLogin?.[`unsecuredLoginStringClaim_${principal}`] === undefined)
      fail(
        `sasl.mechanism=OAUTHBEARER needs sasl.jaas.config=${OAUTHBEARER_LOGIN_MODULE} required ` +
          `unsecuredLoginStringClaim_${principal}="…"; (Apache's unsecured token; use AWS_MSK_IAM for Amazon MSK)`,
      );
    const extension = Object.keys(sasl.unsecuredLogin ?? {}).find((k) => k.startsWith('unsecuredLoginExtension_'));
    if (extension) fail(`${extension} in sasl.jaas.config is not supported by the Node Kafka clients`);
  }
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
  // A security key the Node clients cannot honour fails the client (never accepted and ignored), but only when
  // security.protocol uses it: Java ignores ssl.* on PLAINTEXT and sasl.* without SASL too.
  const sslIssues: ConfigException[] = [];
  const saslIssues: ConfigException[] = [];
  const issue = (into: ConfigException[]) => (key: string, value: string, why: string) =>
    into.push(new ConfigException(key, value, `${key}=${value} is not supported by the Node Kafka clients: ${why}`));
  const sslIssue = issue(sslIssues);
  const saslIssue = issue(saslIssues);
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
        if (!value.includes(MSK_IAM_CALLBACK_HANDLER))
          saslIssue(key, value, `only MSK IAM's ${MSK_IAM_CALLBACK_HANDLER} is supported`);
        break;
      case 'sasl.login.callback.handler.class':
        // Apache's OIDC handler (client credentials against sasl.oauthbearer.token.endpoint.url) and custom ones.
        if (value.trim() !== '')
          saslIssue(key, value, "only Apache's unsecured OAUTHBEARER login and AWS_MSK_IAM are supported");
        break;
      case 'sasl.oauthbearer.token.endpoint.url':
        if (value.trim() !== '')
          saslIssue(key, value, 'OAUTHBEARER tokens from an OIDC token endpoint are not supported');
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
        if (!mechanism) saslIssue(key, value, `supported: ${Object.keys(SASL_MECHANISMS).join(', ')}`);
        else client.sasl = { ...client.sasl, mechanism };
        break;
      }
      case 'sasl.jaas.config': {
        const jaas = parseJaasConfig(value);
        // MSK IAM's login module takes no credentials: the mechanism signs with the AWS credentials.
        if (value.includes(MSK_IAM_LOGIN_MODULE)) break;
        if (jaas?.loginModule === OAUTHBEARER_LOGIN_MODULE) {
          const unsecuredLogin = Object.fromEntries(
            Object.entries(jaas.options).filter(([option]) => option.startsWith('unsecuredLogin')),
          );
          client.sasl = { mechanism: client.sasl?.mechanism ?? 'plain', ...client.sasl, unsecuredLogin };
        } else if (jaas?.username !== undefined && jaas.password !== undefined) {
          client.sasl = {
            mechanism: client.sasl?.mechanism ?? 'plain',
            ...client.sasl,
            username: jaas.username,
            password: jaas.password,
          };
        }
        break;
      }
      // ---- ssl: Node's TLS reads PEM and PKCS12 (keystores); JKS truststores are read here (client-security.ts).
      case 'ssl.truststore.location':
        if (truststoreType === 'PEM') ssl.caFile = value;
        else if (truststoreType === 'JKS') ssl.jksTrustStoreFile = value;
        else sslIssue('ssl.truststore.type', truststoreType, 'truststores must be PEM or JKS');
        break;
      case 'ssl.truststore.certificates':
        ssl.ca = value;
        break;
      case 'ssl.keystore.location':
        if (keystoreType === 'PEM') ssl.keyStoreFile = value;
        else if (keystoreType === 'PKCS12') ssl.pkcs12KeyStoreFile = value;
        else sslIssue('ssl.keystore.type', keystoreType, 'keystores must be PEM or PKCS12');
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
        if (ssl.passphrase === undefined) ssl.passphrase = value;
        break;
      case 'ssl.truststore.password':
        ssl.trustStorePassword = value;
        break;
      case 'ssl.truststore.type':
      case 'ssl.keystore.type':
        if (!['PEM', 'JKS', 'PKCS12'].includes(value.trim().toUpperCase()))
          sslIssue(key, value, 'supported: PEM, JKS (truststores), PKCS12 (keystores)');
        break;
      case 'ssl.endpoint.identification.algorithm':
        ssl.checkHostname = value.trim() !== '';
        break;
      case 'ssl.protocol':
        // Java's SSLContext protocol; the versions actually offered are ssl.enabled.protocols.
        if (!['TLS', 'TLSV1.2', 'TLSV1.3'].includes(value.trim().toUpperCase()))
          sslIssue(key, value, 'supported: TLSv1.2, TLSv1.3');
        break;
      case 'ssl.enabled.protocols': {
        const versions = (parseType(key, value, 'LIST') as string[]).map((v) => v.toUpperCase());
        const known = versions.filter((v) => v === 'TLSV1.2' || v === 'TLSV1.3');
        if (known.length === 0 || known.length !== versions.length) sslIssue(key, value, 'supported: TLSv1.2, TLSv1.3');
        else {
          ssl.minVersion = known.includes('TLSV1.2') ? 'TLSv1.2' : 'TLSv1.3';
          ssl.maxVersion = known.includes('TLSV1.3') ? 'TLSv1.3' : 'TLSv1.2';
        }
        break;
      }
      case 'ssl.cipher.suites':
      case 'ssl.provider':
      case 'ssl.engine.factory.class':
        if (value.trim() !== '') sslIssue(key, value, "Node's TLS chooses its ciphers and engine itself");
        break;
      case 'ssl.keymanager.algorithm':
      case 'ssl.trustmanager.algorithm':
        // Java's defaults (SunX509, PKIX) are what Node's TLS does; another algorithm cannot be honoured.
        if (!['SUNX509', 'PKIX', 'X509'].includes(value.trim().toUpperCase()))
          sslIssue(key, value, 'only the defaults SunX509 and PKIX are supported');
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
      case 'max.request.size':
        // The source task reads it from the producer's properties to cap each produce request (lib/runtime/worker.ts).
        if (type === 'producer') int(key, value);
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
    const [issue] = sslIssues;
    if (issue) throw issue;
    const hasMaterial = Object.keys(ssl).some((k) => k !== 'checkHostname');
    client.ssl = hasMaterial || !ssl.checkHostname ? ssl : true;
  }
  if (protocol.startsWith('SASL_')) {
    const [issue] = saslIssues;
    if (issue) throw issue;
    client.sasl = { mechanism: 'plain', ...client.sasl };
    checkSaslCredentials(client.sasl, props);
  } else delete client.sasl;
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
