/**
 * A superseded JVM task cannot commit source offsets (docs/java-plugins.md, "Generation check"): Apache's
 * FileStreamSourceTask in the JVM task host, run by the task instance exactly as the task-runner runs it
 * (fenceOffsets), against the real broker's offsets topic. While its generation is the stored one its offset
 * flushes go through; once a newer generation owns the task (its instance has reported), the JVM asks before its
 * next flush, is refused, does not write the offsets, and the instance ends fenced. The same for a sink's group
 * offsets (FileStreamSinkTask behind the host's preCommit check).
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
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { TaskInstanceRuntime } from '../../lib/runtime/task-instance';
import type { WorkerConfig } from '../../lib/config/worker-config';
import { readLines } from '../e2e/helpers';
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

/** What the task-runner hands the instance for a Java plug-in, with fenceOffsets (every commit checked). */
const jvmRuntime = (worker: WorkerConfig, props: Record<string, string>, logs: string[]): TaskInstanceRuntime => ({
  worker,
  // The zombie does not learn about its successor from its heartbeat either.
  heartbeatIntervalMs: 3_600_000,
  kafka: kafkaClientFactory(),
  plugins: () => PluginRegistry.withBuiltins(),
  offsetStore: () => offsetsTopicStore(worker, uniqueName('unused')),
  fenceOffsets: true,
  jvmTask: (spec) =>
    new JvmWorkerTask(
      new JvmHost({ role: 'task', log: (line) => logs.push(line) }),
      { ...spec, workerProperties: props, workerId: 'zombie', stopGraceMs: 30_000 },
      spec.listener,
      (message) => logs.push(message),
    ),
});

const workerProps = (flushMs = 300): Record<string, string> => ({
  ...DISTRIBUTED_DEFAULTS,
  'bootstrap.servers': kafkaBootstrap(),
  'offset.storage.topic': uniqueName('connect-offsets'),
  'offset.storage.partitions': '1',
  'offset.storage.replication.factor': '1',
  'offset.flush.interval.ms': String(flushMs),
  'plugin.path': pluginPath,
  'plugin.discovery': 'service_load',
});

/** A connector of generation 1 with one task config; returns its stored state. */
async function generationOne(configStore: InMemoryConfigStore, config: Record<string, string>, taskClass: string) {
  const created = await configStore.create(config['name']!, config, 'STARTED');
  return configStore.update(config['name']!, created.version, {
    generation: 1,
    taskConfigs: [{ ...config, 'task.class': taskClass }],
    taskConfigsFromVersion: created.version,
  });
}

/** Generation 2 takes over: the stored generation moves on and its instance reports. */
async function successorTakesOver(
  configStore: InMemoryConfigStore,
  statusStore: InMemoryStatusStore,
  connector: string,
  version: number,
): Promise<void> {
  await configStore.update(connector, version, { generation: 2 });
  const status = {
    state: 'RUNNING' as const,
    trace: null,
    workerId: 'successor',
    generation: 2,
    updatedAt: Date.now(),
  };
  expect(await statusStore.putTask(connector, 0, status)).toBe(true);
}

describe('generation check before each JVM offset commit', () => {
  it('a zombie JVM task of an old generation cannot commit source offsets', async () => {
    const connector = uniqueName('jvm-zombie');
    const file = join(dir, `${connector}.txt`);
    writeFileSync(file, 'a\nb\nc\n');
    const props = workerProps();
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
    const generation1 = await generationOne(configStore, config, 'org.apache.kafka.connect.file.FileStreamSourceTask');
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
      runtime: () => jvmRuntime(worker, props, logs),
    });

    const offsets = offsetsTopicStore(worker, `${connector}-reader`);
    await offsets.start();
    try {
      const position = async (): Promise<unknown> => (await offsets.list(connector))[0]?.offset?.['position'];
      // Current generation: its flushes go through (a, b, c: 6 bytes).
      await waitFor(async () => (await position()) === 6, { timeoutMs: 120_000, description: 'first commit' });

      await successorTakesOver(configStore, statusStore, connector, generation1.version);
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

  it('a zombie JVM sink task of an old generation cannot commit its group offsets', async () => {
    const connector = uniqueName('jvm-zombie-sink');
    const topic = uniqueName('jvm-zombie-sink-topic');
    const groupId = `connect-${connector}`;
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: connector });
    await ensureTopic(kafka, topic, { partitions: 1 });
    const producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const produce = (values: string[]) => producer.send({ topic, messages: values.map((value) => ({ value })) });
    const committed = async (): Promise<string | undefined> =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;
    try {
      await produce(['a', 'b', 'c']);
      // Commits every 5 s: d and e are put well before the next commit, which must then be refused.
      const props = workerProps(5000);
      const worker = parseWorkerConfig(props, 'distributed');
      const configStore = new InMemoryConfigStore();
      const statusStore = new InMemoryStatusStore();
      const output = join(dir, `${connector}.txt`);
      const config = {
        name: connector,
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        file: output,
        topics: topic,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      };
      const generation1 = await generationOne(configStore, config, 'org.apache.kafka.connect.file.FileStreamSinkTask');
      const logs: string[] = [];
      const instance = runTaskInstance({
        connector,
        taskId: 0,
        generation: 1,
        workerId: 'zombie',
        configStore,
        statusStore,
        configPollMs: 3_600_000,
        runtime: () => jvmRuntime(worker, props, logs),
      });
      // Current generation: its group commits go through.
      await waitFor(async () => (await committed()) === '3', {
        timeoutMs: 120_000,
        description: 'first commit',
      }).catch((error: Error) => {
        throw new Error(`${error.message}; the task's last log lines:\n${logs.slice(-60).join('\n')}`);
      });

      await successorTakesOver(configStore, statusStore, connector, generation1.version);
      await produce(['d', 'e']);
      // The zombie puts d and e (the sink has them) but its commit of their offsets is refused; it ends fenced.
      await waitFor(() => readLines(output).length === 5, { timeoutMs: 60_000, description: 'd and e put' });
      expect(await instance).toEqual({ outcome: 'fenced' });
      expect(logs.some((l) => l.includes('Offset commit refused'))).toBe(true); // GatedSinkTask's log line
      expect(await committed()).toBe('3');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 240_000);
});
