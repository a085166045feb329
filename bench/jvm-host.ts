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
 *
 * Then the sink phase, the other way round: a fresh topic pre-filled with BENCH_JVM_LINES records of 99 bytes,
 * Apache's FileStreamSinkConnector writing them to a fresh file under our JVM task host (role `task`: the host
 * tells a sink from the connector class) and under ConnectStandalone, alternately per round (service_load):
 * records/s to the last line in the file (its line count polled; also from the first line, which takes
 * ConnectStandalone's start out), peak RSS and, for the host, start-to-RUNNING.
 * Each run has its own topic, file and connector name (so its own consumer group `connect-<name>`).
 * BENCH_JVM_PHASES=source|sink|start picks phases (default source,sink).
 *
 * The start phase (docs/java-plugins.md, "Start time"): BENCH_JVM_STARTS (default 5) alternating starts of the
 * task host (spawn → RUNNING of a FileStreamSource task) and of the catalog (spawn → the reply to `init`, the
 * plug-in scan and the cluster id) without (the JDK's own CDS archive only) and with the host's AppCDS archive
 * (scripts/setup.mjs; every JvmHost of the other phases has it too): wall time, the JVM's CPU time (user+sys,
 * steadier than wall time on a shared machine) and RSS at that point. BENCH_JVM_CLASS_LIST_OUT=<file> first writes
 * the class list of one training run per role (-XX:DumpLoadedClassList), to refresh jvm-host/src/cds/classes.txt.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JVM_FLAGS, JvmHost, jvmHostFlags, resolveJvmHostClasspath } from '../lib/adapters/jvm/jvm-host';
import { createKafka } from '../lib/adapters/kafka/client';
import { ensureTopic } from '../lib/adapters/kafka/admin';
import { startServices } from '../test/services/index';
import { projectRoot } from '../test/services/paths';
import { waitFor } from '../test/services/wait';

const LINES = Number(process.env.BENCH_JVM_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_JVM_ROUNDS ?? 2);
const CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';
const PHASES = (process.env.BENCH_JVM_PHASES ?? 'source,sink').split(',').map((p) => p.trim());
const STARTS = Number(process.env.BENCH_JVM_STARTS ?? 5);

/**
 * Counts the lines of a file that a sink appends to, reading only what was added since the last call (the file
 * may not exist yet: the task creates it).
 */
const lineCounter = (file: string): (() => number) => {
  let offset = 0;
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  return () => {
    if (!existsSync(file)) return 0;
    const fd = openSync(file, 'r');
    try {
      for (
        let n = readSync(fd, chunk, 0, chunk.length, offset);
        n > 0;
        n = readSync(fd, chunk, 0, chunk.length, offset)
      ) {
        for (let i = 0; i < n; i++) if (chunk[i] === 10) lines++;
        offset += n;
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  };
};

const peakRssMiB = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
};

/** CPU time (user+sys) of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
const cpuMs = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
};

const rssMiB = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
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

  const asProperties = (p: Record<string, string>) =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
  /** Apache's ConnectStandalone with one connector file, on the host's class path (connect-runtime and friends). */
  const startStandalone = (n: string, connectorProps: Record<string, string>) => {
    const workerFile = join(dir, `worker-${n}.properties`);
    const connectorFile = join(dir, `connector-${n}.properties`);
    writeFileSync(
      workerFile,
      asProperties({
        ...worker(n),
        'offset.storage.file.filename': join(dir, `offsets-${n}`),
        listeners: 'http://127.0.0.1:0',
        'plugin.discovery': 'service_load',
      }),
    );
    writeFileSync(connectorFile, asProperties(connectorProps));
    return spawn(
      'java',
      [
        '-Xms64m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-cp',
        resolveJvmHostClasspath(),
        'org.apache.kafka.connect.cli.ConnectStandalone',
        workerFile,
        connectorFile,
      ],
      { stdio: 'ignore' },
    );
  };
  const sinkConnector = (name: string, topic: string, file: string) => ({
    name,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': '1',
    file,
    topics: topic,
  });
  /** A fresh one-partition topic holding LINES records of 99 bytes (no key), sent in batches (kafkajs does not batch). */
  const prefilledTopic = async (topic: string): Promise<void> => {
    await ensureTopic(kafka, topic, { partitions: 1 });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const value = 'y'.repeat(99);
      for (let sent = 0; sent < LINES; sent += 5000) {
        const count = Math.min(5000, LINES - sent);
        await producer.send({ topic, messages: Array.from({ length: count }, () => ({ value })) });
      }
    } finally {
      await producer.disconnect();
    }
    await waitFor(async () => (await records(topic)) >= LINES, { timeoutMs: 120_000, description: 'pre-fill' });
  };

  /** Polls the file's line count until LINES; resolves to when the first line was seen (the poll's granularity). */
  const untilLastLine = async (lines: () => number): Promise<number> => {
    let firstLineAt = 0;
    await waitFor(
      () => {
        const count = lines();
        if (count > 0 && firstLineAt === 0) firstLineAt = Date.now();
        return count >= LINES;
      },
      { timeoutMs: 600_000, intervalMs: 100, description: 'sink lines' },
    );
    return firstLineAt;
  };
  const firstToLast = (firstLineAt: number, done: number): string =>
    `first-to-last line ${((done - firstLineAt) / 1000).toFixed(1)} s (${Math.round(LINES / Math.max(0.1, (done - firstLineAt) / 1000))} rec/s, 100 ms polls)`;

  const rows: string[] = [];
  try {
    if (PHASES.includes('start')) {
      const input1 = join(dir, 'start-input.txt');
      writeFileSync(input1, `${line}\n`);
      const startTopic = `bench-jvm-start-${Date.now()}`;
      await ensureTopic(kafka, startTopic, { partitions: 1 });
      const props = (n: string) => ({ ...worker(n), 'plugin.discovery': 'service_load' });
      /** spawn → RUNNING of a FileStreamSource task; returns wall ms, CPU ms and RSS at RUNNING */
      const startTask = async (flags: readonly string[], n: string) => {
        const started = Date.now();
        const host = new JvmHost({ role: 'task', jvmFlags: flags });
        let running: { wall: number; cpu: number; rss: number } | undefined;
        host.onEvent((e) => {
          if (e.event === 'state' && e.state === 'RUNNING' && !running) {
            running = { wall: Date.now() - started, cpu: cpuMs(host.pid) ?? NaN, rss: rssMiB(host.pid) ?? NaN };
          }
        });
        await host.request('init', { worker: props(n), workerId: 'bench' });
        const config = { ...connector('bench-start', startTopic), file: input1 };
        await host.request('startTask', {
          connector: 'bench-start',
          taskId: 0,
          connectorConfig: config,
          taskConfig: { ...config, 'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask' },
          taskCount: 1,
        });
        await waitFor(() => running !== undefined, { timeoutMs: 120_000, description: 'RUNNING' });
        const exit = await host.stop(30_000);
        if (exit.code !== 0) throw new Error(`task host exited ${exit.code}: ${exit.stderrTail}`);
        return running!;
      };
      /** spawn → init reply of the catalog (plug-in scan, cluster id), then a validation and the task configs */
      const startCatalog = async (flags: readonly string[], n: string) => {
        const started = Date.now();
        const host = new JvmHost({ role: 'catalog', jvmFlags: flags });
        await host.request('init', { worker: props(n), workerId: 'bench-catalog' });
        const ready = { wall: Date.now() - started, cpu: cpuMs(host.pid) ?? NaN, rss: rssMiB(host.pid) ?? NaN };
        const config = { ...connector('bench-catalog', startTopic), file: input1 };
        await host.request('validate', { config });
        await host.request('taskConfigs', { connector: 'bench-catalog', config });
        const exit = await host.stop(30_000);
        if (exit.code !== 0) throw new Error(`catalog exited ${exit.code}: ${exit.stderrTail}`);
        return ready;
      };
      // With the archive scripts/setup.mjs dumped (jvmHostFlags), against the JDK's own CDS only.
      const withArchive = jvmHostFlags();
      if (!withArchive.some((f) => f.startsWith('-XX:SharedArchiveFile='))) {
        throw new Error('no AppCDS archive: run `node scripts/setup.mjs jvm-host`');
      }
      if (process.env.BENCH_JVM_CLASS_LIST_OUT) {
        // Refreshes jvm-host/src/cds/classes.txt: one training run per role (-XX:DumpLoadedClassList), merged.
        const lists = { task: join(dir, 'task.classlist'), catalog: join(dir, 'catalog.classlist') };
        await startTask([...DEFAULT_JVM_FLAGS, `-XX:DumpLoadedClassList=${lists.task}`], 'train-task');
        await startCatalog([...DEFAULT_JVM_FLAGS, `-XX:DumpLoadedClassList=${lists.catalog}`], 'train-catalog');
        const merged = [
          ...new Set([lists.task, lists.catalog].flatMap((f) => readFileSync(f, 'utf8').split('\n'))),
        ].filter((l) => l && !l.startsWith('#'));
        writeFileSync(process.env.BENCH_JVM_CLASS_LIST_OUT, `${merged.join('\n')}\n`);
        console.log(`${merged.length} classes listed in ${process.env.BENCH_JVM_CLASS_LIST_OUT}`);
      }
      const results: Record<string, { wall: number; cpu: number; rss: number }[]> = {};
      const record = (key: string, r: { wall: number; cpu: number; rss: number }) => {
        (results[key] ??= []).push(r);
        console.log(`${key}: ${r.wall} ms wall, ${r.cpu} ms CPU, RSS ${r.rss} MiB`);
      };
      for (let i = 1; i <= STARTS; i++) {
        record('task, default', await startTask(DEFAULT_JVM_FLAGS, `t${i}a`));
        record('task, AppCDS', await startTask(withArchive, `t${i}b`));
        record('catalog, default', await startCatalog(DEFAULT_JVM_FLAGS, `c${i}a`));
        record('catalog, AppCDS', await startCatalog(withArchive, `c${i}b`));
      }
      for (const [key, list] of Object.entries(results)) {
        rows.push(
          `start ${key} (${list.length} runs, median [min–max]): ${median(list.map((r) => r.wall))} ms wall ` +
            `[${Math.min(...list.map((r) => r.wall))}–${Math.max(...list.map((r) => r.wall))}], ` +
            `${median(list.map((r) => r.cpu))} ms CPU [${Math.min(...list.map((r) => r.cpu))}–${Math.max(...list.map((r) => r.cpu))}], ` +
            `RSS ${median(list.map((r) => r.rss))} MiB`,
        );
      }
    }

    for (let round = 1; PHASES.includes('source') && round <= ROUNDS; round++) {
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
      const started = Date.now();
      const child = startStandalone(n, connector(`bench-${n}`, topic));
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

    for (let round = 1; PHASES.includes('sink') && round <= ROUNDS; round++) {
      // Our JVM task host, role `task`: startTask sees a sink connector class and runs Apache's WorkerSinkTask.
      {
        const n = `${round}-sink-host-${Date.now()}`;
        const topic = `bench-jvm-sink-host-${n}`;
        const file = join(dir, `sink-${n}.txt`);
        await prefilledTopic(topic);
        const lines = lineCounter(file);
        const name = `bench-sink-${n}`;
        const started = Date.now();
        const host = new JvmHost({ role: 'task' });
        let runningAt = 0;
        host.onEvent((e) => {
          if (e.event === 'state' && e.state === 'RUNNING' && runningAt === 0) runningAt = Date.now();
        });
        await host.request('init', { worker: { ...worker(n), 'plugin.discovery': 'service_load' }, workerId: 'bench' });
        await host.request('startTask', {
          connector: name,
          taskId: 0,
          connectorConfig: sinkConnector(name, topic, file),
          taskConfig: {
            ...sinkConnector(name, topic, file),
            'task.class': 'org.apache.kafka.connect.file.FileStreamSinkTask',
          },
          taskCount: 1,
        });
        const firstLineAt = await untilLastLine(lines);
        const done = Date.now();
        const rss = peakRssMiB(host.pid);
        await host.stop(30_000);
        const moving = (done - runningAt) / 1000;
        rows.push(
          `round ${round} sink, JVM host (service_load): start-to-RUNNING ${runningAt - started} ms, ` +
            `${LINES} lines in ${moving.toFixed(1)} s after RUNNING (${Math.round(LINES / moving)} rec/s), ` +
            `total ${((done - started) / 1000).toFixed(1)} s, ${firstToLast(firstLineAt, done)}, peak RSS ${rss ?? '?'} MiB`,
        );
        console.log(rows.at(-1));
      }

      // Apache's ConnectStandalone with the same sink connector.
      {
        const n = `${round}-sink-standalone-${Date.now()}`;
        const topic = `bench-jvm-sink-standalone-${n}`;
        const file = join(dir, `sink-${n}.txt`);
        await prefilledTopic(topic);
        const lines = lineCounter(file);
        const started = Date.now();
        const child = startStandalone(n, sinkConnector(`bench-sink-${n}`, topic, file));
        const firstLineAt = await untilLastLine(lines);
        const done = Date.now();
        const rss = peakRssMiB(child.pid);
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        const total = (done - started) / 1000;
        rows.push(
          `round ${round} sink, Apache ConnectStandalone (service_load): ${LINES} lines ${total.toFixed(1)} s after ` +
            `spawn (${Math.round(LINES / total)} rec/s, start included), ${firstToLast(firstLineAt, done)}, ` +
            `peak RSS ${rss ?? '?'} MiB`,
        );
        console.log(rows.at(-1));
      }
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
