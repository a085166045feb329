/**
 * The contract suite of the runtime's Kafka ports (producer, transactional producer, consumer, topic admin) over
 * every client adapter — kafkajs and @platformatic/kafka — against the real broker (SKC_SERVICES=kafka).
 * docs/kafka-client-port.md lists what each adapter supports.
 */
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { PlatformaticClientFactory } from '../../lib/adapters/platformatic-kafka/client-factory';
import type { TopicPartition } from '../../lib/connect/records';
import type {
  ConsumerPort,
  ConsumerRecord,
  KafkaClientFactory,
  LogRecord,
  ProducerRecord,
  RebalanceListener,
  WorkerKafkaClientFactory,
} from '../../lib/storage/kafka-ports';
import { isTransactionalProducer } from '../../lib/storage/kafka-ports';
import { murmur2 } from '../../lib/storage/offsets-codec';
import { kafkaBootstrap, requireServices, staysTrue, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const FACTORIES: [string, WorkerKafkaClientFactory][] = [
  ['kafkajs', new KafkajsClientFactory()],
  ['platformatic', new PlatformaticClientFactory()],
];

const record = (
  topic: string,
  value: string | null,
  key: string | null = null,
  headers: ProducerRecord['headers'] = [{ key: 'h', value: Buffer.from('v') }],
): ProducerRecord => ({
  topic,
  partition: null,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp: 1700000000000,
  headers,
});

const recordOf = (topic: string, value: string): ProducerRecord => record(topic, value);

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString());

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } catch (error) {
    // kafkajs' waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a loaded broker answers for a moment after
    // the creation: poll the metadata then.
    if ((error as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
    await waitFor(
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return (topics[0]?.partitions ?? []).filter((p) => p.leader >= 0).length === partitions;
      },
      { description: `leaders of ${topic}` },
    );
  } finally {
    await admin.disconnect();
  }
}

async function committedOffsets(group: string, topic: string): Promise<Map<number, string>> {
  const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.disconnect();
  return new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

async function produce(factory: KafkaClientFactory, records: ProducerRecord[], props: Record<string, string> = {}) {
  const producer = factory.newProducer({
    'bootstrap.servers': kafkaBootstrap(),
    'client.id': 'test-producer',
    ...props,
  });
  await producer.connect();
  try {
    return await producer.send(records);
  } finally {
    await producer.close();
  }
}

const noRebalance: RebalanceListener = { onPartitionsAssigned: () => undefined, onPartitionsRevoked: () => undefined };

function consumerOf(factory: KafkaClientFactory, group: string, props: Record<string, string> = {}): ConsumerPort {
  return factory.newConsumer({
    'bootstrap.servers': kafkaBootstrap(),
    'group.id': group,
    'client.id': 'test-consumer',
    'auto.offset.reset': 'earliest',
    ...props,
  });
}

/** Polls until `n` records arrived (more may come). */
async function pollUntil(consumer: ConsumerPort, n: number, into: ConsumerRecord[] = []): Promise<ConsumerRecord[]> {
  await waitFor(async () => (into.push(...(await consumer.poll(200))), into.length >= n ? true : undefined), {
    description: `${n} records`,
  });
  return into;
}

describe.each(FACTORIES)('Kafka port contract: %s adapter', (name, factory) => {
  it('reports per-record metadata in input order, keyed records partitioned by murmur2', async () => {
    const topic = uniqueName(`contract-produce-${name}`);
    await createTopic(topic, 3);
    const producer = factory.newProducer({ 'bootstrap.servers': kafkaBootstrap(), 'client.id': 'test-producer' });
    await producer.connect();
    const keys = ['a', 'b', 'c', 'a', 'a', 'b'];
    const first = await producer.send(keys.map((k, i) => record(topic, `v${i}`, k)));
    const second = await producer.send(keys.map((k, i) => record(topic, `w${i}`, k)));
    await producer.close();
    const partitionOf = new Map(first.map((m, i) => [keys[i], m.partition]));
    expect(first.map((m, i) => m.partition === partitionOf.get(keys[i]))).toEqual(keys.map(() => true));
    const perPartition = (metadata: typeof first, p: number) =>
      metadata.filter((m) => m.partition === p).map((m) => m.offset);
    for (const p of [0, 1, 2]) {
      const n = perPartition(first, p).length;
      expect(perPartition(first, p)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(perPartition(second, p)).toEqual(Array.from({ length: n }, (_, i) => n + i));
    }
    // Java's default partitioner for keyed records: toPositive(murmur2(key)) % partitions.
    for (const key of ['a', 'b', 'c']) {
      expect(partitionOf.get(key)).toBe((murmur2(Buffer.from(key)) & 0x7fffffff) % 3);
    }
  });

  it('keeps order, headers, null keys and null values; commits; rewinds with seek', async () => {
    const topic = uniqueName(`contract-consume-${name}`);
    const records = Array.from({ length: 200 }, (_, i) => record(topic, `m${i}`, i % 2 === 0 ? null : `k${i}`));
    records[3] = record(topic, null, 'tombstone', []);
    records[4] = record(topic, 'headers', null, [
      { key: 'dup', value: Buffer.from('1') },
      { key: 'dup', value: Buffer.from('2') },
      { key: 'empty', value: Buffer.alloc(0) },
    ]);
    // Two sends: ordering holds across requests too.
    await produce(factory, records.slice(0, 100));
    await produce(factory, records.slice(100));
    const group = uniqueName(`contract-group-${name}`);
    const consumer = consumerOf(factory, group);
    const assigned: TopicPartition[] = [];
    await consumer.subscribe(
      { topics: [topic] },
      { onPartitionsAssigned: (tps) => void assigned.push(...tps), onPartitionsRevoked: () => undefined },
    );
    const got = await pollUntil(consumer, 200);
    expect(got.map((r) => r.offset)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(got.map((r) => text(r.value))).toEqual(records.map((r) => text(r.value)));
    expect(got.map((r) => text(r.key))).toEqual(records.map((r) => text(r.key)));
    expect(got[0]).toMatchObject({ topic, partition: 0, timestamp: 1700000000000, timestampType: 'CreateTime' });
    expect(got[3]?.value).toBeNull();
    expect(got[4]?.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ['dup', '1'],
      ['dup', '2'],
      ['empty', ''],
    ]);
    expect(text(got[0]?.headers[0]?.value ?? null)).toBe('v');
    expect(assigned).toEqual([{ topic, partition: 0 }]);
    await consumer.commit(new Map([[{ topic, partition: 0 }, 200]]));
    consumer.seek({ topic, partition: 0 }, 197);
    const again = await pollUntil(consumer, 3);
    expect(again.map((r) => r.offset)).toEqual([197, 198, 199]);
    await consumer.close();
    expect((await committedOffsets(group, topic)).get(0)).toBe('200');
  });

  it('pauses and resumes a partition', async () => {
    const topic = uniqueName(`contract-pause-${name}`);
    await createTopic(topic, 2);
    const consumer = consumerOf(factory, uniqueName(`contract-pause-group-${name}`));
    await consumer.subscribe({ topics: [topic] }, noRebalance);
    await waitFor(async () => (await consumer.poll(100), consumer.assignment().length === 2));
    const p0 = { topic, partition: 0 };
    consumer.pause([p0]);
    await produce(factory, [
      { ...record(topic, 'zero'), partition: 0 },
      { ...record(topic, 'one'), partition: 1 },
    ]);
    const seen: ConsumerRecord[] = [];
    await pollUntil(consumer, 1, seen);
    await staysTrue(
      async () => (seen.push(...(await consumer.poll(50))), seen.every((r) => r.partition === 1)),
      1000,
      'paused partition 0 delivers nothing',
    );
    consumer.resume([p0]);
    await waitFor(async () => (seen.push(...(await consumer.poll(100))), seen.some((r) => r.partition === 0)));
    expect(seen.map((r) => text(r.value)).sort()).toEqual(['one', 'zero']);
    await consumer.close();
  });

  it('rebalances between two members of a group without losing records', async () => {
    const topic = uniqueName(`contract-rebalance-${name}`);
    await createTopic(topic, 2);
    const group = uniqueName(`contract-rebalance-group-${name}`);
    const events: string[] = [];
    const listener = (member: string, consumer: () => ConsumerPort): RebalanceListener => ({
      onPartitionsAssigned: (tps) => void events.push(`${member}+${tps.map((t) => t.partition).join(',')}`),
      // As the runtime does: commit what was processed before the partitions move.
      onPartitionsRevoked: async (tps) => {
        events.push(`${member}-${tps.map((t) => t.partition).join(',')}`);
        const positions = new Map(
          tps.filter((tp) => done.has(`${tp.partition}`)).map((tp) => [tp, done.get(`${tp.partition}`) as number]),
        );
        if (positions.size > 0) await consumer().commit(positions);
      },
    });
    const done = new Map<string, number>();
    const received = new Set<string>();
    const track = (records: ConsumerRecord[]) => {
      for (const r of records) {
        received.add(text(r.value) ?? '');
        done.set(`${r.partition}`, r.offset + 1);
      }
    };
    const first: ConsumerPort = consumerOf(factory, group, {
      'session.timeout.ms': '10000',
      'heartbeat.interval.ms': '500',
    });
    await first.subscribe(
      { topics: [topic] },
      listener('a', () => first),
    );
    await produce(
      factory,
      Array.from({ length: 20 }, (_, i) => ({ ...record(topic, `r${i}`), partition: i % 2 })),
    );
    await waitFor(async () => (track(await first.poll(100)), received.size >= 20 ? true : undefined));
    expect(
      first
        .assignment()
        .map((t) => t.partition)
        .sort(),
    ).toEqual([0, 1]);
    const second: ConsumerPort = consumerOf(factory, group, {
      'session.timeout.ms': '10000',
      'heartbeat.interval.ms': '500',
    });
    await second.subscribe(
      { topics: [topic] },
      listener('b', () => second),
    );
    // Both members keep polling (a member's rebalance callbacks run in its poll) until each has one partition.
    await waitFor(
      async () => {
        track(await first.poll(50));
        track(await second.poll(50));
        // …and the first member's revocation callback ran (in its poll) before its partition moved on.
        return first.assignment().length === 1 &&
          second.assignment().length === 1 &&
          events.some((e) => e.startsWith('a-'))
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, description: 'one partition each' },
    );
    expect([...first.assignment(), ...second.assignment()].map((t) => t.partition).sort()).toEqual([0, 1]);
    await produce(
      factory,
      Array.from({ length: 20 }, (_, i) => ({ ...record(topic, `s${i}`), partition: i % 2 })),
    );
    await waitFor(async () => {
      track(await first.poll(50));
      track(await second.poll(50));
      return received.size >= 40 ? true : undefined;
    });
    await second.close();
    await first.close();
  });

  it('writes transactions that read_committed consumers see only once committed', async () => {
    const record = recordOf;
    const topic = uniqueName(`contract-txn-${name}`);
    await createTopic(topic, 1);
    const transactionalId = uniqueName(`contract-txn-id-${name}`);
    const producer = factory.newProducer({
      'bootstrap.servers': kafkaBootstrap(),
      'client.id': 'test-txn-producer',
      'transactional.id': transactionalId,
    });
    if (!isTransactionalProducer(producer)) throw new Error('expected a transactional producer');
    await producer.connect();
    await producer.initTransactions(30_000);
    await producer.send([record(topic, 'aborted-1'), record(topic, 'aborted-2')]);
    await producer.abortTransaction();
    await producer.send([record(topic, 'committed-1')]);
    await producer.commitTransaction([record(topic, 'committed-2')]);
    // A second producer of the same transactional.id fences the first.
    const successor = factory.newProducer({
      'bootstrap.servers': kafkaBootstrap(),
      'client.id': 'test-txn-successor',
      'transactional.id': transactionalId,
    });
    if (!isTransactionalProducer(successor)) throw new Error('expected a transactional producer');
    await successor.connect();
    await successor.initTransactions(30_000);
    await expect(
      (async () => {
        await producer.send([record(topic, 'zombie')]);
        await producer.commitTransaction();
      })(),
    ).rejects.toThrow();
    await producer.close().catch(() => undefined);
    await successor.send([record(topic, 'committed-3')]);
    await successor.commitTransaction();
    await successor.close();

    const committed = consumerOf(factory, uniqueName(`contract-rc-${name}`), { 'isolation.level': 'read_committed' });
    await committed.subscribe({ topics: [topic] }, noRebalance);
    const rc = await pollUntil(committed, 3);
    expect(rc.map((r) => text(r.value))).toEqual(['committed-1', 'committed-2', 'committed-3']);
    await committed.close();
    const uncommitted = consumerOf(factory, uniqueName(`contract-ru-${name}`), {
      'isolation.level': 'read_uncommitted',
    });
    await uncommitted.subscribe({ topics: [topic] }, noRebalance);
    const ru = await pollUntil(uncommitted, 5);
    expect(ru.map((r) => text(r.value)).slice(0, 5)).toEqual([
      'aborted-1',
      'aborted-2',
      'committed-1',
      'committed-2',
      'committed-3',
    ]);
    await uncommitted.close();
  });

  it('creates a topic with configs once (ensureTopic)', async () => {
    const topic = uniqueName(`contract-ensure-${name}`);
    const admin = factory.newTopicAdmin({ 'bootstrap.servers': kafkaBootstrap(), 'client.id': 'test-admin' });
    const settings = { partitions: 2, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } };
    expect(await admin.ensureTopic(topic, settings)).toBe(true);
    expect(await admin.ensureTopic(topic, settings)).toBe(false);
    const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
    await kafka.connect();
    const metadata = await kafka.fetchTopicMetadata({ topics: [topic] });
    await kafka.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  });
});

describe('Kafka port contract: the two adapters interoperate', () => {
  it.each([
    ['kafkajs', 'platformatic'],
    ['platformatic', 'kafkajs'],
  ])('records written by %s are read by %s, with compression', async (writer, reader) => {
    const writeWith = FACTORIES.find(([n]) => n === writer)?.[1] as KafkaClientFactory;
    const readWith = FACTORIES.find(([n]) => n === reader)?.[1] as KafkaClientFactory;
    const topic = uniqueName(`contract-interop-${writer}`);
    await produce(writeWith, [record(topic, 'plain', 'k1'), record(topic, null, null, [{ key: 'n', value: null }])]);
    await produce(writeWith, [record(topic, 'gzipped', 'k2')], { 'compression.type': 'gzip' });
    const consumer = consumerOf(readWith, uniqueName('contract-interop-group'));
    await consumer.subscribe({ topics: [topic] }, noRebalance);
    const got = await pollUntil(consumer, 3);
    await consumer.close();
    expect(got.map((r) => [text(r.key), text(r.value)])).toEqual([
      ['k1', 'plain'],
      [null, null],
      ['k2', 'gzipped'],
    ]);
    // kafkajs cannot write a null header value (it writes an empty one); @platformatic/kafka keeps null.
    expect(text(got[1]?.headers[0]?.value ?? null)).toBe(writer === 'kafkajs' ? '' : null);
  });

  it.each(['snappy', 'lz4', 'zstd'])('@platformatic/kafka writes and reads %s', async (codec) => {
    const factory = FACTORIES[1]?.[1] as KafkaClientFactory;
    const topic = uniqueName(`contract-${codec}`);
    await produce(factory, [record(topic, `${codec}-1`), record(topic, `${codec}-2`)], { 'compression.type': codec });
    const consumer = consumerOf(factory, uniqueName(`contract-${codec}-group`));
    await consumer.subscribe({ topics: [topic] }, noRebalance);
    const got = await pollUntil(consumer, 2);
    await consumer.close();
    expect(got.map((r) => text(r.value))).toEqual([`${codec}-1`, `${codec}-2`]);
  });
});

/** The worker's own clients (offsets-topic reader, topic configs, group offsets, cluster id, lag, fencing). */
describe.each(FACTORIES)("Kafka port contract, the worker's clients: %s adapter", (name, factory) => {
  const props = { 'bootstrap.servers': kafkaBootstrap(), 'client.id': `test-worker-${name}` };

  async function groupsOnBroker(): Promise<string[]> {
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    return groups.map((g) => g.groupId);
  }

  it('reads a whole topic group-less, to its end, skipping aborted and control records (log reader)', async () => {
    const topic = uniqueName(`contract-log-${name}`);
    await createTopic(topic, 2);
    const stamped = (value: string | null, key: string, partition: number): ProducerRecord => ({
      ...record(topic, value, key, []),
      partition,
      timestamp: Date.now(),
    });
    await produce(factory, [stamped('a1', 'a', 0), stamped('b1', 'b', 1), stamped(null, 'a', 0)]);
    const txn = factory.newProducer({ ...props, 'transactional.id': uniqueName(`contract-log-txn-${name}`) });
    if (!isTransactionalProducer(txn)) throw new Error('expected a transactional producer');
    await txn.connect();
    await txn.initTransactions(30_000);
    await txn.send([stamped('aborted', 'a', 0), stamped('aborted', 'b', 1)]);
    await txn.abortTransaction();
    await txn.send([stamped('committed', 'a', 0)]);
    await txn.commitTransaction();

    const seen: [number, number, string | null, string | null][] = [];
    const groupsBefore = await groupsOnBroker();
    const reader = factory.newLogReader(props, {
      topic,
      onRecords: (partition: number, records: readonly LogRecord[]) =>
        seen.push(
          ...records.map((r): [number, number, string | null, string | null] => [
            partition,
            r.offset,
            text(r.key),
            text(r.value),
          ]),
        ),
    });
    await reader.start(30_000);
    try {
      await reader.readToEnd(30_000);
      const byPartition = (p: number) => seen.filter((s) => s[0] === p).map((s) => [s[1], s[2], s[3]]);
      expect(byPartition(0)).toEqual([
        [0, 'a', 'a1'],
        [1, 'a', null],
        [4, 'a', 'committed'], // 2 aborted, 3 its abort marker, 5 the commit marker
      ]);
      expect(byPartition(1)).toEqual([[0, 'b', 'b1']]);
      // Keeps tailing: a later write is seen by the next readToEnd.
      await produce(factory, [stamped('b2', 'b', 1)]);
      await reader.readToEnd(30_000);
      expect(seen.at(-1)).toEqual([1, 3, 'b', 'b2']);
      expect(seen).toHaveLength(5);
    } finally {
      await reader.stop();
    }
    await expect(reader.readToEnd(1_000)).rejects.toThrow('stopped');
    // No consumer group was made for reading.
    expect((await groupsOnBroker()).filter((g) => !groupsBefore.includes(g) && g.includes(topic))).toEqual([]);
  });

  it('describes a topic config (cleanup.policy)', async () => {
    const admin = factory.newTopicAdmin(props);
    const compacted = uniqueName(`contract-config-${name}`);
    await admin.ensureTopic(compacted, {
      partitions: 1,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact' },
    });
    const plain = uniqueName(`contract-config-plain-${name}`);
    await admin.ensureTopic(plain, { partitions: 1, replicationFactor: 1 });
    expect(await admin.topicConfig(compacted, 'cleanup.policy')).toBe('compact');
    expect(await admin.topicConfig(plain, 'cleanup.policy')).toBe('delete');
    await admin.close();
  });

  it("lists, alters, deletes and resets a group's committed offsets; answers the cluster id", async () => {
    const topic = uniqueName(`contract-groupoffsets-${name}`);
    await createTopic(topic, 3);
    const group = uniqueName(`connect-contract-${name}`);
    const offsets = factory.newGroupOffsets(props);
    try {
      expect(await offsets.list(group)).toEqual([]);
      await offsets.alter(group, [
        { partition: { topic, partition: 2 }, offset: 7 },
        { partition: { topic, partition: 0 }, offset: 0 },
        { partition: { topic, partition: 1 }, offset: 3 },
      ]);
      expect(await offsets.list(group)).toEqual([
        { partition: { topic, partition: 0 }, offset: 0 },
        { partition: { topic, partition: 1 }, offset: 3 },
        { partition: { topic, partition: 2 }, offset: 7 },
      ]);
      expect(await committedOffsets(group, topic)).toEqual(
        new Map([
          [0, '0'],
          [1, '3'],
          [2, '7'],
        ]),
      );
      // null deletes one partition's offset and keeps the others.
      await offsets.alter(group, [
        { partition: { topic, partition: 1 }, offset: null },
        { partition: { topic, partition: 2 }, offset: 9 },
      ]);
      expect(await offsets.list(group)).toEqual([
        { partition: { topic, partition: 0 }, offset: 0 },
        { partition: { topic, partition: 2 }, offset: 9 },
      ]);
      await offsets.reset(group);
      expect(await offsets.list(group)).toEqual([]);
      await offsets.reset(uniqueName('connect-never-existed')); // already reset
      const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
      await admin.connect();
      const { clusterId } = await admin.describeCluster();
      await admin.disconnect();
      expect(await offsets.clusterId()).toBe(clusterId);
    } finally {
      await offsets.close();
    }
  });

  it("reports a group's lag per partition, from the log start where nothing was committed", async () => {
    const topic = uniqueName(`contract-lag-${name}`);
    await createTopic(topic, 2);
    await produce(
      factory,
      [0, 0, 0, 1, 1].map((p, i) => ({ ...record(topic, `v${i}`), partition: p })),
    );
    const group = uniqueName(`contract-lag-group-${name}`);
    const offsets = factory.newGroupOffsets(props);
    await offsets.alter(group, [{ partition: { topic, partition: 0 }, offset: 1 }]);
    await offsets.close();
    // The end offsets as the broker reports them (3 and 2, unless a producer retry on a loaded broker wrote more).
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    await admin.disconnect();
    const [end0, end1] = [ends.get(0) ?? -1, ends.get(1) ?? -1];
    expect([end0 >= 3, end1 >= 2]).toEqual([true, true]);
    const lag = factory.newGroupLag(props);
    try {
      expect(await lag.lag(group, [topic, uniqueName('contract-lag-missing')])).toEqual([
        { topic, partition: 0, committed: 1, end: end0, lag: end0 - 1 },
        { topic, partition: 1, committed: null, end: end1, lag: end1 },
      ]);
    } finally {
      await lag.close();
    }
  });

  it('fences a transactional id: the holder can no longer commit (zombie fencing)', async () => {
    const topic = uniqueName(`contract-fence-${name}`);
    await createTopic(topic, 1);
    const transactionalId = uniqueName(`contract-fence-id-${name}`);
    const zombie = factory.newProducer({ ...props, 'transactional.id': transactionalId });
    if (!isTransactionalProducer(zombie)) throw new Error('expected a transactional producer');
    await zombie.connect();
    await zombie.initTransactions(30_000);
    await zombie.send([{ ...recordOf(topic, 'zombie'), timestamp: Date.now() }]);
    const fencer = factory.newProducerFencer(props);
    await fencer.fenceProducers([transactionalId], 30_000);
    await fencer.close();
    await expect(zombie.commitTransaction()).rejects.toThrow();
    await zombie.close().catch(() => undefined);
    // Nothing of the fenced transaction is visible to read_committed.
    const end = factory.newLogReader(props, { topic, onRecords: (_p, records) => expect(records).toEqual([]) });
    await end.start(30_000);
    await end.readToEnd(30_000);
    await end.stop();
  });
});
