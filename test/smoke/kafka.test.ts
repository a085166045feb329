/** Smoke test: kafkajs (through lib/adapters/kafka) against the real Apache Kafka 4.3.1 test broker. */
import { ensureTopic, waitForKafka, withAdmin } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { Kafka } from '../../lib/adapters/kafka/client';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const RECORDS = 1_000;

describe('Apache Kafka test broker (smoke)', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: uniqueName('smoke') });
  });

  it('answers a metadata request', async () => {
    const cluster = await waitForKafka({ bootstrapServers: kafkaBootstrap() }, { timeoutMs: 10_000 });
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('creates a topic once, with its partitions and configs', async () => {
    const topic = uniqueName('smoke-topic');
    await expect(
      ensureTopic(kafka, topic, { partitions: 3, configEntries: { 'cleanup.policy': 'compact' } }),
    ).resolves.toBe(true);
    await expect(ensureTopic(kafka, topic, { partitions: 3 })).resolves.toBe(false);
    const metadata = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    const configs = await withAdmin(kafka, (admin) =>
      admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      }),
    );
    expect(configs.resources[0]?.configEntries[0]).toMatchObject({
      configName: 'cleanup.policy',
      configValue: 'compact',
    });
  });

  it(`produces and consumes ${RECORDS} records in a consumer group`, async () => {
    const topic = uniqueName('smoke-records');
    const groupId = uniqueName('smoke-group');
    await ensureTopic(kafka, topic, { partitions: 3 });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let batch = 0; batch < RECORDS / 250; batch++) {
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 250 }, (_, i) => {
            const n = batch * 250 + i;
            return { key: `key-${n % 10}`, value: JSON.stringify({ n }), headers: { source: 'smoke' } };
          }),
        });
      }
    } finally {
      await producer.disconnect();
    }

    const received: { partition: number; key: string; n: number; header: string }[] = [];
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            key: message.key?.toString() ?? '',
            n: (JSON.parse(message.value?.toString() ?? '{}') as { n: number }).n,
            header: message.headers?.source?.toString() ?? '',
          });
        },
      });
      await waitFor(() => received.length >= RECORDS, {
        timeoutMs: 60_000,
        description: `${RECORDS} records consumed`,
      });

      // The group is joined (Stable, one member) and has committed every record.
      const group = await withAdmin(kafka, (admin) => admin.describeGroups([groupId]));
      expect(group.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
      expect(group.groups[0]?.members).toHaveLength(1);
      await waitFor(
        async () => {
          const offsets = await withAdmin(kafka, (admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
          const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
          return committed === RECORDS;
        },
        { timeoutMs: 30_000, description: 'group offsets committed' },
      );
    } finally {
      await consumer.disconnect();
    }

    expect(received).toHaveLength(RECORDS);
    expect(new Set(received.map((r) => r.n)).size).toBe(RECORDS);
    expect(received.every((r) => r.header === 'smoke' && r.key === `key-${r.n % 10}`)).toBe(true);
    // Same key, same partition, produce order kept.
    for (let k = 0; k < 10; k++) {
      const forKey = received.filter((r) => r.key === `key-${k}`);
      expect(new Set(forKey.map((r) => r.partition)).size).toBe(1);
      expect(forKey.map((r) => r.n)).toEqual([...forKey.map((r) => r.n)].sort((a, b) => a - b));
    }
  });
});
