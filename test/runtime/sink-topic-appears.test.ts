/**
 * A sink whose topics do not exist yet (real broker, SKC_SERVICES=kafka). Apache's sink task stays RUNNING, its
 * consumer sees no partitions, and it consumes once the topic is created; `topics.regex` picks up topics created
 * later. The broker of the tests auto-creates topics, so these tests also show that the sink never does: the
 * topic is created by the test with 2 partitions (the broker's auto-creation would make 1).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createWorkerTask } from '../../lib/runtime/worker';
import type { TaskState } from '../../lib/runtime/worker-task';
import { kafkaBootstrap, requireServices, staysTrue, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

const kafka = () => createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'sink-topic-appears' });

const topicExists = async (topic: string): Promise<boolean> => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
};

const createTopic = async (topic: string, partitions: number): Promise<void> => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    // false = it existed already, i.e. something (the sink?) auto-created it: the test must notice.
    expect(created).toBe(true);
  } finally {
    await admin.disconnect();
  }
};

const produce = async (topic: string, values: string[]): Promise<void> => {
  const producer = kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
};

/** A FileStreamSink task of its own connector, run by the same code as the task-runner. */
const startSink = (subscription: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'sink-topic-appears-'));
  const file = join(dir, 'out.txt');
  const name = uniqueName('sink-appears');
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': kafkaBootstrap(),
      'key.converter': STRING_CONVERTER,
      'value.converter': STRING_CONVERTER,
      'offset.storage.file.filename': join(dir, 'offsets'),
      'offset.flush.interval.ms': '500',
    },
    'standalone',
  );
  const registry = PluginRegistry.withBuiltins();
  const connectorConfig = { name, 'connector.class': 'FileStreamSink', file, ...subscription };
  const states: TaskState[] = [];
  const task = createWorkerTask(
    { worker, registry, kafka: new KafkajsClientFactory(), offsetStore: new InMemoryOffsetStore() },
    { connector: name, taskId: 0, connectorConfig, taskConfig: connectorConfig },
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
  return { task, done, states, lines };
};

describe('a sink task whose topics do not exist yet', () => {
  const sinks: ReturnType<typeof startSink>[] = [];
  afterEach(async () => {
    for (const sink of sinks.splice(0)) {
      sink.task.stop();
      await sink.done.catch(() => undefined);
    }
  });

  it('stays RUNNING, then consumes the topic once it is created', async () => {
    const topic = uniqueName('sink-later');
    const sink = startSink({ topics: topic });
    sinks.push(sink);
    await waitFor(() => sink.states.includes('RUNNING'), { timeoutMs: 30000, description: 'task RUNNING' });
    // Longer than the first metadata checks: the task neither fails nor creates the topic meanwhile.
    await staysTrue(
      async () => sink.states.join() === 'RUNNING' && !(await topicExists(topic)),
      1500,
      'RUNNING without the topic',
      250,
    );

    await createTopic(topic, 2);
    await produce(topic, ['one', 'two', 'three']);
    await waitFor(() => (sink.lines().length >= 3 ? true : undefined), {
      timeoutMs: 30000,
      description: 'the lines in the sink file',
    });
    expect(sink.lines().sort()).toEqual(['one', 'three', 'two']);
    expect(sink.states).toEqual(['RUNNING']);
  }, 60000);

  it('picks up topics matching topics.regex that are created later, next to existing ones', async () => {
    const prefix = uniqueName('sink-regex').replace(/[^A-Za-z0-9]/g, '_');
    const first = `${prefix}-a`;
    await createTopic(first, 1);
    await produce(first, ['a1']);
    const sink = startSink({ 'topics.regex': `${prefix}-.*` });
    sinks.push(sink);
    await waitFor(() => (sink.lines().includes('a1') ? true : undefined), {
      timeoutMs: 30000,
      description: 'the existing topic consumed',
    });

    const second = `${prefix}-b`;
    await createTopic(second, 1);
    await produce(second, ['b1']);
    await produce(first, ['a2']);
    await waitFor(() => (['b1', 'a2'].every((l) => sink.lines().includes(l)) ? true : undefined), {
      timeoutMs: 30000,
      description: 'the new topic (and more of the old one) consumed',
    });
    // At-least-once across the rejoin: the first topic's record was committed before, not delivered twice here.
    expect(sink.lines().sort()).toEqual(['a1', 'a2', 'b1']);
    expect(sink.states).toEqual(['RUNNING']);
  }, 60000);
});
