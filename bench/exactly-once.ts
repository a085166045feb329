/**
 * Exactly-once source benchmark (`npm run bench -- exactly-once`): the cost of KIP-618 transactions. One
 * FileStreamSource task (our runtime, in this process, as a task-runner runs it) moves BENCH_EOS_LINES lines of 100
 * bytes (default 200,000) to a one-partition topic on one Apache Kafka 4.3.1 broker, with the distributed worker's
 * `exactly.once.source.support` `disabled` (at-least-once) and `enabled` (`transaction.boundary=poll`, and
 * `interval` at BENCH_EOS_INTERVAL_MS, default 1000), alternately, BENCH_EOS_ROUNDS rounds (default 3).
 *
 * A run's time is from the task's start to the moment a read_committed reader of the topic (the group-less log
 * reader the offset store uses) has seen every line: what a downstream consumer can use. Under exactly-once that
 * includes initTransactions and waiting for commits; under at-least-once records are visible once acknowledged.
 * The summary is the median records/s of each mode and its ratio to at-least-once.
 *
 * Env: BENCH_EOS_LINES, BENCH_EOS_ROUNDS, BENCH_EOS_INTERVAL_MS, KAFKA_BOOTSTRAP_SERVERS (use a running broker).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../lib/adapters/kafka/client';
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import { KafkaLogReader } from '../lib/adapters/kafka/log-reader';
import { KafkaOffsetStore } from '../lib/adapters/kafka/offsets-topic-store';
import type { SourceConnector } from '../lib/connect/connector';
import { parseWorkerConfig } from '../lib/config/worker-config';
import { PluginRegistry } from '../lib/plugins/registry';
import { sleep } from '../lib/retry';
import { createWorkerTask } from '../lib/runtime/worker';
import { startServices } from '../test/services/index';
import type { ServiceStack } from '../test/services/index';
import { median, num, ratioText, renderTable } from './support/stats';

const LINES = Number(process.env.BENCH_EOS_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_EOS_ROUNDS ?? 3);
const INTERVAL_MS = Number(process.env.BENCH_EOS_INTERVAL_MS ?? 1000);
const LINE_BYTES = 100;
const TIMEOUT_MS = 300_000;

interface Mode {
  readonly name: string;
  readonly eos: boolean;
  readonly connector: Record<string, string>;
}

const MODES: readonly Mode[] = [
  { name: 'at-least-once', eos: false, connector: {} },
  { name: 'exactly-once, transaction.boundary=poll', eos: true, connector: { 'transaction.boundary': 'poll' } },
  {
    name: `exactly-once, transaction.boundary=interval (${INTERVAL_MS} ms)`,
    eos: true,
    connector: { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': String(INTERVAL_MS) },
  },
];

const quiet = (): undefined => undefined;
const QUIET = { debug: quiet, info: quiet, warn: quiet, error: quiet };

async function runOnce(bootstrap: string, file: string, mode: Mode, round: number): Promise<number> {
  const id = `${Date.now().toString(36)}-${round}-${mode.eos ? mode.connector['transaction.boundary'] : 'alo'}`;
  const topic = `bench-eos-${id}`;
  const groupId = `bench-eos-cluster-${id}`;
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': bootstrap,
      'group.id': groupId,
      'offset.storage.topic': `${groupId}-offsets`,
      'config.storage.topic': `${groupId}-configs`,
      'status.storage.topic': `${groupId}-status`,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'exactly.once.source.support': mode.eos ? 'enabled' : 'disabled',
    },
    'distributed',
  );
  const kafka = createKafka({ bootstrapServers: bootstrap, clientId: 'bench-eos', logger: QUIET });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const offsetStore = new KafkaOffsetStore({ kafka, topic: `${groupId}-offsets`, replicationFactor: 1 });
  await offsetStore.start();
  let seen = 0;
  const reader = new KafkaLogReader({
    kafka,
    topic,
    onRecords: (_partition, records) => {
      seen += records.length;
    },
  });
  await reader.start();
  const registry = PluginRegistry.withBuiltins();
  const connector = registry.newConnector('FileStreamSource') as SourceConnector;
  const config = { 'connector.class': 'FileStreamSource', file, topic, ...mode.connector };

  await connector.start(config);
  const [taskConfig] = await connector.taskConfigs(1);
  const task = createWorkerTask(
    { worker, registry, kafka: new KafkajsClientFactory({ logger: QUIET }), offsetStore },
    { connector: `bench-eos-${id}`, taskId: 0, connectorConfig: config, taskConfig: taskConfig ?? {} },
    connector,
    (state, trace) => {
      if (state === 'FAILED') console.error(`[bench] ${mode.name}: task FAILED: ${trace}`);
    },
  );
  const started = performance.now();
  const run = task.run();
  let failed: unknown;
  run.catch((error: unknown) => (failed = error));
  try {
    while (seen < LINES) {
      if (failed !== undefined) throw failed;
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${mode.name}: ${seen}/${LINES} after timeout`);
      await sleep(20);
    }
    return LINES / ((performance.now() - started) / 1000);
  } finally {
    task.stop();
    await run.catch(() => undefined);
    await reader.stop();
    await offsetStore.stop();
  }
}

async function main(): Promise<void> {
  let stack: ServiceStack | undefined;
  let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (!bootstrap) {
    stack = await startServices(['kafka']);
    bootstrap = stack.env['KAFKA_BOOTSTRAP_SERVERS'] as string;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-eos-'));
  try {
    const file = join(dir, 'in.txt');
    const line = (n: number) => `${String(n).padStart(12, '0')} ${'x'.repeat(LINE_BYTES - 14)}\n`;
    writeFileSync(file, Array.from({ length: LINES }, (_, n) => line(n)).join(''));
    console.log(`[bench] exactly-once: ${LINES} lines of ${LINE_BYTES} bytes, ${ROUNDS} round(s), broker ${bootstrap}`);
    const rates = new Map<string, number[]>(MODES.map((m) => [m.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of MODES) {
        const rate = await runOnce(bootstrap, file, mode, round);
        rates.get(mode.name)?.push(rate);
        console.log(`[bench] round ${round} ${mode.name}: ${num(rate)} rec/s`);
      }
    }
    const alo = median(rates.get(MODES[0]?.name ?? '') ?? []);
    console.log(
      `\n${renderTable(
        ['mode', 'records/s (median)', 'vs at-least-once'],
        MODES.map((m) => {
          const rate = median(rates.get(m.name) ?? []);
          return [m.name, num(rate), ratioText(rate, alo)];
        }),
      )}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stack?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
