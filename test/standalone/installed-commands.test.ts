/**
 * `connect-standalone` and `connect-distributed` as a user gets them: after the README's one install step
 * (`npm link` in the clone, here into a temp npm prefix so the machine's global one is not touched), run by name
 * from a folder outside the clone. Apache's three fixture files move the lines as they are; both commands honour
 * `listeners` and report a taken port in one line naming the key (exit 2).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePorts } from '../../lib/adapters/local/kafka-broker';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { projectRoot } from '../services/paths';

const FIXTURES = join(projectRoot(), '..', '..', 'shared', 'fixtures', 'apache-config');
const APACHE_FIXTURES = existsSync(FIXTURES) ? FIXTURES : '/work/shared/fixtures/apache-config';

requireServices('kafka');

let prefix: string;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(() => {
  const root = projectRoot();
  // What `npm ci` left: the bundles the bins run (skipped when up to date).
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  expect(build.stderr).toBe('');
  prefix = mkdtempSync(join(tmpdir(), 'skc-npm-prefix-'));
  dirs.push(prefix);
  // The README's step, with the global prefix pointed at a temp dir (npm_config_prefix is npm's `--prefix` of -g).
  const link = spawnSync('npm', ['link', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
    cwd: root,
    env: { ...process.env, npm_config_prefix: prefix },
    encoding: 'utf8',
  });
  expect(link.status).toBe(0);
  env = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` };
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

it('runs bundles of ASCII only, which V8 holds as one byte per character of source', () => {
  // eslint-disable-next-line no-control-regex
  const nonAscii = /[^\x00-\x7f]/;
  for (const name of ['task-runner', 'connect-standalone', 'connect-distributed']) {
    expect(nonAscii.test(readFileSync(join(projectRoot(), 'dist', `${name}.js`), 'utf8'))).toBe(false);
  }
});

/** A folder outside the clone, as a user's. */
const userFolder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'skc-user-folder-'));
  dirs.push(dir);
  return dir;
};

interface Run {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | string>;
}

/** Runs `command` by name, found on PATH in the temp prefix, as a shell would. */
const runCommand = (command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Run => {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
};

const listening = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
};

const oneLineError = (output: string, key: string): void => {
  const lines = output.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('already in use');
  expect(lines[0]).toContain(key);
  expect(output).not.toMatch(/^\s+at /m); // no stack trace
};

describe('installed commands, run from a folder outside the clone', () => {
  it('the bins are linked into the prefix', () => {
    for (const name of ['connect-standalone', 'connect-distributed']) {
      expect(existsSync(join(prefix, 'bin', name))).toBe(true);
    }
  });

  it("connect-standalone moves lines with Apache's three files as they are", async () => {
    const dir = userFolder();
    for (const file of [
      'connect-standalone.properties',
      'connect-file-source.properties',
      'connect-file-sink.properties',
    ]) {
      copyFileSync(join(APACHE_FIXTURES, file), join(dir, file));
    }
    const marker = uniqueName('line');
    const lines = [1, 2, 3].map((i) => `${marker}-${i}`);
    writeFileSync(join(dir, 'test.txt'), `${lines.join('\n')}\n`);
    // The files stay Apache's: the broker address, a free REST port and this folder's offsets file come from the
    // environment and --override (the file's /tmp/connect.offsets is shared by whoever runs the example).
    const cli = runCommand(
      'connect-standalone',
      [
        '--override',
        'listeners=http://127.0.0.1:0',
        '--override',
        `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
        'connect-standalone.properties',
        'connect-file-source.properties',
        'connect-file-sink.properties',
      ],
      dir,
      { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap() },
    );
    const sink = join(dir, 'test.sink.txt');
    const ours = () =>
      existsSync(sink)
        ? readFileSync(sink, 'utf8')
            .split('\n')
            .filter((line) => line.startsWith(marker))
        : [];
    await waitFor(() => ours().length >= 3, {
      timeoutMs: 90_000,
      description: 'lines in test.sink.txt',
      abortReason: () => (cli.child.exitCode !== null ? `exited:\n${cli.output()}` : undefined),
    });
    appendFileSync(join(dir, 'test.txt'), `${marker}-4\n`);
    await waitFor(() => ours().length >= 4, { timeoutMs: 60_000, description: 'the appended line' });
    expect(ours()).toEqual([...lines, `${marker}-4`]);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 150_000);

  it('connect-distributed serves on the worker file’s listeners, with relative paths from where it runs', async () => {
    const dir = userFolder();
    const [port] = await freePorts(1);
    writeFileSync(
      join(dir, 'worker.properties'),
      [
        `bootstrap.servers=${kafkaBootstrap()}`,
        'group.id=connect-cluster',
        'key.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        `offset.storage.topic=${uniqueName('installed-offsets')}`,
        'offset.storage.replication.factor=1',
        `listeners=http://127.0.0.1:${port}`,
      ].join('\n'),
    );
    const stack = runCommand('connect-distributed', ['worker.properties'], dir, { SKC_STATE_DIR: join(dir, 'state') });
    const info = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        return response.status === 200 ? ((await response.json()) as { version: string }) : undefined;
      },
      {
        timeoutMs: 60_000,
        description: `GET http://127.0.0.1:${port}/`,
        abortReason: () => (stack.child.exitCode !== null ? `exited:\n${stack.output()}` : undefined),
      },
    );
    expect(info.version).toBe('4.3.1');
    stack.child.kill('SIGINT');
    expect(await stack.exited).toBe(0);
  }, 90_000);

  it('a taken port is one line naming the key, exit 2, for both commands', async () => {
    const dir = userFolder();
    const { server, port } = await listening();
    try {
      writeFileSync(
        join(dir, 'worker.properties'),
        `bootstrap.servers=127.0.0.1:1\nlisteners=http://127.0.0.1:${port}\n`,
      );
      const distributed = runCommand('connect-distributed', ['worker.properties'], dir, {
        SKC_STATE_DIR: join(dir, 'state'),
      });
      expect(await distributed.exited).toBe(2);
      oneLineError(distributed.output(), `'listeners' in ${join(dir, 'worker.properties')}`);

      writeFileSync(
        join(dir, 'standalone.properties'),
        [
          `bootstrap.servers=${kafkaBootstrap()}`,
          'key.converter=org.apache.kafka.connect.json.JsonConverter',
          'value.converter=org.apache.kafka.connect.json.JsonConverter',
          `listeners=http://127.0.0.1:${port}`,
          `offset.storage.file.filename=${join(dir, 'offsets')}`,
        ].join('\n'),
      );
      const standalone = runCommand('connect-standalone', ['standalone.properties'], dir);
      expect(await standalone.exited).toBe(2);
      const error = standalone
        .output()
        .split('\n')
        .find((line) => line.includes(' ERROR '));
      expect(error).toContain('already in use');
      expect(error).toContain("'listeners'");
      expect(standalone.output()).not.toMatch(/^\s+at /m);
    } finally {
      server.close();
    }
  }, 90_000);
});
