/**
 * `npm start` as users run it: the bundled local stack with Apache's own connect-distributed.properties (only
 * bootstrap.servers and the offsets topic changed), a crash of the stack (SIGKILL) that leaves its task processes
 * running, a restart that adopts them, and Ctrl-C (SIGINT) that stops every task process.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { projectRoot } from '../services/paths';
import { Api, bundleTaskRunner, isAlive, readLines } from './helpers';

requireServices('kafka');

/** The settings of Apache's config/connect-distributed.properties (its comments left out). */
const APACHE_DISTRIBUTED = `bootstrap.servers=localhost:9092
group.id=connect-cluster
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.topic=connect-offsets
offset.storage.replication.factor=1
config.storage.topic=connect-configs
config.storage.replication.factor=1
status.storage.topic=connect-status
status.storage.replication.factor=1
offset.flush.interval.ms=10000
`;

let dir: string;
let propertiesFile: string;
let stackScript: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skc-npm-start-'));
  await bundleTaskRunner(dir); // beside the stack bundle, where it looks for it
  stackScript = join(dir, 'local-stack.js');
  await build({
    entryPoints: [join(projectRoot(), 'lambdas', 'local', 'main.ts')],
    outfile: stackScript,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'error',
  });
  const apache = APACHE_DISTRIBUTED.replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${kafkaBootstrap()}`)
    .replace(/^offset\.storage\.topic=.*$/m, `offset.storage.topic=${uniqueName('npm-start-offsets')}`)
    .replace(/^offset\.flush\.interval\.ms=.*$/m, 'offset.flush.interval.ms=500');
  propertiesFile = join(dir, 'connect-distributed.properties');
  writeFileSync(propertiesFile, apache);
}, 60_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  // task processes of a failed test must not outlive it
  for (const file of safeReaddir(join(dir, 'state', 'run'))) {
    const { pid } = JSON.parse(readFileSync(join(dir, 'state', 'run', file), 'utf8')) as { pid: number };
    if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** `npm start -- connect-distributed.properties`, resolving to the printed API URL. */
async function startStack(): Promise<{ child: ChildProcess; api: Api; output: () => string }> {
  const child = spawn(process.execPath, [stackScript, propertiesFile], {
    cwd: projectRoot(),
    env: { ...process.env, SKC_STATE_DIR: join(dir, 'state'), SKC_LISTENERS: 'http://127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor(() => /Kafka Connect REST API: (\S+)/.exec(output)?.[1], {
    timeoutMs: 60_000,
    description: 'the stack printing its URL',
    abortReason: () => (child.exitCode !== null ? `exited with ${child.exitCode}: ${output}` : undefined),
  });
  return { child, api: new Api(url), output: () => output };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

const taskPids = (): number[] =>
  safeReaddir(join(dir, 'state', 'run')).map(
    (f) => (JSON.parse(readFileSync(join(dir, 'state', 'run', f), 'utf8')) as { pid: number }).pid,
  );

it('runs with Apache’s properties file, survives its own crash by adopting its tasks, and Ctrl-C stops them', async () => {
  const topic = uniqueName('npm-start');
  await ensureTopic(createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'e2e-admin' }), topic, {
    partitions: 1,
    replicationFactor: 1,
  });
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  writeFileSync(input, 'a\nb\n');

  const first = await startStack();
  await first.api.create('src', { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
  await first.api.create('sink', {
    'connector.class': 'FileStreamSink',
    'tasks.max': '1',
    file: output,
    topics: topic,
  });
  const running = await first.api.waitForState('src', 'RUNNING', 1);
  await first.api.waitForState('sink', 'RUNNING', 1);
  await waitFor(() => readLines(output).length === 2, { timeoutMs: 60_000, description: 'a, b in the sink file' });

  // The stack crashes; its task processes (own process groups) keep running.
  const pids = taskPids();
  expect(pids).toHaveLength(2);
  first.child.kill('SIGKILL');
  await exited(first.child);
  expect(pids.every(isAlive)).toBe(true);

  const second = await startStack();
  const after = await second.api.waitForState('src', 'RUNNING', 1);
  expect(after.tasks[0]?.worker_id).toBe(running.tasks[0]?.worker_id); // adopted, not relaunched
  appendFileSync(input, 'c\n');
  await waitFor(() => readLines(output).length === 3, { timeoutMs: 30_000, description: 'c after the restart' });
  expect(readLines(output)).toEqual(['a', 'b', 'c']);

  second.child.kill('SIGINT');
  expect(await exited(second.child)).toBe(0);
  expect(pids.filter(isAlive)).toEqual([]);
  expect(taskPids()).toEqual([]);
});
