/**
 * The in-process launcher (connect-standalone) against the TaskLauncher contract, and the task-instance path it
 * shares with the task-runner (lib/runtime/task-instance.ts). Its instances are real FileStreamSink tasks over
 * in-memory Kafka ports: a launched instance is RUNNING until it is stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessLauncher } from '../../lib/adapters/local/in-process-launcher';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import type { KafkaClientFactory } from '../../lib/storage/kafka-ports';
import type { ConnectorConfig, ConnectorState, LaunchSpec, TaskLauncher } from '../../lib/storage/ports';
import { FakeConsumer, FakeProducer, MemoryLog } from '../runtime/fakes';
import { uniqueName, waitFor } from '../services/env';
import { launcherContract } from './launcher-contract';

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

/** A config store that holds exactly the states the test seeds (any generation, without the reconciler). */
class SeededConfigStore extends InMemoryConfigStore {
  private readonly seeded = new Map<string, ConnectorState>();
  seed(spec: LaunchSpec, config: ConnectorConfig): void {
    this.seeded.set(spec.connector, {
      name: spec.connector,
      config,
      targetState: 'STARTED',
      version: 1,
      taskConfigs: Array.from({ length: spec.taskId + 1 }, () => config),
      generation: spec.generation,
      taskConfigsFromVersion: 1,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
  }
  override async get(name: string): Promise<ConnectorState | undefined> {
    return this.seeded.get(name) ?? super.get(name);
  }
}

const dirs: string[] = [];
const launchers: InProcessLauncher[] = [];
afterAll(async () => {
  for (const launcher of launchers) await launcher.stopAll('test cleanup');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function inProcess(connectorConfig: (connector: string) => ConnectorConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'skc-in-process-'));
  dirs.push(dir);
  const log = new MemoryLog();
  const kafka: KafkaClientFactory = {
    newProducer: () => new FakeProducer(log),
    newConsumer: () => new FakeConsumer(log),
    newTopicAdmin: () => ({ ensureTopic: async () => false }),
  };
  const configStore = new SeededConfigStore();
  const statusStore = new InMemoryStatusStore();
  const launcher = new InProcessLauncher({
    configStore,
    statusStore,
    registry: PluginRegistry.withBuiltins(),
    worker: parseWorkerConfig(
      {
        'bootstrap.servers': '127.0.0.1:9',
        'key.converter': STRING_CONVERTER,
        'value.converter': STRING_CONVERTER,
        'offset.storage.file.filename': join(dir, 'offsets'),
      },
      'standalone',
    ),
    kafka,
    offsetStore: new InMemoryOffsetStore(),
    workerId: 'in-process-test:8083',
    heartbeatIntervalMs: 1_000,
    configPollMs: 100,
  });
  launchers.push(launcher);
  // The contract launches instances of connectors it names itself: seed each one's state first.
  const seeding: TaskLauncher = {
    list: () => launcher.list(),
    stop: (id, reason) => launcher.stop(id, reason),
    launch: async (spec) => {
      configStore.seed(spec, connectorConfig(spec.connector));
      return launcher.launch(spec);
    },
  };
  return { launcher: seeding, inner: launcher, statusStore };
}

const fileSink = (dir: string) => (connector: string) => ({
  name: connector,
  'connector.class': 'FileStreamSink',
  file: join(dir, 'sink.txt'),
  topics: 'in-process-contract',
});

launcherContract('in-process launcher (connect-standalone)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skc-in-process-files-'));
  dirs.push(dir);
  return {
    launcher: inProcess(fileSink(dir)).launcher,
    other: inProcess(fileSink(dir)).launcher,
    cleanup: async () => undefined,
  };
});

describe('InProcessLauncher (runs the task-runner path)', () => {
  it('writes FAILED with the trace and ends with exit code 1 when the task cannot be built', async () => {
    const subject = inProcess((connector) => ({ name: connector, 'connector.class': 'NoSuchConnector' }));
    const connector = uniqueName('in-process-fail');
    const launched = await subject.launcher.launch({ connector, taskId: 0, generation: 1 });
    const ended = await waitFor(
      async () => (await subject.launcher.list()).find((i) => i.instanceId === launched.instanceId && i.exitCode),
      { timeoutMs: 10_000, description: 'instance ended' },
    );
    expect(ended).toMatchObject({ state: 'STOPPED', exitCode: 1 });
    const status = await subject.statusStore.getTask(connector, 0);
    expect(status).toMatchObject({ state: 'FAILED', workerId: 'in-process-test:8083', generation: 1 });
    expect(status?.trace).toContain('NoSuchConnector');
  });

  it('reports RUNNING for a task it runs, and ends an instance whose generation is not the stored one at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-in-process-files-'));
    dirs.push(dir);
    const subject = inProcess(fileSink(dir));
    const connector = uniqueName('in-process-run');
    const running = await subject.launcher.launch({ connector, taskId: 0, generation: 2 });
    await waitFor(async () => (await subject.statusStore.getTask(connector, 0))?.state === 'RUNNING', {
      timeoutMs: 10_000,
      description: 'task RUNNING',
    });
    // Generation 2 is the stored one: an instance of generation 1 (launched without seeding) ends before it starts.
    const stale = await subject.inner.launch({ connector, taskId: 0, generation: 1 });
    const ended = await waitFor(
      async () => (await subject.launcher.list()).find((i) => i.instanceId === stale.instanceId && i.stoppedAt),
      { timeoutMs: 10_000, description: 'stale instance ended' },
    );
    expect(ended).toMatchObject({ state: 'STOPPED', exitCode: 0 });
    expect((await subject.statusStore.getTask(connector, 0))?.generation).toBe(2);
    await subject.launcher.stop(running.instanceId, 'test done');
  });
});
