/**
 * REST benchmark (`npm run bench -- rest` bundles and runs it through bench/rest.ts).
 *
 * 1. The API Lambda bundle: esbuild, minified, with and without the AWS SDK (the Node.js Lambda runtime ships
 *    SDK v3, so the CDK construct may leave it external); module-init time in a fresh Node process, and the
 *    cold start (init + wiring + first request).
 * 2. Handler overhead: the middy handler called in-process over in-memory stores (no I/O): what our code adds.
 * 3. Through the local HTTP server with 1,000 connectors stored (each with a connector and a task status):
 *    `GET /connectors?expand=status`, `GET /connectors/{c}/status`, `PUT /connectors/{c}/config` — p50/p99 and
 *    requests/s, against the embedded file store and DynamoDB Local.
 * Targets: handler overhead < 1 ms p99, bundle < 500 KB minified, init < 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as Esbuild from 'esbuild';
import type { BuildOptions, BuildResult } from 'esbuild';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createDocumentClient, createTables } from '../../lib/adapters/dynamodb/table';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import type { ConfigStore, StatusStore } from '../../lib/storage/ports';
import { compose, type ApiComposition } from '../../composition/api/composition';
import { apiBundleOptions } from '../../lambdas/api/bundling';
import { createApiHandler } from '../../composition/api/handler';
import { startHttpServer } from '../../composition/http-server';
import { startServices } from '../../test/services/index';

/**
 * esbuild from the repository's node_modules at run time: this file is itself bundled by esbuild, which must not
 * try to bundle esbuild (a native binary).
 */
const esbuildModule = 'esbuild';
const build = (options: BuildOptions): Promise<BuildResult> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(esbuildModule) as typeof Esbuild).build(options);

/** The repository root, wherever the bundled benchmark runs from (bench/ or a build folder inside the repo). */
const ROOT = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'lambdas', 'api', 'handler.ts'))) return dir;
  }
  return process.cwd();
})();
const CONNECTORS = Number(process.env.BENCH_REST_CONNECTORS ?? 1000);

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1));

interface Stats {
  n: number;
  p50: number;
  p99: number;
  rps: number;
}

async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { n, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), rps: (n / elapsed) * 1000 };
}

const row = (label: string, s: Stats): string =>
  `  ${label.padEnd(44)} n=${String(s.n).padStart(5)}  p50 ${fmt(s.p50).padStart(8)} ms  p99 ${fmt(s.p99).padStart(8)} ms  ${s.rps.toFixed(0).padStart(6)} req/s`;

// ---- 1. bundle size and init time ----

async function bundleAndInit(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skc-bench-rest-'));
  try {
    console.log('API Lambda bundle (esbuild, minified, node22, cjs):');
    const variants: [string, BuildOptions][] = [
      ['recommended (lambdas/api/bundling.ts)', apiBundleOptions(ROOT)],
      ['AWS SDK external only', { ...apiBundleOptions(ROOT), external: ['@aws-sdk/*'], plugins: [] }],
      ['everything bundled', { ...apiBundleOptions(ROOT), external: [], plugins: [] }],
    ];
    for (const [index, [label, options]] of variants.entries()) {
      const outfile = join(dir, `variant-${index}.cjs`);
      await build({ ...options, outfile });
      const size = statSync(outfile).size;
      // Fresh processes: module init only, then init + wiring + first request (a cold start).
      const script = `
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        const m = require(${JSON.stringify(outfile)});
        const t1 = process.hrtime.bigint();
        const c1 = process.cpuUsage(c0);
        m.handler({ httpMethod: 'GET', path: '/connectors', headers: { Host: 'x' }, body: null, isBase64Encoded: false,
          multiValueQueryStringParameters: null, queryStringParameters: null, requestContext: { path: '/connectors' } }, {})
          .then((r) => {
            const t2 = process.hrtime.bigint();
            if (r.statusCode !== 200) throw new Error('status ' + r.statusCode);
            const kafkajsLoaded = Object.keys(require.cache).some((k) => k.includes('node_modules/kafkajs/'));
            console.log(JSON.stringify({ init: Number(t1 - t0) / 1e6, cpu: (c1.user + c1.system) / 1e3, cold: Number(t2 - t0) / 1e6, kafkajsLoaded }));
          });`;
      const inits: number[] = [];
      const cpus: number[] = [];
      const colds: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = spawnSync(process.execPath, ['-e', script], {
          encoding: 'utf8',
          env: { ...process.env, SKC_STORE: 'memory', LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'WARN' },
        });
        if (res.status !== 0) throw new Error(`init run failed: ${res.stderr}`);
        const { init, cpu, cold, kafkajsLoaded } = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
          init: number;
          cpu: number;
          cold: number;
          kafkajsLoaded: boolean;
        };
        cpus.push(cpu);
        if (kafkajsLoaded && index === 0) throw new Error('kafkajs was loaded by a request that does not need it');
        inits.push(init);
        colds.push(cold);
      }
      inits.sort((a, b) => a - b);
      cpus.sort((a, b) => a - b);
      colds.sort((a, b) => a - b);
      console.log(
        `  ${label.padEnd(44)} ${(size / 1024).toFixed(0).padStart(5)} KB   module init median ${fmt(quantile(inits, 0.5))} ms wall / ${fmt(quantile(cpus, 0.5))} ms CPU   init + first request median ${fmt(quantile(colds, 0.5))} ms`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- seeding ----

async function seed(configStore: ConfigStore, statusStore: StatusStore, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  const existing = new Set(await configStore.list());
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const name = names[next++]!;
        if (existing.has(name)) continue;
        const config = {
          'connector.class': 'FileStreamSink',
          'tasks.max': '1',
          topics: 'bench',
          file: `/tmp/${name}`,
          name,
        };
        const state = await configStore.create(name, config, 'STARTED');
        await configStore.update(name, state.version, {
          taskConfigs: [{ ...config, 'task.class': 'X' }],
          generation: 1,
          taskConfigsFromVersion: 1,
        });
        const status = { trace: null, workerId: 'bench', generation: 1, updatedAt: Date.now(), version: '4.3.1' };
        await statusStore.putConnector(name, { state: 'RUNNING', ...status });
        await statusStore.putTask(name, 0, { state: 'RUNNING', ...status });
      }
    }),
  );
  return names;
}

// ---- 2. handler overhead ----

async function handlerOverhead(): Promise<void> {
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const composition = await compose({ SKC_STORE: 'memory', SKC_WORKER_CONFIG: {} }, { configStore, statusStore });
  const names = await seed(configStore, statusStore, 100);
  const handler = createApiHandler(() => composition.api);
  const event = (method: string, path: string, body?: unknown): APIGatewayProxyEvent =>
    ({
      httpMethod: method,
      path,
      headers: { Host: 'bench', 'Content-Type': 'application/json' },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      body: body === undefined ? null : JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { path },
    }) as unknown as APIGatewayProxyEvent;
  const ctx = {} as Context;
  const config = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', topics: 'bench', file: '/tmp/x' };
  // Warm up the JIT.
  for (let i = 0; i < 2000; i++) await handler(event('GET', `/connectors/${names[i % names.length]}/status`), ctx);
  console.log('Handler overhead (middy handler in-process, in-memory stores, sequential):');
  console.log(
    row(
      'GET /connectors/{c}/status',
      await measure(
        20000,
        1,
        async (i) => void (await handler(event('GET', `/connectors/${names[i % names.length]}/status`), ctx)),
      ),
    ),
  );
  console.log(
    row(
      'PUT /connectors/{c}/config',
      await measure(
        5000,
        1,
        async (i) =>
          void (await handler(
            event('PUT', `/connectors/${names[i % names.length]}/config`, { ...config, n: String(i) }),
            ctx,
          )),
      ),
    ),
  );
  // A write without config validation: the handler's own cost on the write path.
  const pauseOrResume = (i: number): string =>
    `/connectors/${names[Math.floor(i / 2) % names.length]}/${i % 2 === 0 ? 'pause' : 'resume'}`;
  console.log(
    row(
      'PUT /connectors/{c}/pause, /resume',
      await measure(10000, 1, async (i) => void (await handler(event('PUT', pauseOrResume(i)), ctx))),
    ),
  );
  console.log(
    row(
      'GET /connectors (100 names)',
      await measure(5000, 1, async () => void (await handler(event('GET', '/connectors'), ctx))),
    ),
  );
}

// ---- 3. through the local server ----

async function throughServer(
  label: string,
  composition: ApiComposition,
  configStore: ConfigStore,
  statusStore: StatusStore,
): Promise<void> {
  const t0 = performance.now();
  const names = await seed(configStore, statusStore, CONNECTORS);
  console.log(`${label}: ${CONNECTORS} connectors seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const server = await startHttpServer({
    handler: createApiHandler(() => composition.api),
    listeners: 'http://127.0.0.1:0',
  });
  try {
    const get = async (path: string): Promise<void> => {
      const r = await fetch(`${server.url}${path}`);
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      await r.arrayBuffer();
    };
    const config = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', topics: 'bench', file: '/tmp/y' };
    const put = async (i: number): Promise<void> => {
      const name = names[(i * 7919) % names.length]!;
      const r = await fetch(`${server.url}/connectors/${name}/config`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...config, n: String(i) }),
      });
      if (r.status !== 200) throw new Error(`PUT ${name}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    };
    await get('/connectors?expand=status');
    console.log(
      row(
        `GET /connectors?expand=status (${CONNECTORS})`,
        await measure(20, 2, () => get('/connectors?expand=status')),
      ),
    );
    console.log(
      row(
        'GET /connectors/{c}/status, 8 clients',
        await measure(2000, 8, (i) => get(`/connectors/${names[(i * 31) % names.length]}/status`)),
      ),
    );
    console.log(row('PUT /connectors/{c}/config, 8 clients', await measure(500, 8, put)));
  } finally {
    await server.close();
    await composition.close();
  }
}

async function main(): Promise<void> {
  console.log(`REST benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await bundleAndInit();
  await handlerOverhead();

  const dir = mkdtempSync(join(tmpdir(), 'skc-bench-rest-state-'));
  try {
    const local = await compose({ SKC_STORE: 'local', SKC_STATE_DIR: dir, SKC_WORKER_CONFIG: {} });
    const { FileConfigStore } = await import('../../lib/adapters/local/file-config-store');
    const { FileStatusStore } = await import('../../lib/adapters/local/file-status-store');
    await throughServer('Local server, embedded file store', local, new FileConfigStore(dir), new FileStatusStore(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let endpoint = process.env.DYNAMODB_ENDPOINT;
  const stack = endpoint ? undefined : await startServices(['dynamodb']);
  endpoint ??= stack!.env['DYNAMODB_ENDPOINT']!;
  try {
    Object.assign(process.env, stack?.env ?? {});
    const table = `skc-bench-rest-${Date.now().toString(36)}`;
    const doc = createDocumentClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createTables(doc, { table });
    const dynamo = await compose({
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: table,
      SKC_DYNAMODB_ENDPOINT: endpoint,
      SKC_WORKER_CONFIG: {},
    });
    const { DynamoDbConfigStore } = await import('../../lib/adapters/dynamodb/config-store');
    const { DynamoDbStatusStore } = await import('../../lib/adapters/dynamodb/status-store');
    await throughServer(
      'Local server, DynamoDB Local',
      dynamo,
      new DynamoDbConfigStore(doc, { table }),
      new DynamoDbStatusStore(doc, { table }),
    );
  } finally {
    await stack?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
