/** connect-standalone's answers to bad input: exit codes and messages (no broker needed: checks come first). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'standalone-bad-'));
const write = (name: string, content: string): string => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};
const worker = write(
  'worker.properties',
  [
    'bootstrap.servers=127.0.0.1:1',
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    `offset.storage.file.filename=${join(dir, 'offsets')}`,
  ].join('\n'),
);

describe('connect-standalone bad input', () => {
  it('prints usage and exits 1 without arguments', async () => {
    const { code, output } = await runCli([]);
    expect(code).toBe(1);
    expect(output).toContain('Usage: connect-standalone');
  });

  it('exits 2 naming the key when the worker config misses offset.storage.file.filename', async () => {
    const bad = write('worker-no-offsets.properties', 'key.converter=JsonConverter\nvalue.converter=JsonConverter\n');
    const { code, output } = await runCli([bad]);
    expect(code).toBe(2);
    expect(output).toContain(
      'Missing required configuration "offset.storage.file.filename" which has no default value.',
    );
    expect(output).toContain(bad);
  });

  it('exits 3 for an unknown connector class, with Apache message', async () => {
    const connector = write('unknown.properties', 'name=u\nconnector.class=com.example.Missing\ntopics=t\n');
    const { code, output } = await runCli([worker, connector]);
    expect(code).toBe(3);
    expect(output).toContain(connector);
    expect(output).toContain(
      'Failed to find any class that implements Connector and which name matches com.example.Missing, available connectors are: PluginDesc{klass=class org.apache.kafka.connect.file.FileStreamSinkConnector',
    );
  });

  it('exits 3 for a missing required key', async () => {
    const connector = write('no-topic.properties', 'name=s\nconnector.class=FileStreamSource\nfile=x.txt\n');
    const { code, output } = await runCli([worker, connector]);
    expect(code).toBe(3);
    expect(output).toContain(`Failed to create connector 's' from '${connector}'`);
    expect(output).toContain('Missing required configuration "topic" which has no default value.');
  });

  it('exits 3 for a malformed JSON connector file, naming file and key', async () => {
    const connector = write('bad.json', '{"name": "j", "config": {"connector.class": ["not", "a", "string"]}}');
    const { code, output } = await runCli([worker, connector]);
    expect(code).toBe(3);
    expect(output).toContain(connector);
    expect(output).toContain("'config'");
  });

  it('exits 3 for a connector file without name', async () => {
    const connector = write('noname.properties', 'connector.class=FileStreamSink\ntopics=t\n');
    const { code, output } = await runCli([worker, connector]);
    expect(code).toBe(3);
    expect(output).toContain(`Connector configuration at '${connector}' is missing the mandatory 'name' configuration`);
  });

  it('exits 3 for an unreadable or missing connector file', async () => {
    const missing = join(dir, 'nope.properties');
    const { code, output } = await runCli([worker, missing]);
    expect(code).toBe(3);
    expect(output).toContain(`Could not read connector configuration file '${missing}'`);
    // A directory cannot be read as a file either (EISDIR), whatever the user's rights.
    const res = await runCli([worker, dir]);
    expect(res.code).toBe(3);
    expect(res.output).toContain(`Could not read connector configuration file '${dir}'`);
  });

  it('exits 2 with a clear error, after a bounded retry, when no broker answers', async () => {
    const connector = write('ok.properties', 'name=ok\nconnector.class=FileStreamSink\ntopics=t\n');
    const started = Date.now();
    const { code, output } = await runCli([worker, connector], { timeoutMs: 60000 });
    expect(code).toBe(2);
    expect(output).toContain('Failed to connect to and describe Kafka cluster at bootstrap.servers=127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(45000);
  });
});
