/**
 * Java connector plug-ins end to end (docs/java-plugins.md): Apache's connect-file and connect-mirror 4.3.1 jars
 * on plugin.path of the local stack (the real composition, the test broker), listed and validated by the catalog
 * JVM, their tasks run by the JVM task host under the Node task-runner. One stack (one catalog JVM) per file.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { E2eStack } from '../e2e/helpers';
import { readLines, startE2eStack, taskLogs } from '../e2e/helpers';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { projectRoot } from '../services/paths';
import { buildFixturePlugin, javaPluginsDir, mirrorSourceConfig, pluginPathWith } from './helpers';

requireServices('kafka');

let e2e: E2eStack;
let pluginPath: string;
beforeAll(async () => {
  pluginPath = pluginPathWith('connect-file', 'connect-mirror');
  // Bad input beside the good plug-ins: a corrupt archive, a jar without plug-ins, a plug-in without its
  // dependencies, and a connector that fails where its config says.
  mkdirSync(join(pluginPath, 'broken'));
  writeFileSync(join(pluginPath, 'broken', 'broken.jar'), 'this is not a zip archive');
  mkdirSync(join(pluginPath, 'no-plugin'));
  cpSync(
    join(javaPluginsDir(), 'debezium-connector-postgres', 'protobuf-java-3.25.5.jar'),
    join(pluginPath, 'no-plugin', 'protobuf-java.jar'),
  );
  mkdirSync(join(pluginPath, 'debezium-nodeps'));
  cpSync(
    join(javaPluginsDir(), 'debezium-connector-postgres', 'debezium-connector-postgres-3.6.1.Final.jar'),
    join(pluginPath, 'debezium-nodeps', 'debezium-connector-postgres-3.6.1.Final.jar'),
  );
  buildFixturePlugin('bad-connector', pluginPath);
  e2e = await startE2eStack({
    'plugin.path': pluginPath,
    'offset.flush.interval.ms': '1000',
    // A JVM task host scans plugin.path before its first state report (seconds on a busy machine).
    'task.heartbeat.timeout.ms': '120000',
    // Every plug-in here has ServiceLoader manifests: Apache's fast discovery (1.5 s instead of 30 s per JVM
    // on the shared CI machine); the default, hybrid_warn, finds the same plug-ins (docs/java-plugins.md).
    'plugin.discovery': 'service_load',
  });
}, 300_000);
afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts || process.env.SKC_E2E_LOGS)
    process.stderr.write(taskLogs(e2e.stack));
});
afterAll(async () => {
  await e2e?.close();
  rmSync(pluginPath, { recursive: true, force: true });
}, 60_000);

describe('Java plug-ins on plugin.path', () => {
  it('GET /connector-plugins lists the Java connectors with Apache class names, types and versions', async () => {
    const { body } = await e2e.api.get<{ class: string; type: string; version?: string }[]>('/connector-plugins');
    expect(body).toEqual(
      expect.arrayContaining([
        { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '4.3.1' },
        { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '4.3.1' },
        { class: 'org.apache.kafka.connect.mirror.MirrorSourceConnector', type: 'source', version: '4.3.1' },
        { class: 'org.apache.kafka.connect.mirror.MirrorCheckpointConnector', type: 'source', version: '4.3.1' },
      ]),
    );
    // One entry per class: the JavaScript built-in FileStream (same class, same version) is shadowed.
    expect(body.filter((p) => p.class === 'org.apache.kafka.connect.file.FileStreamSinkConnector')).toHaveLength(1);
    const types = body.map((p) => p.type);
    expect(types.indexOf('source')).toBeGreaterThan(types.lastIndexOf('sink')); // Apache's order: sinks, then sources
  });

  it('validate and plugin config answer with Apache’s own code', async () => {
    const validate = await e2e.api.put<{
      name: string;
      error_count: number;
      configs: { value: { name: string; errors: string[] } }[];
    }>('/connector-plugins/MirrorSourceConnector/config/validate', {
      'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
      name: 'v',
      'tasks.max': '0',
    });
    expect(validate.status).toBe(200);
    expect(validate.body.name).toBe('org.apache.kafka.connect.mirror.MirrorSourceConnector');
    const tasksMax = validate.body.configs.find((c) => c.value.name === 'tasks.max');
    expect(tasksMax?.value.errors).toEqual(['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
    expect(validate.body.configs.map((c) => c.value.name)).toContain('source.cluster.alias');

    const config = await e2e.api.get<{ name: string }[]>('/connector-plugins/FileStreamSinkConnector/config');
    expect(config.status).toBe(200);
    expect(config.body.map((k) => k.name)).toEqual(expect.arrayContaining(['file', 'topics', 'name']));

    const unknown = await e2e.api.get<{ error_code: number; message: string }>(
      '/connector-plugins/com.example.Nope/config',
    );
    expect(unknown.status).toBe(404);
  });

  it("Apache's Java FileStream source → topic → Java FileStream sink moves 100,000 lines exactly", async () => {
    const { api, dir } = e2e;
    const topic = uniqueName('jvm-file');
    const source = uniqueName('jvm-src');
    const sink = uniqueName('jvm-sink');
    const input = join(dir, `${source}.txt`);
    const output = join(dir, `${sink}.txt`);
    const lines = Array.from({ length: 100_000 }, (_, i) => `line-${i}`);
    writeFileSync(input, `${lines.join('\n')}\n`);

    await api.create(source, { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
    await api.create(sink, { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: topic });
    for (const name of [source, sink]) {
      const status = await api.waitForState(name, 'RUNNING', 1, 120_000);
      expect(status.tasks[0]?.version).toBe('4.3.1');
    }
    const tasks = await api.get<{ config: Record<string, string> }[]>(`/connectors/${source}/tasks`);
    expect(tasks.body[0]?.config['task.class']).toBe('org.apache.kafka.connect.file.FileStreamSourceTask');

    await waitFor(() => readLines(output).length >= lines.length, {
      timeoutMs: 120_000,
      description: '100,000 lines in the sink file',
    });
    expect(readLines(output)).toEqual(lines);

    // The source's offsets are in the offsets topic, Apache's format: the REST API reads them back.
    const offsets = await waitFor(
      async () => {
        const body = (
          await api.get<{ offsets: { partition: unknown; offset: { position: number } }[] }>(
            `/connectors/${source}/offsets`,
          )
        ).body;
        return body.offsets[0]?.offset.position ? body : undefined;
      },
      { timeoutMs: 30_000, description: 'source offsets committed' },
    );
    expect(offsets.offsets[0]?.partition).toEqual({ filename: input });

    // Progress from Apache's own task metrics (the JVM reports them; docs/observability.md), as for JS tasks.
    interface TaskMetricsView {
      records_in: number;
      records_out: number;
      last_poll_time: number | null;
      last_put_time: number | null;
      last_commit_time: number | null;
      lag: { topic: string; partition: number; lag: number }[];
      stalled: boolean;
      metrics: Record<string, number>;
    }
    const taskMetrics = (name: string) =>
      waitFor(
        async () => {
          const { body } = await api.get<{ tasks: TaskMetricsView[]; lag: number | null }>(
            `/connectors/${name}/metrics`,
          );
          const task = body.tasks[0];
          const done = name === source ? task?.records_out === lines.length : task?.lag[0]?.lag === 0;
          return task && done && task.last_commit_time !== null ? { ...body, task } : undefined;
        },
        { timeoutMs: 60_000, description: `${name}: metrics of the Java task` },
      );
    const src = await taskMetrics(source);
    expect(src.task).toMatchObject({ records_in: lines.length, stalled: false });
    expect(src.task.last_poll_time).toEqual(expect.any(Number));
    expect(src.task.metrics).toMatchObject({
      'source-record-poll-total': lines.length,
      'source-record-write-total': lines.length,
      'source-record-active-count': 0,
    });
    const snk = await taskMetrics(sink);
    expect(snk.task).toMatchObject({ records_in: lines.length, records_out: lines.length, stalled: false });
    expect(snk.task.lag).toEqual([{ topic, partition: 0, position: lines.length, end: lines.length, lag: 0 }]);
    expect(snk.task.metrics).toMatchObject({ 'sink-record-send-total': lines.length, 'partition-count': 1 });
    expect(snk.task.metrics['offset-commit-completion-total']).toBeGreaterThan(0);
    expect(snk.lag).toBe(0);
    const expanded = await api.get<Record<string, { metrics: { tasks: unknown[] } }>>('/connectors?expand=metrics');
    expect(expanded.body[sink]?.metrics.tasks).toHaveLength(1);
    const prometheus = await fetch(`${e2e.stack.url}/metrics`).then((r) => r.text());
    expect(prometheus).toContain(
      `kafka_connect_sink_task_metrics_sink_record_send_total{connector="${sink}",task="0"} ${lines.length}`,
    );
    expect(prometheus).toContain(
      `kafka_connect_source_task_metrics_source_record_write_total{connector="${source}",task="0"} ${lines.length}`,
    );

    // Pause reaches the Java task (Apache's WorkerTask reports PAUSED).
    expect((await api.put(`/connectors/${sink}/pause`)).status).toBe(202);
    await api.waitForState(sink, 'PAUSED', 1, 60_000);
    expect((await api.put(`/connectors/${sink}/resume`)).status).toBe(202);
    await api.waitForState(sink, 'RUNNING', 1, 60_000);
    for (const name of [source, sink]) expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 300_000);

  it('MirrorSourceConnector replicates a topic, and a new topic after its requestTaskReconfiguration()', async () => {
    const { api } = e2e;
    const prefix = uniqueName('mm2-in');
    const [first, second] = [`${prefix}-a`, `${prefix}-b`];
    const name = uniqueName('mm2');
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
    const produce = async (topic: string, count: number): Promise<void> => {
      await ensureTopic(kafka, topic, { partitions: 1 });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `${topic}-${i}` })) });
      await producer.disconnect();
    };
    await produce(first, 50);

    // One cluster as both source and target: the alias prefix keeps the replica apart (src.<topic>).
    await api.create(name, {
      ...mirrorSourceConfig(prefix),
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    });
    await api.waitForState(name, 'RUNNING', 1, 120_000);
    const consumer = kafka.consumer({ groupId: uniqueName('mm2-check') });
    const seen = new Map<string, string[]>();
    await consumer.connect();
    try {
      await ensureTopic(kafka, `src.${second}`, { partitions: 1 });
      await consumer.subscribe({ topics: [`src.${first}`, `src.${second}`], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) =>
          void seen.set(topic, [...(seen.get(topic) ?? []), String(message.value)]),
      });
      await waitFor(() => (seen.get(`src.${first}`)?.length ?? 0) >= 50, {
        timeoutMs: 120_000,
        description: 'replicated records',
      });
      // The running connector (in the catalog JVM) finds the new topic, asks for new task configs, and the task
      // relaunched with them replicates it too.
      await produce(second, 20);
      await waitFor(() => (seen.get(`src.${second}`)?.length ?? 0) >= 20, {
        timeoutMs: 180_000,
        description: 'records of the topic created after the connector started',
      });
    } finally {
      await consumer.disconnect();
    }
    // At least once, as MirrorMaker 2 without exactly-once: the relaunch (new task configs) may repeat a record.
    const distinct = (topic: string) => [...new Set(seen.get(`src.${topic}`))];
    expect(distinct(first)).toEqual(Array.from({ length: 50 }, (_, i) => `${first}-${i}`));
    expect(distinct(second)).toEqual(Array.from({ length: 20 }, (_, i) => `${second}-${i}`));
    const tasks = await api.get<{ config: Record<string, string> }[]>(`/connectors/${name}/tasks`);
    expect(tasks.body[0]?.config['task.assigned.partitions']).toContain(second);
    expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 300_000);
});

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly request: unknown;
  readonly status: number;
  readonly body: unknown;
}

/** tools/apache-parity/capture-java-plugins.py: a real Apache 4.3.1 worker with connect-file and connect-mirror. */
const recorded = JSON.parse(
  readFileSync(join(projectRoot(), 'test', 'fixtures', 'apache-rest', 'apache-4.3.1-java-plugins.json'), 'utf8'),
) as Recorded[];

describe('parity with a real Apache 4.3.1 worker for the same plugin.path', () => {
  it.each(recorded.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_, r) => {
    const response = await e2e.api.request(r.method, r.path, r.request ?? undefined);
    // This stack's plugin.path also holds the bad-input fixture plug-in, and its classpath our own connectors (the
    // S3 sink), which the recorded worker did not have.
    const body =
      r.path.startsWith('/connector-plugins?') || r.path === '/connector-plugins'
        ? (response.body as { class: string }[]).filter(
            (p) => !p.class.startsWith('skc.test.') && !p.class.startsWith('serverless.'),
          )
        : response.body;
    expect({ status: response.status, body }).toEqual({ status: r.status, body: r.body });
  });
});

describe('bad Java plug-ins: clear messages, FAILED with the Java stack trace, never a hang', () => {
  type ErrorBody = { error_code: number; message: string };

  it('lists the good plug-ins despite a corrupt archive and a jar without plug-ins', async () => {
    const { body } = await e2e.api.get<{ class: string; type: string; version?: string }[]>('/connector-plugins');
    expect(body).toContainEqual({ class: 'skc.test.BadConnector', type: 'source', version: '0.0.1' });
    expect(body.some((p) => p.class.startsWith('com.google.protobuf'))).toBe(false);
  });

  it('an unknown class: Apache message, then the plugin.path locations that gave no plug-in and why', async () => {
    const { status, body } = await e2e.api.post<ErrorBody>('/connectors', {
      name: uniqueName('unknown'),
      config: { 'connector.class': 'com.example.CopiedAsABrokenJar' },
    });
    expect(status).toBe(400);
    expect(body.message).toContain(
      'Failed to find any class that implements Connector and which name matches com.example.CopiedAsABrokenJar, available connectors are: ',
    );
    expect(body.message).toContain('. plugin.path locations that gave no plug-in: ');
    expect(body.message).toContain(
      `${join(pluginPath, 'broken')} (${join(pluginPath, 'broken', 'broken.jar')}: not a readable jar or zip archive)`,
    );
    expect(body.message).toContain(`${join(pluginPath, 'no-plugin')} (no plug-in found in its archives)`);
  });

  it('a connector whose validate throws: 500 with its message', async () => {
    const { status, body } = await e2e.api.put<ErrorBody>('/connector-plugins/BadConnector/config/validate', {
      'connector.class': 'skc.test.BadConnector',
      name: 'bad',
      fail: 'validate',
    });
    expect({ status, body }).toEqual({ status: 500, body: { error_code: 500, message: 'validate exploded' } });
  });

  it('a plug-in without its dependencies: the message names the plug-in, its directory and the missing class', async () => {
    const { status, body } = await e2e.api.post<ErrorBody>('/connectors', {
      name: uniqueName('nodeps'),
      config: { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'topic.prefix': 'x' },
    });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(body.message).toContain('io.debezium.connector.postgresql.PostgresConnector');
    expect(body.message).toMatch(
      /A plug-in of that name failed to load: Failed to discover SourceConnector in \S*debezium-nodeps \(java\.lang\.NoClassDefFoundError: /,
    );
  });

  it('a connector whose start throws is FAILED with the Java stack trace', async () => {
    const name = uniqueName('bad-start');
    await e2e.api.create(name, { 'connector.class': 'skc.test.BadConnector', fail: 'start' });
    const status = await waitFor(
      async () => {
        const s = await e2e.api.status(name);
        return s?.connector.state === 'FAILED' ? s : undefined;
      },
      { timeoutMs: 60_000, description: 'connector FAILED' },
    );
    expect(status.connector.trace).toMatch(
      /Caused by: java\.lang\.IllegalStateException: start exploded\n\tat skc\.test\.BadConnector\.start/,
    );
    expect((await e2e.api.delete(`/connectors/${name}`)).status).toBe(204);
  });

  it('a task whose start throws is FAILED with the Java stack trace', async () => {
    const name = uniqueName('bad-task');
    await e2e.api.create(name, { 'connector.class': 'skc.test.BadConnector', fail: 'task' });
    const status = await waitFor(
      async () => {
        const s = await e2e.api.status(name);
        return s?.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      { timeoutMs: 120_000, description: 'task FAILED' },
    );
    expect(status.tasks[0]?.trace).toMatch(
      /java\.lang\.IllegalStateException: task exploded\n\tat skc\.test\.BadConnector\$BadTask\.start/,
    );
    expect((await e2e.api.delete(`/connectors/${name}`)).status).toBe(204);
  }, 180_000);
});
