import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigDef, NonEmptyString } from '../../lib/connect/config-def';
import type { ConfigInfos, ConfigKeyInfo } from '../../lib/connect/config-def';
import { ConfigException } from '../../lib/connect/errors';
import {
  configErrorMessage,
  connectorPluginConfig,
  overridePolicy,
  validateConnectorConfig,
} from '../../lib/config/connector-config';
import type { PluginKind, PluginResolver, ResolvedPlugin } from '../../lib/config/connector-config';
import { apache as framework, withoutExactlyOnceRefusal } from './apache-fixture';

/** A real Apache 4.3.1 StandaloneHerder's answers (see fixtures/apache-4.3.1/README.md). */
interface HerderCase {
  policy: 'All' | 'None';
  config: Record<string, string | null>;
  result: ConfigInfos | string;
  createError: string | null;
}
const herder = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'apache-4.3.1', 'herder-behaviour.json'), 'utf8'),
) as Record<string, unknown>;

/** A ConfigDef with the keys Apache listed (validators are not part of the listing and not needed here). */
function defFromInfos(infos: readonly ConfigKeyInfo[]): ConfigDef {
  const def = new ConfigDef();
  for (const i of infos) {
    def.define({
      name: i.name,
      type: i.type,
      ...(i.required ? {} : { defaultValue: i.default_value }),
      importance: i.importance,
      documentation: i.documentation ?? null,
      group: i.group,
      orderInGroup: i.order_in_group,
      width: i.width,
      displayName: i.display_name,
      dependents: i.dependents,
    });
  }
  return def;
}

const infosOf = (key: string) => herder[key] as ConfigKeyInfo[];
const recommendedFor = (caseName: string, key: string): string[] =>
  ((herder[caseName] as HerderCase).result as ConfigInfos).configs.find((c) => c.definition?.name === key)!.value!
    .recommended_values;
const frameworkRecommended = (key: string): string[] => {
  for (const v of Object.values(framework.validations)) {
    if (typeof v.result === 'string') continue;
    const found = v.result.configs.find((c) => c.definition?.name === key);
    if (found?.value?.recommended_values.length) return found.value.recommended_values;
  }
  return [];
};

const T = 'org.apache.kafka.connect.transforms.';
const sinkDef = defFromInfos(infosOf('pluginConfig:probe.ProbeSinkConnector').slice(0, 1));
const sourceDef = defFromInfos(infosOf('pluginConfig:probe.ProbeSourceConnector').slice(0, 2));

function plugins(): PluginResolver {
  const plugin = (className: string, kinds: PluginKind[], version: string, def: ConfigDef): ResolvedPlugin => ({
    className,
    kinds,
    version,
    config: () => def,
  });
  const all = [
    plugin('probe.ProbeSinkConnector', ['sink'], '1.0', sinkDef),
    plugin('probe.ProbeSourceConnector', ['source'], '1.0', sourceDef),
    plugin(
      'org.apache.kafka.connect.json.JsonConverter',
      ['converter', 'header_converter'],
      '4.3.1',
      defFromInfos(infosOf('pluginConfig:org.apache.kafka.connect.json.JsonConverter')),
    ),
    plugin(
      'org.apache.kafka.connect.storage.StringConverter',
      ['converter', 'header_converter'],
      '4.3.1',
      defFromInfos(infosOf('pluginConfig:org.apache.kafka.connect.storage.StringConverter')),
    ),
    plugin('org.apache.kafka.connect.storage.SimpleHeaderConverter', ['header_converter'], '4.3.1', new ConfigDef()),
    plugin(`${T}Filter`, ['transformation'], '4.3.1', new ConfigDef()),
    plugin(
      `${T}predicates.HasHeaderKey`,
      ['predicate'],
      '4.3.1',
      new ConfigDef().define({
        name: 'name',
        type: 'STRING',
        validator: NonEmptyString,
        importance: 'MEDIUM',
        documentation: 'The header name.',
      }),
    ),
  ];
  const classNames: Record<PluginKind, string[]> = {
    converter: recommendedFor('All:sinkOk', 'value.converter'),
    header_converter: recommendedFor('All:sinkOk', 'header.converter'),
    transformation: frameworkRecommended('transforms.f.type'),
    predicate: frameworkRecommended('predicates.p.type'),
    sink: [],
    source: [],
  };
  return { resolve: (name) => all.find((p) => p.className === name) ?? null, classNames: (kind) => classNames[kind] };
}

const clientConfigDefs = {
  producer: defFromInfos(infosOf('clientConfigKeys:producer')),
  consumer: defFromInfos(infosOf('clientConfigKeys:consumer')),
  admin: defFromInfos(infosOf('clientConfigKeys:admin')),
};

const withoutDocs = (infos: ConfigInfos): ConfigInfos => ({
  ...infos,
  configs: infos.configs.map((c) => {
    if (!c.definition) return c;
    const { documentation: _doc, ...definition } = c.definition;
    return { ...c, definition: definition as typeof c.definition };
  }),
});

const validate = ({ policy, config }: HerderCase) =>
  validateConnectorConfig({
    connectorDef: config['connector.class'] === 'probe.ProbeSinkConnector' ? sinkDef : sourceDef,
    connectorType: config['connector.class'] === 'probe.ProbeSinkConnector' ? 'sink' : 'source',
    config,
    plugins: plugins(),
    overridePolicy: overridePolicy(policy),
    workerConverters: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    },
    clientConfigDefs,
  });

const cases = Object.entries(herder).filter(([k]) => /^(All|None):/.test(k)) as [string, HerderCase][];

describe('validateConnectorConfig against a real Apache 4.3.1 herder', () => {
  it.each(cases.filter(([, c]) => typeof c.result !== 'string'))('%s: same ConfigInfos', (_name, c) => {
    const { infos, refused } = withoutExactlyOnceRefusal(validate(c));
    expect(withoutDocs(infos)).toEqual(c.result);
    if (/^required$/i.test(String(c.config['exactly.once.support'] ?? '').trim())) {
      expect(refused[0]).toBe('This worker does not have exactly-once source support enabled.');
    }
  });

  it.each(cases.filter(([, c]) => c.createError?.startsWith('BadRequestException: ')))(
    '%s: same 400 message on create',
    (_name, c) => {
      expect(configErrorMessage(validate(c))).toBe(c.createError!.replace(/^BadRequestException: /, ''));
    },
  );

  it('a badly typed client override fails the request (Apache answers 500)', () => {
    const c = herder['All:sinkOverrides'] as HerderCase;
    expect(c.result).toBe(
      'ExecutionException: Invalid value abc for configuration max.poll.records: Not a number of type INT',
    );
    expect(() => validate(c)).toThrow(ConfigException);
    expect(() => validate(c)).toThrow('Invalid value abc for configuration max.poll.records: Not a number of type INT');
  });
});

describe('connectorPluginConfig against a real Apache 4.3.1 herder', () => {
  it.each([
    ['probe.ProbeSinkConnector', sinkDef, 'sink'],
    ['probe.ProbeSourceConnector', sourceDef, 'source'],
  ] as const)('%s', (className, def, type) => {
    expect(connectorPluginConfig(def, type, { className, plugins: plugins() })).toEqual(
      infosOf(`pluginConfig:${className}`),
    );
  });
});
