/**
 * connect-standalone's tasks resolve Secrets Manager references in the worker process, through the same async
 * `resolveConfig` of runTaskInstance the task-runner uses (an in-memory AwsSecretReaders stands in for AWS; the
 * moto-backed adapters run in test/e2e/secrets.test.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessLauncher } from '../../lib/adapters/local/in-process-launcher';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import type { AwsSecretReaders } from '../../lib/config/aws-config-providers';
import { ConfigProviders } from '../../lib/config/config-providers';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import type { ConnectorState } from '../../lib/storage/ports';
import { FakeConsumer, FakeProducer, MemoryLog } from '../runtime/fakes';
import { uniqueName, waitFor } from '../services/env';

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

describe('in-process tasks and secret references', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the task resolves ${secretsmanager:…}; the stored state keeps the reference', async () => {
    dir = mkdtempSync(join(tmpdir(), 'skc-in-process-secret-'));
    const resolvedFile = join(dir, `out-${uniqueName('token')}.txt`);
    const readers: AwsSecretReaders = {
      secretString: async (id) => (id === 'sink-file' ? JSON.stringify({ path: resolvedFile }) : null),
      parameter: async () => null,
    };
    const workerProps = {
      'bootstrap.servers': '127.0.0.1:9',
      'key.converter': STRING_CONVERTER,
      'value.converter': STRING_CONVERTER,
      'offset.storage.file.filename': join(dir, 'offsets'),
      'config.providers': 'secretsmanager',
      'config.providers.secretsmanager.class': 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
    };
    const providers = ConfigProviders.fromWorkerConfig(workerProps, undefined, readers);
    const connector = uniqueName('in-process-secret');
    const config = {
      name: connector,
      'connector.class': 'FileStreamSink',
      topics: 'secret-topic',
      file: '${secretsmanager:sink-file:path}',
    };
    const configStore = new InMemoryConfigStore();
    const state: ConnectorState = {
      name: connector,
      config,
      targetState: 'STARTED',
      version: 1,
      taskConfigs: [config],
      generation: 1,
      taskConfigsFromVersion: 1,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    configStore.get = async (name) => (name === connector ? state : undefined);
    const statusStore = new InMemoryStatusStore();
    const log = new MemoryLog();
    const launcher = new InProcessLauncher({
      configStore,
      statusStore,
      registry: PluginRegistry.withBuiltins(),
      worker: parseWorkerConfig(workerProps, 'standalone'),
      kafka: {
        newProducer: () => new FakeProducer(log),
        newConsumer: () => new FakeConsumer(log),
        newTopicAdmin: () => ({ ensureTopic: async () => false }),
      },
      offsetStore: new InMemoryOffsetStore(),
      resolveConfig: async (c) => (await providers.resolve(c)).data,
      workerId: 'secret-test:8083',
      heartbeatIntervalMs: 1_000,
      configPollMs: 100,
    });
    try {
      await launcher.launch({ connector, taskId: 0, generation: 1 });
      await waitFor(async () => (await statusStore.getTask(connector, 0))?.state === 'RUNNING', {
        timeoutMs: 10_000,
        description: 'task RUNNING',
      });
      expect(existsSync(resolvedFile)).toBe(true); // the sink opened the file the secret names
      expect(state.taskConfigs[0]?.['file']).toBe('${secretsmanager:sink-file:path}');
      expect(JSON.stringify(await statusStore.getTask(connector, 0))).not.toContain(resolvedFile);
    } finally {
      await launcher.stopAll('test done');
    }
  });
});
