/**
 * The transformations and predicates through the REST API: listed with their type and Kafka's version, their
 * ConfigDefs at `/connector-plugins/{name}/config`, their keys in `config/validate` (`transforms.<alias>.*`,
 * `predicates.<alias>.*`), and bad configs answered with a 400 from create and the error on the right key.
 * JavaScript plug-ins on plugin.path may add transformations and predicates.
 */
import { join } from 'node:path';
import { PluginRegistry } from '../../lib/plugins/registry';
import { type Call, createTestApi, viaLambdaV1 } from '../rest/harness';

const T = 'org.apache.kafka.connect.transforms';
const PLUGIN_DIR = join(__dirname, '..', 'fixtures', 'plugins');

interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: {
    definition: { name: string; group: string | null };
    value: { name: string; value: unknown; errors: string[] };
  }[];
}

let call: Call;
let uniq = 0;
beforeAll(async () => {
  const registry = PluginRegistry.withBuiltins();
  await registry.loadPluginPath([PLUGIN_DIR]);
  call = viaLambdaV1((await createTestApi({ registry })).composition);
});

const source = (extra: Record<string, string>): Record<string, string> => ({
  'connector.class': 'FileStreamSource',
  topic: 'smt-topic',
  file: '/tmp/smt-in.txt',
  ...extra,
});

async function validate(config: Record<string, string>): Promise<ConfigInfos> {
  const reply = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', { body: config });
  expect(reply.status).toBe(200);
  return reply.body as ConfigInfos;
}

const errorsOf = (infos: ConfigInfos): Record<string, string[]> =>
  Object.fromEntries(infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]));

/** create answers 400 with the validation errors; the same errors are on the keys of config/validate. */
async function expectRejected(config: Record<string, string>, key: string, ...messages: string[]): Promise<void> {
  const name = `smt-bad-${++uniq}`;
  const created = await call('POST', '/connectors', { body: { name, config: { ...config, name } } });
  expect(created.status).toBe(400);
  expect(created.body).toMatchObject({ error_code: 400 });
  for (const message of messages) expect((created.body as { message: string }).message).toContain(message);
  expect(errorsOf(await validate({ ...config, name }))).toEqual({ [key]: messages });
  expect((await call('GET', `/connectors/${name}`)).status).toBe(404);
}

describe('listing and plugin configs', () => {
  it('lists the 26 transformations and 3 predicates with Kafka version, in Apache order', async () => {
    const reply = await call('GET', '/connector-plugins?connectorsOnly=false');
    const plugins = reply.body as { class: string; type: string; version: string }[];
    const transformations = plugins.filter((p) => p.type === 'transformation');
    const predicates = plugins.filter((p) => p.type === 'predicate');
    expect(transformations.filter((p) => p.class.startsWith(T))).toHaveLength(26);
    expect(predicates.filter((p) => p.class.startsWith(T))).toHaveLength(3);
    expect(transformations).toContainEqual({ class: `${T}.Cast$Value`, type: 'transformation', version: '4.3.1' });
    expect(predicates).toContainEqual({
      class: `${T}.predicates.TopicNameMatches`,
      type: 'predicate',
      version: '4.3.1',
    });
    // the plug-in from plugin.path, with the version it reports
    expect(transformations).toContainEqual({
      class: 'com.example.smt.UpperCaseValue',
      type: 'transformation',
      version: '0.1.0',
    });
    expect(predicates).toContainEqual({
      class: 'com.example.smt.ValueStartsWith',
      type: 'predicate',
      version: '0.1.0',
    });
    const types = plugins.map((p) => p.type);
    expect(types.indexOf('predicate')).toBeGreaterThan(types.lastIndexOf('transformation'));
    expect(types.indexOf('converter')).toBeGreaterThan(types.lastIndexOf('predicate'));
  });

  it.each(['RegexRouter', `${T}.RegexRouter`])('GET /connector-plugins/%s/config shows its ConfigDef', async (name) => {
    const reply = await call('GET', `/connector-plugins/${name}/config`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      {
        name: 'regex',
        type: 'STRING',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Regular expression to use for matching.',
        group: null,
        order_in_group: -1,
        width: 'NONE',
        display_name: 'regex',
        dependents: [],
      },
      {
        name: 'replacement',
        type: 'STRING',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Replacement string.',
        group: null,
        order_in_group: -1,
        width: 'NONE',
        display_name: 'replacement',
        dependents: [],
      },
    ]);
  });

  it('shows the keys and defaults of $Key/$Value variants and predicates', async () => {
    const cast = (await call('GET', `/connector-plugins/${T}.Cast$Value/config`)).body as {
      name: string;
      default_value: unknown;
    }[];
    expect(cast.map((k) => [k.name, k.default_value])).toEqual([
      ['spec', null],
      ['replace.null.with.default', 'true'],
    ]);
    const extract = (await call('GET', `/connector-plugins/${T}.ExtractField$Key/config`)).body as { name: string }[];
    expect(extract.map((k) => k.name)).toEqual(['field', 'replace.null.with.default', 'field.syntax.version']);
    const matches = (await call('GET', '/connector-plugins/TopicNameMatches/config')).body as { name: string }[];
    expect(matches.map((k) => k.name)).toEqual(['pattern']);
  });
});

describe('config/validate and create', () => {
  it('embeds each alias its own group with type, version and the plugin keys', async () => {
    const infos = await validate(
      source({
        name: 'smt-ok',
        transforms: 'route,mask',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': '(.*)',
        'transforms.route.replacement': '$1-x',
        'transforms.mask.type': `${T}.MaskField$Value`,
        'transforms.mask.fields': 'a,b',
        'transforms.mask.predicate': 'tomb',
        'transforms.mask.negate': 'true',
        predicates: 'tomb',
        'predicates.tomb.type': 'RecordIsTombstone',
      }),
    );
    expect(infos.error_count).toBe(0);
    expect(infos.groups).toEqual(expect.arrayContaining(['Transforms: route', 'Transforms: mask', 'Predicates: tomb']));
    const keys = infos.configs.map((c) => c.definition.name);
    expect(keys).toEqual(
      expect.arrayContaining([
        'transforms.route.type',
        'transforms.route.plugin.version',
        'transforms.route.regex',
        'transforms.route.replacement',
        'transforms.route.predicate',
        'transforms.route.negate',
        'transforms.mask.fields',
        'transforms.mask.replacement',
        'transforms.mask.replace.null.with.default',
        'predicates.tomb.type',
        'predicates.tomb.plugin.version',
      ]),
    );
    const value = (name: string) => infos.configs.find((c) => c.value.name === name)?.value.value;
    expect(value('transforms.route.plugin.version')).toBe('4.3.1');
    expect(value('transforms.mask.replace.null.with.default')).toBe('true');
  });

  it('rejects an unknown transformation class on transforms.<alias>.type', async () => {
    await expectRejected(
      source({ transforms: 'x', 'transforms.x.type': 'com.example.NoSuchTransform' }),
      'transforms.x.type',
      'Invalid value com.example.NoSuchTransform for configuration transforms.x.type: Class com.example.NoSuchTransform could not be found.',
    );
  });

  it('rejects a missing required transformation key', async () => {
    await expectRejected(
      source({ transforms: 'route', 'transforms.route.type': 'RegexRouter', 'transforms.route.replacement': 'x' }),
      'transforms.route.regex',
      'Missing required configuration "transforms.route.regex" which has no default value.',
      // Apache's RegexValidator also sees the missing (null) value, and says so (proven by the differential test).
      'Invalid value null for configuration regex: Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null',
    );
  });

  it("rejects a regex that does not compile, with Java's message", async () => {
    await expectRejected(
      source({
        transforms: 'route',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': '(abc',
        'transforms.route.replacement': 'x',
      }),
      'transforms.route.regex',
      'Invalid value (abc for configuration regex: Invalid regex: Unclosed group near index 4\n(abc',
    );
  });

  it('rejects a predicate alias that is not defined', async () => {
    await expectRejected(
      source({ transforms: 'drop', 'transforms.drop.type': 'Filter', 'transforms.drop.predicate': 'nope' }),
      'transforms.drop.predicate',
      "Invalid value nope for configuration transforms.drop.predicate: Predicate alias 'nope' is not defined: add it to 'predicates' and set 'predicates.nope.type'",
    );
  });

  it('rejects a predicate whose pattern does not compile', async () => {
    await expectRejected(
      source({
        transforms: 'drop',
        'transforms.drop.type': 'Filter',
        'transforms.drop.predicate': 'p',
        predicates: 'p',
        'predicates.p.type': 'TopicNameMatches',
        'predicates.p.pattern': '*x',
      }),
      'predicates.p.pattern',
      "Invalid value *x for configuration pattern: Invalid regex: Dangling meta character '*' near index 0\n*x\n^",
    );
  });

  it('accepts a JavaScript transformation and predicate from plugin.path', async () => {
    const config = source({
      name: 'smt-js',
      transforms: 'upper',
      'transforms.upper.type': 'UpperCaseValue',
      'transforms.upper.predicate': 'starts',
      predicates: 'starts',
      'predicates.starts.type': 'com.example.smt.ValueStartsWith',
      'predicates.starts.prefix': 'a',
    });
    expect(errorsOf(await validate(config))).toEqual({});
    expect((await call('POST', '/connectors', { body: { name: 'smt-js', config } })).status).toBe(201);
  });
});
