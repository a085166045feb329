import type { Kafka } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { PlatformaticClientFactory } from '../../lib/adapters/platformatic-kafka/client-factory';
import type { WorkerKafkaClientFactory } from '../../lib/storage/kafka-ports';
import { partitionForKey, partitionKey } from '../../lib/storage/offsets-codec';
import { OffsetsTopicStore } from '../../lib/storage/offsets-topic-store';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { describeOffsetStoreContract } from './offset-store.contract';

requireServices('kafka');

const PARTITIONS = 25;
let kafka: Kafka | undefined;
const client = (): Kafka =>
  (kafka ??= createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'skc-offsets-test', logLevel: 'nothing' }));

/** The store on each Kafka client adapter (`skc.kafka.client`), as composition/kafka.ts builds it. */
const CLIENTS: [string, WorkerKafkaClientFactory][] = [
  ['kafkajs', new KafkajsClientFactory()],
  ['platformatic', new PlatformaticClientFactory()],
];

const storeOn = (clients: WorkerKafkaClientFactory, topic: string, partitions?: number): OffsetsTopicStore =>
  new OffsetsTopicStore({
    clients,
    props: { 'bootstrap.servers': kafkaBootstrap(), 'client.id': 'skc-offsets-test' },
    topic,
    ...(partitions !== undefined ? { partitions } : {}),
    replicationFactor: 1,
  });

const opened: OffsetsTopicStore[] = [];
async function openStore(topic: string, clients: WorkerKafkaClientFactory): Promise<OffsetsTopicStore> {
  const store = storeOn(clients, topic, PARTITIONS);
  opened.push(store);
  await store.start();
  return store;
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.stop()));
});

for (const [name, clients] of CLIENTS) {
  const contractTopic = uniqueName(`connect-offsets-${name}`);
  describeOffsetStoreContract(`Kafka offsets topic (${name})`, {
    open: () => openStore(contractTopic, clients),
    reopen: () => openStore(contractTopic, clients),
  });
}

/** Every raw record of `topic`, read with a plain consumer (no codec of ours involved). */
async function readRaw(topic: string, expected: number) {
  const records: { partition: number; key: string | null; value: string | null }[] = [];
  const consumer = client().consumer({ groupId: uniqueName('raw-reader'), maxWaitTimeInMs: 250 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          key: message.key?.toString('utf8') ?? null,
          value: message.value === null ? null : message.value.toString('utf8'),
        });
      },
    });
    await waitFor(async () => (records.length >= expected ? records : undefined), {
      timeoutMs: 30_000,
      description: `${expected} records in ${topic}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe.each(CLIENTS)('offsets topic store on %s: Apache offsets-topic format', (name, clients) => {
  it('writes byte-identical keys and values, tombstones as null, partitioned like Java', async () => {
    const topic = uniqueName(`connect-offsets-bytes-${name}`);
    const store = await openStore(topic, clients);
    await store.put('local-file-source', [{ partition: { filename: 'test.txt' }, offset: { position: 30 } }]);
    await store.put('local-file-source', [{ partition: { filename: 'test.txt' }, offset: null }]);
    await store.put('mm2', [
      { partition: { topic: 'orders', partition: 0, cluster: 'primary' }, offset: { offset: 7 } },
    ]);

    const records = await readRaw(topic, 3);
    const key = '["local-file-source",{"filename":"test.txt"}]';
    const javaPartition = partitionForKey(Buffer.from(key), PARTITIONS);
    expect(records).toEqual(
      expect.arrayContaining([
        { partition: javaPartition, key, value: '{"position":30}' },
        { partition: javaPartition, key, value: null },
        {
          partition: expect.any(Number),
          key: '["mm2",{"cluster":"primary","partition":0,"topic":"orders"}]',
          value: '{"offset":7}',
        },
      ]),
    );
    // Same key → same partition and in order: the tombstone follows the value.
    const forKey = records.filter((r) => r.key === key);
    expect(forKey.map((r) => r.value)).toEqual(['{"position":30}', null]);
  });

  it('uses the same partition as the kafkajs Java-compatible default partitioner', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    for (let i = 0; i < 200; i++) {
      const key = Buffer.from(`["connector-${i}",{"filename":"file-${i * 7}.txt","n":${i}}]`);
      expect(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } })).toBe(
        partitionForKey(key, PARTITIONS),
      );
    }
  });

  it('ignores malformed records written by others and reads offsets written by another writer', async () => {
    const topic = uniqueName(`connect-offsets-foreign-${name}`);
    const store = await openStore(topic, clients);
    const producer = client().producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: 'not json', value: '{"position":1}' },
          { key: '["only-one-element"]', value: '{"position":1}' },
          { key: '[1,{"filename":"x"}]', value: '{"position":1}' },
          { key: '["c",{"filename":"bad-value"}]', value: '[1,2]' },
          // A foreign writer with spaces in its JSON still lands on the canonical partition key.
          { key: '["c", {"filename": "test.txt"}]', value: '{"position": 12}' },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    expect(await store.list('c')).toEqual([{ partition: { filename: 'test.txt' }, offset: { position: 12 } }]);
    expect((await store.get('c', [{ filename: 'test.txt' }])).get(partitionKey({ filename: 'test.txt' }))).toEqual({
      position: 12,
    });
  });

  it('creates the topic compacted with the configured partition count', async () => {
    const topic = uniqueName(`connect-offsets-created-${name}`);
    await openStore(topic, clients);
    const admin = client().admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(PARTITIONS);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses an existing offsets topic that is not compacted, with Apache's message", async () => {
    const topic = uniqueName(`connect-offsets-delete-${name}`);
    const admin = client().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: false, // the store copes with a topic whose partitions are still being set up
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }],
      });
    } finally {
      await admin.disconnect();
    }
    const store = storeOn(clients, topic);
    await expect(store.start()).rejects.toThrow(
      `Topic '${topic}' supplied via the 'offset.storage.topic' property is required to have 'cleanup.policy=compact' ` +
        'to guarantee consistency and durability of source connector offsets, but found the topic currently has ' +
        "'cleanup.policy=delete'.",
    );
  });
});
