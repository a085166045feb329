/**
 * Records the S3 sink's format cannot encode, on the real broker and moto (#14): under `errors.tolerance=all` with
 * a dead letter queue they go to the DLQ (original bytes, Apache's `__connect.errors.*` headers) while the others
 * reach S3 and every offset is committed; under `errors.tolerance=none` the task fails with a trace naming the
 * record, and no offset moves past it.
 */
import { createKafka } from '../../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../../lib/adapters/kafka/client-factory';
import { InMemoryOffsetStore } from '../../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../../lib/config/worker-config';
import { PluginRegistry } from '../../../lib/plugins/registry';
import { S3SinkConnector } from '../../../lib/plugins/s3/s3-sink-connector';
import { createWorkerTask } from '../../../lib/runtime/worker';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../../services/env';
import { baseConfig, createBucket, readWithPython, storeFor } from './helpers';

requireServices('kafka', 'moto');

const kafka = () => createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 's3-dlq-test' });
const BAD = new Set([3, 8]);
const idSchema = {
  type: 'struct',
  name: 'com.example.Id',
  optional: false,
  fields: [{ field: 'id', type: 'int64', optional: false }],
};
/** JsonConverter envelopes: a struct for the good records, a string (no Parquet row) for the bad ones. */
const valueOf = (i: number): string =>
  BAD.has(i)
    ? JSON.stringify({ schema: { type: 'string', optional: false }, payload: `not a row ${i}` })
    : JSON.stringify({ schema: idSchema, payload: { id: i } });

async function produce(topic: string, count: number): Promise<void> {
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: valueOf(i) })),
  });
  await producer.disconnect();
}

async function runSink(name: string, topic: string, bucket: string, errors: Record<string, string>) {
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': kafkaBootstrap(),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': '/dev/null',
      'offset.flush.interval.ms': '200',
    },
    'standalone',
  );
  const registry = PluginRegistry.withBuiltins();
  const config = {
    ...baseConfig(bucket),
    name,
    'connector.class': S3SinkConnector.className,
    topics: topic,
    'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
    'flush.size': '5',
    ...errors,
  };
  const states: { state: string; trace: string | null }[] = [];
  const task = createWorkerTask(
    {
      worker,
      registry,
      kafka: new KafkajsClientFactory(),
      offsetStore: new InMemoryOffsetStore(),
      log: () => undefined,
    },
    { connector: name, taskId: 0, connectorConfig: config, taskConfig: config },
    registry.newConnector(S3SinkConnector.className),
    (state, trace) => void states.push({ state, trace }),
  );
  // run() rejects with the error of a failed task (after reporting FAILED): kept as the outcome.
  const done = task.run().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { task, done, states };
}

const committed = async (name: string, topic: string): Promise<number> => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: `connect-${name}`, topics: [topic] });
    return Number(offsets?.partitions[0]?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
};

describe('S3 sink: records the format cannot encode', () => {
  it('errors.tolerance=all with a DLQ: those records go to the DLQ, the rest to S3, all offsets committed', async () => {
    const topic = uniqueName('s3-dlq-in');
    const dlq = uniqueName('s3-dlq-out');
    const name = uniqueName('s3-dlq-sink');
    const bucket = await createBucket();
    await produce(topic, 12);
    const { task, done, states } = await runSink(name, topic, bucket, {
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    try {
      await waitFor(async () => (await committed(name, topic)) === 12, {
        timeoutMs: 60_000,
        description: 'offsets of all 12 records committed',
      });
    } finally {
      task.stop();
      expect(await done).toBeUndefined();
    }
    expect(states.map((s) => s.state)).toEqual(['RUNNING']);

    const store = storeFor(bucket);
    const keys = (await store.list('')).sort();
    expect(keys).toEqual([
      `topics/${topic}/partition=0/${topic}+0+0000000000.snappy.parquet`,
      `topics/${topic}/partition=0/${topic}+0+0000000006.snappy.parquet`,
    ]);
    const read = await readWithPython(store, 'parquet', keys);
    const ids = keys.flatMap((key) => (read[key]?.records ?? []).map((r) => (r as { id: number }).id));
    expect(ids).toEqual([0, 1, 2, 4, 5, 6, 7, 9, 10, 11]);

    const consumer = kafka().consumer({ groupId: uniqueName('s3-dlq-reader') });
    const dead: { key: string; value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [dlq], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
          dead.push({ key: String(message.key), value: String(message.value), headers });
        },
      });
      await waitFor(() => dead.length >= 2, { timeoutMs: 30_000, description: '2 records in the DLQ' });
    } finally {
      await consumer.disconnect();
    }
    expect(dead.map((d) => [d.key, d.value])).toEqual([...BAD].map((i) => [`k${i}`, valueOf(i)]));
    for (const [n, i] of [...BAD].entries()) {
      expect(dead[n]?.headers).toMatchObject({
        '__connect.errors.topic': topic,
        '__connect.errors.partition': '0',
        '__connect.errors.offset': String(i),
        '__connect.errors.connector.name': name,
        '__connect.errors.task.id': '0',
        '__connect.errors.stage': 'TASK_PUT',
        '__connect.errors.class.name': 'org.apache.kafka.connect.sink.SinkTask',
        '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
      });
      expect(dead[n]?.headers['__connect.errors.exception.message']).toContain('Parquet');
    }
  }, 120_000);

  it('errors.tolerance=none: the task fails with a trace naming the record; no offset passes it', async () => {
    const topic = uniqueName('s3-none-in');
    const name = uniqueName('s3-none-sink');
    const bucket = await createBucket();
    await produce(topic, 12);
    const { task, done, states } = await runSink(name, topic, bucket, {});
    let outcome: unknown;
    try {
      await waitFor(() => states.some((s) => s.state === 'FAILED'), { timeoutMs: 60_000, description: 'task FAILED' });
    } finally {
      task.stop();
      outcome = await done;
    }
    expect(String(outcome)).toContain('offset 3 cannot be written');
    const failed = states.find((s) => s.state === 'FAILED');
    expect(failed?.trace).toContain(
      `Record at topic '${topic}', partition 0, offset 3 cannot be written: ParquetFormat needs records whose value schema is a struct`,
    );
    expect(await committed(name, topic)).toBeLessThanOrEqual(3);
    expect(await storeFor(bucket).list('')).toEqual([]);
  }, 120_000);
});
