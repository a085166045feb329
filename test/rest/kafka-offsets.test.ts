/**
 * Offsets routes and `GET /` with the API wired to a real Apache Kafka 4.3.1 broker (`SKC_BOOTSTRAP_SERVERS`):
 * sink offsets are the consumer group `connect-<name>`'s commits (GroupOffsetsAdminPort), source offsets live in
 * the offsets topic (OffsetsTopicStore), the cluster id comes from the broker; on each Kafka client
 * (`skc.kafka.client`).
 */
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkaGroupOffsets } from '../../lib/adapters/kafka/group-offsets';
import { compose, type ApiComposition } from '../../composition/api/composition';
import { kafkaBootstrap, requireServices, uniqueName } from '../services/env';
import { type Call, viaLambdaV2 } from './harness';
import { converge } from './reconciler-stub';

requireServices('kafka');

describe.each(['kafkajs', 'platformatic'])('offsets over a real Kafka broker (skc.kafka.client=%s)', (client) => {
  let composition: ApiComposition;
  let call: Call;
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const kafka = () => createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'skc-rest-test', logLevel: 'error' });

  beforeAll(async () => {
    composition = await compose(
      {
        SKC_STORE: 'memory',
        SKC_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SKC_WORKER_CONFIG: {
          'offset.storage.topic': uniqueName('offsets'),
          'offset.storage.partitions': '3',
          'offset.storage.replication.factor': '1',
          'skc.kafka.client': client,
        },
      },
      { configStore, statusStore },
    );
    call = viaLambdaV2(composition);
  });
  afterAll(async () => {
    await composition.close();
  });

  it('reports the Kafka cluster id', async () => {
    const reply = await call('GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ version: '4.3.1', kafka_cluster_id: expect.stringMatching(/^[\w-]{22}$/) });
  });

  it('alters, lists, deletes and resets sink offsets of the connect-<name> group', async () => {
    const topic = uniqueName(`sink-topic-${client}`);
    const name = uniqueName(`sink-${client}`);
    await ensureTopic(kafka(), topic, { partitions: 3, replicationFactor: 1 });
    const config = { 'connector.class': 'FileStreamSink', topics: topic, file: '/tmp/kafka-offsets.txt' };
    expect((await call('PUT', `/connectors/${name}/config`, { body: config })).status).toBe(201);
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });

    expect((await call('PUT', `/connectors/${name}/stop`)).status).toBe(204);
    await converge({ configStore, statusStore }, name);
    const altered = await call('PATCH', `/connectors/${name}/offsets`, {
      body: {
        offsets: [
          { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 5 } },
          { partition: { kafka_topic: topic, kafka_partition: '2' }, offset: { kafka_offset: '7' } },
        ],
      },
    });
    expect(altered).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    const rows = (p: number, o: number) => ({
      partition: { kafka_partition: p, kafka_topic: topic },
      offset: { kafka_offset: o },
    });
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [rows(0, 5), rows(2, 7)] });
    // What the broker has for the group is what a sink task resumes from.
    const direct = await new KafkaGroupOffsets(kafka()).list(`connect-${name}`);
    expect(direct).toEqual([
      { partition: { topic, partition: 0 }, offset: 5 },
      { partition: { topic, partition: 2 }, offset: 7 },
    ]);

    const removed = await call('PATCH', `/connectors/${name}/offsets`, {
      body: { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: null }] },
    });
    expect(removed.status).toBe(200);
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [rows(2, 7)] });

    const reset = await call('DELETE', `/connectors/${name}/offsets`);
    expect(reset).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been reset successfully' },
    });
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
    // Resetting a group that no longer exists is still a success.
    expect((await call('DELETE', `/connectors/${name}/offsets`)).status).toBe(200);
  });

  it('alters and resets source offsets in the offsets topic', async () => {
    const name = uniqueName(`source-${client}`);
    const config = { 'connector.class': 'FileStreamSource', topic: 't', file: '/tmp/kafka-offsets-in.txt' };
    expect((await call('POST', '/connectors', { body: { name, config, initial_state: 'STOPPED' } })).status).toBe(201);
    await converge({ configStore, statusStore }, name);
    const partition = { filename: '/tmp/kafka-offsets-in.txt' };
    const altered = await call('PATCH', `/connectors/${name}/offsets`, {
      body: { offsets: [{ partition, offset: { position: 42 } }] },
    });
    expect(altered.status).toBe(200);
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({
      offsets: [{ partition, offset: { position: 42 } }],
    });
    expect((await call('DELETE', `/connectors/${name}/offsets`)).status).toBe(200);
    expect((await call('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
  });
});
