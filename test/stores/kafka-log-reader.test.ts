/**
 * The group-less log reader (lib/adapters/kafka/log-reader) against the real broker: reads a topic's existing
 * records, tails new ones, decodes compressed batches, skips aborted transactions and steps over control
 * records, and never creates a consumer group (neither alone nor under KafkaOffsetStore).
 */
import { CompressionTypes } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { ensureTopic, withAdmin } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkaLogReader } from '../../lib/adapters/kafka/log-reader';
import type { LogRecord } from '../../lib/adapters/kafka/log-reader';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

let kafka: Kafka | undefined;
const client = (): Kafka =>
  (kafka ??= createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'skc-log-reader-test', logLevel: 'nothing' }));

const stoppers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stoppers.map((stop) => stop()));
});

/** A started reader of `topic` that collects what it reads as `partition/key=value` strings. */
async function startReader(topic: string): Promise<{ reader: KafkaLogReader; seen: string[] }> {
  const seen: string[] = [];
  const reader = new KafkaLogReader({
    kafka: client(),
    topic,
    onRecords: (partition: number, records: readonly LogRecord[]) => {
      for (const r of records) seen.push(`${partition}/${r.key?.toString() ?? ''}=${r.value?.toString() ?? 'null'}`);
    },
  });
  stoppers.push(() => reader.stop());
  await reader.start();
  return { reader, seen };
}

async function produce(
  topic: string,
  messages: { key: string; value: string | null; partition: number }[],
  compression?: CompressionTypes,
): Promise<void> {
  const producer = client().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages, ...(compression !== undefined ? { compression } : {}) });
  } finally {
    await producer.disconnect();
  }
}

/** ensureTopic, retried: a topic just created can briefly answer UNKNOWN_TOPIC_OR_PARTITION to metadata. */
const createTopic = (topic: string, partitions: number): Promise<unknown> =>
  waitFor(() => ensureTopic(client(), topic, { partitions, replicationFactor: 1 }).then(() => true), {
    timeoutMs: 30_000,
    description: `topic ${topic}`,
  });

const readerGroups = async (): Promise<string[]> =>
  withAdmin(client(), async (admin) =>
    (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith('skc-offsets-reader')),
  );

describe('KafkaLogReader (group-less, like KafkaBasedLog)', () => {
  it('reads the existing records, then tails new writes without readToEnd, creating no consumer group', async () => {
    const topic = uniqueName('log-reader-tail');
    await createTopic(topic, 3);
    const before = await withAdmin(client(), async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId));
    await produce(topic, [
      { key: 'a', value: '1', partition: 0 },
      { key: 'b', value: '2', partition: 1 },
      { key: 'a', value: null, partition: 0 },
    ]);

    const { reader, seen } = await startReader(topic);
    await reader.readToEnd(30_000);
    // Partitions come in any order; within one, records come in offset order.
    expect([...seen].sort()).toEqual(['0/a=1', '0/a=null', '1/b=2']);
    expect(seen.filter((s) => s.startsWith('0/'))).toEqual(['0/a=1', '0/a=null']);

    // New writes arrive by the reader's own fetch loop, with nobody asking it to read to the end.
    await produce(topic, [
      { key: 'c', value: '3', partition: 2 },
      { key: 'a', value: '4', partition: 0 },
    ]);
    await waitFor(() => seen.length === 5, { timeoutMs: 30_000, description: 'the tailed records' });
    expect(seen.slice(3).sort()).toEqual(['0/a=4', '2/c=3']);

    // No group of its own: whatever groups exist now either existed before or belong to parallel tests, and
    // none of them names a topic this reader was given (kafkajs's consumer would have had to join one).
    const after = await withAdmin(client(), async (admin) => {
      const { groups } = await admin.listGroups();
      const added = groups.map((g) => g.groupId).filter((id) => !before.includes(id));
      return admin.describeGroups(added);
    });
    for (const group of after.groups) {
      for (const member of group.members) expect(member.clientId).not.toBe('skc-log-reader-test');
    }
  });

  it('decodes compressed batches, skips aborted transactions and steps over control records', async () => {
    const topic = uniqueName('log-reader-txn');
    await createTopic(topic, 1);
    await produce(topic, [{ key: 'gz', value: 'zipped', partition: 0 }], CompressionTypes.GZIP);
    const producer = client().producer({ transactionalId: uniqueName('log-reader-tx'), maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ key: 'x', value: 'aborted', partition: 0 }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ key: 'y', value: 'committed', partition: 0 }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    const { reader, seen } = await startReader(topic);
    // Resolving at all proves the position moved past the trailing commit marker (a control record).
    await reader.readToEnd(30_000);
    expect(seen).toEqual(['0/gz=zipped', '0/y=committed']);
  });

  it('rejects readToEnd once stopped', async () => {
    const topic = uniqueName('log-reader-stop');
    await createTopic(topic, 1);
    const { reader } = await startReader(topic);
    await reader.stop();
    await expect(reader.readToEnd(1_000)).rejects.toThrow('stopped');
  });

  it('KafkaOffsetStore leaves no skc-offsets-reader consumer group behind', async () => {
    const store = new KafkaOffsetStore({
      kafka: client(),
      topic: uniqueName('log-reader-offsets'),
      replicationFactor: 1,
    });
    stoppers.push(() => store.stop());
    await store.start();
    await store.put('c', [{ partition: { file: 'f' }, offset: { position: 1 } }]);
    expect((await store.get('c', [{ file: 'f' }])).size).toBe(1);
    expect(await readerGroups()).toEqual([]);
  });
});
