/**
 * The local stack for end-to-end tests: the real composition (REST handler, file store, reconciler, process
 * launcher, task-runner children) against the real test broker, on a free port and a scratch state dir.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startLocalStack } from '../../composition/local-stack';
import type { LocalStack } from '../../composition/local-stack';
import type { TaskInstance } from '../../lib/storage/ports';
import { kafkaBootstrap, uniqueName, waitFor } from '../services/env';
import { projectRoot } from '../services/paths';
import { PLATFORMATIC_BUNDLE_OPTIONS } from '../services/bundle-options';

/** Bundles task-runner/main.ts alone (not the other entry points, which may be mid-edit) into `dir`. */
export async function bundleTaskRunner(dir: string): Promise<string> {
  const outfile = join(dir, 'task-runner.js');
  await build({
    entryPoints: [join(projectRoot(), 'task-runner', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'error',
    ...PLATFORMATIC_BUNDLE_OPTIONS,
  });
  return outfile;
}

export interface E2eStack {
  readonly stack: LocalStack;
  readonly dir: string;
  readonly api: Api;
  close(): Promise<void>;
}

export async function startE2eStack(workerOverrides: Record<string, string> = {}): Promise<E2eStack> {
  const dir = mkdtempSync(join(tmpdir(), 'skc-e2e-'));
  const taskRunnerScript = await bundleTaskRunner(dir);
  const stack = await startLocalStack({
    stateDir: join(dir, 'state'),
    bootstrapServers: kafkaBootstrap(),
    listeners: 'http://127.0.0.1:0',
    taskRunnerScript,
    reconcileIntervalMs: 500,
    stopGraceMs: 10_000,
    workerProperties: {
      'offset.storage.topic': uniqueName('connect-offsets'),
      'offset.storage.partitions': '1',
      'offset.storage.replication.factor': '1',
      'offset.flush.interval.ms': '500',
      'task.heartbeat.interval.ms': '1000',
      'task.heartbeat.timeout.ms': '30000',
      'task.restart.backoff.initial.ms': '500',
      'task.restart.backoff.max.ms': '5000',
      ...workerOverrides,
    },
  });
  return {
    stack,
    dir,
    api: new Api(stack.url),
    async close() {
      try {
        await stack.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * One local stack for the whole test file: started before its first test, closed after its last, and each failing
 * test's task logs on stderr (every test's with SKC_E2E_LOGS). Returns the stack, which exists once `beforeAll`
 * has run, i.e. inside tests.
 */
export function useE2eStack(workerOverrides: Record<string, string> = {}): () => E2eStack {
  let e2e: E2eStack | undefined;
  beforeAll(async () => {
    e2e = await startE2eStack(workerOverrides);
  }, 120_000);
  afterEach(() => {
    const state = expect.getState();
    if (e2e && (state.assertionCalls > state.numPassingAsserts || process.env['SKC_E2E_LOGS']))
      process.stderr.write(taskLogs(e2e.stack));
  });
  afterAll(async () => {
    await e2e?.close();
  });
  return () => {
    if (!e2e) throw new Error('the e2e stack is started in beforeAll: use it inside a test');
    return e2e;
  };
}

/** `line-<from>` … `line-<to - 1>`: the numbered lines the FileStream tests write and read back. */
export const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `line-${from + i}`);

export interface Response<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export class Api {
  constructor(private readonly base: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<Response<T>> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  get = <T = unknown>(path: string) => this.request<T>('GET', path);
  post = <T = unknown>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  put = <T = unknown>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T = unknown>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = unknown>(path: string) => this.request<T>('DELETE', path);

  async create(name: string, config: Record<string, string>): Promise<void> {
    const created = await this.post('/connectors', { name, config });
    if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const response = await this.get<ConnectorStatus>(`/connectors/${encodeURIComponent(name)}/status`);
    return response.status === 200 ? response.body : undefined;
  }

  /** Waits until the connector and exactly `tasks` tasks report `state`. */
  async waitForState(name: string, state: string, tasks: number, timeoutMs = 60_000): Promise<ConnectorStatus> {
    let last: ConnectorStatus | undefined;
    try {
      return await waitFor(
        async () => {
          const status = (last = await this.status(name));
          const ok =
            status?.connector.state === state &&
            status.tasks.length === tasks &&
            status.tasks.every((t) => t.state === state);
          return ok ? status : undefined;
        },
        { timeoutMs, description: `${name}: connector and ${tasks} task(s) ${state}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(last)}`, { cause: error });
    }
  }
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string; version?: string }[];
  type: string;
}

/** Every task log of the stack (for failure messages). */
export function taskLogs(stack: LocalStack): string {
  const logs = join(stack.stateDir, 'logs');
  if (!existsSync(logs)) return '(no logs)';
  return readdirSync(logs)
    .map((f) => `--- ${f}\n${readFileSync(join(logs, f), 'utf8').split('\n').slice(-40).join('\n')}`)
    .join('\n');
}

export const readLines = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

export async function liveInstances(stack: LocalStack, connector: string): Promise<TaskInstance[]> {
  return (await stack.launcher.list()).filter(
    (i) => i.connector === connector && (i.state === 'RUNNING' || i.state === 'PENDING'),
  );
}

/** pid of a live task process, from the launcher's pid file. */
export function pidOf(stack: LocalStack, instanceId: string): number {
  const record = JSON.parse(readFileSync(join(stack.stateDir, 'run', `${instanceId}.json`), 'utf8')) as { pid: number };
  return record.pid;
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
