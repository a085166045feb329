import {
  AbstractConfig,
  CaseInsensitiveValidString,
  ConfigDef,
  LambdaValidator,
  invalidValue,
} from '../connect/config-def';
import { ConfigProviders } from './config-providers';
import { overridePolicy } from './override-policy';
import {
  CONNECTOR_CLIENT_ALLOWLIST_CONFIG,
  CONNECTOR_CLIENT_POLICY_CLASS_CONFIG,
  defineWorkerSecurityKeys,
} from './worker-security';
import { loadPropertiesFile } from './properties';
import { defineKafkaClientKey } from './kafka-client-choice';

/**
 * Worker configuration: Apache's `WorkerConfig` + `StandaloneConfig` / `DistributedConfig` + `RestServerConfig`
 * keys that a Kafka Connect user may put in `connect-standalone.properties` or `connect-distributed.properties`.
 * Keys that only make sense for a JVM worker group are accepted (so Apache's files load unchanged) and reported
 * as notes, not errors.
 */

export type WorkerMode = 'standalone' | 'distributed';

export const BOOTSTRAP_SERVERS_CONFIG = 'bootstrap.servers';
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter';
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter';
export const HEADER_CONVERTER_CLASS_DEFAULT = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
export const OFFSET_STORAGE_FILE_FILENAME_CONFIG = 'offset.storage.file.filename';
export const OFFSET_COMMIT_INTERVAL_MS_CONFIG = 'offset.flush.interval.ms';
export const OFFSET_COMMIT_TIMEOUT_MS_CONFIG = 'offset.flush.timeout.ms';
export const PLUGIN_PATH_CONFIG = 'plugin.path';
export const CONFIG_PROVIDERS_CONFIG = 'config.providers';
export { CONNECTOR_CLIENT_POLICY_CLASS_CONFIG, CONNECTOR_CLIENT_ALLOWLIST_CONFIG };
export const TOPIC_CREATION_ENABLE_CONFIG = 'topic.creation.enable';
export const TOPIC_TRACKING_ENABLE_CONFIG = 'topic.tracking.enable';
export const TOPIC_TRACKING_ALLOW_RESET_CONFIG = 'topic.tracking.allow.reset';
export const TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS_CONFIG = 'task.shutdown.graceful.timeout.ms';
export const LISTENERS_CONFIG = 'listeners';
export const ADMIN_LISTENERS_CONFIG = 'admin.listeners';
export const GROUP_ID_CONFIG = 'group.id';
/** KIP-618: `disabled` (default), `preparing`, `enabled`; distributed mode only, as in Apache. */
export const EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG = 'exactly.once.source.support';
export type ExactlyOnceSourceSupport = 'disabled' | 'preparing' | 'enabled';
export const OFFSET_STORAGE_TOPIC_CONFIG = 'offset.storage.topic';
export const CONFIG_TOPIC_CONFIG = 'config.storage.topic';
export const STATUS_STORAGE_TOPIC_CONFIG = 'status.storage.topic';

/** Apache's `TopicAdmin.validatePartitions` check, shared with topic.creation.* (topic-creation.ts). */
export const PARTITIONS_VALIDATOR = LambdaValidator.with(
  (name, value) => {
    if (value !== -1 && (value as number) < 1) {
      throw invalidValue(name, value, "Number of partitions must be positive, or -1 to use the broker's default");
    }
  },
  () => "Positive number, or -1 to use the broker's default",
);
/** Apache's `TopicAdmin.validateReplicationFactor` check, shared with topic.creation.* (topic-creation.ts). */
export const REPLICATION_FACTOR_VALIDATOR = LambdaValidator.with(
  (name, value) => {
    if (value !== -1 && (value as number) < 1) {
      throw invalidValue(
        name,
        value,
        "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
      );
    }
  },
  () => "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
);

/** Keys Apache defines that we accept but do not use (no JVM, no worker group); logged once at startup. */
const ACCEPTED_UNUSED = [
  'client.dns.lookup',
  'plugin.discovery',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'metric.reporters',
  'access.control.allow.origin',
  'access.control.allow.methods',
  'response.http.headers.config',
  'session.timeout.ms',
  'rebalance.timeout.ms',
  'heartbeat.interval.ms',
  'worker.sync.timeout.ms',
  'worker.unsync.backoff.ms',
  'connect.protocol',
  'scheduled.rebalance.max.delay.ms',
  'inter.worker.key.generation.algorithm',
  'inter.worker.key.size',
  'inter.worker.key.ttl.ms',
  'inter.worker.signature.algorithm',
  'inter.worker.verification.algorithms',
  'config.storage.topic',
  'config.storage.replication.factor',
  'status.storage.topic',
  'status.storage.partitions',
  'status.storage.replication.factor',
  'offset.storage.partitions',
  'offset.storage.replication.factor',
];

function baseConfigDef(): ConfigDef {
  return defineKafkaClientKey(defineWorkerSecurityKeys(new ConfigDef()))
    .define({
      name: BOOTSTRAP_SERVERS_CONFIG,
      type: 'LIST',
      defaultValue: 'localhost:9092',
      importance: 'HIGH',
      documentation:
        'A list of host/port pairs used to establish the initial connection to the Kafka cluster. ' +
        'This list must be in the form <code>host1:port1,host2:port2,...</code>.',
    })
    .define({
      name: 'client.dns.lookup',
      type: 'STRING',
      defaultValue: 'use_all_dns_ips',
      importance: 'MEDIUM',
      documentation: 'Controls how the client uses DNS lookups (accepted, not used: Node resolves DNS itself).',
    })
    .define({
      name: KEY_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      importance: 'HIGH',
      documentation:
        'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'This controls the format of the keys in messages written to or read from Kafka.',
    })
    .define({
      name: VALUE_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      importance: 'HIGH',
      documentation:
        'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'This controls the format of the values in messages written to or read from Kafka.',
    })
    .define({
      name: TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS_CONFIG,
      type: 'LONG',
      defaultValue: '5000',
      importance: 'LOW',
      documentation: 'Amount of time to wait for tasks to shutdown gracefully.',
    })
    .define({
      name: OFFSET_COMMIT_INTERVAL_MS_CONFIG,
      type: 'LONG',
      defaultValue: 60000,
      importance: 'LOW',
      documentation: 'Interval at which to try committing offsets for tasks.',
    })
    .define({
      name: OFFSET_COMMIT_TIMEOUT_MS_CONFIG,
      type: 'LONG',
      defaultValue: 5000,
      importance: 'LOW',
      documentation:
        'Maximum number of milliseconds to wait for records to flush and partition offset data to be committed to offset storage.',
    })
    .define({
      name: PLUGIN_PATH_CONFIG,
      type: 'LIST',
      defaultValue: null,
      importance: 'LOW',
      documentation:
        'List of paths separated by commas (,) that contain plugins (here: directories of JavaScript modules).',
    })
    .define({
      name: 'plugin.discovery',
      type: 'STRING',
      defaultValue: 'hybrid_warn',
      validator: CaseInsensitiveValidString.in('only_scan', 'hybrid_warn', 'hybrid_fail', 'service_load'),
      importance: 'LOW',
      documentation: 'Method to use to discover plugins (accepted, not used).',
    })
    .define({
      name: 'metrics.sample.window.ms',
      type: 'LONG',
      defaultValue: 30000,
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    })
    .define({
      name: 'metrics.num.samples',
      type: 'INT',
      defaultValue: 2,
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    })
    .define({
      name: 'metrics.recording.level',
      type: 'STRING',
      defaultValue: 'INFO',
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    })
    .define({
      name: 'metric.reporters',
      type: 'LIST',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    })
    .define({
      name: HEADER_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      defaultValue: HEADER_CONVERTER_CLASS_DEFAULT,
      importance: 'LOW',
      documentation:
        'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. ' +
        'By default, the SimpleHeaderConverter is used.',
    })
    .define({
      name: CONFIG_PROVIDERS_CONFIG,
      type: 'LIST',
      defaultValue: [],
      importance: 'LOW',
      documentation:
        'Comma-separated names of <code>ConfigProvider</code> classes, loaded and used in the order specified.',
    })
    .define({
      name: CONNECTOR_CLIENT_POLICY_CLASS_CONFIG,
      type: 'STRING',
      defaultValue: 'All',
      importance: 'MEDIUM',
      documentation:
        'Class name or alias of implementation of <code>ConnectorClientConfigOverridePolicy</code>: `All`, `None`, ' +
        '`Principal` or `Allowlist`.',
    })
    .define({
      name: CONNECTOR_CLIENT_ALLOWLIST_CONFIG,
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      documentation: 'Client configurations a connector may override when the policy is `Allowlist`.',
    })
    .define({
      name: TOPIC_CREATION_ENABLE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation: 'Whether to allow automatic creation of topics used by source connectors.',
    })
    .define({
      name: TOPIC_TRACKING_ENABLE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation: 'Enable tracking the set of active topics per connector during runtime.',
    })
    .define({
      name: TOPIC_TRACKING_ALLOW_RESET_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation: 'If set to true, it allows user requests to reset the set of active topics per connector.',
    })
    .define({
      name: LISTENERS_CONFIG,
      type: 'LIST',
      defaultValue: 'http://:8083',
      importance: 'LOW',
      documentation: 'List of comma-separated URIs the REST API will listen on.',
    })
    .define({
      name: 'rest.advertised.host.name',
      type: 'STRING',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'If this is set, this is the hostname that will be given out to other workers to connect to.',
    })
    .define({
      name: 'rest.advertised.port',
      type: 'INT',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'If this is set, this is the port that will be given out to other workers to connect to.',
    })
    .define({
      name: 'rest.advertised.listener',
      type: 'STRING',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'Sets the advertised listener (HTTP or HTTPS).',
    })
    .define({
      name: ADMIN_LISTENERS_CONFIG,
      type: 'LIST',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'List of comma-separated URIs the Admin REST API will listen on; blank disables it.',
    })
    .define({
      name: 'rest.extension.classes',
      type: 'LIST',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    })
    .define({
      name: 'access.control.allow.origin',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Value to set the Access-Control-Allow-Origin header to for REST API requests.',
    })
    .define({
      name: 'access.control.allow.methods',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Methods supported for cross origin requests.',
    })
    .define({
      name: 'response.http.headers.config',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Accepted, not used.',
    });
}

/** `StandaloneConfig`: adds the required `offset.storage.file.filename`. */
export function standaloneConfigDef(): ConfigDef {
  return baseConfigDef().define({
    name: OFFSET_STORAGE_FILE_FILENAME_CONFIG,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'File to store source connector offsets',
  });
}

/** `DistributedConfig`: group and internal-topic keys (the config/status topics are accepted and unused here). */
export function distributedConfigDef(): ConfigDef {
  const def = baseConfigDef()
    .define({
      name: GROUP_ID_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'A unique string that identifies the Connect cluster group this worker belongs to.',
    })
    .define({
      name: OFFSET_STORAGE_TOPIC_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The name of the Kafka topic where source connector offsets are stored',
    })
    .define({
      name: 'offset.storage.partitions',
      type: 'INT',
      defaultValue: 25,
      validator: PARTITIONS_VALIDATOR,
      importance: 'LOW',
      documentation: 'The number of partitions used when creating the offset storage topic',
    })
    .define({
      name: 'offset.storage.replication.factor',
      type: 'SHORT',
      defaultValue: 3,
      validator: REPLICATION_FACTOR_VALIDATOR,
      importance: 'LOW',
      documentation: 'Replication factor used when creating the offset storage topic',
    })
    .define({
      name: CONFIG_TOPIC_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The name of the Kafka topic where connector configurations are stored',
    })
    .define({
      name: 'config.storage.replication.factor',
      type: 'SHORT',
      defaultValue: 3,
      validator: REPLICATION_FACTOR_VALIDATOR,
      importance: 'LOW',
      documentation: 'Replication factor used when creating the configuration storage topic',
    })
    .define({
      name: STATUS_STORAGE_TOPIC_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The name of the Kafka topic where connector and task status are stored',
    })
    .define({
      name: 'status.storage.partitions',
      type: 'INT',
      defaultValue: 5,
      validator: PARTITIONS_VALIDATOR,
      importance: 'LOW',
      documentation: 'The number of partitions used when creating the status storage topic',
    })
    .define({
      name: 'status.storage.replication.factor',
      type: 'SHORT',
      defaultValue: 3,
      validator: REPLICATION_FACTOR_VALIDATOR,
      importance: 'LOW',
      documentation: 'Replication factor used when creating the status storage topic',
    });
  const intKey = (name: string, defaultValue: number) =>
    def.define({ name, type: 'INT', defaultValue, importance: 'LOW', documentation: 'Accepted, not used.' });
  intKey('session.timeout.ms', 10000);
  intKey('rebalance.timeout.ms', 60000);
  intKey('heartbeat.interval.ms', 3000);
  intKey('worker.sync.timeout.ms', 3000);
  intKey('worker.unsync.backoff.ms', 300000);
  intKey('scheduled.rebalance.max.delay.ms', 300000);
  intKey('inter.worker.key.ttl.ms', 3600000);
  def.define({
    name: 'inter.worker.key.size',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Accepted, not used.',
  });
  for (const [name, dflt] of [
    ['connect.protocol', 'sessioned'],
    ['inter.worker.key.generation.algorithm', 'HmacSHA256'],
    ['inter.worker.signature.algorithm', 'HmacSHA256'],
  ] as const) {
    def.define({ name, type: 'STRING', defaultValue: dflt, importance: 'LOW', documentation: 'Accepted, not used.' });
  }
  def.define({
    name: EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG,
    type: 'STRING',
    defaultValue: 'disabled',
    validator: CaseInsensitiveValidString.in('disabled', 'preparing', 'enabled'),
    importance: 'HIGH',
    documentation:
      "Whether to enable exactly-once support for source connectors in the cluster by using transactions to write source records and their source offsets, and by proactively fencing out old task generations before bringing up new ones. To enable exactly-once source support on a new cluster, set this property to 'enabled'. To enable support on an existing cluster, first set to 'preparing' on every worker in the cluster, then set to 'enabled'. A rolling upgrade may be used for both changes.",
  });
  def.define({
    name: 'inter.worker.verification.algorithms',
    type: 'LIST',
    defaultValue: 'HmacSHA256',
    importance: 'LOW',
    documentation: 'Accepted, not used.',
  });
  return def;
}

export interface WorkerConfig {
  readonly mode: WorkerMode;
  readonly bootstrapServers: readonly string[];
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly headerConverter: string;
  /** `key.converter.*` etc. with the prefix stripped: what the converter's configure() receives. */
  readonly keyConverterConfig: Readonly<Record<string, string>>;
  readonly valueConverterConfig: Readonly<Record<string, string>>;
  readonly headerConverterConfig: Readonly<Record<string, string>>;
  /** Standalone only. */
  readonly offsetStorageFileFilename: string | null;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly pluginPath: readonly string[] | null;
  readonly listeners: readonly string[];
  readonly adminListeners: readonly string[] | null;
  readonly restAdvertisedHostName: string | null;
  readonly restAdvertisedPort: number | null;
  readonly restAdvertisedListener: string | null;
  readonly configProviders: readonly string[];
  readonly connectorClientConfigOverridePolicy: string;
  readonly connectorClientConfigOverrideAllowlist: readonly string[];
  readonly topicCreationEnable: boolean;
  readonly topicTrackingEnable: boolean;
  readonly topicTrackingAllowReset: boolean;
  readonly taskShutdownGracefulTimeoutMs: number;
  /** Distributed only. */
  readonly groupId: string | null;
  /**
   * `exactly.once.source.support` (distributed mode; always `disabled` in standalone, where Apache has no such
   * key). Only `enabled` changes how source tasks run; `preparing` exists for Apache's rolling upgrade of a worker
   * group, which this runtime does not have, and behaves like `disabled`.
   */
  readonly exactlyOnceSourceSupport: ExactlyOnceSourceSupport;
  readonly offsetStorageTopic: string | null;
  /** `producer.*`, `consumer.*`, `admin.*` worker keys, prefix stripped (see client-config.ts). */
  readonly producer: Readonly<Record<string, string>>;
  readonly consumer: Readonly<Record<string, string>>;
  readonly admin: Readonly<Record<string, string>>;
  /** All worker properties after config-provider resolution (Apache's `originals()`). */
  readonly originals: Readonly<Record<string, string>>;
  /** The properties as written, placeholders unresolved. */
  readonly raw: Readonly<Record<string, string>>;
  /** Human-readable notes about accepted-but-unused keys, for a startup log line. */
  readonly notes: readonly string[];
}

/**
 * Parse worker properties. Placeholders `${provider:path:key}` are resolved with the providers these same
 * properties configure (as Apache's `WorkerConfigTransformer` does), except in `plugin.path`. Throws
 * `ConfigException` with Apache's messages (e.g. `Missing required configuration "key.converter" which has no
 * default value.`).
 */
export function parseWorkerConfig(raw: Readonly<Record<string, string>>, mode: WorkerMode): WorkerConfig {
  const providers = ConfigProviders.fromWorkerConfig(raw);
  const resolved = providers.transform(raw).data;
  if (raw[PLUGIN_PATH_CONFIG] !== undefined) resolved[PLUGIN_PATH_CONFIG] = raw[PLUGIN_PATH_CONFIG];
  const def = mode === 'standalone' ? standaloneConfigDef() : distributedConfigDef();
  const config = new AbstractConfig(def, resolved);

  // Fail at startup on an unknown policy, as Apache's worker does.
  overridePolicy(
    config.getString(CONNECTOR_CLIENT_POLICY_CLASS_CONFIG) ?? 'All',
    config.getList(CONNECTOR_CLIENT_ALLOWLIST_CONFIG) ?? [],
  );

  const notes: string[] = [];
  const unused = ACCEPTED_UNUSED.filter((k) => raw[k] !== undefined);
  if (unused.length > 0) {
    notes.push(`Worker properties accepted but not used by this runtime: ${unused.join(', ')}`);
  }
  if (mode === 'distributed' && raw['rest.extension.classes'] !== undefined) {
    notes.push(
      "'rest.extension.classes' (basic auth) applies to the REST server of npm start and connect-standalone; " +
        "API Gateway's own authorisation protects the API in AWS (docs/security.md).",
    );
  }
  if (mode === 'standalone' && raw[OFFSET_STORAGE_TOPIC_CONFIG] !== undefined) {
    notes.push(`'${OFFSET_STORAGE_TOPIC_CONFIG}' is ignored in standalone mode (offsets go to the offset file).`);
  }

  return {
    mode,
    bootstrapServers: config.getList(BOOTSTRAP_SERVERS_CONFIG) ?? [],
    keyConverter: config.getClass(KEY_CONVERTER_CLASS_CONFIG) ?? '',
    valueConverter: config.getClass(VALUE_CONVERTER_CLASS_CONFIG) ?? '',
    headerConverter: config.getClass(HEADER_CONVERTER_CLASS_CONFIG) ?? HEADER_CONVERTER_CLASS_DEFAULT,
    keyConverterConfig: config.originalsWithPrefix(`${KEY_CONVERTER_CLASS_CONFIG}.`),
    valueConverterConfig: config.originalsWithPrefix(`${VALUE_CONVERTER_CLASS_CONFIG}.`),
    headerConverterConfig: config.originalsWithPrefix(`${HEADER_CONVERTER_CLASS_CONFIG}.`),
    offsetStorageFileFilename: mode === 'standalone' ? config.getString(OFFSET_STORAGE_FILE_FILENAME_CONFIG) : null,
    offsetFlushIntervalMs: config.getLong(OFFSET_COMMIT_INTERVAL_MS_CONFIG) ?? 60000,
    offsetFlushTimeoutMs: config.getLong(OFFSET_COMMIT_TIMEOUT_MS_CONFIG) ?? 5000,
    pluginPath: config.getList(PLUGIN_PATH_CONFIG),
    listeners: config.getList(LISTENERS_CONFIG) ?? ['http://:8083'],
    adminListeners: config.getList(ADMIN_LISTENERS_CONFIG),
    restAdvertisedHostName: config.getString('rest.advertised.host.name'),
    restAdvertisedPort: config.getInt('rest.advertised.port'),
    restAdvertisedListener: config.getString('rest.advertised.listener'),
    configProviders: config.getList(CONFIG_PROVIDERS_CONFIG) ?? [],
    connectorClientConfigOverridePolicy: config.getString(CONNECTOR_CLIENT_POLICY_CLASS_CONFIG) ?? 'All',
    connectorClientConfigOverrideAllowlist: config.getList(CONNECTOR_CLIENT_ALLOWLIST_CONFIG) ?? [],
    topicCreationEnable: config.getBoolean(TOPIC_CREATION_ENABLE_CONFIG) ?? true,
    topicTrackingEnable: config.getBoolean(TOPIC_TRACKING_ENABLE_CONFIG) ?? true,
    topicTrackingAllowReset: config.getBoolean(TOPIC_TRACKING_ALLOW_RESET_CONFIG) ?? true,
    taskShutdownGracefulTimeoutMs: config.getLong(TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS_CONFIG) ?? 5000,
    groupId: mode === 'distributed' ? config.getString(GROUP_ID_CONFIG) : null,
    exactlyOnceSourceSupport:
      mode === 'distributed'
        ? ((config.getString(EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG) ?? 'disabled')
            .trim()
            .toLowerCase() as ExactlyOnceSourceSupport)
        : 'disabled',
    offsetStorageTopic: mode === 'distributed' ? config.getString(OFFSET_STORAGE_TOPIC_CONFIG) : null,
    producer: config.originalsWithPrefix('producer.'),
    consumer: config.originalsWithPrefix('consumer.'),
    admin: config.originalsWithPrefix('admin.'),
    originals: config.originals(),
    raw: { ...raw },
    notes,
  };
}

/** Load a worker properties file (Apache's `connect-standalone.properties` / `connect-distributed.properties`). */
export function loadWorkerConfig(path: string, mode: WorkerMode): WorkerConfig {
  return parseWorkerConfig(loadPropertiesFile(path), mode);
}

/** Apache's `offsetStorageTopicSettings()`: other `offset.storage.*` keys are topic configs of the created topic. */
export function offsetStorageTopicSettings(props: Readonly<Record<string, string>>): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith('offset.storage.')) continue;
    const name = key.slice('offset.storage.'.length);
    if (!['topic', 'partitions', 'replication.factor', 'file.filename'].includes(name)) settings[name] = value;
  }
  return settings;
}
