/**
 * FileStream benchmark (`npm run bench -- filestream`): ours beside Apache Kafka Connect 4.3.1 on one Apache Kafka
 * broker (started for the run, or KAFKA_BOOTSTRAP_SERVERS), BENCH_FILESTREAM_LINES lines of 100 bytes (default
 * 1,000,000), one partition, acks=all.
 *
 * Each round, for each converter (JsonConverter with schemas, as Apache's example worker file has it, and
 * StringConverter), alternately ours then Apache's:
 *   - FileStreamSource → topic: our `connect-standalone` and Apache's own
 *     `org.apache.kafka.connect.cli.ConnectStandalone` (connect-runtime + connect-file 4.3.1 from Maven Central,
 *     resolved by `node scripts/setup.mjs apache-connect`), each with the same worker file: Apache's
 *     example connect-standalone.properties with bootstrap.servers replaced, a fresh offsets file, and the REST
 *     listener on 127.0.0.1 at a free port;
 *   - topic → FileStreamSink, both reading the topic our source wrote in that round.
 * Then the ceilings, in the same round: the raw kafkajs and @platformatic/kafka producers (the connector's batching
 * with each client: its records per request, ≤ 1 MiB requests, one in flight, idempotent), the raw kafkajs consumer (the connector's fetch settings), and Kafka's ProducerPerformance with its
 * default batching and with a tuned batch.size/linger.ms.
 *
 * Per run: records/s at steady state (from the first record seen on the topic / in the output file to the last,
 * so start-up is excluded), wall time from the process spawn to the last record (start-up included), and peak RSS
 * (VmHWM) of the worker process: the JVM for Apache; for ours the `connect-standalone` process, which runs its
 * tasks in-process. The summary is one table of medians over the rounds, with ratios.
 *
 * With BENCH_FILESTREAM_PARTS including `create`: create → first record beside a warm Apache distributed worker
 * (ConnectDistributed with Apache's example connect-distributed.properties) and our local stack (`npm start`'s,
 * one process per task): POST of a FileStreamSource of a few lines → first record on its topic, several rounds.
 *
 * Env: BENCH_KAFKA_CLIENTS (our worker's `skc.kafka.client` values to run, each a side with its own raw
 * ceilings; default `default,kafkajs,platformatic`, where `default` leaves the key unset), BENCH_FILESTREAM_LINES (default 1000000), BENCH_FILESTREAM_ROUNDS (default 3),
 * BENCH_FILESTREAM_CONVERTERS (default `json,string`), BENCH_FILESTREAM_PARTS (default `source,sink,ceilings`; add
 * `create` for create → first record), BENCH_FILESTREAM_APACHE (`0` leaves Apache out), BENCH_APACHE_HEAP (the
 * JVM's -Xmx, default 2G as Apache's connect-standalone.sh), BENCH_PP_TUNED (ProducerPerformance's tuned props,
 * default `batch.size=524288 linger.ms=20`), BENCH_CREATE_ROUNDS (default 5), BENCH_CREATE_PAUSE_MS (idle time before each create, default 2000;
 * the local stack's SKC_WARM_SPARES / SKC_WARM_SPARE are passed on to it),
 * BENCH_FILESTREAM_NODE_ARGS (extra
 * node arguments for our connector process), BENCH_FILESTREAM_WORKER_PROPS (extra worker properties for both
 * sides, `;`-separated), KAFKA_BOOTSTRAP_SERVERS (use a running broker instead of starting one).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Admin, Kafka } from 'kafkajs';
import { Consumer as PltConsumer, Producer as PltProducer } from '@platformatic/kafka';
import { createKafka } from '../lib/adapters/kafka/client';
import { projectRoot, servicePaths } from '../test/services/paths';
import { PLATFORMATIC_BUNDLE_OPTIONS } from '../test/services/bundle-options';
import { startServices } from '../test/services/index';
import type { ServiceStack } from '../test/services/index';
import { LOCAL_TASK_PROCESS_NODE_FLAGS } from '../lib/runtime/task-process';
import { MAX_RECORDS_PER_REQUEST } from '../lib/runtime/worker';
import { PLATFORMATIC_RECORDS_PER_SEND } from '../lib/adapters/platformatic-kafka/producer';
import { KAFKA_CLIENT_DEFAULTS } from '../lib/config/kafka-client-choice';
import { median, num, ratioText, renderTable } from './support/stats';

const LINES = Number(process.env.BENCH_FILESTREAM_LINES ?? 1_000_000);
const LINE_BYTES = 100;
const ROUNDS = Number(process.env.BENCH_FILESTREAM_ROUNDS ?? 3);
const PARTS = new Set((process.env.BENCH_FILESTREAM_PARTS ?? 'source,sink,ceilings').split(',').map((p) => p.trim()));
const WITH_APACHE = process.env.BENCH_FILESTREAM_APACHE !== '0';
const APACHE_HEAP = process.env.BENCH_APACHE_HEAP ?? '2G';
const PP_TUNED = (process.env.BENCH_PP_TUNED ?? 'batch.size=524288 linger.ms=20').split(' ').filter(Boolean);
const CREATE_ROUNDS = Number(process.env.BENCH_CREATE_ROUNDS ?? 5);
/**
 * Idle time before each create (both sides): a user's creates come seconds apart, so each worker is idle at the
 * POST, as Apache's warm worker is. 0 runs them back to back (then our replacement spare is still starting).
 */
const CREATE_PAUSE_MS = Number(process.env.BENCH_CREATE_PAUSE_MS ?? 2000);
const CONVERTERS: Record<string, string> = {
  json: 'org.apache.kafka.connect.json.JsonConverter',
  string: 'org.apache.kafka.connect.storage.StringConverter',
};
const CONVERTER_NAMES = (process.env.BENCH_FILESTREAM_CONVERTERS ?? 'json,string')
  .split(',')
  .map((c) => c.trim())
  .filter((c) => c !== '');
/** Apache's example worker files; the bench falls back to their settings when the fixtures are not on this machine */
const APACHE_CONFIG_DIR = '/work/shared/fixtures/apache-config';
const STANDALONE_DEFAULTS = [
  'bootstrap.servers=localhost:9092',
  'key.converter=org.apache.kafka.connect.json.JsonConverter',
  'value.converter=org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable=true',
  'value.converter.schemas.enable=true',
  'offset.storage.file.filename=/tmp/connect.offsets',
  'offset.flush.interval.ms=10000',
].join('\n');
/** the connector's produce requests are cut at max.request.size (1 MiB), estimated as in WorkerSourceTask */
const MAX_REQUEST_BYTES = 1048576;
const RECORD_OVERHEAD = 24;
const BATCH_OVERHEAD = 61;
/**
 * the connector's cap on records per request with each client (the runtime's default for kafkajs, the adapter's
 * own for @platformatic/kafka), imported so each raw ceiling always sends the batches our task sends
 */
const MAX_REQUEST_RECORDS = MAX_RECORDS_PER_REQUEST;
const PLT_REQUEST_RECORDS = PLATFORMATIC_RECORDS_PER_SEND;
/** extra worker properties (`;`-separated `key=value`), e.g. `consumer.max.poll.records=2000`, for experiments */
const WORKER_PROPS = (process.env.BENCH_FILESTREAM_WORKER_PROPS ?? '').split(';').filter((p) => p.includes('='));
/**
 * our Kafka clients to run (`skc.kafka.client`), each a side of its own, with its raw ceilings; `default` runs our
 * worker without the key (each role on its default client), against the ceilings of those clients
 */
const CLIENTS = (process.env.BENCH_KAFKA_CLIENTS ?? 'default,kafkajs,platformatic')
  .split(',')
  .map((c) => c.trim())
  .filter((c) => c !== '');
/** The client whose raw ceiling a side's source (producer) or sink (consumer) is compared with. */
const ceilingClient = (client: string, part: 'source' | 'sink'): string =>
  client !== 'default' ? client : part === 'source' ? KAFKA_CLIENT_DEFAULTS.producer : KAFKA_CLIENT_DEFAULTS.consumer;
const RAW_PLATFORMATIC = CLIENTS.some(
  (c) => ceilingClient(c, 'source') === 'platformatic' || ceilingClient(c, 'sink') === 'platformatic',
);
// The connector process gets the flags its `connect-standalone` shebang gives it, plus any extra ones.
const NODE_ARGS = [
  ...LOCAL_TASK_PROCESS_NODE_FLAGS,
  ...(process.env.BENCH_FILESTREAM_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
];
/**
 * The JVM options Apache's bin/connect-standalone.sh and kafka-run-class.sh give the worker (heap bounded by
 * -Xmx, as the script's KAFKA_HEAP_OPTS does).
 */
const APACHE_JVM_OPTS = [
  '-Xms256M',
  `-Xmx${APACHE_HEAP}`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];
/**
 * The connector's consumer settings (lib/adapters/kafka/consumer.ts with Apache's defaults), given to the raw
 * consumer too so both fetch alike: max.partition.fetch.bytes 1 MiB (kafkajs' and Java's default),
 * fetch.max.wait.ms 500, fetch.min.bytes 1, manual commits, one partition handled at a time.
 */
const FETCH = { maxBytesPerPartition: 1048576, maxWaitTimeInMs: 500, minBytes: 1 } as const;

type Side = 'ours' | 'apache';
type Part = 'source' | 'sink';

interface Run {
  /** first record to last record */
  readonly steadySeconds: number;
  /** process spawn to last record */
  readonly wallSeconds?: number;
  readonly peakRssMiB?: number;
}

const recordsPerSecond = (r: Run | undefined): number => (r ? (LINES - 1) / r.steadySeconds : NaN);

/** VmHWM (peak resident set) of a live process, in MiB. */
const peakRssMiB = (pid: number): number | undefined => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

const line = (i: number): string => {
  const head = `${i}:`;
  return head + 'x'.repeat(LINE_BYTES - head.length);
};

const poll = async <T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
  child?: ChildProcess,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const endOffset = async (admin: Admin, topic: string): Promise<number> =>
  (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);

const createTopic = async (admin: Admin, topic: string): Promise<void> => {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
};

/** A TCP port free on 127.0.0.1 right now (the OS picks it; the listener is closed before the worker binds it). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const unique = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

const bundle = async (dir: string, entry: string, name: string): Promise<string> => {
  const outfile = join(dir, name);
  await build({
    entryPoints: [join(projectRoot(), entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'error',
    ...PLATFORMATIC_BUNDLE_OPTIONS,
  });
  return outfile;
};

/** Resolves Apache Kafka Connect's classpath (Maven profile `apache-connect`) on first use. */
const apacheClasspath = (): string => {
  const file = join(projectRoot(), '.cache', 'maven', 'apache-connect.classpath');
  if (!existsSync(file)) {
    const setup = spawnSync(process.execPath, [servicePaths().setupScript, 'apache-connect'], {
      cwd: projectRoot(),
      stdio: 'inherit',
    });
    if (setup.status !== 0) throw new Error('node scripts/setup.mjs apache-connect failed');
  }
  return readFileSync(file, 'utf8').trim();
};

/**
 * Apache's example worker file with bootstrap.servers replaced, a fresh offsets file, the converter chosen, and
 * the REST listener on 127.0.0.1 at a free port; `extra` lines (distributed-mode names) are appended.
 */
const workerFile = async (
  dir: string,
  template: string,
  bootstrap: string,
  converter: string,
  extra: string[] = [],
): Promise<string> => {
  const file = join(dir, `${unique('worker')}.properties`);
  const replaced: Record<string, string> = {
    'bootstrap.servers': bootstrap,
    'offset.storage.file.filename': join(dir, unique('offsets')),
    'key.converter': converter,
    'value.converter': converter,
  };
  const lines = template.split('\n').map((l) => {
    const key = /^\s*([^#!=:\s]+)\s*[=:]/.exec(l)?.[1];
    return key !== undefined && key in replaced ? `${key}=${replaced[key]}` : l;
  });
  writeFileSync(
    file,
    [...lines, `listeners=http://127.0.0.1:${await freePort()}`, ...WORKER_PROPS, ...extra, ''].join('\n'),
  );
  return file;
};

const template = (name: string, fallback: string): string => {
  const file = join(APACHE_CONFIG_DIR, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : fallback;
};

const spawnWorker = (side: Side, cli: string, args: string[], cwd: string): ChildProcess => {
  const child =
    side === 'ours'
      ? spawn(process.execPath, [...NODE_ARGS, cli, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('java', [...APACHE_JVM_OPTS, '-cp', apacheClasspath(), cli, ...args], {
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let log = '';
  const keep = (d: Buffer) => {
    log += d.toString();
    if (log.length > 20000) log = log.slice(-10000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    // 143: the JVM's exit after SIGTERM
    if (code !== 0 && code !== null && code !== 143)
      console.error(`[filestream] ${side} worker exited ${code}:\n${log}`);
    if (signal === 'SIGKILL') console.error(`[filestream] ${side} worker needed SIGKILL`);
  });
  return child;
};

const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  await exited;
  clearTimeout(timer);
};

interface Context {
  readonly dir: string;
  readonly bootstrap: string;
  readonly admin: Admin;
  readonly ourCli: string;
  readonly input: string;
}

/**
 * One connector run in a standalone worker of either side. Source: from the first record on the topic to the
 * last; sink: from the first byte in the output file to the last.
 */
const runStandalone = async (
  ctx: Context,
  side: Side,
  part: Part,
  converter: string,
  sourceTopic?: string,
  client = 'kafkajs',
): Promise<Run & { topic: string }> => {
  const name = unique(`bench-fs-${side}-${part}`);
  const topic = part === 'source' ? name : (sourceTopic as string);
  const output = join(ctx.dir, `${name}.txt`);
  if (part === 'source') await createTopic(ctx.admin, topic);
  const props = join(ctx.dir, `${name}.properties`);
  writeFileSync(
    props,
    part === 'source'
      ? `name=${name}\nconnector.class=FileStreamSource\nfile=${ctx.input}\ntopic=${topic}\n`
      : `name=${name}\nconnector.class=FileStreamSink\nfile=${output}\ntopics=${topic}\n`,
  );
  const worker = await workerFile(
    ctx.dir,
    template('connect-standalone.properties', STANDALONE_DEFAULTS),
    ctx.bootstrap,
    converter,
    side === 'ours' && client !== 'default' ? [`skc.kafka.client=${client}`] : [],
  );
  const spawned = process.hrtime.bigint();
  const child = spawnWorker(
    side,
    side === 'ours' ? ctx.ourCli : 'org.apache.kafka.connect.cli.ConnectStandalone',
    [worker, props],
    ctx.dir,
  );
  let peak = 0;
  const sample = () => (peak = Math.max(peak, peakRssMiB(child.pid ?? -1) ?? 0));
  const size = (): number => (existsSync(output) ? statSync(output).size : 0);
  const progress = async (): Promise<number> => {
    sample();
    return part === 'source' ? endOffset(ctx.admin, topic) : size();
  };
  const done = part === 'source' ? LINES : LINES * (LINE_BYTES + 1);
  try {
    await poll(async () => ((await progress()) > 0 ? true : undefined), 300000, `${side} ${part}: first record`, child);
    const started = process.hrtime.bigint();
    await poll(
      async () => ((await progress()) >= done ? true : undefined),
      1800000,
      `${side} ${part}: every record`,
      child,
    );
    const finished = process.hrtime.bigint();
    sample();
    return {
      steadySeconds: Number(finished - started) / 1e9,
      wallSeconds: Number(finished - spawned) / 1e9,
      peakRssMiB: peak,
      topic,
    };
  } finally {
    await stopProcess(child);
    rmSync(output, { force: true });
  }
};

/**
 * raw kafkajs producer, the connector's batching: ≤ MAX_REQUEST_RECORDS records and ≤1 MiB per request, one in
 * flight, acks=all, idempotent (as Connect's task producer is with its defaults).
 */
const benchRawProducer = async (kafka: Kafka, admin: Admin): Promise<Run & { topic: string }> => {
  const topic = unique('bench-raw');
  await createTopic(admin, topic);
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = process.hrtime.bigint();
  let batch: { key: null; value: Buffer }[] = [];
  let bytes = BATCH_OVERHEAD;
  for (let i = 0; i < LINES; i++) {
    const value = Buffer.from(line(i));
    if (
      batch.length >= MAX_REQUEST_RECORDS ||
      (batch.length > 0 && bytes + value.length + RECORD_OVERHEAD > MAX_REQUEST_BYTES)
    ) {
      await producer.send({ topic, acks: -1, messages: batch });
      batch = [];
      bytes = BATCH_OVERHEAD;
    }
    batch.push({ key: null, value });
    bytes += value.length + RECORD_OVERHEAD;
  }
  if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  return { steadySeconds: seconds, topic };
};

/** raw kafkajs consumer: first batch to the last record. */
const benchRawConsumer = async (kafka: Kafka, topic: string): Promise<Run> => {
  const consumer = kafka.consumer({ groupId: unique('bench-raw'), allowAutoTopicCreation: false, ...FETCH });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  let started = 0n;
  let finished = 0n;
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch }) => {
      if (started === 0n) started = process.hrtime.bigint();
      count += batch.messages.length;
      if (count >= LINES && finished === 0n) finished = process.hrtime.bigint();
    },
  });
  await poll(() => (finished !== 0n ? true : undefined), 1800000, 'raw consumer to read every record');
  await consumer.disconnect();
  return { steadySeconds: Number(finished - started) / 1e9 };
};

/**
 * raw @platformatic/kafka producer, the connector's batching on this client: ≤ PLT_REQUEST_RECORDS records and
 * ≤1 MiB per request, one in flight, acks=all, idempotent (as our task's producer is with Connect's defaults).
 */
const benchRawPlatformaticProducer = async (bootstrap: string, admin: Admin): Promise<Run & { topic: string }> => {
  const topic = unique('bench-raw-plt');
  await createTopic(admin, topic);
  const producer = new PltProducer({
    clientId: 'bench-raw-plt',
    bootstrapBrokers: [bootstrap],
    autocreateTopics: false,
    idempotent: true,
    producerId: -1n,
    producerEpoch: -1,
  });
  await producer.metadata({ topics: [topic] });
  const started = process.hrtime.bigint();
  let batch: { topic: string; value: Buffer }[] = [];
  let bytes = BATCH_OVERHEAD;
  for (let i = 0; i < LINES; i++) {
    const value = Buffer.from(line(i));
    if (
      batch.length >= PLT_REQUEST_RECORDS ||
      (batch.length > 0 && bytes + value.length + RECORD_OVERHEAD > MAX_REQUEST_BYTES)
    ) {
      await producer.send({ messages: batch, acks: -1 });
      batch = [];
      bytes = BATCH_OVERHEAD;
    }
    batch.push({ topic, value });
    bytes += value.length + RECORD_OVERHEAD;
  }
  if (batch.length > 0) await producer.send({ messages: batch, acks: -1 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.close();
  return { steadySeconds: seconds, topic };
};

/**
 * raw @platformatic/kafka consumer with the connector's fetch settings (1 MiB per partition, 8 MiB per response,
 * 500 ms wait): a loop on `consumer.fetch()` that counts records, the fastest way this client consumes (its
 * MessagesStream builds several objects per message and ran slower than our sink on it). No group, as the raw
 * kafkajs consumer's group costs nothing per record.
 */
const benchRawPlatformaticConsumer = async (bootstrap: string, topic: string): Promise<Run> => {
  const consumer = new PltConsumer({
    clientId: 'bench-raw-plt',
    groupId: unique('bench-raw-plt'),
    bootstrapBrokers: [bootstrap],
    autocommit: false,
    isolationLevel: 0,
  });
  consumer.topics.track(topic);
  const metadata = await consumer.metadata({ topics: [topic] });
  const { id: topicId, partitions } = metadata.topics.get(topic) as { id: string; partitions: { leader: number }[] };
  const node = (partitions[0] as { leader: number }).leader;
  let offset = 0n;
  let count = 0;
  let started = 0n;
  while (count < LINES) {
    const response = await consumer.fetch({
      node,
      maxBytes: 8 * 1048576,
      minBytes: FETCH.minBytes,
      maxWaitTime: FETCH.maxWaitTimeInMs,
      isolationLevel: 0,
      topics: [
        {
          topicId,
          partitions: [
            {
              partition: 0,
              fetchOffset: offset,
              partitionMaxBytes: FETCH.maxBytesPerPartition,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
    });
    for (const batch of response.responses[0]?.partitions[0]?.records ?? []) {
      if (started === 0n) started = process.hrtime.bigint();
      count += batch.records.length;
      offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
    }
  }
  const finished = process.hrtime.bigint();
  await consumer.close();
  return { steadySeconds: Number(finished - started) / 1e9 };
};

/** Kafka's ProducerPerformance on the same broker, acks=all, with extra producer props. */
const benchProducerPerformance = async (bootstrap: string, admin: Admin, props: string[]): Promise<Run | undefined> => {
  const classpathFile = servicePaths().kafkaClasspathFile;
  if (!existsSync(classpathFile)) return undefined;
  const topic = unique('bench-java');
  await createTopic(admin, topic);
  const result = spawnSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      readFileSync(classpathFile, 'utf8').trim(),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(LINES),
      '--record-size',
      String(LINE_BYTES),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      'acks=all',
      ...props,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(result.stdout ?? '');
  if (!summary) {
    console.error(`[filestream] ProducerPerformance failed:\n${result.stdout}\n${result.stderr}`);
    return undefined;
  }
  return { steadySeconds: (LINES - 1) / Number(summary[2]) };
};

/**
 * Create → first record: POST of a FileStreamSource of a few lines to a warm worker → first record on its topic.
 * `base` is the worker's REST URL.
 */
const createToFirstRecord = async (
  ctx: Context,
  base: string,
  converterNote: string,
  breakdown?: (name: string, t0: number, posted: number, firstRecord: number) => void,
): Promise<number> => {
  const name = unique('bench-create');
  await createTopic(ctx.admin, name);
  const input = join(ctx.dir, `${name}.txt`);
  writeFileSync(input, ['a', 'b', 'c', 'd', 'e'].map((l) => `${l} ${converterNote}`).join('\n') + '\n');
  const t0 = Date.now();
  const response = await fetch(`${base}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic: name },
    }),
  });
  const posted = Date.now();
  if (response.status !== 201) throw new Error(`POST /connectors: ${response.status} ${await response.text()}`);
  await poll(async () => ((await endOffset(ctx.admin, name)) > 0 ? true : undefined), 120000, 'first record');
  const ms = Date.now() - t0;
  breakdown?.(name, t0, posted, t0 + ms);
  await fetch(`${base}/connectors/${name}`, { method: 'DELETE' });
  return ms;
};

/** The `task started` line of a connector's task-runner (local stack log files): its start-up milestones. */
const taskStartedLine = (
  stateDir: string,
  connector: string,
): { processStartedAt: number; startupMs: Record<string, number> } | undefined => {
  const logs = join(stateDir, 'logs');
  if (!existsSync(logs)) return undefined;
  for (const file of readdirSync(logs).filter((f) => f.startsWith(`${connector}-`))) {
    for (const text of readFileSync(join(logs, file), 'utf8').split('\n')) {
      if (!text.includes('"task started"')) continue;
      try {
        const parsed = JSON.parse(text) as { processStartedAt?: number; startupMs?: Record<string, number> };
        if (parsed.processStartedAt !== undefined && parsed.startupMs)
          return { processStartedAt: parsed.processStartedAt, startupMs: parsed.startupMs };
      } catch {
        // a partial line
      }
    }
  }
  return undefined;
};

/** `VmRSS` and `Pss` (its share of pages shared with other processes) of a process, MiB. */
const memoryOf = (pid: number): { rss: number; pss: number } | undefined => {
  try {
    const kib = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const rss = kib(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
    const pss = kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    return { rss: rss / 1024, pss: pss / 1024 };
  } catch {
    return undefined;
  }
};

/** The idle warm spares of a local stack (their `spare-<instance>.log` files) and their processes' memory. */
const idleSpares = (stateDir: string): { instanceId: string; rss: number; pss: number }[] => {
  const logs = join(stateDir, 'logs');
  const ids = existsSync(logs) ? readdirSync(logs).flatMap((f) => /^spare-(.+)\.log$/.exec(f)?.[1] ?? []) : [];
  const found: { instanceId: string; rss: number; pss: number }[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const id = ids.find((i) => cmdline.includes(`--skc-instance=${i}`));
    const memory = id ? memoryOf(Number(pid)) : undefined;
    if (id && memory) found.push({ instanceId: id, ...memory });
  }
  return found;
};

const waitForRest = (base: string, child: ChildProcess): Promise<true> =>
  poll(
    async () => {
      try {
        return (await fetch(`${base}/connectors`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    300000,
    `REST at ${base}`,
    child,
  );

/** Create → first record on a warm Apache distributed worker and on our local stack, alternately. */
const benchCreate = async (ctx: Context): Promise<void> => {
  const suffix = unique('bench-dist');
  const extra = [
    `group.id=${suffix}`,
    `offset.storage.topic=${suffix}-offsets`,
    `config.storage.topic=${suffix}-configs`,
    `status.storage.topic=${suffix}-status`,
  ];
  const distributed = template('connect-distributed.properties', STANDALONE_DEFAULTS);
  const apacheProps = await workerFile(ctx.dir, distributed, ctx.bootstrap, CONVERTERS.json as string, extra);
  const ourProps = await workerFile(ctx.dir, distributed, ctx.bootstrap, CONVERTERS.json as string, [
    `group.id=${suffix}-ours`,
    `offset.storage.topic=${suffix}-ours-offsets`,
    `config.storage.topic=${suffix}-ours-configs`,
    `status.storage.topic=${suffix}-ours-status`,
  ]);
  const listener = (file: string) => /listeners=(\S+)/.exec(readFileSync(file, 'utf8'))?.[1] as string;
  const stackDir = join(ctx.dir, 'stack');
  await bundle(stackDir, 'task-runner/main.ts', 'task-runner.js');
  const stackScript = await bundle(stackDir, 'lambdas/local/main.ts', 'local-stack.js');
  const apache = WITH_APACHE
    ? spawnWorker('apache', 'org.apache.kafka.connect.cli.ConnectDistributed', [apacheProps], ctx.dir)
    : undefined;
  const stateDir = join(ctx.dir, 'state');
  const ours = spawn(process.execPath, [stackScript, ourProps], {
    env: { ...process.env, SKC_STATE_DIR: stateDir, SKC_LISTENERS: listener(ourProps) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The stack's `[local-stack] launched task instance {…}` lines (stderr, no timestamp: the time they arrive).
  const stackLines: { at: number; line: string }[] = [];
  let pending = '';
  ours.stderr?.on('data', (d: Buffer) => {
    const at = Date.now();
    const parts = (pending + d.toString()).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) if (line.includes('launched task instance')) stackLines.push({ at, line });
  });
  const steps = new Map<string, number[]>();
  let lastAdopted = false;
  const breakdown = (name: string, t0: number, posted: number, firstRecord: number): void => {
    const add = (step: string, at: number | undefined) => {
      if (at !== undefined && Number.isFinite(at)) steps.set(step, [...(steps.get(step) ?? []), Math.round(at - t0)]);
    };
    add('POST answered (201)', posted);
    add('reconciler: task instance launched', stackLines.find((l) => l.line.includes(`"${name}"`))?.at);
    const started = taskStartedLine(stateDir, name);
    lastAdopted = started?.startupMs['adopted'] !== undefined;
    if (started) {
      const origin = started.processStartedAt;
      if (started.startupMs['adopted'] === undefined) add('task process started (Node time origin)', origin);
      for (const [key, value] of Object.entries(started.startupMs)) add(`task-runner ${key}`, origin + value);
    }
    add('first record on the topic', firstRecord);
  };
  try {
    if (apache) await waitForRest(listener(apacheProps), apache);
    await waitForRest(listener(ourProps), ours);
    // one unmeasured create on each side: "warm" means the worker has run a connector before
    if (apache) await createToFirstRecord(ctx, listener(apacheProps), 'warm-up');
    await createToFirstRecord(ctx, listener(ourProps), 'warm-up');
    const times: Record<Side, number[]> = { ours: [], apache: [] };
    const loadBefore = loadavg();
    const pause = () => new Promise((r) => setTimeout(r, CREATE_PAUSE_MS));
    for (let round = 1; round <= CREATE_ROUNDS; round++) {
      await pause();
      times.ours.push(await createToFirstRecord(ctx, listener(ourProps), `round ${round}`, breakdown));
      if (apache) {
        await pause();
        times.apache.push(await createToFirstRecord(ctx, listener(apacheProps), `round ${round}`));
      }
      console.log(
        `[filestream] create round ${round}: ours ${times.ours.at(-1)} ms ` +
          `(${lastAdopted ? 'the warm spare took the task' : 'a new process'}), Apache ${times.apache.at(-1) ?? '–'} ms`,
      );
    }
    const range = (v: number[]) => (v.length ? `${Math.min(...v)}–${Math.max(...v)} ms` : '–');
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `\n[filestream] create → first record (POST of a FileStreamSource of 5 lines → first record on the topic, ` +
        `${CREATE_ROUNDS} rounds, warm workers, ${CREATE_PAUSE_MS} ms idle before each create, ` +
        `SKC_WARM_SPARES=${process.env.SKC_WARM_SPARES ?? '(default)'}; load average before ${load(loadBefore)}, ` +
        `after ${load(loadavg())})\n` +
        renderTable(
          ['side', 'median ms', 'range', 'ours / Apache (time)'],
          [
            [
              'ours (local stack, a process per task)',
              num(median(times.ours)),
              range(times.ours),
              ratioText(median(times.ours), median(times.apache)),
            ],
            ['Apache 4.3.1 ConnectDistributed', num(median(times.apache)), range(times.apache), ''],
          ],
        ),
    );
    // Where our time goes: each step's median time after the POST, from the stack's `launched task instance`
    // lines and the task-runner's `task started` line (its start-up milestones, ms after its process started).
    console.log(
      `\n[filestream] ours: create → first record, step by step (ms after the POST, median and range over ` +
        `${CREATE_ROUNDS} rounds)\n` +
        renderTable(
          ['step', 'median ms', 'range'],
          [...steps.entries()]
            .sort((a, b) => median(a[1]) - median(b[1]))
            .map(([step, v]) => [step, num(median(v)), range(v)]),
        ),
    );
    // The idle cost of the warm spares: their memory once the stack has been idle a while (replacements ready).
    await new Promise((r) => setTimeout(r, 5000));
    const spares = idleSpares(stateDir);
    const mib = (v: number[]) => (v.length ? `${v.map((x) => x.toFixed(0)).join(', ')} MiB` : '–');
    console.log(
      `\n[filestream] ours: ${spares.length} idle warm spare(s): RSS ${mib(spares.map((s) => s.rss))}, ` +
        `PSS ${mib(spares.map((s) => s.pss))}`,
    );
  } finally {
    if (apache) await stopProcess(apache);
    await stopProcess(ours);
  }
};

const writeInput = (file: string): void => {
  const fd = openSync(file, 'w');
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
};

async function main(): Promise<void> {
  let stack: ServiceStack | undefined;
  let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (!bootstrap) {
    stack = await startServices(['kafka']);
    bootstrap = stack.env.KAFKA_BOOTSTRAP_SERVERS as string;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-filestream-'));
  const kafka = createKafka({ bootstrapServers: bootstrap, clientId: 'bench-filestream', logLevel: 'error' });
  const admin = kafka.admin();
  try {
    await admin.connect();
    if (WITH_APACHE) apacheClasspath();
    const ctx: Context = {
      dir,
      bootstrap,
      admin,
      ourCli: await bundle(dir, 'task-runner/connect-standalone.ts', 'connect-standalone.js'),
      input: join(dir, 'input.txt'),
    };
    writeInput(ctx.input);
    console.log(
      `[filestream] ${LINES} lines × ${LINE_BYTES} B, 1 partition, acks=all, broker ${bootstrap}, ` +
        `${ROUNDS} round(s), converters ${CONVERTER_NAMES.join(',')}, Apache ${WITH_APACHE ? `-Xmx${APACHE_HEAP}` : 'off'}`,
    );
    // A fresh broker answers its first produce requests slower (JIT, new log segments): one unmeasured run of the
    // raw producer first, so round 1 does not charge that to whichever side runs first.
    await benchRawProducer(kafka, admin);

    const runs = new Map<string, Run[]>();
    const add = (key: string, run: Run | undefined) => {
      if (run) runs.set(key, [...(runs.get(key) ?? []), run]);
    };
    const show = (round: number, key: string, r: Run) =>
      console.log(
        `[filestream] round ${round}: ${key.padEnd(28)} ${num(recordsPerSecond(r)).padStart(8)} rec/s` +
          `${r.wallSeconds === undefined ? '' : `  wall ${num(r.wallSeconds, 1)} s`}` +
          `${r.peakRssMiB === undefined ? '' : `  peak RSS ${num(r.peakRssMiB)} MiB`}`,
      );
    // Our worker once per Kafka client (`skc.kafka.client`), then Apache's, in each round.
    const runners: { label: string; side: Side; client?: string }[] = [
      ...CLIENTS.map((client) => ({ label: `ours ${client}`, side: 'ours' as const, client })),
      ...(WITH_APACHE ? [{ label: 'apache', side: 'apache' as const }] : []),
    ];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const conv of CONVERTER_NAMES) {
        const converter = CONVERTERS[conv];
        if (!converter) throw new Error(`unknown converter ${conv} (json or string)`);
        let sourceTopic: string | undefined;
        if (PARTS.has('source') || PARTS.has('sink')) {
          for (const { label, side, client } of runners) {
            // the sink reads what our source wrote; without a measured source, ours still writes the topic once
            if (!PARTS.has('source') && (side === 'apache' || sourceTopic !== undefined)) continue;
            const r = await runStandalone(ctx, side, 'source', converter, undefined, client);
            sourceTopic ??= r.topic;
            if (PARTS.has('source')) {
              add(`source ${conv} ${label}`, r);
              show(round, `source ${conv} ${label}`, r);
            }
          }
        }
        if (PARTS.has('sink')) {
          for (const { label, side, client } of runners) {
            const r = await runStandalone(ctx, side, 'sink', converter, sourceTopic, client);
            add(`sink ${conv} ${label}`, r);
            show(round, `sink ${conv} ${label}`, r);
          }
          // The sink's ceilings read the very topic the sinks read (this converter's record size).
          if (PARTS.has('ceilings') && sourceTopic !== undefined) {
            const rc = await benchRawConsumer(kafka, sourceTopic);
            add(`raw consumer kafkajs ${conv}`, rc);
            show(round, `raw kafkajs consumer ${conv}`, rc);
            if (RAW_PLATFORMATIC) {
              const pc = await benchRawPlatformaticConsumer(bootstrap, sourceTopic);
              add(`raw consumer platformatic ${conv}`, pc);
              show(round, `raw platformatic consumer ${conv}`, pc);
            }
          }
        }
      }
      if (PARTS.has('ceilings')) {
        const rp = await benchRawProducer(kafka, admin);
        add('raw producer kafkajs', rp);
        show(round, 'raw kafkajs producer', rp);
        const rc = await benchRawConsumer(kafka, rp.topic);
        add('raw consumer kafkajs', rc);
        show(round, 'raw kafkajs consumer', rc);
        if (RAW_PLATFORMATIC) {
          const pp = await benchRawPlatformaticProducer(bootstrap, admin);
          add('raw producer platformatic', pp);
          show(round, 'raw platformatic producer', pp);
          const pc = await benchRawPlatformaticConsumer(bootstrap, pp.topic);
          add('raw consumer platformatic', pc);
          show(round, 'raw platformatic consumer', pc);
        }
        const ppDefault = await benchProducerPerformance(bootstrap, admin, []);
        add('pp default', ppDefault);
        if (ppDefault) show(round, 'ProducerPerformance default', ppDefault);
        const ppTuned = await benchProducerPerformance(bootstrap, admin, PP_TUNED);
        add('pp tuned', ppTuned);
        if (ppTuned) show(round, 'ProducerPerformance tuned', ppTuned);
      }
    }

    const rps = (key: string) => median((runs.get(key) ?? []).map(recordsPerSecond));
    const wall = (key: string) => median((runs.get(key) ?? []).map((r) => r.wallSeconds ?? NaN));
    const peakRss = (key: string) => {
      const values = (runs.get(key) ?? []).map((r) => r.peakRssMiB ?? 0);
      return values.length ? Math.max(...values) : NaN;
    };
    const rows: string[][] = [];
    for (const part of ['source', 'sink'] as const) {
      if (!PARTS.has(part)) continue;
      for (const conv of CONVERTER_NAMES) {
        for (const client of CLIENTS) {
          // each client against its own raw ceiling
          const raw = ceilingClient(client, part);
          const perConverter = `raw consumer ${raw} ${conv}`;
          const ceiling =
            part === 'source' ? `raw producer ${raw}` : runs.has(perConverter) ? perConverter : `raw consumer ${raw}`;
          const ours = `${part} ${conv} ours ${client}`;
          const apache = `${part} ${conv} apache`;
          rows.push([
            `${part} ${conv} (${client})`,
            num(rps(ours)),
            num(rps(apache)),
            ratioText(rps(ours), rps(apache)),
            ratioText(rps(ours), rps(ceiling)),
            ratioText(rps(apache), rps(ceiling)),
            part === 'source' ? ratioText(rps(ours), rps('pp default')) : '',
            part === 'source' ? ratioText(rps(ours), rps('pp tuned')) : '',
            num(wall(ours), 1),
            num(wall(apache), 1),
            num(peakRss(ours)),
            num(peakRss(apache)),
            ratioText(peakRss(ours), peakRss(apache)),
          ]);
        }
      }
    }
    const ceilings: string[][] = [
      [
        `raw kafkajs producer (1 in flight, idempotent, ≤${MAX_REQUEST_RECORDS} records, ≤1 MiB per request)`,
        num(rps('raw producer kafkajs')),
      ],
      ['raw kafkajs consumer (1 MiB per partition)', num(rps('raw consumer kafkajs'))],
      [
        `raw @platformatic/kafka producer (1 in flight, idempotent, ≤${PLT_REQUEST_RECORDS} records, ≤1 MiB per request)`,
        num(rps('raw producer platformatic')),
      ],
      ['raw @platformatic/kafka consumer (fetch loop, 1 MiB per partition)', num(rps('raw consumer platformatic'))],
      ['ProducerPerformance, default batching', num(rps('pp default'))],
      [`ProducerPerformance, ${PP_TUNED.join(' ')}`, num(rps('pp tuned'))],
    ].filter((r) => r[1] !== '–');
    if (rows.length > 0) {
      console.log(
        `\n[filestream] ===== medians of ${ROUNDS} round(s), ${LINES} records × ${LINE_BYTES} B; rec/s at steady ` +
          `state (first to last record), wall from spawn to last record, peak RSS (max over rounds) =====`,
      );
      console.log(
        renderTable(
          [
            'part converter',
            'ours rec/s',
            'Apache rec/s',
            'ours/Apache',
            'ours/raw',
            'Apache/raw',
            'ours/PP',
            'ours/PP tuned',
            'ours wall s',
            'Apache wall s',
            'ours RSS MiB',
            'Apache RSS MiB',
            'RSS ours/Apache',
          ],
          rows,
        ),
      );
    }
    if (ceilings.length > 0) console.log(`\n${renderTable(['ceiling', 'rec/s'], ceilings)}`);
    if (PARTS.has('create')) await benchCreate(ctx);
  } finally {
    await admin.disconnect().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await stack?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
