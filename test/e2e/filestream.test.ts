import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { kafkaBootstrap, requireServices, staysTrue, uniqueName, waitFor } from '../services/env';
import { isAlive, lines, liveInstances, pidOf, readLines, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack();

describe('local stack end to end: FileStreamSource → Kafka → FileStreamSink', () => {
  it('creates both by HTTP, moves lines file → file, reports status, and DELETE removes them and their processes', async () => {
    const { api, stack, dir } = e2e();
    const topic = uniqueName('e2e-topic');
    const source = uniqueName('src');
    const sink = uniqueName('sink');
    const input = join(dir, `${source}.txt`);
    const output = join(dir, `${sink}.txt`);
    writeFileSync(input, `${lines(0, 5).join('\n')}\n`);

    await api.create(source, { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
    await api.create(sink, { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: topic });

    const listed = await api.get<string[]>('/connectors');
    expect(listed.body).toEqual(expect.arrayContaining([source, sink]));

    for (const name of [source, sink]) {
      const status = await api.waitForState(name, 'RUNNING', 1);
      expect(status.connector.worker_id).toBe('reconciler');
      expect(status.tasks[0]?.worker_id).toMatch(/^.+:\d+$/); // hostname:pid of the task process
      expect(status.tasks[0]?.version).toMatch(/^4\.\d+\.\d+/); // the task plugin's version, as Apache 4.x shows
    }
    await waitFor(() => readLines(output).length >= 5, {
      timeoutMs: 60_000,
      description: 'first lines in the sink file',
    });
    appendFileSync(input, `${lines(5, 10).join('\n')}\n`);
    await waitFor(() => readLines(output).length >= 10, { timeoutMs: 30_000, description: 'appended lines' });
    expect(readLines(output)).toEqual(lines(0, 10));
    // KIP-558: each task-runner reports the topics it used
    for (const name of [source, sink]) {
      const topics = await waitFor(
        async () => {
          const body = (await api.get<Record<string, { topics: string[] }>>(`/connectors/${name}/topics`)).body;
          return body[name]?.topics.length ? body : undefined;
        },
        { description: `${name} active topics` },
      );
      expect(topics).toEqual({ [name]: { topics: [topic] } });
    }

    const pids = [...(await liveInstances(stack, source)), ...(await liveInstances(stack, sink))].map((i) =>
      pidOf(stack, i.instanceId),
    );
    expect(pids).toHaveLength(2);
    for (const name of [source, sink]) expect((await api.delete(`/connectors/${name}`)).status).toBe(204);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), { timeoutMs: 30_000, description: 'task processes gone' });
    expect((await api.get<string[]>('/connectors')).body).not.toContain(source);
    await waitFor(async () => (await api.status(source)) === undefined, {
      timeoutMs: 10_000,
      description: 'status 404',
    });
  });
});

describe('local stack end to end: lifecycle', () => {
  async function pipeline(
    opts: { sinkTasks?: number; partitions?: number; sourceExtra?: Record<string, string> } = {},
  ) {
    const { api, dir } = e2e();
    const topic = uniqueName('e2e-topic');
    // Created up front, as users do: a sink subscribed to a topic that does not exist yet fails in this runtime.
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'e2e-admin' });
    await ensureTopic(kafka, topic, { partitions: opts.partitions ?? 1, replicationFactor: 1 });
    const source = uniqueName('src');
    const sink = uniqueName('sink');
    const input = join(dir, `${source}.txt`);
    const output = join(dir, `${sink}.txt`);
    writeFileSync(input, '');
    const sourceConfig = {
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: input,
      topic,
      ...opts.sourceExtra,
    };
    await api.create(source, sourceConfig);
    const sinkConfig = {
      'connector.class': 'FileStreamSink',
      'tasks.max': String(opts.sinkTasks ?? 1),
      file: output,
      topics: topic,
    };
    await api.create(sink, sinkConfig);
    await api.waitForState(source, 'RUNNING', 1);
    await api.waitForState(sink, 'RUNNING', opts.sinkTasks ?? 1);
    const append = (from: number, to: number) => appendFileSync(input, `${lines(from, to).join('\n')}\n`);
    const waitForLines = (count: number, timeoutMs = 60_000) =>
      waitFor(() => readLines(output).length >= count, { timeoutMs, description: `${count} lines in ${output}` });
    return { topic, source, sink, input, output, sourceConfig, sinkConfig, append, waitForLines };
  }

  it('scales a sink 1 → 3 tasks on a 3-partition topic and back to 1, data still exact', async () => {
    const { api, stack } = e2e();
    const p = await pipeline({ partitions: 3 });
    p.append(0, 30);
    await p.waitForLines(30);

    expect((await api.put(`/connectors/${p.sink}/config`, { ...p.sinkConfig, 'tasks.max': '3' })).status).toBe(200);
    const scaled = await api.waitForState(p.sink, 'RUNNING', 3);
    expect(new Set(scaled.tasks.map((t) => t.worker_id)).size).toBe(3); // three processes
    expect(await liveInstances(stack, p.sink)).toHaveLength(3);
    p.append(30, 60);
    await p.waitForLines(60);

    expect((await api.put(`/connectors/${p.sink}/config`, { ...p.sinkConfig, 'tasks.max': '1' })).status).toBe(200);
    await api.waitForState(p.sink, 'RUNNING', 1);
    await waitFor(async () => (await liveInstances(stack, p.sink)).length === 1, { description: 'one sink process' });
    p.append(60, 90);
    await p.waitForLines(90);
    expect([...readLines(p.output)].sort()).toEqual(lines(0, 90).sort());
  });

  it('relaunches a SIGKILLed task: status shows the failure, then RUNNING again, no line lost', async () => {
    const { api, stack } = e2e();
    // a longer first backoff keeps the FAILED status observable
    const p = await pipeline({ sourceExtra: { 'task.restart.backoff.initial.ms': '3000' } });
    p.append(0, 10);
    await p.waitForLines(10);
    const [instance] = await liveInstances(stack, p.source);
    process.kill(pidOf(stack, instance!.instanceId), 'SIGKILL');

    const failed = await waitFor(
      async () => {
        const task = (await api.status(p.source))?.tasks[0];
        return task?.state === 'FAILED' ? task : undefined;
      },
      { timeoutMs: 20_000, description: 'task FAILED after SIGKILL' },
    );
    expect(failed.trace).toContain('SIGKILL');
    p.append(10, 20); // written while the task is down
    const back = await api.waitForState(p.source, 'RUNNING', 1);
    expect(back.tasks[0]?.worker_id).not.toBe(failed.worker_id);
    await p.waitForLines(20);
    // at-least-once: the killed task may not have committed its last offsets, so lines may repeat, never vanish
    expect(new Set(readLines(p.output))).toEqual(new Set(lines(0, 20)));
  });

  it('pause stops the flow, resume restarts it', async () => {
    const { api } = e2e();
    const p = await pipeline();
    p.append(0, 5);
    await p.waitForLines(5);
    expect((await api.put(`/connectors/${p.source}/pause`)).status).toBe(202);
    await api.waitForState(p.source, 'PAUSED', 1);
    p.append(5, 10);
    await staysTrue(() => readLines(p.output).length === 5, 3000, 'no new lines while paused', 100);
    expect((await api.put(`/connectors/${p.source}/resume`)).status).toBe(202);
    await api.waitForState(p.source, 'RUNNING', 1);
    await p.waitForLines(10);
    expect(readLines(p.output)).toEqual(lines(0, 10));
  });

  it('POST …/restart?includeTasks=true restarts the tasks in new processes', async () => {
    const { api } = e2e();
    const p = await pipeline();
    const before = await api.waitForState(p.source, 'RUNNING', 1);
    const restart = await api.post<{ connector: { state: string }; tasks: { state: string }[] }>(
      `/connectors/${p.source}/restart?includeTasks=true`,
    );
    expect(restart.status).toBe(202);
    expect(restart.body.tasks.map((t) => t.state)).toEqual(['RESTARTING']);
    const after = await waitFor(
      async () => {
        const status = await api.status(p.source);
        const task = status?.tasks[0];
        return task?.state === 'RUNNING' && task.worker_id !== before.tasks[0]?.worker_id ? status : undefined;
      },
      { timeoutMs: 60_000, description: 'task RUNNING in a new process' },
    );
    expect(after.connector.state).toBe('RUNNING');
    p.append(0, 3);
    await p.waitForLines(3);
    expect(readLines(p.output)).toEqual(lines(0, 3));
  });

  it('stop releases every process (tasks: []), offsets PATCH moves the position, resume continues from there', async () => {
    const { api, stack } = e2e();
    const p = await pipeline();
    p.append(0, 10);
    await p.waitForLines(10);
    // offsets are committed every 500 ms; wait until the 10 lines are in the offsets topic
    await waitFor(
      async () => {
        const offsets = await api.get<{ offsets: { offset: { position: number } }[] }>(
          `/connectors/${p.source}/offsets`,
        );
        return offsets.body.offsets[0]?.offset.position === Buffer.byteLength(`${lines(0, 10).join('\n')}\n`);
      },
      { description: 'source offsets committed' },
    );

    expect((await api.put(`/connectors/${p.source}/stop`)).status).toBe(204);
    const stopped = await waitFor(
      async () => {
        const status = await api.status(p.source);
        return status?.connector.state === 'STOPPED' && status.tasks.length === 0 ? status : undefined;
      },
      { description: 'STOPPED with tasks: []' },
    );
    expect(stopped.tasks).toEqual([]);
    await waitFor(async () => (await liveInstances(stack, p.source)).length === 0, {
      description: 'no source process',
    });
    expect((await api.get(`/connectors/${p.source}/tasks`)).body).toEqual([]);

    const position = Buffer.byteLength(`${lines(0, 3).join('\n')}\n`);
    const patched = await api.patch(`/connectors/${p.source}/offsets`, {
      offsets: [{ partition: { filename: p.input }, offset: { position } }],
    });
    expect(patched.status).toBe(200);

    expect((await api.put(`/connectors/${p.source}/resume`)).status).toBe(202);
    await api.waitForState(p.source, 'RUNNING', 1);
    await p.waitForLines(17);
    expect(readLines(p.output)).toEqual([...lines(0, 10), ...lines(3, 10)]);
  });
});
