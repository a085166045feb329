/**
 * JVM task host benchmark (`npm run bench -- jvm-host`), on one Apache Kafka broker (started for the run, or
 * KAFKA_BOOTSTRAP_SERVERS), Apache's Java FileStreamSource (connect-file 4.3.1 on plugin.path) reading
 * BENCH_JVM_LINES lines (default 200,000) of 100 bytes into a fresh one-partition topic, StringConverter:
 *
 *   1. our JVM task host (lib/adapters/jvm, role `task`): start-to-RUNNING (spawn → RUNNING event), time to the
 *      last record in the topic, peak RSS (VmHWM) of the JVM;
 *   2. Apache's own ConnectStandalone (same classpath, same plug-in, same broker): time to the last record and peak
 *      RSS, start included (it has no RUNNING event on stdout).
 *
 * Both run Apache's WorkerSourceTask, so records/s should match; what differs is what surrounds it. Each runs
 * BENCH_JVM_ROUNDS times (default 2) alternately, with both plugin.discovery modes for the host's start time.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JvmHost, resolveJvmHostClasspath } from '../lib/adapters/jvm/jvm-host';
import { createKafka } from '../lib/adapters/kafka/client';
import { ensureTopic } from '../lib/adapters/kafka/admin';
import { startServices } from '../test/services/index';
import { projectRoot } from '../test/services/paths';
import { waitFor } from '../test/services/wait';

const LINES = Number(process.env.BENCH_JVM_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_JVM_ROUNDS ?? 2);
const CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

const peakRssMiB = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
};

async function main(): Promise<void> {
  const services = process.env.KAFKA_BOOTSTRAP_SERVERS ? undefined : await startServices(['kafka']);
  const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? services!.env['KAFKA_BOOTSTRAP_SERVERS']!;
  const dir = mkdtempSync(join(tmpdir(), 'skc-bench-jvm-'));
  const pluginPath = join(dir, 'plugins');
  cpSync(join(projectRoot(), '.cache', 'maven', 'plugins', 'connect-file'), join(pluginPath, 'connect-file'), {
    recursive: true,
  });
  const input = join(dir, 'input.txt');
  const line = 'x'.repeat(99);
  writeFileSync(input, `${Array.from({ length: LINES }, () => line).join('\n')}\n`);
  const kafka = createKafka({ bootstrapServers: bootstrap, clientId: 'bench-jvm' });
  const admin = kafka.admin();
  await admin.connect();
  const records = async (topic: string): Promise<number> =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  const worker = (n: string) => ({
    'bootstrap.servers': bootstrap,
    'plugin.path': pluginPath,
    'key.converter': CONVERTER,
    'value.converter': CONVERTER,
    'offset.storage.topic': `bench-jvm-offsets-${n}`,
    'offset.storage.replication.factor': '1',
    'offset.flush.interval.ms': '1000',
  });
  const connector = (name: string, topic: string) => ({
    name,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'tasks.max': '1',
    file: input,
    topic,
    'batch.size': '2000',
  });

  const rows: string[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const discovery of ['service_load', 'hybrid_warn']) {
        const n = `${round}-${discovery}-${Date.now()}`;
        const topic = `bench-jvm-host-${n}`;
        await ensureTopic(kafka, topic, { partitions: 1 });
        const started = Date.now();
        const host = new JvmHost({ role: 'task' });
        let runningAt = 0;
        host.onEvent((e) => {
          if (e.event === 'state' && e.state === 'RUNNING' && runningAt === 0) runningAt = Date.now();
        });
        const props = { ...worker(n), 'plugin.discovery': discovery };
        await host.request('init', { worker: props, workerId: 'bench' });
        const taskConfig = {
          ...connector('bench', topic),
          'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask',
        };
        await host.request('startTask', {
          connector: 'bench',
          taskId: 0,
          connectorConfig: connector('bench', topic),
          taskConfig,
          taskCount: 1,
        });
        await waitFor(async () => (await records(topic)) >= LINES, { timeoutMs: 600_000, description: 'records' });
        const done = Date.now();
        const rss = peakRssMiB(host.pid);
        await host.stop(30_000);
        const moving = (done - runningAt) / 1000;
        rows.push(
          `round ${round} JVM host (${discovery}): start-to-RUNNING ${runningAt - started} ms, ` +
            `${LINES} records in ${moving.toFixed(1)} s after RUNNING (${Math.round(LINES / moving)} rec/s), ` +
            `total ${((done - started) / 1000).toFixed(1)} s, peak RSS ${rss ?? '?'} MiB`,
        );
        console.log(rows.at(-1));
      }

      // Apache's ConnectStandalone: same jars, same plug-in, same broker.
      const n = `${round}-standalone-${Date.now()}`;
      const topic = `bench-jvm-standalone-${n}`;
      await ensureTopic(kafka, topic, { partitions: 1 });
      const workerFile = join(dir, `worker-${n}.properties`);
      const connectorFile = join(dir, `connector-${n}.properties`);
      const asProperties = (p: Record<string, string>) =>
        Object.entries(p)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n');
      writeFileSync(
        workerFile,
        asProperties({
          ...worker(n),
          'offset.storage.file.filename': join(dir, `offsets-${n}`),
          listeners: 'http://127.0.0.1:0',
          'plugin.discovery': 'service_load',
        }),
      );
      writeFileSync(connectorFile, asProperties(connector(`bench-${n}`, topic)));
      const classpath = resolveJvmHostClasspath();
      const started = Date.now();
      const child = spawn(
        'java',
        [
          '-Xms64m',
          '-Xmx512m',
          '-XX:+UseSerialGC',
          '-cp',
          classpath,
          'org.apache.kafka.connect.cli.ConnectStandalone',
          workerFile,
          connectorFile,
        ],
        { stdio: 'ignore' },
      );
      await waitFor(async () => (await records(topic)) >= LINES, { timeoutMs: 600_000, description: 'records' });
      const done = Date.now();
      const rss = peakRssMiB(child.pid);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rows.push(
        `round ${round} Apache ConnectStandalone (service_load): ${LINES} records ${((done - started) / 1000).toFixed(1)} s ` +
          `after spawn, peak RSS ${rss ?? '?'} MiB`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
    await services?.stop();
  }
  console.log(`\nsummary (${LINES} lines of 100 B, one partition, ${CONVERTER.split('.').pop()}):\n${rows.join('\n')}`);
}

if (!existsSync(join(projectRoot(), '.cache', 'maven', 'plugins', 'connect-file'))) {
  console.error('connect-file plug-in missing: run `node scripts/setup.mjs`');
  process.exit(1);
}
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
