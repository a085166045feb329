/**
 * Exactly-once of the S3 sink under SIGKILL, on the real broker and moto (SKC_SERVICES=kafka,moto): 100,000 records
 * on 4 partitions, the sink task running in a real task process (`connect-standalone`, sink offsets in the consumer
 * group) killed with SIGKILL 5 times while it writes. The bucket is versioned, so every write of every object name
 * is kept: each name must have had one content only, and the union of the objects holds each record exactly once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { createKafka } from '../../../lib/adapters/kafka/client';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../../services/env';
import { startCli } from '../../standalone/cli';
import type { RunningCli } from '../../standalone/cli';
import { createBucket, motoEndpoint } from './helpers';

requireServices('kafka', 'moto');

const RECORDS = 100_000;
const PARTITIONS = 4;
/** 25,000 records per partition = 40 objects of 625: the last object of each partition is complete too */
const FLUSH_SIZE = 625;
const KILLS = 5;

const s3 = (): S3Client =>
  new S3Client({
    endpoint: motoEndpoint(),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

interface Version {
  readonly key: string;
  readonly versionId: string;
}

async function allVersions(client: S3Client, bucket: string): Promise<Version[]> {
  const out: Version[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionIdMarker ? { VersionIdMarker: versionIdMarker } : {}),
      }),
    );
    for (const v of page.Versions ?? []) out.push({ key: v.Key as string, versionId: v.VersionId as string });
    if (!page.IsTruncated) return out;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

const body = async (client: S3Client, bucket: string, v: Version): Promise<string> => {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }));
  return (await out.Body?.transformToString()) ?? '';
};

/** Distinct object names written so far (cheap progress probe). */
const objectCount = async (client: S3Client, bucket: string): Promise<number> =>
  new Set((await allVersions(client, bucket)).map((v) => v.key)).size;

let cli: RunningCli | undefined;
afterEach(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
});

it('SIGKILLed 5 times while writing, the sink leaves every record in exactly one object', async () => {
  const topic = uniqueName('s3eos');
  const bucket = await createBucket();
  const client = s3();
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));

  const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 's3-eos-test', logLevel: 'nothing' });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer();
  await producer.connect();
  for (let start = 0; start < RECORDS; start += 5000) {
    const messages = Array.from({ length: Math.min(5000, RECORDS - start) }, (_, i) => ({
      partition: (start + i) % PARTITIONS,
      value: JSON.stringify({ id: start + i, pad: 'x'.repeat(40) }),
    }));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  await admin.disconnect();

  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 's3-eos-'));
  const worker = join(dir, 'worker.properties');
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${kafkaBootstrap()}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=false',
      `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
      'offset.flush.interval.ms=300',
      // small polls: many put()/commit cycles, so kills land between upload and commit too
      'consumer.max.poll.records=700',
      // a killed member leaves the group after 6 s (the broker's minimum), not kafkajs' 30 s: restarts rejoin fast
      'consumer.session.timeout.ms=6000',
      'consumer.heartbeat.interval.ms=1000',
    ].join('\n'),
  );
  const sink = join(dir, 's3.properties');
  writeFileSync(
    sink,
    [
      `name=${topic}`,
      'connector.class=io.confluent.connect.s3.S3SinkConnector',
      'tasks.max=1',
      `topics=${topic}`,
      `s3.bucket.name=${bucket}`,
      's3.region=us-east-1',
      `store.url=${motoEndpoint()}`,
      'aws.access.key.id=test',
      'aws.secret.access.key=test',
      'format.class=io.confluent.connect.s3.format.json.JsonFormat',
      `flush.size=${FLUSH_SIZE}`,
    ].join('\n'),
  );
  const start = async (): Promise<RunningCli> =>
    startCli(['--override', 'listeners=http://127.0.0.1:0', worker, sink], { cwd: dir });

  // Kill right when the object count passes each threshold: just after an upload, before its offsets are committed.
  const expectedObjects = RECORDS / FLUSH_SIZE;
  for (let kill = 1; kill <= KILLS; kill++) {
    cli = await start();
    const running = cli;
    const threshold = Math.floor((expectedObjects * kill) / (KILLS + 1));
    await waitFor(async () => (await objectCount(client, bucket)) >= threshold, {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: `${threshold} objects before kill ${kill}`,
      abortReason: () => (running.child.exitCode !== null ? `process exited:\n${running.output()}` : undefined),
    });
    running.child.kill('SIGKILL');
    await running.exited;
    process.stderr.write(`[s3-eos] kill ${kill} at ${Date.now() - t0} ms\n`);
  }
  // The last run finishes the topic.
  cli = await start();
  const last = cli;
  await waitFor(async () => (await objectCount(client, bucket)) >= expectedObjects, {
    timeoutMs: 120_000,
    intervalMs: 250,
    description: `${expectedObjects} objects`,
    abortReason: () => (last.child.exitCode !== null ? `process exited:\n${last.output()}` : undefined),
  });
  last.child.kill('SIGTERM');
  await last.exited;

  process.stderr.write(`[s3-eos] done at ${Date.now() - t0} ms\n`);
  // Every version of every name: one content per name.
  const versions = await allVersions(client, bucket);
  const contents = new Map<string, Set<string>>();
  const latest = new Map<string, string>();
  for (const v of versions) {
    const text = await body(client, bucket, v);
    const set = contents.get(v.key) ?? new Set<string>();
    set.add(text);
    contents.set(v.key, set);
    latest.set(v.key, text);
  }
  const reused = [...contents].filter(([, set]) => set.size > 1).map(([key]) => key);
  expect(reused).toEqual([]);
  expect(versions.length).toBeGreaterThanOrEqual(latest.size);

  // The union of the objects: each record exactly once.
  const seen = new Map<number, number>();
  for (const text of latest.values()) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const id = (JSON.parse(line) as { id: number }).id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  const duplicates = [...seen].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
  expect(seen.size).toBe(RECORDS);
  expect(latest.size).toBe(expectedObjects);
  process.stderr.write(
    `[s3-eos] checked at ${Date.now() - t0} ms: ${latest.size} objects, ${versions.length - latest.size} rewritten with the same bytes after a kill\n`,
  );
  client.destroy();
}, 400_000);
