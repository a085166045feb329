/**
 * Exactly-once source (KIP-618) through the local stack: REST → reconciler → task-runner child processes with
 * `exactly.once.source.support=enabled`, against the real broker. A read_committed reader of the topic must see
 * every line exactly once across SIGKILLs of the task process, a restart (SIGTERM) and stop → resume.
 */
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { KafkaLogReader } from '../../lib/adapters/kafka/log-reader';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { lines, liveInstances, pidOf, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack({ 'exactly.once.source.support': 'enabled' });

/** A read_committed, group-less reader of `topic` that tails it while the test runs. */
async function committedReader(topic: string) {
  const values: string[] = [];
  const reader = new KafkaLogReader({
    kafka: createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'eos-e2e-reader' }),
    topic,
    onRecords: (_p, records) => {
      for (const r of records) values.push(r.value?.toString('utf8') ?? '');
    },
  });
  await reader.start();
  return { values, reader };
}

/**
 * How `values` differ from `lines(0, total)`, small enough to print (a failed toEqual on 200,000 lines makes Jest
 * diff for minutes): count, duplicates, missing, and the first position that differs.
 */
const compare = (values: readonly string[], total: number) => {
  const distinct = new Set(values);
  let firstDifference = -1;
  for (let i = 0; i < Math.max(values.length, total) && firstDifference < 0; i++) {
    if (values[i] !== `line-${i}`) firstDifference = i;
  }
  return {
    count: values.length,
    duplicates: values.length - distinct.size,
    missing: lines(0, total).filter((l) => !distinct.has(l)).length,
    firstDifference,
    around: firstDifference < 0 ? [] : values.slice(Math.max(0, firstDifference - 2), firstDifference + 3),
  };
};

async function eosSource() {
  const { api, dir } = e2e();
  const topic = uniqueName('eos-topic');
  await ensureTopic(createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'eos-e2e-admin' }), topic, {
    partitions: 1,
    replicationFactor: 1,
  });
  const name = uniqueName('eos-src');
  const input = join(dir, `${name}.txt`);
  writeFileSync(input, '');
  await api.create(name, {
    'connector.class': 'FileStreamSource',
    'tasks.max': '1',
    file: input,
    topic,
    'exactly.once.support': 'required',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  });
  await api.waitForState(name, 'RUNNING', 1);
  const committed = await committedReader(topic);
  const append = (from: number, to: number) => appendFileSync(input, `${lines(from, to).join('\n')}\n`);
  /** Waits until the committed source offset is the whole file, then reads the topic to its (stable) end. */
  const settle = async (count: number) => {
    const size = statSync(input).size;
    await waitFor(
      async () => {
        const body = (await api.get<{ offsets: { offset: { position: number } }[] }>(`/connectors/${name}/offsets`))
          .body;
        return body.offsets[0]?.offset.position === size;
      },
      { timeoutMs: 60_000, description: 'the whole file committed' },
    );
    await committed.reader.readToEnd(30_000);
    await waitFor(() => committed.values.length >= count, { timeoutMs: 30_000, description: `${count} lines` });
  };
  return { name, topic, input, append, committed, settle };
}

describe('exactly-once source delivery in the local stack', () => {
  it('SIGKILLed 5 times while moving 200,000 lines: every line exactly once for a read_committed reader', async () => {
    const { api, stack } = e2e();
    const s = await eosSource();
    try {
      const total = 200_000;
      const kills = 5;
      const step = total / kills;
      for (let k = 0; k < kills; k++) {
        s.append(k * step, (k + 1) * step);
        // Kill while the task is in the middle of this part: some of it committed, the rest not yet.
        const seen = s.committed.values.length;
        await waitFor(() => s.committed.values.length > seen, { timeoutMs: 60_000, description: 'progress' });
        const instance = await waitFor(async () => (await liveInstances(stack, s.name))[0], {
          description: 'a live task process',
        });
        process.kill(pidOf(stack, instance.instanceId), 'SIGKILL');
        await waitFor(
          async () => {
            const next = (await liveInstances(stack, s.name))[0];
            return next !== undefined && next.instanceId !== instance.instanceId;
          },
          { timeoutMs: 60_000, description: `relaunch after kill ${k + 1}` },
        );
      }
      await api.waitForState(s.name, 'RUNNING', 1);
      await s.settle(total);
      expect(compare(s.committed.values, total)).toEqual({
        count: total,
        duplicates: 0,
        missing: 0,
        firstDifference: -1,
        around: [],
      });
    } finally {
      await s.committed.reader.stop();
    }
  }, 240_000);

  it('a restart (SIGTERM) and stop → resume give no duplicate', async () => {
    const { api } = e2e();
    const s = await eosSource();
    try {
      s.append(0, 5000);
      await s.settle(5000);
      const before = await api.status(s.name);
      expect((await api.post(`/connectors/${s.name}/restart?includeTasks=true`)).status).toBe(202);
      await waitFor(
        async () => {
          const task = (await api.status(s.name))?.tasks[0];
          return task?.state === 'RUNNING' && task.worker_id !== before?.tasks[0]?.worker_id;
        },
        { timeoutMs: 60_000, description: 'task RUNNING in a new process' },
      );
      s.append(5000, 10_000);
      await s.settle(10_000);
      expect((await api.put(`/connectors/${s.name}/stop`)).status).toBe(204);
      await api.waitForState(s.name, 'STOPPED', 0);
      s.append(10_000, 15_000);
      expect((await api.put(`/connectors/${s.name}/resume`)).status).toBe(202);
      await api.waitForState(s.name, 'RUNNING', 1);
      await s.settle(15_000);
      expect(compare(s.committed.values, 15_000)).toEqual({
        count: 15_000,
        duplicates: 0,
        missing: 0,
        firstDifference: -1,
        around: [],
      });
    } finally {
      await s.committed.reader.stop();
    }
  });

  it("bad input: Apache's preflight messages on the right keys, 400 on create", async () => {
    const { api, dir } = e2e();
    const base = { 'connector.class': 'FileStreamSource', topic: 'x', file: join(dir, 'none.txt') };
    const validate = async (config: Record<string, string>) => {
      const response = await api.put<{ configs: { value: { name: string; errors: string[] } }[] }>(
        '/connector-plugins/FileStreamSource/config/validate',
        config,
      );
      expect(response.status).toBe(200);
      return (key: string) => response.body.configs.find((c) => c.value.name === key)?.value.errors;
    };
    // A connector that cannot define its own boundaries (Apache's default answer, FileStreamSource's too).
    const boundary = { ...base, 'transaction.boundary': 'connector' };
    expect((await validate(boundary))('transaction.boundary')).toEqual([
      'The connector does not support connector-defined transaction boundaries with the given configuration. ' +
        'Please reconfigure it to use a different transaction boundary definition.',
    ]);
    // FileStreamSource reading stdin (no file) declares it cannot give exactly-once semantics.
    const stdin = { 'connector.class': 'FileStreamSource', topic: 'x', 'exactly.once.support': 'required' };
    expect((await validate(stdin))('exactly.once.support')).toEqual([
      'The connector does not support exactly-once semantics with the provided configuration.',
    ]);
    for (const config of [boundary, stdin]) {
      const created = await api.post<{ error_code: number; message: string }>('/connectors', {
        name: uniqueName('eos-bad'),
        config,
      });
      expect(created.status).toBe(400);
      expect(created.body.error_code).toBe(400);
      expect(created.body.message).toMatch(/^Connector configuration is invalid and contains the following 1 error/);
    }
  });
});
