import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../../lib/adapters/kafka/client';
import { KafkaOffsetStore } from '../../lib/adapters/kafka/offsets-topic-store';
import { javaBin, resolveKafkaClasspath } from '../../lib/adapters/local/kafka-broker';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { SourceTransactions } from '../../lib/runtime/exactly-once-source';
import { isTransactionalProducer } from '../../lib/storage/kafka-ports';
import { encodeOffsetKey, encodeOffsetValue, partitionKey } from '../../lib/storage/offsets-codec';
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

  it("offsets an exactly-once task committed are what Apache's worker (exactly.once.source.support=enabled) reads", async () => {
    const topic = uniqueName('connect-offsets-eos-interop');
    const ours = new KafkaOffsetStore({ kafka: client(), topic, partitions: 25, replicationFactor: 1 });
    await ours.start();
    const producer = new KafkajsClientFactory().newProducer({
      'bootstrap.servers': kafkaBootstrap(),
      'client.id': 'skc-interop-eos',
      'transactional.id': uniqueName('interop-eos-txid'),
    });
    if (!isTransactionalProducer(producer)) throw new Error('not transactional');
    await producer.connect();
    try {
      const transactions = new SourceTransactions(producer, 'eos-connector', {
        transactionalId: 'unused',
        boundary: 'poll',
        intervalMs: 0,
        offsetsTopic: topic,
        initTimeoutMs: 30_000,
      });
      await transactions.init();
      const files = [{ filename: '/data/a.txt' }, { filename: '/data/ü.txt' }];
      // Two committed transactions (the second moves one partition on) …
      await transactions.commit([
        { partition: files[0]!, offset: { position: 100 } },
        { partition: files[1]!, offset: { position: 7 } },
      ]);
      await transactions.commit([{ partition: files[0]!, offset: { position: 250 } }]);
      // … and an aborted one, whose offset a read_committed reader never sees.
      await producer.send(
        [
          {
            topic,
            partition: null,
            key: Buffer.from(encodeOffsetKey('eos-connector', files[0]!)),
            value: Buffer.from(encodeOffsetValue({ position: 999 }) ?? ''),
            timestamp: null,
            headers: [],
          },
        ],
        { metadata: false },
      );
      await transactions.abort();

      const { stdout } = await run(
        javaBin(),
        [
          '-cp',
          resolveKafkaClasspath(),
          path.join(__dirname, 'fixtures', 'ApacheOffsets.java'),
          kafkaBootstrap(),
          topic,
          'eos-connector',
          asciiJson([...files, { filename: 'absent' }]),
          'java-connector',
          asciiJson({ x: 1 }),
          asciiJson({ y: 1 }),
          'enabled',
        ],
        { timeout: 150_000 },
      );
      const expected = [{ position: 250 }, { position: 7 }, null];
      // Apache's KafkaOffsetBackingStore reads the committed values …
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual(expected);
      // … the same ones our (read_committed) offset store reads.
      const read = await ours.get('eos-connector', files);
      expect(files.map((f) => read.get(partitionKey(f)) ?? null)).toEqual(expected.slice(0, 2));
    } finally {
      await producer.close();
      await ours.stop();
    }
  }, 180_000);
});
