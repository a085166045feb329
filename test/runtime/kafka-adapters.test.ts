/** The kafkajs adapters of the runtime's Kafka ports, against the real broker (SKC_SERVICES=kafka). */
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import type { TopicPartition } from '../../lib/connect/records';
import type { ConsumerRecord, ProducerRecord } from '../../lib/storage/kafka-ports';
import { murmur2 } from '../../lib/storage/offsets-codec';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const record = (topic: string, value: string, key: string | null = null): ProducerRecord => ({
  topic,
  partition: null,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  timestamp: 1700000000000,
  headers: [{ key: 'h', value: Buffer.from('v') }],
});

describe('kafkajs adapters of the producer and consumer ports', () => {
  const factory = new KafkajsClientFactory();

  it('reports per-record metadata in input order, keyed records partitioned by murmur2', async () => {
    const topic = uniqueName('adapter-produce');
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = factory.newProducer({ 'bootstrap.servers': kafkaBootstrap(), 'client.id': 'test-producer' });
    await producer.connect();
    const keys = ['a', 'b', 'c', 'a', 'a', 'b'];
    const first = await producer.send(keys.map((k, i) => record(topic, `v${i}`, k)));
    const second = await producer.send(keys.map((k, i) => record(topic, `w${i}`, k)));
    await producer.close();
    // Same key → same partition; offsets count up per partition across sends.
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

  it('consumes from the earliest offset, commits, and rewinds with seek', async () => {
    const topic = uniqueName('adapter-consume');
    const producer = factory.newProducer({ 'bootstrap.servers': kafkaBootstrap(), 'client.id': 'test-producer' });
    await producer.connect();
    await producer.send(Array.from({ length: 10 }, (_, i) => record(topic, `m${i}`)));
    await producer.close();
    const group = uniqueName('adapter-group');
    const consumer = factory.newConsumer({
      'bootstrap.servers': kafkaBootstrap(),
      'group.id': group,
      'client.id': 'test-consumer',
      'auto.offset.reset': 'earliest',
    });
    const assigned: TopicPartition[] = [];
    await consumer.subscribe(
      { topics: [topic] },
      { onPartitionsAssigned: (tps) => void assigned.push(...tps), onPartitionsRevoked: () => undefined },
    );
    const got: ConsumerRecord[] = [];
    await waitFor(async () => (got.push(...(await consumer.poll(200))), got.length >= 10 ? true : undefined));
    expect(got.map((r) => Buffer.from(r.value ?? []).toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    expect(got[0]).toMatchObject({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1700000000000,
      timestampType: 'CreateTime',
    });
    expect(Buffer.from(got[0]?.headers[0]?.value ?? []).toString()).toBe('v');
    expect(assigned).toEqual([{ topic, partition: 0 }]);
    await consumer.commit(new Map([[{ topic, partition: 0 }, 10]]));
    consumer.seek({ topic, partition: 0 }, 7);
    const again: ConsumerRecord[] = [];
    await waitFor(async () => (again.push(...(await consumer.poll(200))), again.length >= 3 ? true : undefined));
    expect(again.map((r) => r.offset)).toEqual([7, 8, 9]);
    await consumer.close();
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'test-admin' }).admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    await admin.disconnect();
    expect(committed[0]?.partitions[0]?.offset).toBe('10');
  });
});
