/**
 * S3 sink benchmark (`npm run bench -- s3`): topic → S3 (moto) with the native S3 sink in `connect-standalone`, for
 * JSON lines, Avro and Parquet (snappy), beside a raw kafkajs consumer reading the same topic in the same run (the
 * ceiling: what consuming alone costs on this machine). One partition of BENCH_S3_RECORDS (default 200,000)
 * JsonConverter records with schemas (a struct of 6 fields, ~120 B payload); flush.size 20,000.
 *
 * Measured: from the connector process start to the last object in the bucket (so it includes the consumer's group
 * join, as every sink start does), records/s, MB/s of Kafka value bytes, and the task process's peak RSS (VmHWM).
 * moto is a Python server on the same 2 cores, so absolute S3 numbers are pessimistic; the ratios between formats
 * and to the raw consumer are the useful part.
 * Env: BENCH_S3_RECORDS, BENCH_S3_FORMATS (default `json,avro,parquet`), BENCH_S3_NODE_ARGS (extra node arguments of
 * the connector process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../lib/adapters/kafka/client';
import { LOCAL_TASK_PROCESS_NODE_FLAGS } from '../lib/runtime/task-process';
import { startServices } from '../test/services/index';
import { projectRoot } from '../test/services/paths';

const RECORDS = Number(process.env.BENCH_S3_RECORDS ?? 200_000);
const FLUSH_SIZE = 20_000;
const NODE_ARGS = (process.env.BENCH_S3_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const FORMATS = (process.env.BENCH_S3_FORMATS ?? 'json,avro,parquet').split(',').map((f) => f.trim());
const FORMAT_CLASS: Record<string, string> = {
  json: 'io.confluent.connect.s3.format.json.JsonFormat',
  avro: 'io.confluent.connect.s3.format.avro.AvroFormat',
  parquet: 'io.confluent.connect.s3.format.parquet.ParquetFormat',
};

const SCHEMA = {
  type: 'struct',
  name: 'bench.Order',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'customer', type: 'string', optional: false },
    { field: 'amount', type: 'double', optional: false },
    { field: 'status', type: 'string', optional: true },
    { field: 'quantity', type: 'int32', optional: false },
    { field: 'note', type: 'string', optional: true },
  ],
};
const value = (i: number): string =>
  JSON.stringify({
    schema: SCHEMA,
    payload: {
      id: i,
      customer: `customer-${i % 997}`,
      amount: (i % 10_000) / 100,
      status: i % 3 === 0 ? 'SHIPPED' : 'NEW',
      quantity: i % 17,
      note: i % 5 === 0 ? null : `note for order ${i} ${'x'.repeat(20)}`,
    },
  });

const peakRssMiB = (pid: number): number | undefined => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

const poll = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

interface Result {
  readonly label: string;
  readonly seconds: number;
  readonly peakRssMiB?: number;
}

async function produce(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let bytes = 0;
  for (let start = 0; start < RECORDS; start += 500) {
    const messages = Array.from({ length: Math.min(500, RECORDS - start) }, (_, i) => {
      const v = value(start + i);
      bytes += Buffer.byteLength(v);
      return { value: v };
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return bytes;
}

async function rawConsumer(kafka: Kafka, topic: string): Promise<Result> {
  const consumer = kafka.consumer({ groupId: `bench-s3-raw-${Date.now()}`, maxBytesPerPartition: 1048576 });
  const started = process.hrtime.bigint();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  let finished = 0n;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      count += batch.messages.length;
      if (count >= RECORDS && finished === 0n) finished = process.hrtime.bigint();
    },
  });
  await poll(async () => (finished !== 0n ? true : undefined), 600_000, 'raw consumer');
  await consumer.disconnect();
  return { label: 'raw kafkajs consumer (ceiling)', seconds: Number(finished - started) / 1e9 };
}

async function sink(
  cli: string,
  dir: string,
  bootstrap: string,
  moto: string,
  s3: S3Client,
  topic: string,
  format: string,
): Promise<Result> {
  const bucket = `bench-s3-${format}-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const worker = join(dir, `worker-${format}.properties`);
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${bootstrap}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${join(dir, `offsets-${format}`)}`,
      'offset.flush.interval.ms=5000',
    ].join('\n'),
  );
  const props = join(dir, `s3-${format}.properties`);
  writeFileSync(
    props,
    [
      `name=bench-s3-${format}-${Date.now()}`,
      'connector.class=io.confluent.connect.s3.S3SinkConnector',
      `topics=${topic}`,
      `s3.bucket.name=${bucket}`,
      's3.region=us-east-1',
      `store.url=${moto}`,
      'aws.access.key.id=test',
      'aws.secret.access.key=test',
      `format.class=${FORMAT_CLASS[format]}`,
      `flush.size=${FLUSH_SIZE}`,
    ].join('\n'),
  );
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(
    process.execPath,
    [...LOCAL_TASK_PROCESS_NODE_FLAGS, ...NODE_ARGS, cli, '--override', 'listeners=http://127.0.0.1:0', worker, props],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-10_000);
  });
  let peak = 0;
  const objects = RECORDS / FLUSH_SIZE;
  try {
    await poll(
      async () => {
        peak = Math.max(peak, peakRssMiB(child.pid ?? -1) ?? 0);
        if (child.exitCode !== null) throw new Error(`connector exited ${child.exitCode}:\n${log}`);
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        return (page.KeyCount ?? 0) >= objects ? true : undefined;
      },
      600_000,
      `${objects} ${format} objects`,
    );
  } finally {
    peak = Math.max(peak, peakRssMiB(child.pid ?? -1) ?? 0);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label: `S3 sink ${format.padEnd(8)}`, seconds, peakRssMiB: peak };
}

async function main(): Promise<void> {
  const stack = await startServices(['kafka', 'moto']);
  const bootstrap = stack.env['KAFKA_BOOTSTRAP_SERVERS'] as string;
  const moto = stack.env['MOTO_ENDPOINT'] as string;
  const dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const s3 = new S3Client({
    endpoint: moto,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const cli = join(dir, 'connect-standalone.js');
    await build({
      entryPoints: [join(projectRoot(), 'task-runner', 'connect-standalone.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      logLevel: 'error',
    });
    const kafka = createKafka({ bootstrapServers: bootstrap, clientId: 'bench-s3', logLevel: 'error' });
    const topic = `bench-s3-${Date.now()}`;
    const bytes = await produce(kafka, topic);
    const mb = bytes / 1e6;
    console.log(`[s3] ${RECORDS} records, ${mb.toFixed(1)} MB of values (JsonConverter with schemas), 1 partition`);
    const results: Result[] = [await rawConsumer(kafka, topic)];
    for (const format of FORMATS) results.push(await sink(cli, dir, bootstrap, moto, s3, topic, format));
    const ceiling = results[0] as Result;
    for (const r of results) {
      console.log(
        `[s3] ${r.label.padEnd(32)} ${(RECORDS / r.seconds).toFixed(0).padStart(8)} records/s ` +
          `${(mb / r.seconds).toFixed(1).padStart(6)} MB/s ${r.seconds.toFixed(2).padStart(7)} s` +
          `  ${(ceiling.seconds / r.seconds).toFixed(2)}× of the raw consumer` +
          (r.peakRssMiB === undefined ? '' : `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB`),
      );
    }
  } finally {
    s3.destroy();
    rmSync(dir, { recursive: true, force: true });
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
