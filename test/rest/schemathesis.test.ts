/**
 * Property-based run of schemathesis (.venv, installed by scripts/setup.mjs) against the local HTTP server over
 * in-memory stores, driven by the published openapi.json: no response may be a 5xx and every response must
 * conform to the document. Bounded (examples per operation, time budget) to stay well under two minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpServer } from '../../composition/http-server';
import { createTestApi, type TestApi, viaHttpServer } from './harness';
import { converge } from './reconciler-stub';

const ST = join(__dirname, '..', '..', '.venv', 'bin', 'st');

describe('schemathesis against the local server', () => {
  let t: TestApi;
  let server: HttpServer;
  let reportDir: string;

  beforeAll(async () => {
    t = await createTestApi();
    const started = await viaHttpServer(t.composition);
    server = started.server;
    // A few connectors in each state, so generated requests also reach the non-404 paths.
    const config = { 'connector.class': 'FileStreamSource', 'tasks.max': '1', topic: 't', file: '/tmp/st.txt' };
    for (const [name, initial_state] of [
      ['a', 'RUNNING'],
      ['b', 'STOPPED'],
      ['c', 'PAUSED'],
    ] as const) {
      const reply = await started.call('POST', '/connectors', {
        body: { name, config: { ...config, name }, initial_state },
      });
      expect(reply.status).toBe(201);
      await converge(t, name);
    }
    reportDir = mkdtempSync(join(tmpdir(), 'skc-schemathesis-'));
  });

  afterAll(async () => {
    await server?.close();
    rmSync(reportDir, { recursive: true, force: true });
  });

  it('finds no server error and no schema violation', async () => {
    expect(existsSync(ST)).toBe(true);
    // Half of the generated path parameters name things that exist, so the non-404 paths get fuzzed too.
    const configFile = join(reportDir, 'schemathesis.toml');
    writeFileSync(
      configFile,
      [
        '[dictionaries.connectors]',
        'values = ["a", "b", "c"]',
        '[dictionaries.plugins]',
        'values = ["FileStreamSource", "FileStreamSink", "org.apache.kafka.connect.file.FileStreamSinkConnector"]',
        '[dictionaries.tasks]',
        'values = [0]',
        '[parameters]',
        '"path.connector" = { dictionary = "connectors", probability = 0.5 }',
        '"path.plugin" = { dictionary = "plugins", probability = 0.5 }',
        '"path.task" = { dictionary = "tasks", probability = 0.5 }',
        '',
      ].join('\n'),
    );
    const args = [
      '--config-file',
      configFile,
      'run',
      `${server.url}/openapi.json`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      '25',
      '--max-time',
      '60',
      '--seed',
      '1',
      '--workers',
      '2',
      '--phases',
      'examples,coverage,fuzzing',
      '--generation-database',
      'none',
      '--report',
      'ndjson',
      '--report-dir',
      reportDir,
      '--no-color',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      // Run in the scratch folder: schemathesis keeps a `.schemathesis/` cache in its working directory.
      const child = spawn(ST, args, { cwd: reportDir, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, output }));
    });
    const summary = output.split('\n').slice(-40).join('\n');
    console.log(summary);
    expect({ code, summary }).toEqual({ code: 0, summary });
    expect(readFileSync(join(reportDir, readdirNdjson(reportDir)), 'utf8').length).toBeGreaterThan(0);
  }, 150_000);
});

function readdirNdjson(dir: string): string {
  return readdirSync(dir).find((f) => f.endsWith('.ndjson')) ?? 'missing.ndjson';
}
