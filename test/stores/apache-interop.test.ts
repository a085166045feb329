import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import { javaBin, resolveKafkaClasspath } from '../../lib/adapters/local/kafka-broker';
import { partitionKey } from '../../lib/storage/offsets-codec';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('kafka');

/**
 * Our KafkaOffsetStore and Apache Kafka Connect 4.3.1's own KafkaOffsetBackingStore (run in a JVM by
 * fixtures/ApacheOffsets.java) share one offsets topic: each reads what the other wrote, and both write the same
 * key bytes to the same partition for the same connector and partition (so compaction treats them as one key).
 */
const run = promisify(execFile);
/** JSON with every non-ASCII character escaped: the JVM decodes argv in the platform charset, not UTF-8. */
const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
let kafka: Kafka | undefined;
const client = (): Kafka =>
  (kafka ??= createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'skc-interop-test', logLevel: 'nothing' }));

describe('offsets topic shared with Apache Kafka Connect', () => {
  it('reads and writes the same records as a Java worker', async () => {
    const topic = uniqueName('connect-offsets-interop');
    const ours = new KafkaOffsetStore({ kafka: client(), topic, partitions: 25, replicationFactor: 1 });
    await ours.start();
    try {
      // Multi-key partitions whose Java HashMap order is not alphabetical, non-ASCII text, every primitive type.
      const ourPartition = { server: 'db1', rs: 'rs0', ünï: '𝄞' };
      const ourOffset = { position: 30, ratio: 0.5, done: false, none: null, text: 'a"b' };
      await ours.put('ts-connector', [{ partition: ourPartition, offset: ourOffset }]);
      const javaPartition = { snapshot: 'x', lsn: 1, txId: 2, ts_usec: 3, lsn_proc: 4, lsn_commit: 5 };

      const { stdout } = await run(
        javaBin(),
        [
          '-cp',
          resolveKafkaClasspath(),
          path.join(__dirname, 'fixtures', 'ApacheOffsets.java'),
          kafkaBootstrap(),
          topic,
          'ts-connector',
          asciiJson([ourPartition, { server: 'absent' }]),
          'java-connector',
          asciiJson(javaPartition),
          asciiJson({ lsn: 99 }),
        ],
        { timeout: 150_000 },
      );
      // Apache's reader found our offset (and nothing for an unknown partition).
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([ourOffset, null]);

      // We read Apache's write, then overwrite it: same key bytes, same partition as the Java producer chose.
      const javaWrite = await ours.get('java-connector', [javaPartition]);
      expect(javaWrite.get(partitionKey(javaPartition))).toEqual({ lsn: 99 });
      await ours.put('java-connector', [{ partition: javaPartition, offset: { lsn: 100 } }]);

      const records: { partition: number; key: string; value: string | null }[] = [];
      const consumer = client().consumer({ groupId: uniqueName('interop-raw'), maxWaitTimeInMs: 250 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            records.push({ partition, key: message.key!.toString('utf8'), value: message.value?.toString() ?? null });
          },
        });
        await waitFor(() => records.length >= 3, { timeoutMs: 30_000, description: '3 offsets records' });
      } finally {
        await consumer.disconnect();
      }
      const javaKeyed = records.filter((r) => r.key.startsWith('["java-connector"'));
      expect(javaKeyed.map((r) => r.value)).toEqual(['{"lsn":99}', '{"lsn":100}']);
      expect(new Set(javaKeyed.map((r) => r.key)).size).toBe(1);
      expect(new Set(javaKeyed.map((r) => r.partition)).size).toBe(1);
      expect(javaKeyed[0]?.key).toBe(
        '["java-connector",{"lsn_proc":4,"lsn_commit":5,"lsn":1,"txId":2,"ts_usec":3,"snapshot":"x"}]',
      );
    } finally {
      await ours.stop();
    }
  }, 180_000);
});
