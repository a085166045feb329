/**
 * Stop → resume of a source connector replays nothing (issue 10 item 6), on the local stack (task processes, real
 * broker). The periodic offset flush is an hour here, so only the final commit of the stopping task can have
 * stored the position: it must go through although the connector is STOPPED by then.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { lines, liveInstances, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack({ 'offset.flush.interval.ms': '3600000' });

it('stop commits the offsets of every acknowledged record: resume replays 0 records', async () => {
  const { api, stack, dir } = e2e();
  const topic = uniqueName('stop-resume');
  const source = uniqueName('stop-resume-src');
  const input = join(dir, `${source}.txt`);
  writeFileSync(input, `${lines(0, 50).join('\n')}\n`);
  await api.create(source, { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
  await api.waitForState(source, 'RUNNING', 1);

  const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'stop-resume-test' });
  const admin = kafka.admin();
  await admin.connect();
  const endOffset = async (): Promise<number> => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  };
  try {
    await waitFor(async () => (await endOffset()) === 50, { timeoutMs: 60_000, description: '50 records produced' });

    expect((await api.put(`/connectors/${source}/stop`)).status).toBe(204);
    await waitFor(async () => (await liveInstances(stack, source)).length === 0, {
      timeoutMs: 30_000,
      description: 'the source task process has exited',
    });
    const stored = await api.get<{ offsets: { offset: { position: number } }[] }>(`/connectors/${source}/offsets`);
    expect(stored.body.offsets[0]?.offset.position).toBe(Buffer.byteLength(`${lines(0, 50).join('\n')}\n`));

    expect((await api.put(`/connectors/${source}/resume`)).status).toBe(202);
    await api.waitForState(source, 'RUNNING', 1);
    appendFileSync(input, `${lines(50, 55).join('\n')}\n`);

    // The last line arrives after everything a replay would have produced before it.
    const consumer = kafka.consumer({ groupId: uniqueName('stop-resume-reader') });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      // The stack's worker uses JsonConverter with schemas: each value is an envelope around the line.
      await consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString() ?? 'null') as { payload?: string } | string;
          seen.push(typeof value === 'string' ? value : (value?.payload ?? ''));
        },
      });
      await waitFor(() => seen.includes('line-54'), { timeoutMs: 60_000, description: 'the appended lines' });
    } finally {
      await consumer.disconnect();
    }
    expect(await endOffset()).toBe(55);
    expect(seen).toEqual(lines(0, 55));
  } finally {
    await admin.disconnect();
  }
}, 180_000);
