/**
 * Which runtime runs a connector class (docs/java-plugins.md), and what the REST plug-in catalog shows when a
 * JavaScript built-in and a Java plug-in offer the same class, with a fake catalog (the real one: test/jvm).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInfos, ConfigKeyInfo } from '../../lib/connect/config-def';
import { RegistryPlugins } from '../../lib/herder/plugin-catalog';
import {
  findJavaConnector,
  hasJavaPlugins,
  javaClassOnPluginPath,
  type JavaPluginCatalog,
  type JavaPluginDesc,
  taskRunsInJvm,
  withJavaTaskConfigs,
} from '../../lib/plugins/java-plugins';
import { PluginRegistry } from '../../lib/plugins/registry';

const desc = (className: string, type: JavaPluginDesc['type'], version = '4.3.1'): JavaPluginDesc => ({
  className,
  type,
  version,
  location: 'file:/plugins/x/',
  desc: `PluginDesc{klass=class ${className}, name='${className}', version='${version}', encodedVersion=${version}, type=${type}, typeName='${type}', location='file:/plugins/x/'}`,
});

const JAVA = [
  desc('org.apache.kafka.connect.file.FileStreamSinkConnector', 'sink'),
  desc('org.apache.kafka.connect.file.FileStreamSourceConnector', 'source'),
  desc('io.debezium.connector.postgresql.PostgresConnector', 'source', '3.6.1.Final'),
  desc('org.apache.kafka.connect.json.JsonConverter', 'converter'),
];

function fakeCatalog(): JavaPluginCatalog & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    plugins: JAVA,
    scanProblems: ['Failed to discover SourceConnector in /plugins/broken: Unable to instantiate BrokenConnector'],
    pluginConfig: async (plugin) => {
      calls.push(`config ${plugin}`);
      return [{ name: 'java.key' } as ConfigKeyInfo];
    },
    validate: async (config) => {
      calls.push(`validate ${config['connector.class']}`);
      return { name: 'java', error_count: 0, groups: [], configs: [] } as ConfigInfos;
    },
    taskConfigs: async (connector) => {
      calls.push(`taskConfigs ${connector}`);
      return { type: 'source', version: '3.6.1.Final', taskConfigs: [{ 'task.class': 'x' }] };
    },
    releaseConnector: async (connector) => void calls.push(`release ${connector}`),
    onReconfigurationRequested: () => undefined,
    close: async () => undefined,
  };
}

describe('Java plug-ins beside the JavaScript registry', () => {
  const registry = PluginRegistry.withBuiltins();

  it('resolves Java connectors by class name and alias', () => {
    expect(findJavaConnector(JAVA, 'PostgresConnector')?.className).toBe(
      'io.debezium.connector.postgresql.PostgresConnector',
    );
    expect(findJavaConnector(JAVA, 'Postgres')?.version).toBe('3.6.1.Final');
    expect(findJavaConnector(JAVA, 'JsonConverter')).toBeUndefined(); // not a connector
  });

  it('lists a class offered by both once, in Apache order; unknown classes name the plug-ins that failed to load', () => {
    const plugins = new RegistryPlugins(registry, undefined, fakeCatalog());
    const listed = plugins.list(true);
    expect(listed.map((p) => p.class)).toEqual([
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'serverless.kafka.connect.s3.S3SinkConnector',
      'io.debezium.connector.postgresql.PostgresConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
    ]);
    const converters = plugins.list(false).filter((p) => p.type === 'converter');
    expect(converters.filter((p) => p.class === 'org.apache.kafka.connect.json.JsonConverter')).toEqual([
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '4.3.1' },
    ]);
    expect(plugins.connectorType('Postgres')).toBe('source');
    expect(plugins.unknownConnectorMessage('com.example.BrokenConnector')).toContain(
      'A plug-in of that name failed to load: Failed to discover SourceConnector in /plugins/broken',
    );
  });

  it('sends validate, plug-in config and task configs of Java connectors to the catalog; connector.plugin.version can select the built-in', async () => {
    const catalog = fakeCatalog();
    const plugins = new RegistryPlugins(registry, undefined, catalog);
    await plugins.validate({ 'connector.class': 'FileStreamSource', topic: 't' });
    await plugins.configKeys('PostgresConnector');
    const withVersion = await plugins.validate({
      'connector.class': 'FileStreamSource',
      'connector.plugin.version': '4.3.1',
      topic: 't',
    });
    expect(withVersion.name).not.toBe('java'); // the built-in answered
    const reconcilerPlugins = withJavaTaskConfigs(registry, catalog);
    await reconcilerPlugins.javaTaskConfigs('pg', { 'connector.class': 'Postgres' });
    expect(
      reconcilerPlugins.javaTaskConfigs('js', {
        'connector.class': 'FileStreamSource',
        'connector.plugin.version': '4.3.1',
      }),
    ).toBeUndefined();
    await reconcilerPlugins.releaseConnector('pg');
    await reconcilerPlugins.releaseConnector('never-started');
    expect(catalog.calls).toEqual([
      'validate FileStreamSource',
      'config PostgresConnector',
      'taskConfigs pg',
      'release pg',
    ]);
  });

  it('the task-runner decides without a JVM, from the archives on plugin.path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-java-plugins-'));
    try {
      expect(hasJavaPlugins([dir])).toBe(false);
      expect(taskRunsInJvm(registry, [dir], { 'connector.class': 'FileStreamSource' })).toBe(false);
      mkdirSync(join(dir, 'connect-file'));
      // A zip entry name is stored as is: enough for the byte search (a real jar in test/jvm).
      writeFileSync(
        join(dir, 'connect-file', 'connect-file.jar'),
        'PK\u0003\u0004org/apache/kafka/connect/file/FileStreamSourceConnector.class',
      );
      expect(hasJavaPlugins([dir])).toBe(true);
      expect(javaClassOnPluginPath([dir], 'org.apache.kafka.connect.file.FileStreamSourceConnector')).toBe(true);
      expect(taskRunsInJvm(registry, [dir], { 'connector.class': 'FileStreamSource' })).toBe(true);
      expect(taskRunsInJvm(registry, [dir], { 'connector.class': 'FileStreamSink' })).toBe(false);
      expect(
        taskRunsInJvm(registry, [dir], { 'connector.class': 'FileStreamSource', 'connector.plugin.version': '4.3.1' }),
      ).toBe(false);
      expect(
        taskRunsInJvm(registry, [dir], { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector' }),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
