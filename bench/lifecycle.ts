/**
 * Task lifecycle benchmark (`npm run bench -- lifecycle`). Runs `npm start`'s local stack as users do (the
 * bundled local stack with a connect-distributed.properties, one child process per task) against a real
 * single-node Apache Kafka started for the run, and measures:
 *
 * - POST of a FileStreamSource + FileStreamSink → first record in the sink file;
 * - `tasks.max` 1 → 8 on a sink of an 8-partition topic → all 8 tasks RUNNING;
 * - SIGKILL of a task process → the task RUNNING again in a new process (default backoff: 1 s);
 * - RSS of one busy task-runner (source pumping lines) and one idle one (sink without traffic).
 *
 * The scale-up is broken down (indented lines): when the superseded instance got SIGTERM and exited, when the
 * new instances were launched, and each new task-runner's start-up milestones from its `task started` log line.
 * `SKC_BENCH_KEEP=1` keeps the scratch dir (state, task logs) for a closer look.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureTopic } from '../lib/adapters/kafka/admin';
import { createKafka } from '../lib/adapters/kafka/client';
import { startServices } from '../test/services/index';
import { waitFor } from '../test/services/wait';

interface Status {
  connector: { state: string };
  tasks: { id: number; state: string; worker_id: string }[];
}

const report = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
const since = (t0: number) => `${Date.now() - t0} ms`;
const readLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function bundle(dir: string): Promise<string> {
  const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', logLevel: 'error' } as const;
  await build({ ...common, entryPoints: ['task-runner/main.ts'], outfile: join(dir, 'task-runner.js') });
  await build({ ...common, entryPoints: ['lambdas/local/main.ts'], outfile: join(dir, 'local-stack.js') });
  return join(dir, 'local-stack.js');
}

interface TaskLogLine {
  timestamp?: string;
  message?: string;
  startupMs?: Record<string, number>;
}

/**
 * Where the time of the scale-up went, from the local stack's log (when the new instances were launched) and the
 * task-runners' logs: the superseded instance's SIGTERM and exit, each new one's `task started` line with its
 * start-up milestones (ms since its process started).
 */
function scaleBreakdown(stateDir: string, connector: string, t0: number, stackLines: { at: number; line: string }[]) {
  const logs = join(stateDir, 'logs');
  const parse = (text: string): TaskLogLine | undefined => {
    try {
      return JSON.parse(text) as TaskLogLine;
    } catch {
      return undefined;
    }
  };
  const at = (line: TaskLogLine | undefined) => (line?.timestamp ? Date.parse(line.timestamp) - t0 : undefined);
  const started: { origin: number; startupMs: Record<string, number> }[] = [];
  for (const file of readdirSync(logs).filter((f) => f.startsWith(`${connector}-`))) {
    const lines = readLines(join(logs, file))
      .map(parse)
      .filter((l): l is TaskLogLine => l !== undefined);
    const startedLine = lines.find((l) => l.message === 'task started');
    const startedAt = at(startedLine);
    if (startedAt === undefined || !startedLine?.startupMs) continue;
    if (startedAt < 0) {
      // the superseded instance
      const sigterm = at(lines.find((l) => l.message?.startsWith('SIGTERM')));
      const ended = at(lines.find((l) => l.message?.startsWith('task ended')));
      if (sigterm !== undefined) report('  old instance: SIGTERM received at', `${sigterm} ms`);
      if (ended !== undefined) report('  old instance: flushed, committed, left the group at', `${ended} ms`);
    } else {
      started.push({ origin: startedAt - (startedLine.startupMs['reported'] ?? 0), startupMs: startedLine.startupMs });
    }
  }
  const launches = stackLines.filter(
    (l) => l.at >= t0 && l.line.includes('launched task instance') && l.line.includes(`"${connector}"`),
  );
  if (launches.length > 0) {
    report(`  ${launches.length} new instances launched`, range(launches.map((l) => l.at - t0)));
  }
  if (started.length === 0) return;
  report('  new task processes started', range(started.map((s) => s.origin)));
  const keys = [...new Set(started.flatMap((s) => Object.keys(s.startupMs)))];
  for (const key of keys) {
    const values = started.map((s) => s.startupMs[key]).filter((v): v is number => v !== undefined);
    report(`  task-runner ${key} (ms after its process start)`, range(values));
  }
}

const range = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${sorted[0] ?? 0}–${sorted[sorted.length - 1] ?? 0} ms (median ${median})`;
};

async function main(): Promise<void> {
  const services = await startServices(['kafka']);
  const bootstrap = services.env['KAFKA_BOOTSTRAP_SERVERS']!;
  const dir = mkdtempSync(join(tmpdir(), 'skc-bench-lifecycle-'));
  let stack: ChildProcess | undefined;
  try {
    const script = await bundle(dir);
    const suffix = Date.now().toString(36);
    const properties = join(dir, 'connect-distributed.properties');
    writeFileSync(
      properties,
      [
        `bootstrap.servers=${bootstrap}`,
        'group.id=connect-cluster',
        'key.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        `offset.storage.topic=bench-offsets-${suffix}`,
        'offset.storage.replication.factor=1',
        'offset.flush.interval.ms=1000',
        '',
      ].join('\n'),
    );
    const stateDir = join(dir, 'state');
    stack = spawn(process.execPath, [script, properties], {
      env: { ...process.env, SKC_STATE_DIR: stateDir, SKC_LISTENERS: 'http://127.0.0.1:0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    /** the stack's log lines with their arrival time (the stack's own lines carry no timestamp) */
    const stackLines: { at: number; line: string }[] = [];
    const collect = (c: Buffer) => {
      out += c.toString();
      for (const line of c.toString().split('\n')) if (line) stackLines.push({ at: Date.now(), line });
    };
    stack.stdout?.on('data', collect);
    stack.stderr?.on('data', collect);
    const url = await waitFor(() => /Kafka Connect REST API: (\S+)/.exec(out)?.[1], { timeoutMs: 60_000 });
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const status = (name: string) => call<Status>('GET', `/connectors/${name}/status`);
    const allRunning = (name: string, tasks: number) =>
      waitFor(
        async () => {
          const s = await status(name);
          return s.connector?.state === 'RUNNING' &&
            s.tasks?.length === tasks &&
            s.tasks.every((t) => t.state === 'RUNNING')
            ? s
            : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 20 },
      );
    const pidsOf = (connector: string): number[] =>
      readdirSync(join(stateDir, 'run'))
        .map((f) => JSON.parse(readFileSync(join(stateDir, 'run', f), 'utf8')) as { pid: number; connector: string })
        .filter((r) => r.connector === connector)
        .map((r) => r.pid);
    const rss = (pid: number) => {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      return `${(kb / 1024).toFixed(1)} MiB`;
    };

    const topic = `bench-lifecycle-${suffix}`;
    const kafka = createKafka({ bootstrapServers: bootstrap, clientId: 'bench-lifecycle', logLevel: 'nothing' });
    await ensureTopic(kafka, topic, { partitions: 8, replicationFactor: 1 });
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, 'first line\n');

    // 1. POST → first record in the sink file
    const t0 = Date.now();
    await call('POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic },
    });
    const sinkConfig = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: topic };
    await call('POST', '/connectors', { name: 'sink', config: sinkConfig });
    await waitFor(() => readLines(output).length > 0, { timeoutMs: 120_000, intervalMs: 10 });
    report('POST source+sink → first record in the sink file', since(t0));

    // 2. tasks.max 1 → 8
    await allRunning('sink', 1);
    const t1 = Date.now();
    await call('PUT', '/connectors/sink/config', { ...sinkConfig, 'tasks.max': '8' });
    await allRunning('sink', 8);
    report('tasks.max 1 → 8 → all 8 tasks RUNNING', since(t1));
    scaleBreakdown(stateDir, 'sink', t1, stackLines);
    // RUNNING does not wait for the consumer-group join (as in Apache); when the group settles, for the record.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [group] = (await admin.describeGroups(['connect-sink'])).groups;
          return group?.state === 'Stable' && group.members.length === 8;
        },
        { timeoutMs: 120_000, intervalMs: 50 },
      );
      report('  consumer group connect-sink stable with 8 members at', since(t1));
    } finally {
      await admin.disconnect();
    }

    // 3. SIGKILL → RUNNING again in a new process
    const before = await allRunning('src', 1);
    const [victim] = pidsOf('src');
    const t2 = Date.now();
    process.kill(victim!, 'SIGKILL');
    await waitFor(
      async () => {
        const task = (await status('src')).tasks?.[0];
        return task?.state === 'RUNNING' && task.worker_id !== before.tasks[0]?.worker_id;
      },
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    report('SIGKILL of a task process → RUNNING again', since(t2));

    // 4. RSS: a busy source and an idle sink task
    const until = Date.now() + 3000;
    let n = 0;
    while (Date.now() < until) {
      appendFileSync(input, `${Array.from({ length: 500 }, () => `busy line ${n++}`).join('\n')}\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    report('RSS of a busy task-runner (source, ~50k lines/s offered)', rss(pidsOf('src')[0]!));
    const idle = pidsOf('sink').find((pid) => existsSync(`/proc/${pid}/status`));
    report('RSS of a task-runner without traffic (one of 8 sink tasks)', rss(idle!));
  } finally {
    if (stack && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack!.once('exit', resolve));
      stack.kill('SIGINT'); // Ctrl-C: stops every task process
      await exited;
    }
    if (process.env.SKC_BENCH_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    await services.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
