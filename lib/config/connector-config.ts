import {
  AbstractConfig,
  CaseInsensitiveValidString,
  CompositeValidator,
  ConfigDef,
  ConfigValue,
  LambdaValidator,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidList,
  ValidString,
  configKeyInfos,
  convertConfigKey,
  convertConfigValue,
  generateResult,
  invalidValue,
  javaToString,
  javaHashSetOrder,
  parseType,
} from '../connect/config-def';
import type {
  ConfigInfo,
  ConfigInfos,
  ConfigKey,
  ConfigKeyInfo,
  ParsedValue,
  Recommender,
  Validator,
} from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { BadRequestError } from '../errors';
import type { ConfigProviders } from './config-providers';
import { overridePolicy, validateClientOverrides } from './override-policy';
import type { ConnectorClientConfigOverridePolicy } from './override-policy';
import { rangeContains, rangeToString, versionRequirement } from './plugin-version';
import type { VersionRange } from './plugin-version';

/**
 * The framework's connector configs: Apache's `ConnectorConfig`, `SinkConnectorConfig`, `SourceConnectorConfig`
 * (4.3 keys, groups, order, documentation), the enrichment with `transforms.<alias>.*` / `predicates.<alias>.*`,
 * and `AbstractHerder.validateConnectorConfig`: the `ConfigInfos` of `PUT /connector-plugins/{p}/config/validate`
 * and the 400 message of create/update.
 */

export const COMMON_GROUP = 'Common';
export const TRANSFORMS_GROUP = 'Transforms';
export const PREDICATES_GROUP = 'Predicates';
export const ERROR_GROUP = 'Error Handling';
export const TOPIC_CREATION_GROUP = 'Topic Creation';
export const EXACTLY_ONCE_SUPPORT_GROUP = 'Exactly Once Support';
export const OFFSETS_TOPIC_GROUP = 'offsets.topic';

export const NAME_CONFIG = 'name';
export const CONNECTOR_CLASS_CONFIG = 'connector.class';
export const CONNECTOR_VERSION_CONFIG = 'connector.plugin.version';
export const TASKS_MAX_CONFIG = 'tasks.max';
export const TASKS_MAX_ENFORCE_CONFIG = 'tasks.max.enforce';
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter';
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter';
export const TRANSFORMS_CONFIG = 'transforms';
export const PREDICATES_CONFIG = 'predicates';
export const CONFIG_RELOAD_ACTION_CONFIG = 'config.action.reload';
export const ERRORS_RETRY_TIMEOUT_CONFIG = 'errors.retry.timeout';
export const ERRORS_RETRY_MAX_DELAY_CONFIG = 'errors.retry.delay.max.ms';
export const ERRORS_TOLERANCE_CONFIG = 'errors.tolerance';
export const ERRORS_LOG_ENABLE_CONFIG = 'errors.log.enable';
export const ERRORS_LOG_INCLUDE_MESSAGES_CONFIG = 'errors.log.include.messages';
export const TOPICS_CONFIG = 'topics';
export const TOPICS_REGEX_CONFIG = 'topics.regex';
export const DLQ_TOPIC_NAME_CONFIG = 'errors.deadletterqueue.topic.name';
export const DLQ_TOPIC_REPLICATION_FACTOR_CONFIG = 'errors.deadletterqueue.topic.replication.factor';
export const DLQ_CONTEXT_HEADERS_ENABLE_CONFIG = 'errors.deadletterqueue.context.headers.enable';
export const TOPIC_CREATION_PREFIX = 'topic.creation.';
export const TOPIC_CREATION_GROUPS_CONFIG = 'topic.creation.groups';
export const EXACTLY_ONCE_SUPPORT_CONFIG = 'exactly.once.support';
export const TRANSACTION_BOUNDARY_CONFIG = 'transaction.boundary';
export const TRANSACTION_BOUNDARY_INTERVAL_CONFIG = 'transaction.boundary.interval.ms';
export const OFFSETS_TOPIC_CONFIG = 'offsets.storage.topic';
export const CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX = 'producer.override.';
export const CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX = 'consumer.override.';
export const CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX = 'admin.override.';

export type ConnectorType = 'source' | 'sink';

// ---------------------------------------------------------------------------------------------------------
// Plugin lookup (implemented by lib/plugins; kept as a port so this module stays free of plugin loading)
// ---------------------------------------------------------------------------------------------------------

export type PluginKind = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

export interface ResolvedPlugin {
  /** Fully qualified class name (what Apache prints in messages). */
  readonly className: string;
  /** Every plugin type the class implements (e.g. StringConverter is a converter and a header converter). */
  readonly kinds: readonly PluginKind[];
  readonly version?: string;
  /** The plugin's own ConfigDef (Apache calls `config()` on a fresh instance). */
  config(): ConfigDef | null;
}

export interface PluginResolver {
  /** The plugin for a class name or alias, or null when no plugin of any type has that name. */
  resolve(classOrAlias: string): ResolvedPlugin | null;
  /** Class names of a type: the recommended values of `transforms.<a>.type` / `predicates.<a>.type`. */
  classNames?(kind: PluginKind): string[];
}

const INTERFACE_NAMES: Record<PluginKind, string> = {
  source: 'SourceConnector',
  sink: 'SinkConnector',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
  transformation: 'Transformation',
  predicate: 'Predicate',
};

/** Apache's `Utils.ensureConcreteSubclass` message (thrown as a plain ConfigException). */
function notAPlugin(plugin: ResolvedPlugin, kind: PluginKind): ConfigException {
  return new ConfigException(
    undefined,
    plugin.className,
    `Class class ${plugin.className} does not implement the ${INTERFACE_NAMES[kind]} interface`,
  );
}

/** Validator for a CLASS key naming a plugin of `kind`; unknown classes are reported by `markUnknownClasses`. */
function pluginClassValidator(kind: PluginKind, plugins: PluginResolver | undefined, description: string): Validator {
  return LambdaValidator.with(
    (_name, value) => {
      if (value === null || value === undefined || !plugins) return;
      const plugin = plugins.resolve(String(value));
      if (plugin && !plugin.kinds.includes(kind)) throw notAPlugin(plugin, kind);
    },
    () => description,
  );
}

/** Apache's `PluginVersionValidator`: a Maven version or range (`1.0`, `[1.0,2.0)`, `(,1.0],[1.2,)`), or `latest`. */
const PLUGIN_VERSION_VALIDATOR: Validator = {
  ensureValid(name, value) {
    if (value === null || value === undefined) return;
    try {
      versionRequirement(String(value));
    } catch (e) {
      throw new ConfigException(name, value, (e as Error).message);
    }
  },
  toString: () => 'A valid Maven version or version range',
};

/** A `transforms.<a>.plugin.version` / `predicates.<a>.plugin.version` must also match the installed plugin. */
function installedVersionValidator(plugin: ResolvedPlugin | null): Validator {
  return {
    ensureValid(name, value) {
      PLUGIN_VERSION_VALIDATOR.ensureValid(name, value);
      if (value === null || value === undefined || !plugin || plugin.version === undefined) return;
      const range = versionRequirement(String(value));
      if (range && !rangeContains(range, plugin.version)) {
        throw new ConfigException(name, value, notFoundInVersion(plugin, range));
      }
    },
    toString: () => PLUGIN_VERSION_VALIDATOR.toString(),
  };
}

const uniqueAliases = (kind: string): Validator =>
  CompositeValidator.of(
    NonNullValidator,
    LambdaValidator.with(
      (name, value) => {
        const aliases = value as readonly string[];
        if (new Set(aliases).size < aliases.length) throw invalidValue(name, aliases, 'Duplicate alias provided.');
      },
      () => `unique ${kind} aliases`,
    ),
  );

/** Apache's `RegexValidator` ("valid regex"); JavaScript's regex syntax stands in for `java.util.regex`. */
const REGEX_VALIDATOR: Validator = {
  ensureValid(name, value) {
    try {
      new RegExp(String(value));
    } catch (e) {
      throw invalidValue(name, value, `Invalid regex: ${(e as Error).message}`);
    }
  },
  toString: () => 'valid regex',
};

const CONVERTER_DOC = (what: string) =>
  'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
  ` This controls the format of the ${what} in messages written to or read from Kafka, and since this is` +
  ' independent of connectors it allows any connector to work with any serialization format.' +
  ' Examples of common formats include JSON and Avro.';

const HEADER_CONVERTER_DOC =
  'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
  ' This controls the format of the header values in messages written to or read from Kafka, and since this is' +
  ' independent of connectors it allows any connector to work with any serialization format.' +
  ' Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize' +
  ' header values to strings and deserialize them by inferring the schemas.';

/**
 * What Apache 4.3's `enrichedConfigDef(plugins, props, workerConfig)` knows beyond the static ConfigDef: the
 * submitted config (to find the connector's and converters' versions) and the worker's converters (the
 * defaults of `key.converter` …). Without it the definitions are the static ones (`configDef()`).
 */
export interface FrameworkContext {
  props?: Readonly<Record<string, string | null | undefined>>;
  workerConverters?: Partial<Record<'key.converter' | 'value.converter' | 'header.converter', string>>;
}

/** Version of the plugin a class key names (set in props, else the worker default), when it is of `kind`. */
function effectiveVersion(
  classKey: string,
  kind: PluginKind | null,
  plugins: PluginResolver | undefined,
  context: FrameworkContext | undefined,
): string | null {
  const className =
    context?.props?.[classKey] ?? context?.workerConverters?.[classKey as keyof FrameworkContext['workerConverters']];
  if (!plugins || !className) return null;
  const plugin = plugins.resolve(className.trim());
  return plugin && (kind === null || plugin.kinds.includes(kind)) ? (plugin.version ?? null) : null;
}

const converterRecommender = (plugins: PluginResolver | undefined, kind: PluginKind): Recommender => ({
  validValues: () => [...(plugins?.classNames?.(kind) ?? [])].sort(),
  visible: () => true,
});

/**
 * Apache's `ConnectorConfig.configDef()` (4.3). `plugins` makes the converter validators check plugin types;
 * `context` gives the defaults Apache's herder shows (connector and converter versions, worker converters).
 */
export function connectorConfigDef(plugins?: PluginResolver, context?: FrameworkContext): ConfigDef {
  let order = 0;
  let errorOrder = 0;
  const converterValidator = (kind: PluginKind, iface: string) =>
    pluginClassValidator(
      kind,
      plugins,
      `A concrete subclass of org.apache.kafka.connect.storage.${iface}, A class with a public, no-argument constructor`,
    );
  return new ConfigDef()
    .define({
      name: NAME_CONFIG,
      type: 'STRING',
      validator: NonEmptyStringWithoutControlChars,
      importance: 'HIGH',
      documentation: 'Globally unique name to use for this connector.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Connector name',
    })
    .define({
      name: CONNECTOR_CLASS_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. ' +
        'If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name, ' +
        ' or use "FileStreamSink" or "FileStreamSinkConnector" to make the configuration a bit shorter',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Connector class',
    })
    .define({
      name: CONNECTOR_VERSION_CONFIG,
      type: 'STRING',
      defaultValue: effectiveVersion(CONNECTOR_CLASS_CONFIG, null, plugins, context),
      validator: PLUGIN_VERSION_VALIDATOR,
      importance: 'MEDIUM',
      documentation: 'Version of the connector.',
      recommender: pluginVersionRecommender(CONNECTOR_CLASS_CONFIG, null, plugins, true),
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Connector version',
    })
    .define({
      name: TASKS_MAX_CONFIG,
      type: 'INT',
      defaultValue: 1,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Tasks max',
    })
    .define({
      name: TASKS_MAX_ENFORCE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation:
        '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. ' +
        'By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. ' +
        'If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of ' +
        'tasks that exceed the tasks.max property will be allowed to run. ' +
        'This property is deprecated and will be removed in an upcoming major release.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Enforce tasks max',
    })
    .define({
      name: KEY_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      defaultValue: context?.workerConverters?.[KEY_CONVERTER_CLASS_CONFIG] ?? null,
      validator: converterValidator('converter', 'Converter'),
      recommender: plugins && context?.workerConverters ? converterRecommender(plugins, 'converter') : null,
      importance: 'LOW',
      documentation: CONVERTER_DOC('keys'),
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Key converter class',
    })
    .define(versionKey(KEY_CONVERTER_CLASS_CONFIG, 'key converter', ++order, 'Key converter version', plugins, context))
    .define({
      name: VALUE_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      defaultValue: context?.workerConverters?.[VALUE_CONVERTER_CLASS_CONFIG] ?? null,
      validator: converterValidator('converter', 'Converter'),
      recommender: plugins && context?.workerConverters ? converterRecommender(plugins, 'converter') : null,
      importance: 'LOW',
      documentation: CONVERTER_DOC('values'),
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Value converter class',
    })
    .define(
      versionKey(VALUE_CONVERTER_CLASS_CONFIG, 'value converter', ++order, 'Value converter version', plugins, context),
    )
    .define({
      name: HEADER_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      defaultValue: context?.workerConverters?.[HEADER_CONVERTER_CLASS_CONFIG] ?? null,
      validator: converterValidator('header_converter', 'HeaderConverter'),
      recommender: plugins && context?.workerConverters ? converterRecommender(plugins, 'header_converter') : null,
      importance: 'LOW',
      documentation: HEADER_CONVERTER_DOC,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Header converter class',
    })
    .define(
      versionKey(
        HEADER_CONVERTER_CLASS_CONFIG,
        'header converter',
        ++order,
        'Header converter version',
        plugins,
        context,
      ),
    )
    .define({
      name: TRANSFORMS_CONFIG,
      type: 'LIST',
      defaultValue: [],
      validator: uniqueAliases('transformation'),
      importance: 'LOW',
      documentation: 'Aliases for the transformations to be applied to records.',
      group: TRANSFORMS_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Transforms',
    })
    .define({
      name: PREDICATES_CONFIG,
      type: 'LIST',
      defaultValue: [],
      validator: uniqueAliases('predicate'),
      importance: 'LOW',
      documentation: 'Aliases for the predicates used by transformations.',
      group: PREDICATES_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Predicates',
    })
    .define({
      name: CONFIG_RELOAD_ACTION_CONFIG,
      type: 'STRING',
      defaultValue: 'restart',
      validator: ValidString.in('none', 'restart'),
      importance: 'LOW',
      documentation:
        'The action that Connect should take on the connector when changes in external ' +
        "configuration providers result in a change in the connector's configuration properties. " +
        "A value of 'none' indicates that Connect will do nothing. " +
        "A value of 'restart' indicates that Connect should restart/reload the connector with the " +
        'updated configuration properties.' +
        'The restart may actually be scheduled in the future if the external configuration provider ' +
        'indicates that a configuration value will expire in the future.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Reload Action',
    })
    .define({
      name: ERRORS_RETRY_TIMEOUT_CONFIG,
      type: 'LONG',
      defaultValue: 0,
      importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds that a failed operation ' +
        'will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: ERRORS_RETRY_MAX_DELAY_CONFIG,
      type: 'LONG',
      defaultValue: 60000,
      importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds between consecutive retry attempts. ' +
        'Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: ERRORS_TOLERANCE_CONFIG,
      type: 'STRING',
      defaultValue: 'none',
      validator: ValidString.in('none', 'all'),
      importance: 'MEDIUM',
      documentation:
        "Behavior for tolerating errors during connector operation. 'none' is the default value " +
        "and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Error Tolerance',
    })
    .define({
      name: ERRORS_LOG_ENABLE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation:
        'If true, write each error and the details of the failed operation and problematic record ' +
        "to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Errors',
    })
    .define({
      name: ERRORS_LOG_INCLUDE_MESSAGES_CONFIG,
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation:
        'Whether to include in the log the Connect record that resulted in a failure. ' +
        'For sink records, the topic, partition, offset, and timestamp will be logged. ' +
        'For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, ' +
        'and source offset will be logged. ' +
        "This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Error Details',
    });
}

/**
 * Recommender of a `*.plugin.version` key: the version of the plugin named by `classKey` when it resolves;
 * visible only when that class is set and known (Apache's `PluginsRecommenders`).
 */
function pluginVersionRecommender(
  classKey: string,
  kind: PluginKind | null,
  plugins: PluginResolver | undefined,
  alwaysVisible: boolean,
): Recommender {
  const resolve = (parsed: Readonly<Record<string, unknown>>) => {
    const value = parsed[classKey];
    if (value === null || value === undefined) return undefined;
    const plugin = plugins?.resolve(String(value));
    return plugin && (kind === null || plugin.kinds.includes(kind)) ? plugin : undefined;
  };
  return {
    validValues: (_name, parsed) => {
      const version = resolve(parsed)?.version;
      return version === undefined ? [] : [version];
    },
    visible: (_name, parsed) =>
      alwaysVisible ||
      (parsed[classKey] !== null &&
        parsed[classKey] !== undefined &&
        (!plugins || plugins.resolve(String(parsed[classKey])) !== null)),
  };
}

function versionKey(
  classKey: string,
  what: string,
  orderInGroup: number,
  displayName: string,
  plugins?: PluginResolver,
  context?: FrameworkContext,
) {
  const kind: PluginKind = classKey === HEADER_CONVERTER_CLASS_CONFIG ? 'header_converter' : 'converter';
  return {
    name: `${classKey}.plugin.version`,
    recommender: pluginVersionRecommender(classKey, kind, plugins, false),
    type: 'STRING' as const,
    defaultValue: effectiveVersion(classKey, kind, plugins, context),
    validator: PLUGIN_VERSION_VALIDATOR,
    importance: 'LOW' as const,
    documentation: `Version of the ${what}.`,
    group: COMMON_GROUP,
    orderInGroup,
    width: 'SHORT' as const,
    displayName,
  };
}

/** Apache's `SinkConnectorConfig.configDef()`. */
export function sinkConnectorConfigDef(plugins?: PluginResolver, context?: FrameworkContext): ConfigDef {
  return connectorConfigDef(plugins, context)
    .define({
      name: TOPICS_CONFIG,
      type: 'LIST',
      defaultValue: '',
      validator: ValidList.anyNonDuplicateValues(true, false),
      importance: 'HIGH',
      documentation: 'List of topics to consume, separated by commas',
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics',
    })
    .define({
      name: TOPICS_REGEX_CONFIG,
      type: 'STRING',
      defaultValue: '',
      validator: REGEX_VALIDATOR,
      importance: 'HIGH',
      documentation:
        'Regular expression giving topics to consume. ' +
        'Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. ' +
        'Only one of topics or topics.regex should be specified.',
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics regex',
    })
    .define({
      name: DLQ_TOPIC_NAME_CONFIG,
      type: 'STRING',
      defaultValue: '',
      importance: 'MEDIUM',
      documentation:
        'The name of the topic to be used as the dead letter queue (DLQ) for messages that ' +
        'result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, ' +
        'which means that no messages are to be recorded in the DLQ.',
      group: ERROR_GROUP,
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: DLQ_TOPIC_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      defaultValue: 3,
      importance: 'MEDIUM',
      documentation: "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
      group: ERROR_GROUP,
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: DLQ_CONTEXT_HEADERS_ENABLE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation:
        'If true, add headers containing error context to the messages ' +
        'written to the dead letter queue. To avoid clashing with headers from the original record, all error context header ' +
        'keys, all error context header keys will start with <code>__connect.errors.</code>',
      group: ERROR_GROUP,
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    });
}

/** Apache's `SourceConnectorConfig.configDef()`. */
export function sourceConnectorConfigDef(plugins?: PluginResolver, context?: FrameworkContext): ConfigDef {
  let order = 0;
  const atLeastZero = Range.atLeast(0);
  return connectorConfigDef(plugins, context)
    .define({
      name: TOPIC_CREATION_GROUPS_CONFIG,
      type: 'LIST',
      defaultValue: [],
      validator: CompositeValidator.of(
        NonNullValidator,
        LambdaValidator.with(
          (name, value) => {
            const groups = value as readonly string[];
            if (new Set(groups).size < groups.length) throw invalidValue(name, groups, 'Duplicate alias provided.');
          },
          () => 'unique topic creation groups',
        ),
      ),
      importance: 'LOW',
      documentation: 'Groups of configurations for topics created by source connectors',
      group: TOPIC_CREATION_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Topic Creation Groups',
    })
    .define({
      name: EXACTLY_ONCE_SUPPORT_CONFIG,
      type: 'STRING',
      defaultValue: 'requested',
      validator: CaseInsensitiveValidString.in('requested', 'required'),
      importance: 'MEDIUM',
      documentation:
        'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ensure that it can provide exactly-once semantics ' +
        'with the given configuration. Some connectors may be capable of providing exactly-once semantics but not signal to ' +
        'Connect that they support this; in that case, documentation for the connector should be consulted carefully before ' +
        'creating it, and the value for this property should be set to "requested". ' +
        'Additionally, if the value is set to "required" but the worker that performs preflight validation does not have ' +
        'exactly-once support enabled for source connectors, requests to create or validate the connector will fail.',
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Exactly once support',
    })
    .define({
      name: TRANSACTION_BOUNDARY_CONFIG,
      type: 'STRING',
      defaultValue: 'poll',
      validator: CaseInsensitiveValidString.in('poll', 'interval', 'connector'),
      importance: 'MEDIUM',
      documentation:
        "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from " +
        "this connector provides to Connect. If set to 'connector', relies on connector-defined transaction boundaries; note that " +
        'not all connectors are capable of defining their own transaction boundaries, and in that case, attempts to instantiate a connector with ' +
        "this value will fail. Finally, if set to 'interval', commits transactions only after a user-defined time interval has passed.",
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Transaction Boundary',
    })
    .define({
      name: TRANSACTION_BOUNDARY_INTERVAL_CONFIG,
      type: 'LONG',
      defaultValue: null,
      validator: LambdaValidator.with(
        (name, value) => {
          if (value !== null && value !== undefined) atLeastZero.ensureValid(name, value);
        },
        () => atLeastZero.toString(),
      ),
      importance: 'LOW',
      documentation:
        "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks. If unset, defaults to the value of the worker-level " +
        "'offset.flush.interval.ms' property. It has no effect if a different transaction.boundary is specified.",
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Transaction boundary interval',
    })
    .define({
      name: OFFSETS_TOPIC_CONFIG,
      type: 'STRING',
      defaultValue: null,
      validator: NonEmptyString,
      importance: 'LOW',
      documentation:
        'The name of a separate offsets topic to use for this connector. ' +
        'If empty or not specified, the worker’s global offsets topic name will be used. ' +
        'If specified, the offsets topic will be created if it does not already exist on the Kafka cluster targeted by this connector ' +
        "(which may be different from the one used for the worker's global offsets topic if the bootstrap.servers property of the connector's producer " +
        "has been overridden from the worker's). Only applicable in distributed mode; in standalone mode, setting this property will have no effect.",
      group: OFFSETS_TOPIC_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'Offsets topic',
    });
}

export function frameworkConfigDef(
  type: ConnectorType,
  plugins?: PluginResolver,
  context?: FrameworkContext,
): ConfigDef {
  return type === 'sink' ? sinkConnectorConfigDef(plugins, context) : sourceConnectorConfigDef(plugins, context);
}

// ---------------------------------------------------------------------------------------------------------
// Enrichment with transformations and predicates (ConnectorConfig.enrich / EnrichablePlugin)
// ---------------------------------------------------------------------------------------------------------

const classRecommender = (plugins: PluginResolver | undefined, kind: PluginKind): Recommender => ({
  validValues: () => plugins?.classNames?.(kind) ?? [],
  visible: () => true,
});

const versionRecommender = (version: string | undefined): Recommender => ({
  validValues: () => (version === undefined ? [] : [version]),
  visible: () => true,
});

/**
 * Apache's `ConnectorConfig.enrich`: for each alias in `transforms` / `predicates`, define `<prefix>type`,
 * `<prefix>plugin.version` and embed the plugin's own keys (plus the implicit `predicate` / `negate` of
 * transformations). With `requireFullConfig` false (validation), an unresolvable plugin only gets its type key.
 */
export function enrichConnectorConfigDef(
  base: ConfigDef,
  props: Readonly<Record<string, string | null | undefined>>,
  plugins: PluginResolver | undefined,
  requireFullConfig: boolean,
): ConfigDef {
  const def = new ConfigDef(base);
  enrichPlugins(def, props, plugins, requireFullConfig, 'transformation');
  enrichPlugins(def, props, plugins, requireFullConfig, 'predicate');
  return def;
}

function enrichPlugins(
  def: ConfigDef,
  props: Readonly<Record<string, string | null | undefined>>,
  plugins: PluginResolver | undefined,
  requireFullConfig: boolean,
  kind: 'transformation' | 'predicate',
): void {
  const aliasConfig = kind === 'transformation' ? TRANSFORMS_CONFIG : PREDICATES_CONFIG;
  const aliasGroup = kind === 'transformation' ? TRANSFORMS_GROUP : PREDICATES_GROUP;
  const kindName = kind === 'transformation' ? 'Transformation' : 'Predicate';
  const aliases = parseType(aliasConfig, props[aliasConfig], 'LIST') as string[] | null;
  if (!aliases) return;
  for (const alias of new Set(aliases)) {
    const prefix = `${aliasConfig}.${alias}.`;
    const group = `${aliasGroup}: ${alias}`;
    const typeConfig = `${prefix}type`;
    const rawType = props[typeConfig];
    const plugin = rawType ? (plugins?.resolve(rawType.trim()) ?? null) : null;
    const resolved = plugin && plugin.kinds.includes(kind) ? plugin : null;
    def.define({
      name: typeConfig,
      type: 'CLASS',
      validator: LambdaValidator.with(
        (_name, value) => {
          if (kind === 'transformation') {
            const negate = `${prefix}negate`;
            const predicate = `${prefix}predicate`;
            if (props[negate] !== undefined && props[predicate] === undefined) {
              throw new ConfigException(
                negate,
                props[negate],
                `Config '${negate}' was provided but there is no config '${predicate}' defining a predicate to be negated.`,
              );
            }
          }
          if (value !== null && value !== undefined && plugin && !plugin.kinds.includes(kind)) {
            throw notAPlugin(plugin, kind);
          }
        },
        () => `valid configs for ${alias} ${kind}`,
      ),
      importance: 'HIGH',
      documentation: `Class for the '${alias}' ${kind}.`,
      group,
      orderInGroup: 0,
      width: 'LONG',
      displayName: `${kindName} type for ${alias}`,
      dependents: [],
      recommender: classRecommender(plugins, kind),
    });
    def.define({
      name: `${prefix}plugin.version`,
      type: 'STRING',
      defaultValue: resolved?.version ?? null,
      validator: installedVersionValidator(resolved),
      importance: 'HIGH',
      documentation: `Version of the '${alias}' ${kind}.`,
      group,
      orderInGroup: 1,
      width: 'LONG',
      displayName: `${kindName} version for ${alias}`,
      recommender: versionRecommender(resolved?.version),
    });
    if (!resolved) {
      if (requireFullConfig) {
        if (!rawType) throw missingType(typeConfig);
        if (!plugin) throw invalidValue(typeConfig, rawType, `Class ${rawType} could not be found.`);
        throw notAPlugin(plugin, kind);
      }
      continue;
    }
    const own = resolved.config();
    if (own === null)
      throw new ConfigException(
        undefined,
        undefined,
        `${resolved.className}.config() must return a ConfigDef that is not null.`,
      );
    const child = new ConfigDef();
    if (kind === 'transformation') {
      child
        .define({
          name: 'predicate',
          type: 'STRING',
          defaultValue: null,
          validator: definedPredicateAlias(props, `${prefix}predicate`),
          importance: 'MEDIUM',
          documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
        })
        .define({
          name: 'negate',
          type: 'BOOLEAN',
          defaultValue: false,
          importance: 'MEDIUM',
          documentation: 'Whether the configured predicate should be negated.',
        });
    }
    for (const key of own.configKeys().values()) {
      // The implicit parameters mask any of the transformation's keys with the same name.
      if (kind === 'transformation' && (key.name === 'predicate' || key.name === 'negate')) continue;
      child.defineKey(key);
    }
    def.embed(prefix, group, 2, child);
  }
}

/**
 * `transforms.<alias>.predicate` must name an alias listed in `predicates`. Apache accepts an unknown alias and
 * fails the task when it starts ("Unknown configuration 'predicates.<p>.type'"); here the config is rejected up
 * front, on the key that is wrong, so that an accepted config never fails later for this reason.
 */
function definedPredicateAlias(props: Readonly<Record<string, string | null | undefined>>, name: string): Validator {
  return LambdaValidator.with(
    (_name, value) => {
      if (value === null || value === undefined) return;
      const defined = (parseType(PREDICATES_CONFIG, props[PREDICATES_CONFIG] ?? '', 'LIST') as string[] | null) ?? [];
      if (!defined.includes(String(value))) {
        throw invalidValue(
          name,
          value,
          `Predicate alias '${String(value)}' is not defined: add it to '${PREDICATES_CONFIG}' and set '${PREDICATES_CONFIG}.${String(value)}.type'`,
        );
      }
    },
    () => `an alias listed in ${PREDICATES_CONFIG}`,
  );
}

function missingType(name: string): ConfigException {
  return new ConfigException(name, undefined, `Missing required configuration "${name}" which has no default value.`);
}

// ---------------------------------------------------------------------------------------------------------
// Sink topic rules (SinkConnectorConfig.validate)
// ---------------------------------------------------------------------------------------------------------

const isBlank = (s: string | null | undefined): boolean => s === null || s === undefined || s.trim() === '';

/** Topics of a sink config: parsed list without empty entries and duplicates (`parseTopicsList`). */
export function parseTopicsList(props: Readonly<Record<string, string | null | undefined>>): string[] {
  const topics = parseType(TOPICS_CONFIG, props[TOPICS_CONFIG], 'LIST') as string[] | null;
  return [...new Set((topics ?? []).filter((t) => t !== ''))];
}

/** Apache's `SinkConnectorConfig.validate(props, validatedConfig)`: the topics / topics.regex / DLQ rules. */
export function validateSinkTopics(
  props: Readonly<Record<string, string | null | undefined>>,
  validated: Map<string, ConfigValue>,
): void {
  const topicsList = props[TOPICS_CONFIG];
  const topicsRegex = props[TOPICS_REGEX_CONFIG];
  const dlqTopic = (props[DLQ_TOPIC_NAME_CONFIG] ?? '').trim();
  const hasTopics = !isBlank(topicsList);
  const hasRegex = !isBlank(topicsRegex);
  const add = (name: string, value: string | null | undefined, message: string) => {
    let config = validated.get(name);
    if (!config) {
      config = new ConfigValue(name, value ?? null);
      validated.set(name, config);
    }
    config.addErrorMessage(message);
  };
  if (hasTopics && hasRegex) {
    const message = `${TOPICS_CONFIG} and ${TOPICS_REGEX_CONFIG} are mutually exclusive options, but both are set.`;
    add(TOPICS_CONFIG, topicsList, message);
    add(TOPICS_REGEX_CONFIG, topicsRegex, message);
  }
  if (!hasTopics && !hasRegex) {
    const message = `Must configure one of ${TOPICS_CONFIG} or ${TOPICS_REGEX_CONFIG}`;
    add(TOPICS_CONFIG, topicsList, message);
    add(TOPICS_REGEX_CONFIG, topicsRegex, message);
  }
  if (dlqTopic !== '') {
    if (hasTopics) {
      const topics = parseTopicsList(props);
      if (topics.includes(dlqTopic)) {
        add(
          TOPICS_CONFIG,
          topicsList,
          `The DLQ topic '${dlqTopic}' may not be included in the list of topics ('${TOPICS_CONFIG}=${javaToString(topics)}') consumed by the connector`,
        );
      }
    }
    if (hasRegex && topicsRegex) {
      let matches = false;
      try {
        matches = new RegExp(`^(?:${topicsRegex})$`).test(dlqTopic);
      } catch {
        matches = false; // reported by the regex validator
      }
      if (matches) {
        add(
          TOPICS_REGEX_CONFIG,
          topicsRegex,
          `The DLQ topic '${dlqTopic}' may not be matched by the regex for the topics ('${TOPICS_REGEX_CONFIG}=${topicsRegex}') consumed by the connector`,
        );
      }
    }
  }
}

/**
 * Apache's `AbstractHerder.prefixedConfigInfos`: values renamed with `prefix`, definitions from `keys` when
 * known (null otherwise), and one error counted per value with errors (not per message).
 */
export function prefixedConfigInfos(
  keys: ReadonlyMap<string, ConfigKey>,
  values: readonly ConfigValue[],
  prefix: string,
): ConfigInfos {
  let errorCount = 0;
  const groups = new Set<string>();
  const configs: ConfigInfo[] = [];
  for (const value of values) {
    const key = keys.get(value.name);
    let definition: ConfigKeyInfo | null = null;
    if (key) {
      if (key.group !== null) groups.add(key.group);
      definition = { ...convertConfigKey(key), name: prefix + key.name };
    }
    const renamed = new ConfigValue(prefix + value.name, value.value, value.recommendedValues, [
      ...value.errorMessages,
    ]);
    if (renamed.errorMessages.length > 0) errorCount++;
    configs.push({ definition, value: convertConfigValue(renamed, key ? key.type : null) });
  }
  return { name: '', error_count: errorCount, groups: [...groups], configs };
}

function mergeConfigInfos(name: string, ...infos: (ConfigInfos | null)[]): ConfigInfos {
  let errorCount = 0;
  const groups = new Set<string>();
  const configs: ConfigInfo[] = [];
  for (const info of infos) {
    if (!info) continue;
    errorCount += info.error_count;
    configs.push(...info.configs);
    for (const g of info.groups) groups.add(g);
  }
  return { name, error_count: errorCount, groups: [...groups], configs };
}

// ---------------------------------------------------------------------------------------------------------
// validateConnectorConfig (AbstractHerder.validateConnectorConfig)
// ---------------------------------------------------------------------------------------------------------

export interface ValidateConnectorConfigOptions {
  /** The connector's own ConfigDef (`connector.config()`). */
  connectorDef: ConfigDef;
  connectorType: ConnectorType;
  /** The submitted config (raw; placeholders resolved with `configProviders` first when given). */
  config: Readonly<Record<string, string | null>>;
  /** Multi-property validation of the connector (`Connector.validate`); defaults to `connectorDef.validate`. */
  connectorValidate?: (config: Readonly<Record<string, string>>) => ConfigValue[];
  /** Resolves converter / transformation / predicate classes; without it plugin classes are not checked. */
  plugins?: PluginResolver;
  /**
   * ConfigDefs of converters set in the connector config, by key (`key.converter` …), for callers without a
   * `PluginResolver`. Ignored for keys the resolver can answer.
   */
  converterDefs?: Partial<Record<'key.converter' | 'value.converter' | 'header.converter', ConfigDef>>;
  /** Worker's `connector.client.config.override.policy` (default `All`). */
  overridePolicy?: ConnectorClientConfigOverridePolicy;
  /** The worker's converters: defaults of `key.converter` … in the response, as Apache's herder shows them. */
  workerConverters?: FrameworkContext['workerConverters'];
  /**
   * Kafka's client ConfigDefs (`ProducerConfig.configDef()` …) for `*.override.*` definitions and type checks;
   * without them override entries have a null definition.
   */
  clientConfigDefs?: Partial<Record<'producer' | 'consumer' | 'admin', ConfigDef>>;
  configProviders?: ConfigProviders;
  /**
   * Distributed-mode preflight of `exactly.once.support=required`: whether the worker has exactly-once source
   * support. Leave undefined for standalone behaviour, where Apache does no such check.
   */
  exactlyOnceSourceEnabled?: boolean;
  /** The connector's answer to `exactlyOnceSupport(config)`, for `exactly.once.support=required`. */
  exactlyOnceSupport?: (config: Readonly<Record<string, string>>) => 'SUPPORTED' | 'UNSUPPORTED' | null;
  /**
   * The connector's answer to `canDefineTransactionBoundaries(config)`, for `transaction.boundary=connector`
   * (checked in distributed mode, i.e. when `exactlyOnceSourceEnabled` is defined, as Apache's DistributedHerder).
   */
  canDefineTransactionBoundaries?: (config: Readonly<Record<string, string>>) => 'SUPPORTED' | 'UNSUPPORTED' | null;
}

const CONVERTER_KEYS = [
  [HEADER_CONVERTER_CLASS_CONFIG, 'header_converter', 'header'],
  [KEY_CONVERTER_CLASS_CONFIG, 'converter', 'key'],
  [VALUE_CONVERTER_CLASS_CONFIG, 'converter', 'value'],
] as const;

/** Error for a config without `connector.class` (Apache: 400 `Connector config {…} contains no connector type`). */
export function noConnectorTypeError(config: Readonly<Record<string, string | null>>): BadRequestError {
  const rendered = Object.entries(config)
    .map(([k, v]) => `${k}=${v === null ? 'null' : v}`)
    .join(', ');
  return new BadRequestError(`Connector config {${rendered}} contains no connector type`);
}

/**
 * The `ConfigInfos` Apache's `PUT /connector-plugins/{type}/config/validate` returns: framework keys (with
 * transformation/predicate enrichment and the sink topic rules), the connector's own keys, converter sub-configs
 * and client-override policy results, in Apache's order. Throws `BadRequestError` without `connector.class`.
 */
export function validateConnectorConfig(options: ValidateConnectorConfigOptions): ConfigInfos {
  const { connectorDef, connectorType, plugins } = options;
  let props: Record<string, string | null> = { ...options.config };
  if (options.configProviders) {
    const nonNull = Object.fromEntries(Object.entries(props).filter((e): e is [string, string] => e[1] !== null));
    props = { ...props, ...options.configProviders.transform(nonNull).data };
  }
  const connType = props[CONNECTOR_CLASS_CONFIG];
  if (connType === undefined || connType === null) throw noConnectorTypeError(props);

  const versionMiss = connectorVersionMiss(props, plugins);
  if (versionMiss !== null) {
    // Apache stops here: only the base ConnectorConfig keys, with the miss on the class and version keys.
    const base = connectorConfigDef(plugins, { props });
    const values = base.validateAll(props);
    values.get(CONNECTOR_CLASS_CONFIG)?.addErrorMessage(versionMiss);
    values.get(CONNECTOR_VERSION_CONFIG)?.addErrorMessage(versionMiss);
    return generateResult(connType, base.configKeys(), [...values.values()], [...base.groups()]);
  }
  const context: FrameworkContext = { props };
  if (options.workerConverters) context.workerConverters = options.workerConverters;
  const enriched = enrichConnectorConfigDef(frameworkConfigDef(connectorType, plugins, context), props, plugins, false);
  const validated = enriched.validateAll(props);
  markUnknownClasses(enriched, props, validated, plugins);
  if (connectorType === 'sink') validateSinkTopics(props, validated);
  else {
    validateExactlyOnce(props, validated, options);
    rejectUnsupportedSourceKeys(props, validated);
    validateTransactionBoundary(props, validated, options);
  }
  for (const [key, value] of Object.entries(props)) {
    if (value !== null) continue;
    let config = validated.get(key);
    if (!config) {
      config = new ConfigValue(key);
      validated.set(key, config);
    }
    config.addErrorMessage('Null value can not be supplied as the configuration value.');
  }

  const configValues = [...validated.values()];
  const configKeys = new Map(enriched.configKeys());
  const groups = new Set(enriched.groups());
  const stringProps = Object.fromEntries(Object.entries(props).filter((e): e is [string, string] => e[1] !== null));
  for (const [name, key] of connectorDef.configKeys()) configKeys.set(name, key);
  for (const g of connectorDef.groups()) groups.add(g);
  configValues.push(...(options.connectorValidate ?? ((c) => connectorDef.validate(c)))(stringProps));

  const converterInfos = new Map<string, ConfigInfos | null>();
  for (const [key, kind, converterType] of CONVERTER_KEYS) {
    converterInfos.set(
      key,
      validateConverterConfig(
        stringProps,
        validated.get(key),
        validated.get(`${key}.plugin.version`),
        key,
        kind,
        converterType,
        options,
      ),
    );
  }

  const infos = generateResult(connType, configKeys, configValues, [...groups]);
  const policy = options.overridePolicy ?? overridePolicy('All');
  const hasDlq = connectorType === 'sink' && !isBlank(props[DLQ_TOPIC_NAME_CONFIG]);
  const usesProducer = connectorType === 'source' || hasDlq;
  const usesAdmin =
    connectorType === 'source' ? Object.keys(props).some((k) => k.startsWith(TOPIC_CREATION_PREFIX)) : hasDlq;
  const usesConsumer = connectorType === 'sink';
  const overrides = (type: 'producer' | 'consumer' | 'admin', prefix: string) => {
    const clientDef = options.clientConfigDefs?.[type];
    return prefixedConfigInfos(
      clientDef?.configKeys() ?? new Map(),
      validateClientOverrides(policy, prefix, props, clientDef),
      prefix,
    );
  };
  return mergeConfigInfos(
    connType,
    infos,
    usesProducer ? overrides('producer', CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX) : null,
    usesConsumer ? overrides('consumer', CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX) : null,
    usesAdmin ? overrides('admin', CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX) : null,
    converterInfos.get(HEADER_CONVERTER_CLASS_CONFIG) ?? null,
    converterInfos.get(KEY_CONVERTER_CLASS_CONFIG) ?? null,
    converterInfos.get(VALUE_CONVERTER_CLASS_CONFIG) ?? null,
  );
}

/** Apache's message when `connector.plugin.version` excludes the installed connector, or null. */
function connectorVersionMiss(
  props: Readonly<Record<string, string | null | undefined>>,
  plugins: PluginResolver | undefined,
): string | null {
  const wanted = props[CONNECTOR_VERSION_CONFIG];
  const className = props[CONNECTOR_CLASS_CONFIG];
  if (!plugins || wanted === undefined || wanted === null || !className) return null;
  const plugin = plugins.resolve(className.trim());
  if (!plugin || plugin.version === undefined) return null;
  let range;
  try {
    range = versionRequirement(wanted);
  } catch {
    return null; // reported by the version validator
  }
  if (!range || rangeContains(range, plugin.version)) return null;
  return notFoundInVersion(plugin, range);
}

/** `VersionedPluginLoadingException`'s text; Apache lists the version once per plugin type of the class. */
function notFoundInVersion(plugin: ResolvedPlugin, range: VersionRange): string {
  const versions = plugin.kinds.map(() => plugin.version).join(', ');
  return `Plugin ${plugin.className} not found that matches the version range ${rangeToString(range)}, available versions: [${versions}]`;
}

/**
 * Apache parses CLASS values with `Class.forName`, so an unknown class is a parse error (value null) reported
 * before the validator's messages. Our CLASS values are names; ask the resolver.
 */
function markUnknownClasses(
  def: ConfigDef,
  props: Readonly<Record<string, string | null | undefined>>,
  validated: Map<string, ConfigValue>,
  plugins: PluginResolver | undefined,
): void {
  if (!plugins) return;
  for (const key of def.configKeys().values()) {
    if (key.type !== 'CLASS') continue;
    const raw = props[key.name];
    if (raw === undefined || raw === null) continue;
    const name = raw.trim();
    if (plugins.resolve(name)) continue;
    const config = validated.get(key.name);
    if (!config) continue;
    config.value = null;
    config.errorMessages.unshift(invalidValue(key.name, raw, `Class ${name} could not be found.`).message);
  }
}

/**
 * Keys a source connector config may carry that would do nothing here: Apache ignores a DLQ on a source
 * connector (its config does not define the key). A key that is accepted must do what it says, so these fail
 * validation on their own key.
 */
function rejectUnsupportedSourceKeys(
  props: Readonly<Record<string, string | null | undefined>>,
  validated: Map<string, ConfigValue>,
): void {
  const reject = (key: string, message: string): void => {
    const value = props[key];
    if (value === undefined || value === null || isBlank(value)) return;
    let config = validated.get(key);
    if (!config) {
      config = new ConfigValue(key, value);
      validated.set(key, config);
    }
    config.addErrorMessage(message);
  };
  reject(
    DLQ_TOPIC_NAME_CONFIG,
    'A dead letter queue applies to sink connectors only: source connectors have no consumed records to send ' +
      'to it (Apache Kafka Connect ignores this key on a source connector). Remove it.',
  );
}

function validateExactlyOnce(
  props: Readonly<Record<string, string | null | undefined>>,
  validated: Map<string, ConfigValue>,
  options: ValidateConnectorConfigOptions,
): void {
  const config = validated.get(EXACTLY_ONCE_SUPPORT_CONFIG);
  if (!config || config.errorMessages.length > 0) return;
  if (String(config.value).trim().toUpperCase() !== 'REQUIRED') return;
  // Distributed workers pass their exactly.once.source.support; standalone (undefined) has no exactly-once here,
  // so `required` is refused there too with Apache's message (Apache's standalone skips the check and runs
  // at-least-once, which would accept and ignore the key).
  if (!options.exactlyOnceSourceEnabled) {
    config.addErrorMessage('This worker does not have exactly-once source support enabled.');
  }
  const support = askConnector(config, props, (p) =>
    options.exactlyOnceSupport ? options.exactlyOnceSupport(p) : null,
  );
  if (support === undefined) return;
  if (support === null) {
    config.addErrorMessage(
      'The connector does not implement the API required for preflight validation of exactly-once ' +
        'source support. Please consult the documentation for the connector to determine whether it supports exactly-once ' +
        'semantics, and then consider reconfiguring the connector to use the value "requested" ' +
        'for this property (which will disable this preflight check and allow the connector to be created).',
    );
  } else if (support === 'UNSUPPORTED') {
    config.addErrorMessage('The connector does not support exactly-once semantics with the provided configuration.');
  }
}

/**
 * Asks the connector one of its exactly-once preflight questions with the string-valued props. A connector that
 * throws gets Apache's "unexpected error" message on `config`, and `undefined` comes back (nothing more to check).
 */
function askConnector(
  config: ConfigValue,
  props: Readonly<Record<string, string | null | undefined>>,
  ask: (props: Record<string, string>) => 'SUPPORTED' | 'UNSUPPORTED' | null,
): 'SUPPORTED' | 'UNSUPPORTED' | null | undefined {
  try {
    return ask(
      Object.fromEntries(Object.entries(props).filter((e): e is [string, string] => typeof e[1] === 'string')),
    );
  } catch (e) {
    const message = e instanceof Error ? e.message.trim() : '';
    config.addErrorMessage(
      `An unexpected error occurred during validation${message ? `: ${message}` : '; please see the worker logs for more details.'}`,
    );
    return undefined;
  }
}

/** Apache's `DistributedHerder.validateSourceConnectorTransactionBoundary`. */
function validateTransactionBoundary(
  props: Readonly<Record<string, string | null | undefined>>,
  validated: Map<string, ConfigValue>,
  options: ValidateConnectorConfigOptions,
): void {
  const config = validated.get(TRANSACTION_BOUNDARY_CONFIG);
  if (!config || config.errorMessages.length > 0) return;
  if (options.exactlyOnceSourceEnabled === undefined) return;
  if (String(config.value).trim().toLowerCase() !== 'connector') return;
  // A connector that cannot answer (no hook) gets Apache's SourceConnector default, UNSUPPORTED.
  const support = askConnector(config, props, (p) =>
    options.canDefineTransactionBoundaries ? options.canDefineTransactionBoundaries(p) : 'UNSUPPORTED',
  );
  if (support === undefined) return;
  if (support === null) {
    config.addErrorMessage(
      'This connector has returned a null value from its canDefineTransactionBoundaries method, which is not permitted. ' +
        'The connector will be treated as if it cannot define its own transaction boundaries, and cannot be configured with ' +
        `'${TRANSACTION_BOUNDARY_CONFIG}' set to 'connector'.`,
    );
  } else if (support !== 'SUPPORTED') {
    config.addErrorMessage(
      'The connector does not support connector-defined transaction boundaries with the given configuration. ' +
        'Please reconfigure it to use a different transaction boundary definition.',
    );
  }
}

/** Apache's `validateConverterConfig`: the converter's own keys under its prefix, when it is set and valid. */
function validateConverterConfig(
  props: Readonly<Record<string, string>>,
  pluginConfigValue: ConfigValue | undefined,
  versionConfigValue: ConfigValue | undefined,
  property: string,
  kind: PluginKind,
  converterType: string,
  options: ValidateConnectorConfigOptions,
): ConfigInfos | null {
  const className = props[property];
  if (className === undefined || !pluginConfigValue || pluginConfigValue.errorMessages.length > 0) return null;
  if (versionConfigValue && versionConfigValue.errorMessages.length > 0) return null;
  let def: ConfigDef | null | undefined;
  const plugin = options.plugins?.resolve(className.trim());
  const wanted = props[`${property}.plugin.version`];
  if (plugin && plugin.version !== undefined && wanted !== undefined) {
    // Apache 4.3 loads the converter at the requested version and reports a miss on both keys.
    const range = versionRequirement(wanted);
    if (range && !rangeContains(range, plugin.version)) {
      const message = notFoundInVersion(plugin, range);
      pluginConfigValue.addErrorMessage(message);
      versionConfigValue?.addErrorMessage(message);
      return null;
    }
  }
  if (plugin && plugin.kinds.includes(kind)) {
    try {
      def = plugin.config();
    } catch (e) {
      const message = e instanceof Error && e.message ? `: ${e.message}` : '';
      const pluginName = kind === 'header_converter' ? 'header converter' : `${converterType} converter`;
      pluginConfigValue.addErrorMessage(`Failed to load ConfigDef from ${pluginName}${message}`);
      return null;
    }
  } else {
    def = options.converterDefs?.[property as keyof NonNullable<ValidateConnectorConfigOptions['converterDefs']>];
  }
  if (!def) return null;
  const prefix = `${property}.`;
  const pluginConfig: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) pluginConfig[k.slice(prefix.length)] = v;
  if (pluginConfig['converter.type'] === undefined) pluginConfig['converter.type'] = converterType;
  // Apache's ConfigDef.validate returns its HashMap's values: that order is what the response shows.
  const byName = def.validateAll(pluginConfig);
  const values = javaHashSetOrder([...byName.keys()]).map((name) => byName.get(name)!);
  return prefixedConfigInfos(def.configKeys(), values, prefix);
}

/**
 * Apache's create/update 400 message (`AbstractHerder.maybeAddConfigErrors`), or null when `infos` has no
 * errors. Wrap it in a `BadRequestError` at the call site.
 */
export function configErrorMessage(infos: ConfigInfos): string | null {
  if (infos.error_count === 0) return null;
  const lines = [`Connector configuration is invalid and contains the following ${infos.error_count} error(s):`];
  for (const info of infos.configs) for (const error of info.value?.errors ?? []) lines.push(error);
  lines.push(
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  );
  return lines.join('\n');
}

/**
 * `GET /connector-plugins/{p}/config` for a connector: the plugin's keys first, then framework keys it does not
 * redefine (Apache's `connectorPluginConfig`). For other plugin types call `configKeyInfos(def)`.
 */
export function connectorPluginConfig(
  connectorDef: ConfigDef,
  type: ConnectorType,
  connector?: { className: string; plugins: PluginResolver },
): ConfigKeyInfo[] {
  const keys = new Map(connectorDef.configKeys());
  // With the connector known, Apache 4.3 shows its version as the default of connector.plugin.version.
  const context = connector ? { props: { [CONNECTOR_CLASS_CONFIG]: connector.className } } : undefined;
  const framework = frameworkConfigDef(type, connector?.plugins, context);
  for (const [name, key] of framework.configKeys()) if (!keys.has(name)) keys.set(name, key);
  return [...keys.values()].map(convertConfigKey);
}

export { configKeyInfos };
export { overridePolicy, validateClientOverrides };
export type { ConnectorClientConfigOverridePolicy };

// ---------------------------------------------------------------------------------------------------------
// Parsed connector config for the runtime
// ---------------------------------------------------------------------------------------------------------

export interface TransformationConfig {
  alias: string;
  /** Class name or alias from `transforms.<alias>.type`. */
  type: string;
  /** `transforms.<alias>.*` without the prefix and without `type`, `predicate`, `negate`. */
  config: Record<string, string>;
  predicate: { alias: string; type: string; config: Record<string, string> } | null;
  negate: boolean;
}

/**
 * A connector config parsed with the framework ConfigDef (Apache's `SinkConnectorConfig` / `SourceConnectorConfig`
 * constructors). Throws `ConfigException` with Apache's messages on the first problem.
 */
export class ConnectorConfig extends AbstractConfig {
  constructor(
    readonly connectorType: ConnectorType,
    props: Readonly<Record<string, string>>,
    plugins?: PluginResolver,
  ) {
    super(
      enrichConnectorConfigDef(frameworkConfigDef(connectorType, plugins), props, plugins, plugins !== undefined),
      props,
    );
    if (connectorType === 'sink') {
      const validated = new Map<string, ConfigValue>();
      validateSinkTopics(props, validated);
      const first = [...validated.values()].find((v) => v.errorMessages.length > 0);
      if (first) throw new ConfigException(first.name, first.value, first.errorMessages[0] ?? '');
    }
    for (const alias of this.getList(TRANSFORMS_CONFIG) ?? []) {
      const negate = `${TRANSFORMS_CONFIG}.${alias}.negate`;
      const predicate = `${TRANSFORMS_CONFIG}.${alias}.predicate`;
      if (props[negate] !== undefined && props[predicate] === undefined) {
        throw new ConfigException(
          negate,
          props[negate],
          `Config '${negate}' was provided but there is no config '${predicate}' defining a predicate to be negated.`,
        );
      }
    }
  }

  get name(): string {
    return this.getString(NAME_CONFIG) ?? '';
  }
  get connectorClass(): string {
    return this.getString(CONNECTOR_CLASS_CONFIG) ?? '';
  }
  get tasksMax(): number {
    return this.getInt(TASKS_MAX_CONFIG) ?? 1;
  }
  get enforceTasksMax(): boolean {
    return this.getBoolean(TASKS_MAX_ENFORCE_CONFIG) ?? true;
  }
  get errorRetryTimeoutMs(): number {
    return this.getLong(ERRORS_RETRY_TIMEOUT_CONFIG) ?? 0;
  }
  get errorMaxDelayMs(): number {
    return this.getLong(ERRORS_RETRY_MAX_DELAY_CONFIG) ?? 60000;
  }
  get errorsTolerance(): 'none' | 'all' {
    return (this.getString(ERRORS_TOLERANCE_CONFIG) ?? 'none') as 'none' | 'all';
  }
  get errorsLogEnable(): boolean {
    return this.getBoolean(ERRORS_LOG_ENABLE_CONFIG) ?? false;
  }
  get errorsLogIncludeMessages(): boolean {
    return this.getBoolean(ERRORS_LOG_INCLUDE_MESSAGES_CONFIG) ?? false;
  }
  /** Sink only: the topics list without empty entries and duplicates. */
  get topics(): string[] {
    return this.connectorType === 'sink' ? parseTopicsList(this.originals()) : [];
  }
  /** Sink only: `topics.regex`, or null when blank. */
  get topicsRegex(): string | null {
    if (this.connectorType !== 'sink') return null;
    const regex = this.getString(TOPICS_REGEX_CONFIG);
    return isBlank(regex) ? null : regex;
  }
  /** Sink only: DLQ topic, or null when blank. */
  get dlqTopicName(): string | null {
    if (this.connectorType !== 'sink') return null;
    const topic = this.getString(DLQ_TOPIC_NAME_CONFIG);
    return isBlank(topic) ? null : (topic ?? '').trim();
  }
  get dlqTopicReplicationFactor(): number {
    return this.connectorType === 'sink' ? (this.getShort(DLQ_TOPIC_REPLICATION_FACTOR_CONFIG) ?? 3) : 3;
  }
  get dlqContextHeadersEnable(): boolean {
    return this.connectorType === 'sink' ? (this.getBoolean(DLQ_CONTEXT_HEADERS_ENABLE_CONFIG) ?? false) : false;
  }
  /** Transformation chain in `transforms` order, each with its predicate (Apache's `transformationStages`). */
  transformations(): TransformationConfig[] {
    const originals = this.originals();
    return (this.getList(TRANSFORMS_CONFIG) ?? []).map((alias) => {
      const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
      const own = this.originalsWithPrefix(prefix);
      const type = own.type ?? '';
      const predicateAlias = own.predicate;
      const negate = own.negate;
      delete own.type;
      delete own.predicate;
      delete own.negate;
      delete own['plugin.version'];
      let predicate: TransformationConfig['predicate'] = null;
      if (predicateAlias !== undefined) {
        const predicateConfig = this.originalsWithPrefix(`${PREDICATES_CONFIG}.${predicateAlias}.`);
        const predicateType = predicateConfig.type ?? originals[`${PREDICATES_CONFIG}.${predicateAlias}.type`] ?? '';
        delete predicateConfig.type;
        delete predicateConfig['plugin.version'];
        predicate = { alias: predicateAlias, type: predicateType, config: predicateConfig };
      }
      return {
        alias,
        type,
        config: own,
        predicate,
        negate: negate !== undefined && negate.trim().toLowerCase() === 'true',
      };
    });
  }
  /** `key.converter.*` etc. without the prefix, for the converter's configure(). */
  converterConfig(property: 'key.converter' | 'value.converter' | 'header.converter'): Record<string, string> {
    const config = this.originalsWithPrefix(`${property}.`);
    delete config['plugin.version'];
    return config;
  }
  /** Typed value of any defined key. */
  value(key: string): ParsedValue {
    return this.get(key);
  }
}
