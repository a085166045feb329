/** The herder's view of plugins: a third-party connector with a secret, validation and its config keys. */
import { ConfigDef } from '../../lib/connect/config-def';
import { SinkConnector, type TaskClass } from '../../lib/connect/connector';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { connectorValidation } from '../../lib/herder/connector-validation';
import { Herder } from '../../lib/herder/herder';
import { RegistryPlugins } from '../../lib/herder/plugin-catalog';
import { PluginRegistry } from '../../lib/plugins/registry';

class SecretSinkConnector extends SinkConnector {
  static readonly className = 'com.example.SecretSinkConnector';
  version(): string {
    return '1.2.3';
  }
  start(): void {}
  taskClass(): TaskClass {
    throw new Error('not run in this test');
  }
  taskConfigs(): Record<string, string>[] {
    return [];
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'api.secret',
      type: 'PASSWORD',
      importance: 'HIGH',
      documentation: 'The secret.',
    });
  }
}

function herderWithSecretSink(): Herder {
  const registry = PluginRegistry.withBuiltins();
  registry.register({
    className: SecretSinkConnector.className,
    type: 'sink',
    version: '1.2.3',
    create: () => new SecretSinkConnector(),
  });
  return new Herder({
    configStore: new InMemoryConfigStore(),
    statusStore: new InMemoryStatusStore(),
    plugins: new RegistryPlugins(registry, connectorValidation(registry)),
  });
}

describe('plugins through the herder', () => {
  it('hides PASSWORD values in validation results', async () => {
    const infos = await herderWithSecretSink().validateConfig('SecretSink', {
      'connector.class': 'SecretSink',
      topics: 't',
      'api.secret': 's3cr3t',
    });
    const secret = infos.configs.find((c) => c.definition?.name === 'api.secret');
    expect(secret).toMatchObject({
      definition: { type: 'PASSWORD', required: true },
      value: { value: '[hidden]', errors: [] },
    });
    expect(JSON.stringify(infos)).not.toContain('s3cr3t');
  });

  it('lists the plugin with its version and resolves its aliases', async () => {
    const h = herderWithSecretSink();
    expect(h.listPlugins(true)).toContainEqual({
      class: 'com.example.SecretSinkConnector',
      type: 'sink',
      version: '1.2.3',
    });
    const keys = (await h.pluginConfig('SecretSinkConnector')).map((k) => k.name);
    expect(keys[0]).toBe('api.secret');
    expect(keys).toEqual(expect.arrayContaining(['name', 'connector.class', 'tasks.max', 'topics']));
    const info = await h.createConnector({
      name: 'secret',
      config: { 'connector.class': 'SecretSink', topics: 't', 'api.secret': 'x' },
    });
    expect(info.type).toBe('sink');
    // The stored config keeps the secret as given (Apache's GET …/config shows raw values too).
    expect(await h.connectorConfig('secret')).toMatchObject({ 'api.secret': 'x' });
  });

  it('reports a missing required secret with Apache’s message', async () => {
    await expect(
      herderWithSecretSink().createConnector({
        name: 'nosecret',
        config: { 'connector.class': 'SecretSink', topics: 't' },
      }),
    ).rejects.toThrow(
      'Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration "api.secret" which has no default value.\n',
    );
  });
});
