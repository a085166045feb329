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
  Password,
  Range,
  ValidList,
  ValidString,
  convertConfigKey,
  convertToString,
  generateResult,
  javaDoubleToString,
  javaHashSetOrder,
  javaToString,
  parseType,
} from '../../lib/connect/config-def';
import type { ConfigType } from '../../lib/connect/config-def';
import { ConfigException } from '../../lib/connect/errors';
import { apache } from './apache-fixture';

const messageOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigException);
    return `ConfigException: ${(e as Error).message}`;
  }
};

describe('parseType matches Apache’s ConfigDef.parseType + convertToString', () => {
  it.each(Object.entries(apache.parseType))('%j', (input, expected) => {
    const space = input.indexOf(' ');
    const type = input.slice(0, space) as ConfigType;
    const raw = input.slice(space + 1);
    if (type === 'CLASS') {
      // Our CLASS values are names: "could not be found" is decided by the plugin registry (connector-config).
      expect(parseType('k', raw, type)).toBe('com.example.Nope');
      return;
    }
    if (typeof expected === 'string') {
      expect(() => parseType('k', raw, type)).toThrow(expected.replace(/^error: /, ''));
      return;
    }
    const parsed = parseType('k', raw, type);
    if (input === 'LONG 9223372036854775807') {
      // Deviation: LONG values are JavaScript numbers, exact only up to 2^53.
      expect(parsed).toBe(Number(raw));
      return;
    }
    expect(convertToString(parsed, type)).toBe(expected.value);
    expect(type === 'DOUBLE' ? javaDoubleToString(parsed as number) : javaToString(parsed)).toBe(expected.toString);
  });
});

describe('validators match Apache’s messages and descriptions', () => {
  const v = apache.validators;
  const cases: [string, () => unknown][] = [
    ['Range.atLeast(1).toString', () => Range.atLeast(1).toString()],
    ['Range.between(1,10).toString', () => Range.between(1, 10).toString()],
    ['Range.between(1,10) 11', () => messageOf(() => Range.between(1, 10).ensureValid('k', 11))],
    ['Range.atLeast(1) null', () => messageOf(() => Range.atLeast(1).ensureValid('k', null))],
    ['ValidString.in(a,b) c', () => messageOf(() => ValidString.in('a', 'b').ensureValid('k', 'c'))],
    ['ValidString.in(a,b).toString', () => ValidString.in('a', 'b').toString()],
    [
      'CaseInsensitiveValidString(requested,required) x',
      () => messageOf(() => CaseInsensitiveValidString.in('requested', 'required').ensureValid('k', 'x')),
    ],
    [
      'CaseInsensitiveValidString(poll,interval,connector) x',
      () => messageOf(() => CaseInsensitiveValidString.in('poll', 'interval', 'connector').ensureValid('k', 'x')),
    ],
    [
      'CaseInsensitiveValidString(only_scan,hybrid_warn,hybrid_fail,service_load).toString',
      () => CaseInsensitiveValidString.in('only_scan', 'hybrid_warn', 'hybrid_fail', 'service_load').toString(),
    ],
    ['ValidList.in(a,b) [a,c]', () => messageOf(() => ValidList.in('a', 'b').ensureValid('k', ['a', 'c']))],
    ['ValidList.in(a,b) [a,a]', () => messageOf(() => ValidList.in('a', 'b').ensureValid('k', ['a', 'a']))],
    ["ValidList.in(a,b) [a,'']", () => messageOf(() => ValidList.in('a', 'b').ensureValid('k', ['a', '']))],
    ['ValidList.in(a,b) null', () => messageOf(() => ValidList.in('a', 'b').ensureValid('k', null))],
    [
      'ValidList.in(false,a,b) []',
      () => messageOf(() => ValidList.inAllowingEmpty(false, 'a', 'b').ensureValid('k', [])),
    ],
    [
      'ValidList.anyNonDuplicateValues(false,false) []',
      () => messageOf(() => ValidList.anyNonDuplicateValues(false, false).ensureValid('k', [])),
    ],
    ['ValidList.in(a,b).toString', () => ValidList.in('a', 'b').toString()],
    ["NonEmptyString ''", () => messageOf(() => NonEmptyString.ensureValid('k', ''))],
    ['NonNullValidator null', () => messageOf(() => NonNullValidator.ensureValid('k', null))],
    [
      "NonEmptyStringWithoutControlChars ''",
      () => messageOf(() => NonEmptyStringWithoutControlChars.ensureValid('k', '')),
    ],
    [
      'NonEmptyStringWithoutControlChars tab',
      () => messageOf(() => NonEmptyStringWithoutControlChars.ensureValid('k', 'a\tb\u007f')),
    ],
    [
      'parse missing',
      () =>
        messageOf(() =>
          new ConfigDef().define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'd' }).parse({}),
        ),
    ],
    [
      'parse tasks.max abc',
      () =>
        messageOf(() =>
          new ConfigDef()
            .define({ name: 'tasks.max', type: 'INT', defaultValue: 1, importance: 'HIGH', documentation: 'd' })
            .parse({ 'tasks.max': 'abc' }),
        ),
    ],
    [
      'define twice',
      () =>
        messageOf(() =>
          new ConfigDef()
            .define({ name: 'a', type: 'INT', importance: 'HIGH', documentation: 'd' })
            .define({ name: 'a', type: 'INT', importance: 'HIGH', documentation: 'd' }),
        ),
    ],
    [
      'undefined dependent',
      () =>
        messageOf(() =>
          new ConfigDef()
            .define({
              name: 'a',
              type: 'INT',
              defaultValue: 1,
              importance: 'HIGH',
              documentation: 'd',
              dependents: ['b'],
            })
            .parse({}),
        ),
    ],
    ['Password.toString', () => new Password('x').toString()],
  ];
  it.each(cases)('%s', (name, run) => {
    expect(Object.prototype.hasOwnProperty.call(v, name)).toBe(true);
    expect(run()).toBe(v[name]);
  });

  it('Range over doubles prints the bound as given (Apache prints Java doubles: 1.5)', () => {
    expect(messageOf(() => Range.between(0.5, 1.5).ensureValid('k', 2))).toBe(
      'ConfigException: Invalid value 2 for configuration k: Value must be no more than 1.5',
    );
  });

  it('CompositeValidator and LambdaValidator', () => {
    const composite = CompositeValidator.of(
      NonNullValidator,
      LambdaValidator.with(
        (name, value) => {
          if (value === 'bad') throw new ConfigException(name, value, 'bad value');
        },
        () => 'not bad',
      ),
    );
    expect(composite.toString()).toBe('non-null string, not bad');
    expect(() => composite.ensureValid('k', 'bad')).toThrow('bad value');
    expect(() => composite.ensureValid('k', null)).toThrow('entry must be non null');
  });

  it('javaHashSetOrder follows java.util.HashSet iteration order', () => {
    expect(javaHashSetOrder(['REQUESTED', 'REQUIRED'])).toEqual(['REQUIRED', 'REQUESTED']);
    expect(javaHashSetOrder(['POLL', 'INTERVAL', 'CONNECTOR'])).toEqual(['INTERVAL', 'POLL', 'CONNECTOR']);
  });
});

describe('ConfigDef', () => {
  const def = () =>
    new ConfigDef()
      .define({
        name: 'topic',
        type: 'STRING',
        importance: 'HIGH',
        documentation: 'The topic.',
        group: 'G',
        orderInGroup: 1,
      })
      .define({
        name: 'tasks.max',
        type: 'INT',
        defaultValue: 1,
        validator: Range.atLeast(1),
        importance: 'HIGH',
        documentation: 'Tasks.',
        group: 'G',
        orderInGroup: 2,
        width: 'SHORT',
        displayName: 'Tasks max',
      })
      .define({ name: 'secret', type: 'PASSWORD', defaultValue: null, importance: 'LOW', documentation: 'S' })
      .define({ name: 'list', type: 'LIST', defaultValue: 'a,b', importance: 'LOW', documentation: 'L' })
      .define({ name: 'ratio', type: 'DOUBLE', defaultValue: 0.5, importance: 'LOW', documentation: 'R' });

  it('keeps definition order; names and groups', () => {
    expect([...def().configKeys().keys()]).toEqual(['topic', 'tasks.max', 'secret', 'list', 'ratio']);
    expect(def().names().has('secret')).toBe(true);
    expect(def().groups()).toEqual(['G']);
  });

  it('parse: typed values, defaults, required keys, unknown keys ignored', () => {
    const parsed = def().parse({ topic: ' t ', secret: 'pw', extra: 'x', 'tasks.max': '3' });
    expect(parsed).toEqual({ topic: 't', 'tasks.max': 3, secret: new Password('pw'), list: ['a', 'b'], ratio: 0.5 });
    expect(String(parsed.secret)).toBe('[hidden]');
    expect(JSON.stringify(parsed.secret)).toBe('"[hidden]"');
    expect(() => def().parse({})).toThrow('Missing required configuration "topic" which has no default value.');
    expect(() => def().parse({ topic: 't', 'tasks.max': 'abc' })).toThrow(
      'Invalid value abc for configuration tasks.max: Not a number of type INT',
    );
  });

  it('rejects an invalid default at define time', () => {
    expect(() =>
      new ConfigDef().define({
        name: 'n',
        type: 'INT',
        defaultValue: 0,
        validator: Range.atLeast(1),
        importance: 'LOW',
        documentation: '',
      }),
    ).toThrow('Invalid value 0 for configuration n: Value must be at least 1');
  });

  it('validate: one ConfigValue per key in definition order, all errors collected', () => {
    const values = def().validate({ 'tasks.max': '0', secret: 's' });
    expect(values.map((v) => v.name)).toEqual(['topic', 'tasks.max', 'secret', 'list', 'ratio']);
    expect(values[0]!.errorMessages).toEqual(['Missing required configuration "topic" which has no default value.']);
    expect(values[1]!.errorMessages).toEqual(['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
    expect(values[1]!.value).toBe(0);
  });

  it('validate walks dependents and applies recommenders', () => {
    const d = new ConfigDef()
      .define({
        name: 'mode',
        type: 'STRING',
        defaultValue: 'a',
        importance: 'LOW',
        documentation: '',
        dependents: ['x'],
      })
      .define({
        name: 'x',
        type: 'STRING',
        defaultValue: null,
        importance: 'LOW',
        documentation: '',
        recommender: {
          validValues: (_n, parsed) => (parsed.mode === 'a' ? ['1', '2'] : []),
          visible: (_n, parsed) => parsed.mode === 'a',
        },
      });
    const [, x] = d.validate({ mode: 'b' });
    expect(x!.visible).toBe(false);
    expect(d.validate({})[1]!.recommendedValues).toEqual(['1', '2']);
  });

  it('embed prefixes names and groups, numbers from startingOrd and sorts like Apache', () => {
    const child = new ConfigDef()
      .define({ name: 'b', type: 'STRING', defaultValue: '', importance: 'LOW', documentation: '' })
      .define({ name: 'a', type: 'STRING', importance: 'LOW', documentation: '', validator: NonEmptyString })
      .define({ name: 'g', type: 'INT', defaultValue: 1, importance: 'LOW', documentation: '', group: 'Inner' });
    const parent = new ConfigDef().embed('p.', 'Outer', 5, child);
    const keys = [...parent.configKeys().values()];
    // Required before defaulted at equal order; ungrouped before grouped.
    expect(keys.map((k) => [k.name, k.group, k.orderInGroup])).toEqual([
      ['p.a', 'Outer', 5],
      ['p.b', 'Outer', 6],
      ['p.g', 'Outer: Inner', 7],
    ]);
    // Embedded validators report the child's own key name, as Apache's do.
    expect(parent.validate({ 'p.a': '' })[0]!.errorMessages).toEqual([
      'Invalid value  for configuration a: String must be non-empty',
    ]);
  });

  it('merge adds another definition; copy constructor copies', () => {
    const merged = new ConfigDef(def()).merge(
      new ConfigDef().define({
        name: 'other',
        type: 'BOOLEAN',
        defaultValue: false,
        importance: 'LOW',
        documentation: '',
      }),
    );
    expect(merged.names().size).toBe(6);
    expect(def().names().size).toBe(5);
    expect(() => merged.merge(def())).toThrow('Configuration topic is defined twice.');
  });
});

describe('REST shapes', () => {
  it('convertConfigKey renders types, defaults and required like Apache', () => {
    const d = new ConfigDef()
      .define({ name: 'r', type: 'DOUBLE', defaultValue: 1e7, importance: 'LOW', documentation: 'd' })
      .define({ name: 'l', type: 'LIST', defaultValue: ['a', 'b'], importance: 'MEDIUM', documentation: 'd' })
      .define({ name: 'p', type: 'PASSWORD', defaultValue: 'x', importance: 'HIGH', documentation: null })
      .define({ name: 'q', type: 'LONG', importance: 'HIGH', documentation: 'q', group: 'G', orderInGroup: 3 });
    expect([...d.configKeys().values()].map(convertConfigKey)).toEqual([
      expect.objectContaining({
        name: 'r',
        type: 'DOUBLE',
        required: false,
        default_value: '1.0E7',
        order_in_group: -1,
        width: 'NONE',
        display_name: 'r',
        group: null,
      }),
      expect.objectContaining({ name: 'l', type: 'LIST', default_value: 'a,b', importance: 'MEDIUM' }),
      expect.objectContaining({ name: 'p', default_value: '[hidden]', documentation: null }),
      {
        name: 'q',
        type: 'LONG',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'q',
        group: 'G',
        order_in_group: 3,
        width: 'NONE',
        display_name: 'q',
        dependents: [],
      },
    ]);
  });

  it('generateResult: undefined values first, password values hidden, error_count summed', () => {
    const d = new ConfigDef().define({ name: 'p', type: 'PASSWORD', importance: 'HIGH', documentation: '' });
    const stray = new ConfigValue('stray', 'v', [], ['e1', 'e2']);
    const result = generateResult('C', d.configKeys(), [...d.validate({ p: 'secret' }), stray], ['G']);
    expect(result).toEqual({
      name: 'C',
      error_count: 2,
      groups: ['G'],
      configs: [
        {
          definition: null,
          value: { name: 'stray', value: 'v', recommended_values: [], errors: ['e1', 'e2'], visible: true },
        },
        {
          definition: expect.objectContaining({ name: 'p', type: 'PASSWORD', required: true }),
          value: { name: 'p', value: '[hidden]', recommended_values: [], errors: [], visible: true },
        },
      ],
    });
  });
});

describe('AbstractConfig', () => {
  it('typed getters, originals and prefixes; unknown keys rejected', () => {
    const d = new ConfigDef()
      .define({ name: 'n', type: 'INT', defaultValue: 2, importance: 'LOW', documentation: '' })
      .define({ name: 'b', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', documentation: '' });
    const c = new AbstractConfig(d, { b: 'TRUE', 'x.y': '1', 'x.z': '2', x: '3' });
    expect(c.getInt('n')).toBe(2);
    expect(c.getBoolean('b')).toBe(true);
    expect(c.originalsWithPrefix('x.')).toEqual({ y: '1', z: '2' });
    expect(c.originalsWithPrefix('x.', false)).toEqual({ 'x.y': '1', 'x.z': '2' });
    expect(() => c.get('nope')).toThrow("Unknown configuration 'nope'");
  });
});
