import { ConfigDef, ConfigValue, configKeyInfos } from '../../lib/connect/config-def';
import type { ConfigInfos } from '../../lib/connect/config-def';
import { ConfigException } from '../../lib/connect/errors';
import { BadRequestError } from '../../lib/errors';
import {
  ConnectorConfig,
  configErrorMessage,
  connectorPluginConfig,
  overridePolicy,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  validateConnectorConfig,
} from '../../lib/config/connector-config';
import { ConfigProviders } from '../../lib/config/config-providers';
import { apache, apachePlugins, withoutExactlyOnceRefusal } from './apache-fixture';

const withoutDocs = (infos: ConfigInfos): ConfigInfos => ({
  ...infos,
  configs: infos.configs.map((c) => {
    if (!c.definition) return c;
    const { documentation: _doc, ...definition } = c.definition;
    return { ...c, definition: definition as typeof c.definition };
  }),
});

describe('framework ConfigDefs match Apache 4.3.1', () => {
  it('sink keys, order, groups, defaults and documentation', () => {
    expect(configKeyInfos(sinkConnectorConfigDef())).toEqual(apache.sinkConfigKeys);
    expect(sinkConnectorConfigDef().groups()).toEqual(apache.sinkGroups);
  });

  it('source keys, order, groups, defaults and documentation', () => {
    expect(configKeyInfos(sourceConnectorConfigDef())).toEqual(apache.sourceConfigKeys);
    expect(sourceConnectorConfigDef().groups()).toEqual(apache.sourceGroups);
  });
});

describe('validateConnectorConfig gives the ConfigInfos Apache gives', () => {
  const cases = Object.entries(apache.validations).filter(([name]) => name !== 'sink:badRegex');
  it.each(cases)('%s', (_name, { type, config, result }) => {
    expect(typeof result).toBe('object');
    const ours = validateConnectorConfig({
      connectorDef: new ConfigDef(),
      connectorType: type,
      config,
      plugins: apachePlugins(),
    });
    const { infos, refused } = withoutExactlyOnceRefusal(ours);
    expect(withoutDocs(infos)).toEqual(result);
    if (/^required$/i.test(String(config['exactly.once.support'] ?? '').trim())) {
      expect(refused[0]).toBe('This worker does not have exactly-once source support enabled.');
    }
  });

  it('reports an invalid topics.regex (message text is JavaScript’s, not java.util.regex’s)', () => {
    const { config, result } = apache.validations['sink:badRegex']!;
    const ours = validateConnectorConfig({ connectorDef: new ConfigDef(), connectorType: 'sink', config });
    const apacheErrors = (result as ConfigInfos).configs.find((c) => c.definition?.name === 'topics.regex')!.value!
      .errors;
    const ourErrors = ours.configs.find((c) => c.definition?.name === 'topics.regex')!.value!.errors;
    expect(apacheErrors[0]).toMatch(/^Invalid value \(abc for configuration topics.regex: Invalid regex: /);
    expect(ourErrors).toHaveLength(1);
    expect(ourErrors[0]).toMatch(/^Invalid value \(abc for configuration topics.regex: Invalid regex: .+/);
    expect(ours.error_count).toBe(1);
  });
});

describe('validateConnectorConfig, connector and client parts', () => {
  const fileSinkDef = new ConfigDef().define({
    name: 'file',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Destination filename. If not specified, the standard output will be used',
  });

  it('appends the connector’s own keys and values and counts their errors', () => {
    const ownDef = new ConfigDef().define({ name: 'batch.size', type: 'INT', importance: 'LOW', documentation: 'b' });
    const infos = validateConnectorConfig({
      connectorDef: ownDef,
      connectorType: 'source',
      config: { name: 'src', 'connector.class': 'X' },
    });
    expect(infos.name).toBe('X');
    expect(infos.error_count).toBe(1);
    const last = infos.configs[infos.configs.length - 1]!;
    expect(last.definition?.name).toBe('batch.size');
    expect(last.value?.errors).toEqual(['Missing required configuration "batch.size" which has no default value.']);
  });

  it('throws 400 "contains no connector type" without connector.class', () => {
    const run = () =>
      validateConnectorConfig({ connectorDef: fileSinkDef, connectorType: 'sink', config: { name: 'a', topics: 't' } });
    expect(run).toThrow(BadRequestError);
    expect(run).toThrow('Connector config {name=a, topics=t} contains no connector type');
  });

  it('reports JSON null values first, without a definition', () => {
    const infos = validateConnectorConfig({
      connectorDef: fileSinkDef,
      connectorType: 'sink',
      config: { name: 'a', 'connector.class': 'X', topics: 't', 'some.key': null },
    });
    expect(infos.configs[0]).toEqual({
      definition: null,
      value: {
        name: 'some.key',
        value: null,
        recommended_values: [],
        errors: ['Null value can not be supplied as the configuration value.'],
        visible: true,
      },
    });
    expect(infos.error_count).toBe(1);
  });

  it('validates converter sub-configs under their prefix, with converter.type injected', () => {
    const infos = validateConnectorConfig({
      connectorDef: fileSinkDef,
      connectorType: 'sink',
      config: {
        name: 'a',
        'connector.class': 'X',
        topics: 't',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter.converter.encoding': 'latin1',
      },
      plugins: apachePlugins(),
    });
    const tail = infos.configs.slice(-2);
    expect(tail.map((c) => c.definition?.name)).toEqual([
      'value.converter.converter.type',
      'value.converter.converter.encoding',
    ]);
    expect(tail.map((c) => c.value?.value)).toEqual(['value', 'latin1']);
    expect(tail[0]!.definition?.required).toBe(true);
    expect(infos.error_count).toBe(0);
  });

  it('uses converterDefs when no resolver is given', () => {
    const def = new ConfigDef().define({
      name: 'schemas.enable',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'HIGH',
      documentation: 'x',
    });
    const infos = validateConnectorConfig({
      connectorDef: fileSinkDef,
      connectorType: 'sink',
      config: {
        name: 'a',
        'connector.class': 'X',
        topics: 't',
        'key.converter': 'J',
        'key.converter.schemas.enable': 'maybe',
      },
      converterDefs: { 'key.converter': def },
    });
    const last = infos.configs[infos.configs.length - 1]!;
    expect(last.value).toEqual({
      name: 'key.converter.schemas.enable',
      value: null,
      recommended_values: [],
      errors: ['Invalid value maybe for configuration schemas.enable: Expected value to be either true or false'],
      visible: true,
    });
    expect(infos.error_count).toBe(1);
  });

  it.each([
    [
      'None',
      'consumer.override.max.poll.records',
      "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    ],
    [
      'Principal',
      'consumer.override.group.id',
      "The 'Principal' policy does not allow 'group.id' to be overridden in the connector configuration.",
    ],
    [
      'Allowlist',
      'consumer.override.fetch.min.bytes',
      "The 'Allowlist' policy does not allow 'fetch.min.bytes' to be overridden in the connector configuration.",
    ],
  ])('policy %s rejects %s with Apache’s message', (policy, key, message) => {
    const infos = validateConnectorConfig({
      connectorDef: fileSinkDef,
      connectorType: 'sink',
      config: {
        name: 'a',
        'connector.class': 'X',
        topics: 't',
        [key]: '5',
        'consumer.override.sasl.mechanism': 'PLAIN',
      },
      overridePolicy: overridePolicy(policy, ['sasl.mechanism']),
    });
    const rejected = infos.configs.find((c) => c.value?.name === key);
    expect(rejected?.definition).toBeNull();
    expect(rejected?.value?.errors).toEqual([message]);
    expect(infos.error_count).toBe(policy === 'None' ? 2 : 1);
  });

  it('policy All accepts every override; source connectors only check producer (and admin with topic.creation)', () => {
    const config = {
      name: 'a',
      'connector.class': 'X',
      'producer.override.linger.ms': '5',
      'consumer.override.max.poll.records': '5',
    };
    const all = validateConnectorConfig({ connectorDef: fileSinkDef, connectorType: 'source', config });
    expect(all.error_count).toBe(0);
    const none = validateConnectorConfig({
      connectorDef: fileSinkDef,
      connectorType: 'source',
      config: { ...config, 'admin.override.client.id': 'x', 'topic.creation.default.partitions': '1' },
      overridePolicy: overridePolicy(
        'org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy',
      ),
    });
    expect(none.configs.filter((c) => c.value?.errors.length).map((c) => c.value?.name)).toEqual([
      'producer.override.linger.ms',
      'admin.override.client.id',
    ]);
  });

  it('an unknown override policy is a ConfigException', () => {
    expect(() => overridePolicy('Sometimes')).toThrow(ConfigException);
  });

  it('exactly.once.support=required fails on a worker without exactly-once support', () => {
    const infos = validateConnectorConfig({
      connectorDef: new ConfigDef(),
      connectorType: 'source',
      config: { name: 'a', 'connector.class': 'X', 'exactly.once.support': 'required' },
      exactlyOnceSourceEnabled: false,
      exactlyOnceSupport: () => 'UNSUPPORTED',
    });
    expect(infos.configs.find((c) => c.value?.name === 'exactly.once.support')?.value?.errors).toEqual([
      'This worker does not have exactly-once source support enabled.',
      'The connector does not support exactly-once semantics with the provided configuration.',
    ]);
  });

  it('exactly.once.support=required fails whatever the worker says (no worker has exactly-once support yet)', () => {
    const infos = validateConnectorConfig({
      connectorDef: new ConfigDef(),
      connectorType: 'source',
      config: { name: 'a', 'connector.class': 'X', 'exactly.once.support': 'required' },
      exactlyOnceSupport: () => 'SUPPORTED',
    });
    expect(infos.configs.find((c) => c.value?.name === 'exactly.once.support')?.value?.errors).toEqual([
      'This worker does not have exactly-once source support enabled.',
    ]);
    expect(
      validateConnectorConfig({
        connectorDef: new ConfigDef(),
        connectorType: 'source',
        config: { name: 'a', 'connector.class': 'X', 'exactly.once.support': 'requested' },
      }).error_count,
    ).toBe(0);
  });

  it('a dead letter queue on a source connector fails on its key; a connector-specific offsets topic is accepted', () => {
    const infos = validateConnectorConfig({
      connectorDef: new ConfigDef(),
      connectorType: 'source',
      config: {
        name: 'a',
        'connector.class': 'X',
        'errors.deadletterqueue.topic.name': 'dlq',
        'offsets.storage.topic': 'my-offsets',
      },
    });
    expect(infos.error_count).toBe(1);
    expect(infos.configs.find((c) => c.value?.name === 'errors.deadletterqueue.topic.name')?.value?.errors).toEqual([
      expect.stringContaining('A dead letter queue applies to sink connectors only'),
    ]);
    // KIP-618: the connector's own offsets topic (lib/runtime/connector-offsets-topic.ts).
    expect(infos.configs.find((c) => c.value?.name === 'offsets.storage.topic')?.value?.errors).toEqual([]);
  });

  it('resolves config providers before validating', () => {
    process.env.SKC_TEST_TASKS_MAX = '0';
    try {
      const providers = ConfigProviders.fromWorkerConfig({
        'config.providers': 'env',
        'config.providers.env.class': 'EnvVarConfigProvider',
      });
      const infos = validateConnectorConfig({
        connectorDef: new ConfigDef(),
        connectorType: 'source',
        config: { name: 'a', 'connector.class': 'X', 'tasks.max': '${env:SKC_TEST_TASKS_MAX}' },
        configProviders: providers,
      });
      expect(infos.configs.find((c) => c.value?.name === 'tasks.max')?.value?.errors).toEqual([
        'Invalid value 0 for configuration tasks.max: Value must be at least 1',
      ]);
    } finally {
      delete process.env.SKC_TEST_TASKS_MAX;
    }
  });
});

describe('configErrorMessage (the 400 of create/update)', () => {
  it('lists every error and points to the validate endpoint', () => {
    const { result } = apache.validations['sink:noTopics']!;
    expect(configErrorMessage(result as ConfigInfos)).toBe(
      'Connector configuration is invalid and contains the following 2 error(s):\n' +
        'Must configure one of topics or topics.regex\n' +
        'Must configure one of topics or topics.regex\n' +
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    );
  });

  it('is null without errors', () => {
    expect(configErrorMessage(apache.validations['sink:ok']!.result as ConfigInfos)).toBeNull();
  });
});

describe('connectorPluginConfig (GET /connector-plugins/{p}/config)', () => {
  it('lists the plugin’s keys first, then framework keys it does not redefine', () => {
    const own = new ConfigDef()
      .define({ name: 'file', type: 'STRING', defaultValue: null, importance: 'HIGH', documentation: 'f' })
      .define({ name: 'topics', type: 'LIST', importance: 'HIGH', documentation: 'mine' });
    const infos = connectorPluginConfig(own, 'sink');
    expect(infos.slice(0, 3).map((i) => i.name)).toEqual(['file', 'topics', 'name']);
    expect(infos.filter((i) => i.name === 'topics')).toHaveLength(1);
    expect(infos[1]!.documentation).toBe('mine');
    expect(infos).toHaveLength(2 + apache.sinkConfigKeys.length - 1);
  });
});

describe('ConnectorConfig (parsed framework config for the runtime)', () => {
  it('parses the Apache file-sink example and exposes typed values', () => {
    const config = new ConnectorConfig('sink', {
      name: 'local-file-sink',
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      file: 'test.sink.txt',
      topics: 'connect-test, other ',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': ' dlq ',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'key.converter.converter.encoding': 'UTF-16',
      'key.converter.plugin.version': '4.3.1',
    });
    expect(config.name).toBe('local-file-sink');
    expect(config.tasksMax).toBe(1);
    expect(config.topics).toEqual(['connect-test', 'other']);
    expect(config.topicsRegex).toBeNull();
    expect(config.errorsTolerance).toBe('all');
    expect(config.dlqTopicName).toBe('dlq');
    expect(config.dlqTopicReplicationFactor).toBe(3);
    expect(config.errorMaxDelayMs).toBe(60000);
    expect(config.converterConfig('key.converter')).toEqual({ 'converter.encoding': 'UTF-16' });
  });

  it('throws Apache’s first error', () => {
    expect(() => new ConnectorConfig('sink', { name: 'a', 'connector.class': 'X' })).toThrow(
      'Must configure one of topics or topics.regex',
    );
    expect(() => new ConnectorConfig('source', { name: 'a', 'connector.class': 'X', 'tasks.max': '0' })).toThrow(
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
    );
    expect(() => new ConnectorConfig('source', { 'connector.class': 'X' })).toThrow(
      'Missing required configuration "name" which has no default value.',
    );
  });

  it('builds the transformation chain with predicates', () => {
    const config = new ConnectorConfig(
      'source',
      {
        name: 'a',
        'connector.class': 'X',
        transforms: 'f,g',
        'transforms.f.type': 'org.apache.kafka.connect.transforms.Filter',
        'transforms.f.predicate': 'p',
        'transforms.f.negate': 'true',
        'transforms.g.type': 'org.apache.kafka.connect.transforms.Filter',
        predicates: 'p',
        'predicates.p.type': 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
        'predicates.p.name': 'h',
      },
      apachePlugins(),
    );
    expect(config.transformations()).toEqual([
      {
        alias: 'f',
        type: 'org.apache.kafka.connect.transforms.Filter',
        config: {},
        predicate: {
          alias: 'p',
          type: 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
          config: { name: 'h' },
        },
        negate: true,
      },
      { alias: 'g', type: 'org.apache.kafka.connect.transforms.Filter', config: {}, predicate: null, negate: false },
    ]);
  });

  it('rejects negate without predicate and unknown transformation classes', () => {
    const base = { name: 'a', 'connector.class': 'X', transforms: 'f' };
    expect(
      () =>
        new ConnectorConfig('source', {
          ...base,
          'transforms.f.type': 'org.apache.kafka.connect.transforms.Filter',
          'transforms.f.negate': 'true',
        }),
    ).toThrow(
      "Config 'transforms.f.negate' was provided but there is no config 'transforms.f.predicate' defining a predicate to be negated.",
    );
    expect(() => new ConnectorConfig('source', { ...base, 'transforms.f.type': 'com.Nope' }, apachePlugins())).toThrow(
      'Invalid value com.Nope for configuration transforms.f.type: Class com.Nope could not be found.',
    );
  });
});

describe('ConfigValue bookkeeping', () => {
  it('ConfigValue defaults', () => {
    const v = new ConfigValue('x');
    expect([v.value, v.recommendedValues, v.errorMessages, v.visible]).toEqual([null, [], [], true]);
  });
});
