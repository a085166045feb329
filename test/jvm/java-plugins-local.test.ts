/**
 * Java plug-ins in the local stack beyond the happy path (docs/java-plugins.md): two versions of one plug-in on
 * plugin.path, the worker's FileStream keys applied to Apache's Java FileStream, and the stack restarted on its
 * state (the Java connector instances, which live in the catalog JVM, come back and their reconfiguration
 * requests work again). Real broker, real composition, task-runner child processes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { type LocalStack, startLocalStack } from '../../composition/local-stack';
import { Api, bundleTaskRunner, taskLogs } from '../e2e/helpers';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { buildFixturePlugin, mirrorSourceConfig, pluginPathWith } from './helpers';

requireServices('kafka');

type ErrorBody = { error_code: number; message: string };

let dir: string;
let pluginPath: string;
let taskRunnerScript: string;
let stack: LocalStack;
let api: Api;
const baseProps: Record<string, string> = {};

/** The catalog JVM of this test's stack: a child of this process running `skc.jvmhost.Main catalog`. */
const catalogJvmPid = (not?: number): number | undefined => {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const pid = Number(entry);
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (ppid === process.pid && pid !== not && cmdline.includes('skc.jvmhost.Main') && cmdline.includes('catalog'))
        return pid;
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
};

const startStack = async (extra: Record<string, string> = {}): Promise<void> => {
  stack = await startLocalStack({
    stateDir: join(dir, 'state'),
    bootstrapServers: kafkaBootstrap(),
    listeners: 'http://127.0.0.1:0',
    taskRunnerScript,
    reconcileIntervalMs: 500,
    stopGraceMs: 10_000,
    workerProperties: { ...baseProps, ...extra },
  });
  api = new Api(stack.url);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skc-jvm-local-'));
  taskRunnerScript = await bundleTaskRunner(dir);
  pluginPath = pluginPathWith('connect-file', 'connect-mirror');
  // One plug-in, two versions: two plugin.path directories, each its own class loader (Apache's isolation).
  buildFixturePlugin('versioned-connector', pluginPath, { version: '1.0.0', subdir: 'versioned-1' });
  buildFixturePlugin('versioned-connector', pluginPath, { version: '2.0.0', subdir: 'versioned-2' });
  Object.assign(baseProps, {
    'plugin.path': pluginPath,
    'plugin.discovery': 'service_load',
    'offset.storage.topic': uniqueName('connect-offsets'),
    'offset.storage.partitions': '1',
    'offset.storage.replication.factor': '1',
    'offset.flush.interval.ms': '500',
    'task.heartbeat.interval.ms': '1000',
    'task.heartbeat.timeout.ms': '120000',
    'task.restart.backoff.initial.ms': '500',
    'task.restart.backoff.max.ms': '5000',
  });
  await startStack();
}, 300_000);
afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts || process.env.SKC_E2E_LOGS) process.stderr.write(taskLogs(stack));
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pluginPath, { recursive: true, force: true });
}, 60_000);

describe('two versions of one Java plug-in on plugin.path', () => {
  it('lists both, as Apache does; connector.plugin.version selects; a range that matches none is refused', async () => {
    const { body } = await api.get<{ class: string; type: string; version?: string }[]>('/connector-plugins');
    expect(body.filter((p) => p.class === 'skc.test.VersionedConnector')).toEqual([
      { class: 'skc.test.VersionedConnector', type: 'source', version: '1.0.0' },
      { class: 'skc.test.VersionedConnector', type: 'source', version: '2.0.0' },
    ]);

    const [latest, pinned] = [uniqueName('ver-latest'), uniqueName('ver-pinned')];
    await api.create(latest, { 'connector.class': 'skc.test.VersionedConnector', 'tasks.max': '1' });
    await api.create(pinned, {
      'connector.class': 'VersionedConnector',
      'tasks.max': '1',
      'connector.plugin.version': '1.0.0',
    });
    expect((await api.waitForState(latest, 'RUNNING', 1, 120_000)).tasks[0]?.version).toBe('2.0.0');
    expect((await api.waitForState(pinned, 'RUNNING', 1, 120_000)).tasks[0]?.version).toBe('1.0.0');

    const none = await api.post<ErrorBody>('/connectors', {
      name: uniqueName('ver-none'),
      config: { 'connector.class': 'skc.test.VersionedConnector', 'connector.plugin.version': '[5.0,6.0)' },
    });
    expect(none.status).toBe(400);
    // Apache's message (its validation runs in the catalog JVM).
    expect(none.body.message).toContain(
      'Plugin skc.test.VersionedConnector not found that matches the version range [5.0,6.0), available versions: [1.0.0, 2.0.0]',
    );
    for (const name of [latest, pinned]) expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 300_000);
});

describe('the local stack restarted on its state', () => {
  it('gives a Java connector its instance back: MirrorSource picks up a new topic; the FileStream keys reach an old config', async () => {
    const prefix = uniqueName('mm2r');
    const [first, second] = [`${prefix}-a`, `${prefix}-b`];
    const name = uniqueName('mm2-restart');
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
    const produce = async (topic: string, count: number): Promise<void> => {
      await ensureTopic(kafka, topic, { partitions: 1 });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `${topic}-${i}` })) });
      await producer.disconnect();
    };
    await produce(first, 10);
    await api.create(name, {
      ...mirrorSourceConfig(prefix),
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    });
    // A Java FileStream sink writing where the next run's skc.filestream.allowed.paths will not allow.
    const sink = uniqueName('jvm-fs-old');
    mkdirSync(join(dir, 'outside'), { recursive: true });
    await api.create(sink, {
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      file: join(dir, 'outside', 'out.txt'),
      topics: first,
    });
    await api.waitForState(name, 'RUNNING', 1, 120_000);
    await api.waitForState(sink, 'RUNNING', 1, 120_000);
    const generation = async (): Promise<string | undefined> =>
      (await api.get<{ config: Record<string, string> }[]>(`/connectors/${name}/tasks`)).body[0]?.config[
        'task.assigned.partitions'
      ];
    const before = await generation();

    // Restart the stack on its state, now with the FileStream confined.
    await stack.close();
    const allowed = join(dir, 'allowed');
    mkdirSync(allowed, { recursive: true });
    await startStack({ 'skc.filestream.allowed.paths': allowed });

    await api.waitForState(name, 'RUNNING', 1, 120_000);
    expect(await generation()).toBe(before); // same task configs: the restored instance did not churn the tasks
    // The restored instance (in the new catalog JVM) sees the new topic and asks for new task configs.
    await produce(second, 5);
    await waitFor(async () => ((await generation()) ?? '').includes(second), {
      timeoutMs: 120_000,
      description: 'task configs with the topic created after the restart',
    });
    const consumer = kafka.consumer({ groupId: uniqueName('mm2r-check') });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [`src.${second}`], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await waitFor(() => new Set(seen).size >= 5, { timeoutMs: 120_000, description: 'replicated new topic' });
    } finally {
      await consumer.disconnect();
    }
    expect([...new Set(seen)].sort()).toEqual(Array.from({ length: 5 }, (_, i) => `${second}-${i}`));

    // The catalog JVM dies (a plug-in crashed it): it is started again and the instance with it.
    const catalogPid = catalogJvmPid();
    expect(catalogPid).toBeDefined();
    process.kill(catalogPid!, 'SIGKILL');
    const third = `${prefix}-c`;
    await waitFor(() => catalogJvmPid(catalogPid) !== undefined, {
      timeoutMs: 120_000,
      description: 'a new catalog JVM',
    });
    await produce(third, 1);
    await waitFor(async () => ((await generation()) ?? '').includes(third), {
      timeoutMs: 120_000,
      description: 'task configs with the topic created after the catalog JVM was restarted',
    });

    // The old FileStream config: its task never opens the file outside the roots.
    const failed = await waitFor(
      async () => {
        const s = await api.status(sink);
        return s?.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      { timeoutMs: 120_000, description: 'FileStream task FAILED' },
    );
    expect(failed.tasks[0]?.trace).toContain(
      "outside the directories allowed by the worker's 'skc.filestream.allowed.paths'",
    );
    for (const n of [name, sink]) expect((await api.delete(`/connectors/${n}`)).status).toBe(204);
  }, 480_000);
});

describe("Apache's Java FileStream under skc.filestream.allowed.paths", () => {
  it('refuses a file outside the roots with a validation error on file (400); accepts one inside', async () => {
    const outside = await api.post<ErrorBody>('/connectors', {
      name: uniqueName('jvm-fs-out'),
      config: { 'connector.class': 'FileStreamSink', file: '/etc/skc-nope.txt', topics: 't' },
    });
    expect(outside.status).toBe(400);
    expect(outside.body.message).toContain('Invalid value /etc/skc-nope.txt for configuration file');
    expect(outside.body.message).toContain(
      "outside the directories allowed by the worker's 'skc.filestream.allowed.paths'",
    );

    const inside = await api.put<{ name: string; error_count: number }>(
      '/connector-plugins/FileStreamSinkConnector/config/validate',
      { 'connector.class': 'FileStreamSink', name: 'x', file: join(dir, 'allowed', 'in.txt'), topics: 't' },
    );
    expect(inside.body).toMatchObject({ name: 'FileStreamSink', error_count: 0 });
  });
});
