/**
 * KIP-158 topic creation by a source task on the real broker (SKC_SERVICES=kafka): with the worker's
 * `topic.creation.enable=true` (default) and `topic.creation.*` groups on the connector, the first record to a
 * new topic creates it with its group's partitions and topic configs (the test broker would auto-create 1
 * partition without them).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createWorkerTask } from '../../lib/runtime/worker';
import type { WorkerSourceTask } from '../../lib/runtime/worker-source-task';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

it('a source task creates its topic with the settings of its topic.creation group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topic-creation-'));
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\nb\nc\n');
  const topic = uniqueName('created');
  const name = uniqueName('creating-src');
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': kafkaBootstrap(),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': join(dir, 'offsets'),
    },
    'standalone',
  );
  const registry = PluginRegistry.withBuiltins();
  const config = {
    name,
    'connector.class': 'FileStreamSource',
    file,
    topic,
    'topic.creation.groups': 'compacted',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '2',
    'topic.creation.compacted.include': `${topic}`,
    'topic.creation.compacted.partitions': '3',
    'topic.creation.compacted.retention.ms': '1234567',
  };
  const task = createWorkerTask(
    { worker, registry, kafka: new KafkajsClientFactory(), offsetStore: new InMemoryOffsetStore(), log: () => {} },
    { connector: name, taskId: 0, connectorConfig: config, taskConfig: config },
    registry.newConnector('FileStreamSource'),
    () => undefined,
  ) as WorkerSourceTask;
  const done = task.run();
  const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'topic-creation-test' }).admin();
  await admin.connect();
  try {
    await waitFor(() => task.recordsAcked === 3, { description: 'records acked' });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('1234567');
  } finally {
    task.stop();
    await done;
    await admin.disconnect();
  }
}, 60_000);
