import { join } from 'node:path';
import { SourceConnector } from '../../lib/connect/connector';
import { InternalServerError } from '../../lib/errors';
import { KAFKA_VERSION } from '../../lib/plugins/kafka-version';
import { PluginRegistry, pluginDescString, simpleName } from '../../lib/plugins/registry';
import type { PluginRegistration } from '../../lib/plugins/registry';

const SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const PLUGIN_DIR = join(__dirname, '..', 'fixtures', 'plugins');

const fake = (className: string, type: PluginRegistration['type']): PluginRegistration => ({
  className,
  type,
  version: '1.0',
  create: () => ({ className, type }),
});

describe('PluginRegistry', () => {
  it('has the FileStream connectors built in, with the Kafka version and location classpath', () => {
    const registry = PluginRegistry.withBuiltins();
    const source = registry.find(SOURCE);
    expect(source).toMatchObject({ type: 'source', version: KAFKA_VERSION, location: 'classpath' });
    expect(registry.find(SINK)?.type).toBe('sink');
    expect(source?.aliases.sort()).toEqual(['FileStreamSource', 'FileStreamSourceConnector']);
  });

  it.each([SOURCE, 'FileStreamSourceConnector', 'FileStreamSource'])('resolves connector.class=%s', (name) => {
    const registry = PluginRegistry.withBuiltins();
    expect(registry.connectorType(name)).toBe('source');
    expect(registry.newConnector(name)).toBeInstanceOf(SourceConnector);
  });

  it('answers an unknown connector class with Apache 500 message listing the connectors', () => {
    const registry = PluginRegistry.withBuiltins();
    const connectors = registry.list().filter((d) => d.type === 'source' || d.type === 'sink');
    const expected =
      'Failed to find any class that implements Connector and which name matches NoSuchConnector, available connectors are: ' +
      connectors.map(pluginDescString).join(', ');
    expect(() => registry.newConnector('NoSuchConnector')).toThrow(InternalServerError);
    expect(() => registry.newConnector('NoSuchConnector')).toThrow(expected);
    expect(pluginDescString(registry.find(SINK)!)).toBe(
      `PluginDesc{klass=class ${SINK}, name='${SINK}', version='${KAFKA_VERSION}', encodedVersion=${KAFKA_VERSION}, ` +
        "type=sink, typeName='sink', location='classpath'}",
    );
    expect(() => registry.newConnector('Nope')).toThrow(expect.objectContaining({ status: 500 }));
  });

  it('drops aliases claimed by two classes, and reports the ambiguity for connector.class', () => {
    const registry = new PluginRegistry();
    registry.register(fake('com.a.FooConnector', 'source'));
    registry.register(fake('com.b.FooConnector', 'sink'));
    registry.register(fake('com.c.BarConverter', 'converter'));
    expect(registry.find('FooConnector')).toBeUndefined();
    expect(registry.find('Foo')).toBeUndefined();
    expect(registry.find('com.a.FooConnector')?.type).toBe('source');
    expect(registry.find('Bar')?.className).toBe('com.c.BarConverter');
    expect(() => registry.newConnector('Foo')).toThrow(
      /^More than one connector matches alias Foo\. Please use full package/,
    );
  });

  it('prunes aliases at the last occurrence of the type suffix, as PluginUtils does', () => {
    const registry = new PluginRegistry();
    registry.register(fake('x.SimpleHeaderConverter', 'header_converter'));
    registry.register(fake('x.StringConverter', 'converter'));
    registry.register(fake('x.StringConverter', 'header_converter'));
    expect(registry.find('Simple')?.className).toBe('x.SimpleHeaderConverter');
    expect(registry.find('String')?.className).toBe('x.StringConverter');
    expect(registry.find('StringConverter')?.className).toBe('x.StringConverter');
    expect(simpleName('a.b.Outer$Inner')).toBe('Inner');
  });

  it('registers the built-in converters under Apache class names and aliases', () => {
    const registry = PluginRegistry.withBuiltins();
    expect(registry.find('JsonConverter')?.className).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(registry.find('Json')?.className).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(registry.list('header_converter').map((d) => d.className)).toContain(
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    );
    expect(registry.newConverter('StringConverter').fromConnectData('t', null, 'é')).toEqual(Buffer.from('é'));
    expect(registry.newHeaderConverter('SimpleHeaderConverter')).toBeDefined();
  });

  it('names the available plugins when a converter class is unknown', () => {
    const registry = new PluginRegistry();
    registry.register(fake('x.StringConverter', 'converter'));
    expect(() => registry.newConverter('Nope')).toThrow(
      'Failed to find any class that implements Converter and which name matches Nope, available plugins are: ' +
        "PluginDesc{klass=class x.StringConverter, name='x.StringConverter', version='1.0', encodedVersion=1.0, " +
        "type=converter, typeName='converter', location='classpath'}",
    );
  });

  it('loads JavaScript plugins from plugin.path directories, by duck typing', async () => {
    const registry = PluginRegistry.withBuiltins();
    await registry.loadPluginPath([PLUGIN_DIR, join(PLUGIN_DIR, 'does-not-exist')]);
    const source = registry.find('SequenceSource');
    expect(source).toMatchObject({
      className: 'com.example.connect.SequenceSourceConnector',
      type: 'source',
      version: '1.2.3',
      location: `file:${join(PLUGIN_DIR, 'sequence-source')}`,
    });
    expect(registry.connectorType('com.example.connect.SequenceSourceConnector')).toBe('source');
    const converter = registry.find('UpperCaseString');
    expect(converter).toMatchObject({ className: 'UpperCaseStringConverter', type: 'converter', version: 'undefined' });
    expect(registry.newConverter('UpperCaseStringConverter').fromConnectData('t', null, 'abc')).toEqual(
      Buffer.from('ABC'),
    );
    // Exports that are not plugins (the task class, plain values) are not registered.
    expect(registry.find('SequenceSourceTask')).toBeUndefined();
  });
});
