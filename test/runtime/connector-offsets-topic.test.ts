/**
 * KIP-618 `offsets.storage.topic` on the real broker, through the task-runner's own path (runTaskInstance with
 * the composition's offsets-topic stores) and the API's offsets store (composition/api/kafka.ts): a FileStreamSource
 * with its own offsets topic writes its offsets there (created with the worker's offset.storage.* settings) and
 * copies them to the worker's topic, resumes from it, falls back to the worker's topic for what its own lacks, and
 * GET /connectors/x/offsets reads the same view. At-least-once and exactly-once.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkaLogReader } from '../../lib/adapters/kafka/log-reader';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import { runTaskInstance } from '../../lib/runtime/task-instance';
import type { ConnectorState } from '../../lib/storage/ports';
import { connectKafka } from '../../composition/api/kafka';
import { connectorOffsetsTopicStore, kafkaClientFactory, offsetsTopicStore } from '../../composition/kafka';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

const STRING = 'org.apache.kafka.connect.storage.StringConverter';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skc-connector-offsets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workerProps = (globalTopic: string, exactlyOnce: boolean): Record<string, string> => ({
  'bootstrap.servers': kafkaBootstrap(),
  'group.id': uniqueName('cluster'),
  'offset.storage.topic': globalTopic,
  'offset.storage.partitions': '1',
  'offset.storage.replication.factor': '1',
  'config.storage.topic': 'configs',
  'status.storage.topic': 'status',
  'key.converter': STRING,
  'value.converter': STRING,
  'offset.flush.interval.ms': '200',
  ...(exactlyOnce ? { 'exactly.once.source.support': 'enabled' } : {}),
});

/** Every value of `topic`, read committed. */
async function values(topic: string): Promise<string[]> {
  const seen: string[] = [];
  const reader = new KafkaLogReader({
    kafka: createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'offsets-topic-test-reader' }),
    topic,
    onRecords: (_p, records) => {
      for (const r of records) seen.push(r.value?.toString('utf8') ?? '');
    },
  });
  await reader.start();
  try {
    await reader.readToEnd(30_000);
  } finally {
    await reader.stop();
  }
  return seen;
}

/** The offsets of `connector` in one offsets topic, read as the offset store reads them. */
async function offsetsIn(topic: string, connector: string): Promise<unknown> {
  const store = new KafkaOffsetStore({
    kafka: createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'offsets-topic-test-store' }),
    topic,
    partitions: 1,
    replicationFactor: 1,
  });
  try {
    return await store.list(connector);
  } finally {
    await store.stop();
  }
}

/** Runs the connector's one task (a task-runner process's path) until `topic` holds `count` records, then stops it. */
async function runUntil(props: Record<string, string>, config: Record<string, string>, count: number): Promise<void> {
  const worker = parseWorkerConfig(props, 'distributed');
  const name = config['name']!;
  const state: ConnectorState = {
    name,
    config,
    targetState: 'STARTED',
    version: 1,
    taskConfigs: [config],
    generation: 1,
    taskConfigsFromVersion: 1,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const configStore = new InMemoryConfigStore();
  configStore.get = async (n) => (n === name ? state : undefined);
  const statusStore = new InMemoryStatusStore();
  const stop = new AbortController();
  const run = runTaskInstance({
    connector: name,
    taskId: 0,
    generation: 1,
    workerId: 'offsets-topic-test',
    configStore,
    statusStore,
    signal: stop.signal,
    configPollMs: 200,
    runtime: () => ({
      worker,
      heartbeatIntervalMs: 1000,
      kafka: kafkaClientFactory(),
      plugins: () => PluginRegistry.withBuiltins(),
      offsetStore: () => offsetsTopicStore(worker, `test-offsets-${name}`),
      connectorOffsetStore: (topic, connectorConfig) =>
        connectorOffsetsTopicStore(worker, name, 0, topic, connectorConfig),
      ownsOffsetStore: true,
    }),
  });
  try {
    await waitFor(async () => (await values(config['topic']!)).length >= count, {
      timeoutMs: 60_000,
      description: `${count} records`,
    });
  } finally {
    stop.abort();
  }
  const result = await run;
  expect(result.outcome).not.toBe('not-started');
  expect((await statusStore.getTask(name, 0))?.state).not.toBe('FAILED');
}

describe.each([
  ['at-least-once', false],
  ['exactly-once', true],
] as const)('offsets.storage.topic (%s)', (_mode, exactlyOnce) => {
  it("the task writes its own topic and the worker's, resumes from its own, and GET offsets shows it", async () => {
    const globalTopic = uniqueName('global-offsets');
    const ownTopic = uniqueName('own-offsets');
    const name = uniqueName('own-offsets-src');
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, 'a1\na2\na3\n');
    const config = {
      name,
      'connector.class': 'FileStreamSource',
      file,
      topic: uniqueName('own-offsets-data'),
      'offsets.storage.topic': ownTopic,
    };
    const props = workerProps(globalTopic, exactlyOnce);
    await runUntil(props, config, 3);
    const expected = [{ partition: { filename: file }, offset: { position: 9 } }];
    expect(await offsetsIn(ownTopic, name)).toEqual(expected);
    // Apache's secondary write: the worker's global topic gets a copy.
    await waitFor(async () => JSON.stringify(await offsetsIn(globalTopic, name)) === JSON.stringify(expected), {
      description: 'copy in the global topic',
    });

    // A second run resumes from the connector's own topic: no line twice.
    appendFileSync(file, 'b1\nb2\n');
    await runUntil(props, config, 5);
    expect(await values(config.topic)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(await offsetsIn(ownTopic, name)).toEqual([{ partition: { filename: file }, offset: { position: 15 } }]);

    // GET /connectors/x/offsets: the API composition's store for this connector reads the same view.
    const closers: (() => Promise<void>)[] = [];
    try {
      const api = await connectKafka(kafkaBootstrap(), props, closers);
      expect(await (await api.offsetStore(config)).list(name)).toEqual([
        { partition: { filename: file }, offset: { position: 15 } },
      ]);
    } finally {
      for (const close of closers) await close();
    }
  });

  it("a connector moved to its own topic resumes from the worker's topic (fallback)", async () => {
    const globalTopic = uniqueName('global-offsets');
    const name = uniqueName('fallback-src');
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, 'x1\nx2\nx3\n');
    const config = {
      name,
      'connector.class': 'FileStreamSource',
      file,
      topic: uniqueName('fallback-data'),
      'offsets.storage.topic': uniqueName('own-offsets'),
    };
    // What an earlier run without the key left in the worker's topic: the first line was read.
    const global = new KafkaOffsetStore({
      kafka: createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'offsets-topic-test-seed' }),
      topic: globalTopic,
      partitions: 1,
      replicationFactor: 1,
    });
    try {
      await global.put(name, [{ partition: { filename: file }, offset: { position: 3 } }]);
    } finally {
      await global.stop();
    }
    await runUntil(workerProps(globalTopic, exactlyOnce), config, 2);
    expect(await values(config.topic)).toEqual(['x2', 'x3']);
    expect(await offsetsIn(config['offsets.storage.topic'], name)).toEqual([
      { partition: { filename: file }, offset: { position: 9 } },
    ]);
  });
});

it("a connector topic named as the worker's is the worker's topic: no second store", async () => {
  const globalTopic = uniqueName('global-offsets');
  const name = uniqueName('same-topic-src');
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, 'y1\n');
  const config = {
    name,
    'connector.class': 'FileStreamSource',
    file,
    topic: uniqueName('same-topic-data'),
    'offsets.storage.topic': globalTopic,
  };
  await runUntil(workerProps(globalTopic, false), config, 1);
  await waitFor(async () => JSON.stringify(await offsetsIn(globalTopic, name)).includes('"position":3'), {
    description: "offsets in the worker's topic",
  });
  // One write per flush, not a primary and a copy: every offsets record of the connector is a distinct position.
  const records = (await values(globalTopic)).filter((v) => v.length > 0);
  expect(new Set(records).size).toBe(records.length);
});
