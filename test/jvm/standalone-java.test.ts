/**
 * connect-standalone with Java plug-ins (docs/java-plugins.md): Apache's connect-file 4.3.1 jars on plugin.path,
 * Apache's fixture files (the topic made unique per test), the connectors run by Apache's code in JVM children,
 * source offsets in the worker's offsets file through the Node process. The JavaScript built-in of the same class
 * is still selected by `connector.plugin.version`.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveJvmHostClasspath } from '../../lib/adapters/jvm/jvm-host';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { runCli, startCli, waitForOutput, type RunningCli } from '../standalone/cli';
import { buildFixturePlugin, pluginPathWith } from './helpers';

requireServices('kafka');

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'apache-config');
const APACHE_FIXTURES = existsSync(FIXTURES) ? FIXTURES : '/work/shared/fixtures/apache-config';

const running: RunningCli[] = [];
const dirs: string[] = [];
afterEach(async () => {
  if (expect.getState().assertionCalls !== expect.getState().numPassingAsserts || process.env.SHOW_CLI_LOGS) {
    for (const cli of running) process.stderr.write(`--- connect-standalone output ---\n${cli.output()}\n`);
  }
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const readLines = (file: string): string[] => {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, text.endsWith('\n') ? -1 : undefined).split('\n');
};
const waitForLines = (file: string, count: number): Promise<string[]> =>
  waitFor(() => (readLines(file).length >= count ? readLines(file) : undefined), {
    timeoutMs: 60_000,
    description: `${count} lines in ${file}`,
  });
// ASCII: Apache's FileStreamSourceTask counts its `position` in chars but skips bytes on restart, so a file with
// multi-byte characters resumes at the wrong place under Apache's own worker too (docs/java-plugins.md).
const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, k) => `line ${from + k} ${'x'.repeat((from + k) % 17)}`);

describe('connect-standalone runs Java plug-ins from plugin.path', () => {
  it("Apache's fixture files with Apache's FileStream jars move lines; offsets in the offsets file; restart resumes exactly", async () => {
    const pluginPath = pluginPathWith('connect-file');
    const dir = mkdtempSync(join(tmpdir(), 'standalone-java-'));
    dirs.push(dir, pluginPath);
    const topic = uniqueName('sa-java');
    for (const f of [
      'connect-standalone.properties',
      'connect-file-source.properties',
      'connect-file-sink.properties',
    ]) {
      // Apache's files as they are, but for a topic of this test's own (files run in parallel on one broker).
      const text = readFileSync(join(APACHE_FIXTURES, f), 'utf8').replace(/^(topics?)=connect-test$/m, `$1=${topic}`);
      writeFileSync(join(dir, f), text);
    }
    // The same class, selected as the JavaScript built-in by its version (KIP-891): the documented rule.
    writeFileSync(
      join(dir, 'js-sink.properties'),
      `name=js-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=js.sink.txt\ntopics=${topic}\nconnector.plugin.version=4.3.1\n`,
    );
    const args = [
      '--override',
      'listeners=http://127.0.0.1:0',
      '--override',
      `plugin.path=${pluginPath}`,
      // Apache's fast discovery: connect-file ships ServiceLoader manifests (docs/java-plugins.md).
      '--override',
      'plugin.discovery=service_load',
      '--override',
      `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
      '--override',
      'offset.flush.interval.ms=1000',
      'connect-standalone.properties',
      'connect-file-source.properties',
      'connect-file-sink.properties',
      'js-sink.properties',
    ];
    const start = async (): Promise<RunningCli> => {
      // The CLI is bundled into a temp dir and runs in another: it is told where the JVM host was built.
      const cli = await startCli(args, {
        cwd: dir,
        env: { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap(), SKC_JVM_HOST_CLASSPATH: resolveJvmHostClasspath() },
      });
      running.push(cli);
      return cli;
    };
    const first = lines(0, 2000);
    writeFileSync(join(dir, 'test.txt'), `${first.join('\n')}\n`);

    const a = await start();
    expect(await waitForLines(join(dir, 'test.sink.txt'), first.length)).toEqual(first);
    expect(await waitForLines(join(dir, 'js.sink.txt'), first.length)).toEqual(first);
    // Apache's classes ran in JVM task hosts; the version-selected sink ran in this process.
    expect(a.output()).toContain('[local-file-source-0 jvm]');
    expect(a.output()).toContain('[local-file-sink-0 jvm]');
    expect(a.output()).not.toContain('[js-file-sink-0 jvm]');
    // The Java source's offsets went through the Node process into the worker's offsets file.
    await waitFor(() => readFileSync(join(dir, 'connect.offsets'), 'utf8').includes('position'), {
      timeoutMs: 30_000,
      description: 'the Java source offsets in the offsets file',
    });
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);

    // Restart: the Java source resumes from the offsets file, nothing re-sent.
    const more = lines(2000, 2100);
    appendFileSync(join(dir, 'test.txt'), `${more.join('\n')}\n`);
    const b = await start();
    await waitForOutput(b, 'Kafka Connect started', 120_000);
    expect(await waitForLines(join(dir, 'test.sink.txt'), first.length + more.length)).toEqual([...first, ...more]);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(readLines(join(dir, 'test.sink.txt'))).toEqual([...first, ...more]);
  }, 300_000);

  it('a Java connector whose validate or start throws stops the worker (exit 3) with its message or Java trace', async () => {
    const pluginPath = mkdtempSync(join(tmpdir(), 'standalone-java-bad-'));
    dirs.push(pluginPath);
    buildFixturePlugin('bad-connector', pluginPath);
    const worker = join(pluginPath, 'worker.properties');
    writeFileSync(
      worker,
      [
        'key.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        `offset.storage.file.filename=${join(pluginPath, 'connect.offsets')}`,
        `plugin.path=${pluginPath}`,
        'plugin.discovery=service_load',
        'listeners=http://127.0.0.1:0',
      ].join('\n'),
    );
    const env = { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap(), SKC_JVM_HOST_CLASSPATH: resolveJvmHostClasspath() };
    for (const [fail, expected] of [
      ['validate', 'validate exploded'],
      ['start', 'Caused by: java.lang.IllegalStateException: start exploded'],
    ] as const) {
      const file = join(pluginPath, `bad-${fail}.properties`);
      writeFileSync(file, `name=bad-${fail}\nconnector.class=skc.test.BadConnector\nfail=${fail}\n`);
      const { code, output } = await runCli([worker, file], { env, timeoutMs: 120_000 });
      expect({ fail, code }).toEqual({ fail, code: 3 });
      expect(output).toContain(`Failed to create connector for ${file}`);
      expect(output).toContain(expected);
    }
  }, 300_000);
});
