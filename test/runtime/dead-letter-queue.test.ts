/**
 * KIP-298 dead letter queue of a sink on the real broker (SKC_SERVICES=kafka): a FileStreamSink with
 * errors.tolerance=all and JsonConverter is fed 1,000 records of which 10 are malformed JSON. The 990 good ones
 * reach the file; exactly the 10 bad ones reach the DLQ topic with their original bytes, their original headers
 * and Apache's `__connect.errors.*` context headers; the DLQ topic is created by the task (1 partition, the
 * configured replication factor); and the offsets of all 1,000 are committed.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { PlatformaticClientFactory } from '../../lib/adapters/platformatic-kafka/client-factory';
import type { KafkaClientFactory } from '../../lib/storage/kafka-ports';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createWorkerTask } from '../../lib/runtime/worker';
import type { TaskState } from '../../lib/runtime/worker-task';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const kafka = () => createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'dlq-test' });

interface Consumed {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const readTopic = async (topic: string, expected: number): Promise<Consumed[]> => {
  const consumer = kafka().consumer({ groupId: uniqueName('dlq-reader') });
  const out: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      },
    });
    await waitFor(() => out.length >= expected, { timeoutMs: 30_000, description: `${expected} records in ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return out;
};

const CLIENTS: [string, () => KafkaClientFactory][] = [
  ['kafkajs', () => new KafkajsClientFactory()],
  ['platformatic', () => new PlatformaticClientFactory()],
];

describe.each(CLIENTS)('a sink with a dead letter queue (%s client)', (_client, factory) => {
  it('puts exactly the malformed records, bytes unchanged and with context headers, in the DLQ', async () => {
    const topic = uniqueName('dlq-in');
    const dlq = uniqueName('dlq-out');
    const name = uniqueName('dlq-sink');
    const bad = new Set(Array.from({ length: 10 }, (_, i) => i * 97 + 5));
    const values = Array.from({ length: 1000 }, (_, i) => (bad.has(i) ? `{"broken": ${i}` : `{"n":${i}}`));
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value, i) => ({ key: `k${i}`, value, headers: { origin: `h${i}` } })),
    });
    await producer.disconnect();

    const dir = mkdtempSync(join(tmpdir(), 'dlq-'));
    const file = join(dir, 'out.txt');
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': kafkaBootstrap(),
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': JSON_CONVERTER,
        'value.converter.schemas.enable': 'false',
        'offset.storage.file.filename': join(dir, 'offsets'),
        'offset.flush.interval.ms': '200',
      },
      'standalone',
    );
    const registry = PluginRegistry.withBuiltins();
    const config = {
      name,
      'connector.class': 'FileStreamSink',
      file,
      topics: topic,
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    };
    const states: TaskState[] = [];
    const task = createWorkerTask(
      {
        worker,
        registry,
        kafka: factory(),
        offsetStore: new InMemoryOffsetStore(),
        log: () => undefined,
      },
      { connector: name, taskId: 0, connectorConfig: config, taskConfig: config },
      registry.newConnector('FileStreamSink'),
      (state) => void states.push(state),
    );
    const done = task.run();
    const lines = (): string[] =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l)
        : [];
    const admin = kafka().admin();
    await admin.connect();
    try {
      await waitFor(() => lines().length >= 990, { timeoutMs: 30_000, description: '990 lines in the file' });
      // Committed past every record, the 10 sent to the DLQ included (only after they were written there).
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: `connect-${name}`, topics: [topic] });
          return offsets?.partitions[0]?.offset === '1000';
        },
        { timeoutMs: 30_000, description: 'offsets of all 1,000 records committed' },
      );
      const metadata = await admin.fetchTopicMetadata({ topics: [dlq] });
      expect(metadata.topics[0]?.partitions).toHaveLength(1);
    } finally {
      task.stop();
      await done;
      await admin.disconnect();
    }
    expect(lines()).toHaveLength(990);
    expect(lines()).toEqual(values.filter((_, i) => !bad.has(i)).map((v) => `{n=${JSON.parse(v).n}}`));
    expect(states).toEqual(['RUNNING']);

    const dead = await readTopic(dlq, 10);
    expect(dead).toHaveLength(10);
    const badIndexes = [...bad].sort((a, b) => a - b);
    dead.forEach((record, n) => {
      const i = badIndexes[n] as number;
      expect(record.key).toBe(`k${i}`);
      expect(record.value).toBe(values[i]);
      expect(record.headers).toMatchObject({
        origin: `h${i}`,
        '__connect.errors.topic': topic,
        '__connect.errors.partition': '0',
        '__connect.errors.offset': String(i),
        '__connect.errors.connector.name': name,
        '__connect.errors.task.id': '0',
        '__connect.errors.stage': 'VALUE_CONVERTER',
        '__connect.errors.class.name': JSON_CONVERTER,
        '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
      });
      expect(record.headers['__connect.errors.exception.message']).toMatch(/\S/);
      expect(record.headers['__connect.errors.exception.stacktrace']).toMatch(
        /^org\.apache\.kafka\.connect\.errors\.DataException: /,
      );
    });
  }, 90_000);
});
