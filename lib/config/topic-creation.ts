import { AbstractConfig, ConfigDef, LambdaValidator, NonNullValidator, invalidValue } from '../connect/config-def';
import {
  TOPIC_CREATION_GROUP,
  TOPIC_CREATION_GROUPS_CONFIG,
  TOPIC_CREATION_PREFIX,
  sourceConnectorConfigDef,
} from './connector-config';
import { PARTITIONS_VALIDATOR, REPLICATION_FACTOR_VALIDATOR } from './worker-config';

/**
 * Topic creation by source connectors (KIP-158): Apache's `TopicCreationConfig`, the `topic.creation.*` part of
 * `SourceConnectorConfig` and `TopicCreationGroup`.
 */
export const DEFAULT_TOPIC_CREATION_GROUP = 'default';

const TC_INCLUDE_DOC =
  'A list of regular expression literals used to match the topic names used by the source connector. ' +
  'This list is used to include topics that should be created using the topic settings defined by this group.';
const TC_EXCLUDE_DOC =
  'A list of regular expression literals used to match the topic names used by the source connector. ' +
  'This list is used to exclude topics from being created with the topic settings defined by this group. ' +
  'Note that exclusion rules have precedent and override any inclusion rules for the topics.';
const TC_REPLICATION_FACTOR_DOC =
  "The replication factor for new topics created for this connector using this group. This value may be -1 to use the broker's" +
  'default replication factor, or may be a positive number not larger than the number of brokers in the Kafka cluster. ' +
  'A value larger than the number of brokers in the Kafka cluster will result in an error when the new topic is created. ' +
  'For the default group this configuration is required. For any other group defined in topic.creation.groups this config is ' +
  "optional and if it's missing it gets the value of the default group";
const TC_PARTITIONS_DOC =
  "The number of partitions new topics created for this connector. This value may be -1 to use the broker's default number " +
  'of partitions, or a positive number representing the desired number of partitions. For the default group this ' +
  "configuration is required. For any other group defined in topic.creation.groups this config is optional and if it's " +
  'missing it gets the value of the default group';

const TC_REGEX_VALIDATOR = LambdaValidator.with(
  (name, value) => {
    for (const pattern of value as readonly string[]) {
      try {
        new RegExp(pattern);
      } catch (e) {
        throw invalidValue(name, value, `Syntax error in regular expression: ${(e as Error).message}`);
      }
    }
  },
  () => "Positive number, or -1 to use the broker's default",
);

function topicCreationGroupDef(group: string, replicationFactor: number | undefined, partitions: number | undefined) {
  const isDefault = replicationFactor === undefined;
  const def = new ConfigDef()
    .define({
      name: 'include',
      type: 'LIST',
      defaultValue: isDefault ? '.*' : [],
      validator: isDefault ? NonNullValidator : TC_REGEX_VALIDATOR,
      importance: 'LOW',
      documentation: TC_INCLUDE_DOC,
      group,
      orderInGroup: 1,
      width: 'LONG',
      displayName: `Inclusion Topic Pattern for ${group}`,
    })
    .define({
      name: 'exclude',
      type: 'LIST',
      defaultValue: [],
      validator: isDefault ? NonNullValidator : TC_REGEX_VALIDATOR,
      importance: 'LOW',
      documentation: TC_EXCLUDE_DOC,
      group,
      orderInGroup: 2,
      width: 'LONG',
      displayName: `Exclusion Topic Pattern for ${group}`,
    });
  const rf = { name: 'replication.factor', type: 'SHORT' as const };
  const parts = { name: 'partitions', type: 'INT' as const };
  const common = { importance: 'LOW' as const, group, width: 'LONG' as const };
  return def
    .define({
      ...rf,
      ...(isDefault ? {} : { defaultValue: replicationFactor }),
      validator: REPLICATION_FACTOR_VALIDATOR,
      documentation: TC_REPLICATION_FACTOR_DOC,
      orderInGroup: 3,
      displayName: `Replication Factor for Topics in ${group}`,
      ...common,
    })
    .define({
      ...parts,
      ...(isDefault ? {} : { defaultValue: partitions }),
      validator: PARTITIONS_VALIDATOR,
      documentation: TC_PARTITIONS_DOC,
      orderInGroup: 4,
      displayName: `Partition Count for Topics in ${group}`,
      ...common,
    });
}

export interface TopicCreationGroup {
  readonly name: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** -1 = broker default. */
  readonly partitions: number;
  /** -1 = broker default. */
  readonly replicationFactor: number;
  /** Every other `topic.creation.<group>.<key>`: topic configs passed to the broker (cleanup.policy …). */
  readonly otherConfigs: Readonly<Record<string, string>>;
  matches(topic: string): boolean;
}

/**
 * The topic creation groups of a source connector config (Apache's `TopicCreationGroup.configuredGroups`):
 * the groups of `topic.creation.groups` in order, then `default` (whose include/exclude are always `.*`/none).
 * Empty when topic creation is disabled on the worker or the config has no `topic.creation.*` key. Throws
 * `ConfigException` with Apache's messages, e.g. when `topic.creation.default.partitions` is missing.
 */
export function topicCreationGroups(
  props: Readonly<Record<string, string>>,
  topicCreationEnable = true,
): TopicCreationGroup[] {
  if (!topicCreationEnable || !Object.keys(props).some((k) => k.startsWith(TOPIC_CREATION_PREFIX))) return [];
  const defaultPrefix = `${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.`;
  const withDefault = new ConfigDef(sourceConnectorConfigDef()).embed(
    defaultPrefix,
    DEFAULT_TOPIC_CREATION_GROUP,
    0,
    topicCreationGroupDef(DEFAULT_TOPIC_CREATION_GROUP, undefined, undefined),
  );
  const defaults = new AbstractConfig(withDefault, props);
  const defaultReplicationFactor = defaults.getShort(`${defaultPrefix}replication.factor`) ?? -1;
  const defaultPartitions = defaults.getInt(`${defaultPrefix}partitions`) ?? -1;
  const names = [...new Set(defaults.getList(TOPIC_CREATION_GROUPS_CONFIG) ?? [])].filter(
    (g) => g !== DEFAULT_TOPIC_CREATION_GROUP,
  );
  const enriched = new ConfigDef(withDefault);
  for (const name of names) {
    const group = `${TOPIC_CREATION_GROUP}: ${name}`;
    enriched.embed(
      `${TOPIC_CREATION_PREFIX}${name}.`,
      group,
      0,
      topicCreationGroupDef(group, defaultReplicationFactor, defaultPartitions),
    );
  }
  // User-set include/exclude of the default group are ignored, as in Apache.
  const effective = { ...props };
  delete effective[`${defaultPrefix}include`];
  delete effective[`${defaultPrefix}exclude`];
  const config = new AbstractConfig(enriched, effective);
  const reserved = new Set(['include', 'exclude', 'replication.factor', 'partitions']);
  const build = (name: string): TopicCreationGroup => {
    const prefix = `${TOPIC_CREATION_PREFIX}${name}.`;
    const include = config.getList(`${prefix}include`) ?? [];
    const exclude = config.getList(`${prefix}exclude`) ?? [];
    const includePattern = new RegExp(`^(?:${include.join('|')})$`);
    const excludePattern = new RegExp(`^(?:${exclude.join('|')})$`);
    const otherConfigs: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.originalsWithPrefix(prefix))) if (!reserved.has(k)) otherConfigs[k] = v;
    return {
      name,
      include,
      exclude,
      partitions: config.getInt(`${prefix}partitions`) ?? -1,
      replicationFactor: config.getShort(`${prefix}replication.factor`) ?? -1,
      otherConfigs,
      matches: (topic) => !excludePattern.test(topic) && includePattern.test(topic),
    };
  };
  return [...names.map(build), build(DEFAULT_TOPIC_CREATION_GROUP)];
}

/** The group whose settings create `topic`: the first non-default group that matches, else `default`. */
export function topicCreationGroupFor(groups: readonly TopicCreationGroup[], topic: string): TopicCreationGroup | null {
  const others = groups.filter((g) => g.name !== DEFAULT_TOPIC_CREATION_GROUP);
  return others.find((g) => g.matches(topic)) ?? groups.find((g) => g.name === DEFAULT_TOPIC_CREATION_GROUP) ?? null;
}
