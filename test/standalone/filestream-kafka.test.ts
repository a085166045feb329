/**
 * connect-standalone on the real broker (SKC_SERVICES=kafka): FileStream file → topic → file, Apache's fixture
 * files, restarts after SIGTERM (no duplicates) and SIGKILL (no loss), and a plugin from plugin.path.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { startCli, waitForOutput } from './cli';
import type { RunningCli } from './cli';

requireServices('kafka');

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'apache-config');
const APACHE_FIXTURES = existsSync(FIXTURES) ? FIXTURES : '/work/shared/fixtures/apache-config';
const PLUGIN_PATH = join(__dirname, '..', 'fixtures', 'plugins');

const running: RunningCli[] = [];
afterEach(async () => {
  // On failure, the CLI's log says why.
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

const start = async (args: string[], cwd: string): Promise<RunningCli> => {
  // Each worker serves its REST API on a free port: test files run in parallel (Apache's default is :8083).
  const cli = await startCli(['--override', 'listeners=http://127.0.0.1:0', ...args], {
    cwd,
    env: { CONNECT_BOOTSTRAP_SERVERS: kafkaBootstrap() },
  });
  running.push(cli);
  return cli;
};

/** Worker + source + sink property files for one unique pipeline in a temp dir. */
const pipeline = (options: { flushMs?: number; converter?: string; client?: string | undefined } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'standalone-'));
  const topic = uniqueName('fs');
  const converter = options.converter ?? 'org.apache.kafka.connect.json.JsonConverter';
  const worker = join(dir, 'worker.properties');
  writeFileSync(
    worker,
    [
      'bootstrap.servers=localhost:9092',
      `key.converter=${converter}`,
      `value.converter=${converter}`,
      'key.converter.schemas.enable=true',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
      `offset.flush.interval.ms=${options.flushMs ?? 10000}`,
      ...(options.client ? [`skc.kafka.client=${options.client}`] : []),
    ].join('\n'),
  );
  const source = join(dir, 'source.properties');
  writeFileSync(
    source,
    `name=${topic}-src\nconnector.class=FileStreamSource\ntasks.max=1\nfile=in.txt\ntopic=${topic}\n`,
  );
  const sink = join(dir, 'sink.properties');
  writeFileSync(
    sink,
    `name=${topic}-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=out.txt\ntopics=${topic}\n`,
  );
  return { dir, topic, worker, source, sink, input: join(dir, 'in.txt'), output: join(dir, 'out.txt') };
};

const readLines = (file: string): string[] => {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, text.endsWith('\n') ? -1 : undefined).split('\n');
};

const waitForLines = (file: string, count: number, timeoutMs = 90000): Promise<string[]> =>
  waitFor(
    () => {
      const lines = readLines(file);
      return lines.length >= count ? lines : undefined;
    },
    { timeoutMs, intervalMs: 200, description: `${count} lines in ${file}` },
  );

const makeLines = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    // ASCII and multi-byte UTF-8 (2, 3 and 4 bytes) lines, and one with a tab and quotes for the JSON converter.
    return i % 4 === 0 ? `line ${i} ascii` : i % 4 === 1 ? `ligne ${i} é日本🙂` : i % 4 === 2 ? `"q" ${i}\tx` : `${i}`;
  });

describe('connect-standalone with the FileStream connectors on a real broker', () => {
  it('runs Apache fixture files unchanged (bootstrap.servers from CONNECT_BOOTSTRAP_SERVERS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-fixtures-'));
    for (const f of [
      'connect-standalone.properties',
      'connect-file-source.properties',
      'connect-file-sink.properties',
    ]) {
      copyFileSync(join(APACHE_FIXTURES, f), join(dir, f));
    }
    // The fixture keeps offsets in /tmp/connect.offsets: start from none, as on a fresh machine.
    rmSync('/tmp/connect.offsets', { force: true });
    const lines = makeLines(0, 500);
    writeFileSync(join(dir, 'test.txt'), `${lines.join('\n')}\n`);
    const cli = await start(
      ['connect-standalone.properties', 'connect-file-source.properties', 'connect-file-sink.properties'],
      dir,
    );
    expect(await waitForLines(join(dir, 'test.sink.txt'), lines.length)).toEqual(lines);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    rmSync('/tmp/connect.offsets', { force: true });
  });

  // The at-least-once guarantees hold with either Kafka client of the data path (skc.kafka.client), and with the
  // per-role default when it is unset (producer @platformatic/kafka, consumer kafkajs).
  describe.each(['kafkajs', 'platformatic', 'unset'])('with skc.kafka.client=%s', (choice) => {
    const client = choice === 'unset' ? undefined : choice;
    it('moves 100,000 lines byte-identically; SIGTERM then restart duplicates nothing and resumes exactly', async () => {
      const p = pipeline({ client });
      const first = makeLines(0, 100000);
      writeFileSync(p.input, `${first.join('\n')}\n`);
      const a = await start([p.worker, p.source, p.sink], p.dir);
      await waitForLines(p.output, first.length);
      expect(readFileSync(p.output)).toEqual(readFileSync(p.input));
      a.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(a.output()).toContain('Kafka Connect stopped');

      const more = makeLines(100000, 100100);
      appendFileSync(p.input, `${more.join('\n')}\n`);
      const b = await start([p.worker, p.source, p.sink], p.dir);
      await waitForLines(p.output, first.length + more.length);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      // Byte-identical: nothing re-sent by the source, nothing re-written by the sink.
      expect(readFileSync(p.output)).toEqual(readFileSync(p.input));
    });

    it('loses no line when the process is SIGKILLed mid-stream (duplicates allowed)', async () => {
      const p = pipeline({ flushMs: 500, client });
      const lines = makeLines(0, 200000);
      writeFileSync(p.input, `${lines.join('\n')}\n`);
      const a = await start([p.worker, p.source, p.sink], p.dir);
      await waitFor(() => readLines(p.output).length > 20000, { timeoutMs: 90000, intervalMs: 100 });
      a.child.kill('SIGKILL');
      await a.exited;
      expect(readLines(p.output).length).toBeLessThan(lines.length);

      const b = await start([p.worker, p.source, p.sink], p.dir);
      await waitFor(
        () => {
          const out = readLines(p.output);
          return out.length >= lines.length && out.at(-1) === lines.at(-1);
        },
        { timeoutMs: 120000, intervalMs: 200, description: 'every line after the restart' },
      );
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      const out = readLines(p.output);
      // Every line is there; after removing replayed duplicates the order is the input's.
      const seen = new Set<string>();
      const firstOccurrences = out.filter((l) => !seen.has(l) && seen.add(l));
      expect(firstOccurrences).toEqual(lines);
    });
  });

  it('runs a third-party plugin from plugin.path (source connector and converter)', async () => {
    const p = pipeline();
    appendFileSync(p.worker, `\nplugin.path=${PLUGIN_PATH}\n`);
    const source = join(p.dir, 'sequence.json');
    writeFileSync(
      source,
      JSON.stringify({
        name: `${p.topic}-seq`,
        config: {
          'connector.class': 'SequenceSource',
          topic: p.topic,
          prefix: 'item-',
          count: '250',
          'value.converter': 'UpperCaseStringConverter',
        },
      }),
    );
    writeFileSync(
      p.sink,
      `name=${p.topic}-sink\nconnector.class=FileStreamSink\nfile=out.txt\ntopics=${p.topic}\n` +
        'value.converter=org.apache.kafka.connect.storage.StringConverter\n',
    );
    const cli = await start([p.worker, source, p.sink], p.dir);
    await waitForOutput(cli, `Created connector ${p.topic}-seq`);
    const out = await waitForLines(p.output, 250);
    expect(out).toEqual(Array.from({ length: 250 }, (_, i) => `ITEM-${i}`));
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
