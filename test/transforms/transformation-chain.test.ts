/**
 * The runtime's TransformationChain over the registry's built-ins and plug-ins: predicates and `negate`, aliases,
 * JavaScript plug-ins from plugin.path, an undefined predicate alias, and transformation errors surfacing as
 * ordinary exceptions (what the error handler sees).
 */
import { join } from 'node:path';
import { ConfigException, DataException } from '../../lib/connect/errors';
import type { SourceRecord } from '../../lib/connect/records';
import { PluginRegistry } from '../../lib/plugins/registry';
import { TransformationChain } from '../../lib/runtime/transformation-chain';

const PLUGIN_DIR = join(__dirname, '..', 'fixtures', 'plugins');

const record = (topic: string, value: unknown): SourceRecord => ({
  topic,
  kafkaPartition: null,
  keySchema: null,
  key: null,
  valueSchema: null,
  value,
  timestamp: 1_700_000_000_000,
  headers: [],
  sourcePartition: { file: 'f' },
  sourceOffset: { position: 1 },
});

let registry: PluginRegistry;
beforeAll(async () => {
  registry = PluginRegistry.withBuiltins();
  await registry.loadPluginPath([PLUGIN_DIR]);
});

describe('TransformationChain with the built-in transformations', () => {
  it('applies a stage only where its predicate (or its negation) holds, and keeps source offsets', () => {
    const chain = TransformationChain.fromConfig<SourceRecord>(
      {
        transforms: 'route,drop',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': 'orders-(.*)',
        'transforms.route.replacement': 'o.$1',
        'transforms.route.predicate': 'isOrders',
        'transforms.drop.type': 'org.apache.kafka.connect.transforms.Filter',
        'transforms.drop.predicate': 'isRouted',
        'transforms.drop.negate': 'true',
        predicates: 'isOrders,isRouted',
        'predicates.isOrders.type': 'TopicNameMatches',
        'predicates.isOrders.pattern': 'orders-.*',
        'predicates.isRouted.type': 'TopicNameMatches',
        'predicates.isRouted.pattern': 'o\\..*',
      },
      registry,
    );
    const out = chain.apply(record('orders-eu', 'x'));
    expect(out).toMatchObject({ topic: 'o.eu', value: 'x', sourceOffset: { position: 1 } });
    expect(chain.apply(record('users', 'x'))).toBeNull();
    chain.close();
  });

  it('runs JavaScript transformations and predicates loaded from plugin.path', () => {
    const chain = TransformationChain.fromConfig<SourceRecord>(
      {
        transforms: 'upper',
        'transforms.upper.type': 'UpperCaseValue',
        'transforms.upper.predicate': 'a',
        predicates: 'a',
        'predicates.a.type': 'com.example.smt.ValueStartsWith',
        'predicates.a.prefix': 'a',
      },
      registry,
    );
    expect(chain.apply(record('t', 'abc'))?.value).toBe('ABC');
    expect(chain.apply(record('t', 'xyz'))?.value).toBe('xyz');
  });

  it('refuses to build a chain whose predicate alias is not defined', () => {
    expect(() =>
      TransformationChain.fromConfig(
        { transforms: 'drop', 'transforms.drop.type': 'Filter', 'transforms.drop.predicate': 'nope' },
        registry,
      ),
    ).toThrow(ConfigException);
  });

  it('fails configure as Apache does (no insertion configured) and surfaces apply errors as exceptions', () => {
    expect(() =>
      TransformationChain.fromConfig(
        { transforms: 'i', 'transforms.i.type': 'org.apache.kafka.connect.transforms.InsertField$Value' },
        registry,
      ),
    ).toThrow('No field insertion configured');
    const chain = TransformationChain.fromConfig<SourceRecord>(
      {
        transforms: 'c',
        'transforms.c.type': 'org.apache.kafka.connect.transforms.Cast$Value',
        'transforms.c.spec': 'a:int8',
      },
      registry,
    );
    expect(() => chain.apply(record('t', 'not a map'))).toThrow(DataException);
    expect(() => chain.apply(record('t', 'not a map'))).toThrow(
      'Only Map objects supported in absence of schema for [cast types], found: java.lang.String',
    );
  });
});
