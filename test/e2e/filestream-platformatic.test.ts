/**
 * The local stack with `skc.kafka.client=platformatic`: every task process produces and consumes with
 * @platformatic/kafka. The at-least-once cases of filestream.test.ts (which runs on kafkajs): a sink scaled over
 * a 3-partition topic (group rebalances between processes), and SIGKILLed source and sink tasks losing no line.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { lines, liveInstances, pidOf, readLines, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack({ 'skc.kafka.client': 'platformatic' });

describe('local stack end to end on @platformatic/kafka (skc.kafka.client=platformatic)', () => {
  it('moves lines through a scaled sink and SIGKILLed tasks without losing one', async () => {
    const { api, dir, stack } = e2e();
    const topic = uniqueName('e2e-plt-topic');
    await ensureTopic(createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'e2e-admin' }), topic, {
      partitions: 3,
      replicationFactor: 1,
    });
    const source = uniqueName('plt-src');
    const sink = uniqueName('plt-sink');
    const input = join(dir, `${source}.txt`);
    const output = join(dir, `${sink}.txt`);
    writeFileSync(input, '');
    const append = (from: number, to: number) => appendFileSync(input, `${lines(from, to).join('\n')}\n`);
    const waitForLines = (count: number) =>
      waitFor(() => new Set(readLines(output)).size >= count, {
        timeoutMs: 60_000,
        description: `${count} distinct lines in ${output}`,
      });
    await api.create(source, { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
    const sinkConfig = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: topic };
    await api.create(sink, sinkConfig);
    await api.waitForState(source, 'RUNNING', 1);
    await api.waitForState(sink, 'RUNNING', 1);
    append(0, 30);
    await waitForLines(30);

    // Three sink processes in one group: the partitions are rebalanced among them.
    expect((await api.put(`/connectors/${sink}/config`, { ...sinkConfig, 'tasks.max': '3' })).status).toBe(200);
    await api.waitForState(sink, 'RUNNING', 3);
    append(30, 60);
    await waitForLines(60);

    // SIGKILL the source task and one sink task; both are relaunched, at least once.
    const before = (await api.status(source))?.tasks[0]?.worker_id;
    const [sourceTask] = await liveInstances(stack, source);
    const [sinkTask] = await liveInstances(stack, sink);
    process.kill(pidOf(stack, sourceTask!.instanceId), 'SIGKILL');
    process.kill(pidOf(stack, sinkTask!.instanceId), 'SIGKILL');
    append(60, 90); // written while tasks are down
    await waitFor(async () => (await api.status(source))?.tasks[0]?.worker_id !== before, {
      timeoutMs: 30_000,
      description: 'source task relaunched',
    });
    await api.waitForState(source, 'RUNNING', 1);
    await api.waitForState(sink, 'RUNNING', 3);
    await waitForLines(90);
    expect(new Set(readLines(output))).toEqual(new Set(lines(0, 90)));
  });
});
