/**
 * connect-standalone serves the Kafka Connect REST API over its in-process connectors (real broker,
 * SKC_SERVICES=kafka): Apache's fixture files, then connectors created, paused, stopped, restarted and deleted
 * over HTTP, with their data moving through Kafka.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { runCli, startCli, waitForOutput } from './cli';
import type { RunningCli } from './cli';

requireServices('kafka');

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'apache-config');
const APACHE_FIXTURES = existsSync(FIXTURES) ? FIXTURES : '/work/shared/fixtures/apache-config';

/** Apache's unchanged fixture files in a fresh dir; offsets kept there (the fixture's /tmp file is shared). */
const fixtureDir = (): { dir: string; args: string[] } => {
  const dir = mkdtempSync(join(tmpdir(), 'standalone-rest-'));
  for (const f of ['connect-standalone.properties', 'connect-file-source.properties']) {
    copyFileSync(join(APACHE_FIXTURES, f), join(dir, f));
  }
  const args = ['--override', `offset.storage.file.filename=${join(dir, 'connect.offsets')}`];
  return { dir, args };
};

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const readLines = (file: string): string[] => {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, text.endsWith('\n') ? -1 : undefined).split('\n');
};

const waitForLines = (file: string, count: number): Promise<string[]> =>
  waitFor(
    () => {
      const lines = readLines(file);
      return lines.length >= count ? lines : undefined;
    },
    { timeoutMs: 60000, intervalMs: 100, description: `${count} lines in ${file}` },
  );

describe('connect-standalone REST API', () => {
  let cli: RunningCli;
  let base: string;
  let dir: string;

  const call = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };

  type Status = { connector: { state: string; worker_id: string }; tasks: { id: number; state: string }[] };
  /** Poll the status until `accept` holds (status is eventually consistent, as Apache's). */
  const statusWhen = (name: string, accept: (s: Status) => boolean, what: string): Promise<Status> =>
    waitFor(
      async () => {
        const reply = await call('GET', `/connectors/${encodeURIComponent(name)}/status`);
        return reply.status === 200 && accept(reply.body as Status) ? (reply.body as Status) : undefined;
      },
      { timeoutMs: 30000, intervalMs: 100, description: `${name} ${what}` },
    );
  const allRunning = (s: Status) =>
    s.connector.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING');

  beforeAll(async () => {
    const fixture = fixtureDir();
    dir = fixture.dir;
    cli = await startCli(
      [
        '--override',
        'listeners=http://127.0.0.1:0',
        ...fixture.args,
        'connect-standalone.properties',
        'connect-file-source.properties',
      ],
      { cwd: dir, env: { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap() } },
    );
    await waitForOutput(cli, 'Kafka Connect started');
    const url = /REST server listening at (http:\/\/[^\s/]+)\//.exec(cli.output())?.[1];
    if (!url) throw new Error(`no REST URL in the output:\n${cli.output()}`);
    base = url;
  });

  afterAll(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  afterEach(() => {
    const { assertionCalls, numPassingAsserts } = expect.getState();
    if (assertionCalls !== numPassingAsserts || process.env.SHOW_CLI_LOGS) {
      process.stderr.write(`--- connect-standalone output ---\n${cli.output()}\n`);
    }
  });

  it('answers GET / and lists the connector of the file, RUNNING with worker_id host:port', async () => {
    const root = await call('GET', '/');
    expect(root.status).toBe(200);
    expect(root.body).toEqual({
      version: expect.stringMatching(/^4\.\d+\.\d+/),
      commit: expect.any(String),
      kafka_cluster_id: expect.stringMatching(/.+/),
    });
    expect(await call('GET', '/connectors')).toEqual({ status: 200, body: ['local-file-source'] });

    const port = new URL(base).port;
    const status = await statusWhen('local-file-source', allRunning, 'RUNNING');
    expect(status).toEqual({
      name: 'local-file-source',
      connector: expect.objectContaining({ state: 'RUNNING', worker_id: `127.0.0.1:${port}` }),
      tasks: [
        expect.objectContaining({
          id: 0,
          state: 'RUNNING',
          worker_id: `127.0.0.1:${port}`,
          version: expect.stringMatching(/^4\.\d+\.\d+/),
        }),
      ],
      type: 'source',
    });
    expect(await call('GET', '/connectors/local-file-source/config')).toEqual({
      status: 200,
      body: {
        name: 'local-file-source',
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: 'test.txt',
        topic: 'connect-test',
      },
    });
  });

  it('runs connectors created over REST: lines reach the sink file; pause, resume, delete', async () => {
    const topic = uniqueName('rest');
    const [source, sink] = [`${topic}-src`, `${topic}-sink`];
    const input = join(dir, `${topic}.in.txt`);
    const output = join(dir, `${topic}.out.txt`);
    writeFileSync(input, 'one\ntwo\nthree\n');

    const created = await call('POST', '/connectors', {
      name: source,
      config: { 'connector.class': 'FileStreamSource', file: input, topic },
    });
    expect(created.status).toBe(201);
    const sinkConfig = { 'connector.class': 'FileStreamSink', file: output, topics: topic };
    expect((await call('PUT', `/connectors/${sink}/config`, sinkConfig)).status).toBe(201);
    expect(await waitForLines(output, 3)).toEqual(['one', 'two', 'three']);
    await statusWhen(sink, allRunning, 'RUNNING');

    expect(await call('PUT', `/connectors/${sink}/pause`)).toEqual({ status: 202, body: undefined });
    await statusWhen(
      sink,
      (s) => s.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED'),
      'PAUSED',
    );
    appendFileSync(input, 'four\n');
    expect(await call('PUT', `/connectors/${sink}/resume`)).toEqual({ status: 202, body: undefined });
    await statusWhen(sink, allRunning, 'RUNNING again');
    expect(await waitForLines(output, 4)).toEqual(['one', 'two', 'three', 'four']);

    expect(await call('DELETE', `/connectors/${sink}`)).toEqual({ status: 204, body: undefined });
    expect(await call('GET', `/connectors/${sink}`)).toEqual({
      status: 404,
      body: { error_code: 404, message: `Connector ${sink} not found` },
    });
    expect((await call('GET', '/connectors')).body).toEqual(expect.not.arrayContaining([sink]));
    expect((await call('DELETE', `/connectors/${source}`)).status).toBe(204);
  });

  it('stops a connector, alters its source offsets in the offsets file and restarts it', async () => {
    const topic = uniqueName('rest-offsets');
    const [source, sink] = [`${topic}-src`, `${topic}-sink`];
    const input = join(dir, `${topic}.in.txt`);
    const output = join(dir, `${topic}.out.txt`);
    writeFileSync(input, 'a\nb\n');
    for (const [name, config] of [
      [source, { 'connector.class': 'FileStreamSource', file: input, topic }],
      [sink, { 'connector.class': 'FileStreamSink', file: output, topics: topic }],
    ] as const) {
      expect((await call('POST', '/connectors', { name, config })).status).toBe(201);
    }
    await waitForLines(output, 2);

    expect((await call('PUT', `/connectors/${source}/stop`)).status).toBe(204);
    await statusWhen(source, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0, 'STOPPED');
    // The stopped task flushed its offset: every byte of the file was read.
    expect(await call('GET', `/connectors/${source}/offsets`)).toEqual({
      status: 200,
      body: { offsets: [{ partition: { filename: input }, offset: { position: statSync(input).size } }] },
    });
    const altered = await call('PATCH', `/connectors/${source}/offsets`, {
      offsets: [{ partition: { filename: input }, offset: { position: 0 } }],
    });
    expect(altered).toEqual({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    // Resumed from position 0, the source sends the file again.
    expect((await call('PUT', `/connectors/${source}/resume`)).status).toBe(202);
    expect(await waitForLines(output, 4)).toEqual(['a', 'b', 'a', 'b']);

    const restart = await call('POST', `/connectors/${source}/restart?includeTasks=true`);
    expect(restart.status).toBe(202);
    expect(restart.body).toMatchObject({ connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }] });
    await statusWhen(source, allRunning, 'RUNNING after the restart');
    for (const name of [source, sink]) expect((await call('DELETE', `/connectors/${name}`)).status).toBe(204);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('Kafka Connect stopped');
  });
});

describe('connect-standalone REST listeners', () => {
  it('exits 2 with a clear error naming listeners when the port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { dir, args } = fixtureDir();
      const listeners = `http://127.0.0.1:${port}`;
      const { code, output } = await runCli(
        ['--override', `listeners=${listeners}`, ...args, 'connect-standalone.properties'],
        { cwd: dir, env: { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap() } },
      );
      expect(code).toBe(2);
      expect(output).toContain(`Unable to initialize REST server: the address of listener ${listeners}`);
      expect(output).toContain(`listeners=${listeners}`);
      expect(output).toContain('already in use');
    } finally {
      taken.close();
    }
  });

  it('exits 3 when two connector files name the same connector (Apache: already exists)', async () => {
    const { dir, args } = fixtureDir();
    copyFileSync(join(dir, 'connect-file-source.properties'), join(dir, 'again.properties'));
    const { code, output } = await runCli(
      [
        '--override',
        'listeners=http://127.0.0.1:0',
        ...args,
        'connect-standalone.properties',
        'connect-file-source.properties',
        'again.properties',
      ],
      { cwd: dir, env: { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap() } },
    );
    expect(code).toBe(3);
    expect(output).toContain('Connector local-file-source already exists');
  });
});
