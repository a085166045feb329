/**
 * Store adapter benchmark (run by `npm run bench`, or alone: bundle with esbuild and run with node).
 *
 * Sequential latency (p50/p99) and throughput of the operations on a control-plane hot path, per adapter:
 * ConfigStore get + conditional update, StatusStore task heartbeat (fenced put), OffsetStore put (durable) and
 * get (read to end). Memory and file adapters always; DynamoDB Local and Kafka when `BENCH_STORES_SERVICES`
 * (default `dynamodb,kafka`) lists them — they are started for the run with the test services' launcher.
 *
 * With Kafka it also measures a cold KafkaOffsetStore (start + first `get`, what a task start or a REST
 * `GET /connectors/x/offsets` Lambda pays) against a second broker that keeps Apache's default
 * `group.initial.rebalance.delay.ms=3000`: the test broker sets it to 0, which would hide what a real cluster
 * (MSK, Confluent) charges a reader that joins a consumer group. `BENCH_STORES_COLD_RUNS` (default 5) starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbConfigStore } from '../lib/adapters/dynamodb/config-store';
import { DynamoDbStatusStore } from '../lib/adapters/dynamodb/status-store';
import { createDocumentClient, createTables } from '../lib/adapters/dynamodb/table';
import { createKafka } from '../lib/adapters/kafka/client';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import { FileConfigStore } from '../lib/adapters/local/file-config-store';
import { FileOffsetStore } from '../lib/adapters/local/file-offset-store';
import { FileStatusStore } from '../lib/adapters/local/file-status-store';
import { kafkaBrokerReadiness } from '../lib/adapters/kafka/admin';
import { startKafkaBroker } from '../lib/adapters/local/kafka-broker';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../lib/adapters/local/memory-stores';
import type { ConfigStore, OffsetStore, StatusStore } from '../lib/storage/ports';
import { startServices } from '../test/services/index';
import type { ServiceName } from '../test/services/index';

const OPS = Number(process.env.BENCH_STORES_OPS ?? 200);
const COLD_RUNS = Number(process.env.BENCH_STORES_COLD_RUNS ?? 5);

async function measure(label: string, op: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(20, OPS); i++) await op(-1 - i); // warm-up
  const times: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(2);
  console.log(
    `${label.padEnd(44)} p50 ${pct(0.5).padStart(7)} ms  p99 ${pct(0.99).padStart(7)} ms  ` +
      `${((OPS / totalMs) * 1000).toFixed(0).padStart(6)} ops/s`,
  );
}

async function benchConfig(adapter: string, store: ConfigStore): Promise<void> {
  const name = `bench-${Date.now()}`;
  await store.create(
    name,
    { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: 'a', topic: 't' },
    'STARTED',
  );
  await measure(`${adapter} config get+update`, async (i) => {
    const current = (await store.get(name))!;
    await store.update(name, current.version, { config: { ...current.config, 'bench.seq': String(i) } });
  });
  await store.delete(name);
}

async function benchStatus(adapter: string, store: StatusStore): Promise<void> {
  const name = `bench-${Date.now()}`;
  await measure(`${adapter} task status put (fenced)`, (i) =>
    store.putTask(name, 0, { state: 'RUNNING', trace: null, workerId: 'bench', generation: 1, updatedAt: i }),
  );
  await store.deleteConnector(name);
}

async function benchOffsets(adapter: string, store: OffsetStore): Promise<void> {
  const connector = `bench-${Date.now()}`;
  await store.start();
  await measure(`${adapter} offsets put (durable)`, (i) =>
    store.put(connector, [{ partition: { filename: `f${i % 10}` }, offset: { position: i } }]),
  );
  await measure(`${adapter} offsets get (read to end)`, (i) => store.get(connector, [{ filename: `f${i % 10}` }]));
  await store.stop();
}

/**
 * Start + first `get` of a fresh KafkaOffsetStore on an existing offsets topic (100 keys), against a broker with
 * Apache's default `group.initial.rebalance.delay.ms` (3000): the cold path of every task start and offsets Lambda.
 */
async function benchOffsetsColdStart(): Promise<void> {
  const broker = await startKafkaBroker({
    readiness: kafkaBrokerReadiness,
    config: { 'group.initial.rebalance.delay.ms': 3000 },
  });
  try {
    const kafka = createKafka({
      bootstrapServers: broker.bootstrapServers,
      clientId: 'bench-cold',
      logLevel: 'nothing',
    });
    const topic = `bench-offsets-cold-${Date.now()}`;
    const options = { kafka, topic, partitions: 25, replicationFactor: 1 };
    const seed = new KafkaOffsetStore(options);
    await seed.start();
    await seed.put(
      'bench',
      Array.from({ length: 100 }, (_, i) => ({ partition: { filename: `f${i}` }, offset: { position: i } })),
    );
    await seed.stop();
    const times: number[] = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const t0 = process.hrtime.bigint();
      const store = new KafkaOffsetStore(options);
      await store.start();
      const got = await store.get('bench', [{ filename: 'f99' }]);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await store.stop();
      if (got.size !== 1 || [...got.values()][0]?.['position'] !== 99) throw new Error('cold get read a wrong offset');
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(0);
    console.log(
      `${'kafka offsets start+first get (delay 3000)'.padEnd(44)} p50 ${at(0.5).padStart(7)} ms  ` +
        `max ${at(1).padStart(7)} ms  (${COLD_RUNS} cold starts)`,
    );
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  console.log(`# store adapters: ${OPS} sequential operations each`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skc-bench-stores-'));
  try {
    await benchConfig('memory', new InMemoryConfigStore());
    await benchStatus('memory', new InMemoryStatusStore());
    await benchOffsets('memory', new InMemoryOffsetStore());
    await benchConfig('file', new FileConfigStore(dir));
    await benchStatus('file', new FileStatusStore(dir));
    await benchOffsets('file', new FileOffsetStore(path.join(dir, 'connect.offsets')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const wanted = (process.env.BENCH_STORES_SERVICES ?? 'dynamodb,kafka').split(',').filter(Boolean) as ServiceName[];
  if (wanted.length === 0) return;
  const stack = await startServices(wanted);
  try {
    if (stack.env['DYNAMODB_ENDPOINT']) {
      const client = new DynamoDBClient({
        endpoint: stack.env['DYNAMODB_ENDPOINT'],
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const doc = createDocumentClient(client);
      const names = { table: `bench-stores-${Date.now()}` };
      await createTables(doc, names);
      await benchConfig('dynamodb-local', new DynamoDbConfigStore(doc, names));
      await benchStatus('dynamodb-local', new DynamoDbStatusStore(doc, names));
      client.destroy();
    }
    if (stack.env['KAFKA_BOOTSTRAP_SERVERS']) {
      const kafka = createKafka({
        bootstrapServers: stack.env['KAFKA_BOOTSTRAP_SERVERS'],
        clientId: 'bench-stores',
        logLevel: 'nothing',
      });
      await benchOffsets(
        'kafka',
        new KafkaOffsetStore({ kafka, topic: `bench-offsets-${Date.now()}`, partitions: 25, replicationFactor: 1 }),
      );
      await benchOffsetsColdStart();
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
