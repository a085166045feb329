/**
 * A superseded JVM task cannot commit source offsets (docs/java-plugins.md, "Generation check"): Apache's
 * FileStreamSourceTask in the JVM task host, run by the task instance exactly as the task-runner runs it
 * (fenceOffsets), against the real broker's offsets topic. While its generation is the stored one its offset
 * flushes go through; once a newer generation owns the task (its instance has reported), the JVM asks before its
 * next flush, is refused, does not write the offsets, and the instance ends fenced.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClientFactory, offsetsTopicStore } from '../../composition/kafka';
import { DISTRIBUTED_DEFAULTS } from '../../composition/worker-config';
import { JvmHost } from '../../lib/adapters/jvm/jvm-host';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import { JvmWorkerTask } from '../../lib/runtime/jvm-worker-task';
import { runTaskInstance } from '../../lib/runtime/task-instance';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { pluginPathWith } from './helpers';

requireServices('kafka');

let pluginPath: string;
let dir: string;
beforeAll(() => {
  pluginPath = pluginPathWith('connect-file');
  dir = mkdtempSync(join(tmpdir(), 'skc-jvm-fencing-'));
});
afterAll(() => {
  rmSync(pluginPath, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('generation check before each JVM offset commit', () => {
  it('a zombie JVM task of an old generation cannot commit source offsets', async () => {
    const connector = uniqueName('jvm-zombie');
    const file = join(dir, `${connector}.txt`);
    writeFileSync(file, 'a\nb\nc\n');
    const props = {
      ...DISTRIBUTED_DEFAULTS,
      'bootstrap.servers': kafkaBootstrap(),
      'offset.storage.topic': uniqueName('connect-offsets'),
      'offset.storage.partitions': '1',
      'offset.storage.replication.factor': '1',
      'offset.flush.interval.ms': '300',
      'plugin.path': pluginPath,
      'plugin.discovery': 'service_load',
    };
    const worker = parseWorkerConfig(props, 'distributed');
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const config = {
      name: connector,
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file,
      topic: uniqueName('jvm-zombie-topic'),
    };
    const created = await configStore.create(connector, config, 'STARTED');
    const generation1 = await configStore.update(connector, created.version, {
      generation: 1,
      taskConfigs: [{ ...config, 'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask' }],
      taskConfigsFromVersion: created.version,
    });
    const logs: string[] = [];
    const instance = runTaskInstance({
      connector,
      taskId: 0,
      generation: 1,
      workerId: 'zombie',
      configStore,
      statusStore,
      // The zombie does not learn about its successor from its own polling: only the commit check stops it.
      configPollMs: 3_600_000,
      runtime: () => ({
        worker,
        heartbeatIntervalMs: 3_600_000,
        kafka: kafkaClientFactory(),
        plugins: () => PluginRegistry.withBuiltins(),
        offsetStore: () => offsetsTopicStore(worker, `${connector}-unused`),
        fenceOffsets: true,
        jvmTask: (spec) =>
          new JvmWorkerTask(
            new JvmHost({ role: 'task', log: (line) => logs.push(line) }),
            { ...spec, workerProperties: props, workerId: 'zombie', stopGraceMs: 30_000 },
            spec.listener,
            (message) => logs.push(message),
          ),
      }),
    });

    const offsets = offsetsTopicStore(worker, `${connector}-reader`);
    await offsets.start();
    try {
      const position = async (): Promise<unknown> => (await offsets.list(connector))[0]?.offset?.['position'];
      // Current generation: its flushes go through (a, b, c: 6 bytes).
      await waitFor(async () => (await position()) === 6, { timeoutMs: 120_000, description: 'first commit' });

      // A newer generation takes over: the stored generation moves on and its instance reports.
      await configStore.update(connector, generation1.version, { generation: 2 });
      expect(
        await statusStore.putTask(connector, 0, {
          state: 'RUNNING',
          trace: null,
          workerId: 'successor',
          generation: 2,
          updatedAt: Date.now(),
        }),
      ).toBe(true);
      appendFileSync(file, 'd\ne\n');

      // The zombie reads d and e and tries to commit them: refused, and it ends fenced.
      const result = await instance;
      expect(result).toEqual({ outcome: 'fenced' });
      expect(logs.some((l) => l.includes('offset commit refused'))).toBe(true);
      expect(logs.some((l) => l.includes('Offset commit refused'))).toBe(true); // the JVM's own log line
      expect(await position()).toBe(6);
      expect((await statusStore.getTask(connector, 0))?.workerId).toBe('successor');
    } finally {
      await offsets.stop();
    }
  }, 240_000);
});
