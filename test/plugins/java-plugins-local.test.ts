/**
 * The Node-side rules around Java plug-ins (docs/java-plugins.md) with in-memory parts (the real JVM:
 * test/jvm): the worker's FileStream keys over Apache's Java FileStream, standalone offsets served to a JVM
 * host, plugin.path locations that gave no plug-in, and the connectors whose instance a new catalog must restore.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveSupervisorOffsets } from '../../lib/adapters/jvm/jvm-offsets';
import type { JvmHostEvent } from '../../lib/adapters/jvm/jvm-host';
import { InMemoryConfigStore, InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import type { ConfigInfos } from '../../lib/connect/config-def';
import { javaFileStreamTaskError, withFileStreamPolicy } from '../../lib/herder/java-filestream-policy';
import { RegistryPlugins } from '../../lib/herder/plugin-catalog';
import {
  idlePluginLocations,
  javaConnectorsToRestore,
  type JavaPluginCatalog,
  type JavaPluginDesc,
} from '../../lib/plugins/java-plugins';
import { PluginRegistry } from '../../lib/plugins/registry';
import { waitFor } from '../services/wait';

const desc = (className: string, type: JavaPluginDesc['type'], location = 'file:/plugins/x/'): JavaPluginDesc => ({
  className,
  type,
  version: '4.3.1',
  location,
  desc: `PluginDesc{klass=class ${className}}`,
});
const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const MIRROR = 'org.apache.kafka.connect.mirror.MirrorSourceConnector';

const catalog = (plugins: JavaPluginDesc[]): JavaPluginCatalog => ({
  plugins,
  scanProblems: [],
  pluginConfig: async () => [],
  validate: async (config) =>
    ({ name: config['connector.class'] ?? '', error_count: 0, groups: [], configs: [] }) as ConfigInfos,
  taskConfigs: async () => ({ type: 'sink', version: '4.3.1', taskConfigs: [] }),
  releaseConnector: async () => undefined,
  onReconfigurationRequested: () => undefined,
  close: async () => undefined,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skc-java-local-'));
  mkdirSync(join(dir, 'allowed'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the worker's FileStream keys over Apache's Java FileStream", () => {
  const java = [desc(FILE_SINK, 'sink'), desc(FILE_SOURCE, 'source'), desc(MIRROR, 'source')];

  it('skc.filestream.enable=false leaves the Java FileStream out, as the built-in: an unknown class', async () => {
    const policy = withFileStreamPolicy(catalog(java), { enabled: false, allowedPaths: null });
    expect(policy.plugins.map((p) => p.className)).toEqual([MIRROR]);
    const plugins = new RegistryPlugins(PluginRegistry.withBuiltins({ fileStream: false }), undefined, policy);
    expect(plugins.list(true).map((p) => p.class)).not.toContain(FILE_SINK);
    expect(plugins.connectorType('FileStreamSink')).toBeUndefined();
    expect(plugins.unknownConnectorMessage('FileStreamSink')).toMatch(
      /^Failed to find any class that implements Connector and which name matches FileStreamSink/,
    );
  });

  it('skc.filestream.allowed.paths: an error on `file` in the Java validation; inside the roots none', async () => {
    const policy = withFileStreamPolicy(catalog(java), { enabled: true, allowedPaths: [join(dir, 'allowed')] });
    const outside = await policy.validate({ 'connector.class': 'FileStreamSink', file: '/etc/passwd', topics: 't' });
    expect(outside.error_count).toBe(1);
    expect(outside.configs[0]?.value?.name).toBe('file');
    expect(outside.configs[0]?.value?.errors[0]).toContain(
      "Invalid value /etc/passwd for configuration file: the path (resolved to /etc/passwd) is outside the directories allowed by the worker's 'skc.filestream.allowed.paths'",
    );
    const inside = await policy.validate({ 'connector.class': FILE_SINK, file: join(dir, 'allowed', 'o.txt') });
    expect(inside.error_count).toBe(0);
    // Another Java connector is not concerned; a provider reference is checked by the task once resolved.
    expect((await policy.validate({ 'connector.class': MIRROR, file: '/etc/passwd' })).error_count).toBe(0);
    expect((await policy.validate({ 'connector.class': FILE_SINK, file: '${file:/x:y}' })).error_count).toBe(0);
  });

  it('a Java FileStream task is refused before its JVM starts: disabled, or its file outside the roots', () => {
    const task = { 'task.class': 'org.apache.kafka.connect.file.FileStreamSinkTask', file: '/etc/passwd' };
    const connector = { 'connector.class': 'FileStreamSink' };
    expect(javaFileStreamTaskError({ enabled: false, allowedPaths: null }, connector, task)).toContain(
      "disabled by the worker's 'skc.filestream.enable=false'",
    );
    expect(javaFileStreamTaskError({ enabled: true, allowedPaths: [dir] }, connector, task)).toContain(
      'outside the directories allowed',
    );
    expect(javaFileStreamTaskError({ enabled: true, allowedPaths: null }, connector, task)).toBeNull();
    expect(
      javaFileStreamTaskError({ enabled: false, allowedPaths: [dir] }, { 'connector.class': MIRROR }, { x: '1' }),
    ).toBeNull();
  });
});

describe('standalone offsets served to a JVM host', () => {
  it('answers offsetsRead and offsetsWrite with the offsets-topic strings, in key order', async () => {
    const store = new InMemoryOffsetStore();
    await store.put('c', [{ partition: { filename: '/a' }, offset: { position: 7 } }]);
    const listeners: ((e: JvmHostEvent) => void)[] = [];
    const answers: Record<string, unknown>[] = [];
    serveSupervisorOffsets(
      {
        onEvent: (l) => void listeners.push(l),
        request: async <T>(op: string, payload?: Readonly<Record<string, unknown>>) => {
          answers.push({ op, ...payload });
          return undefined as T;
        },
      },
      store,
    );
    const emit = (e: JvmHostEvent) => listeners.forEach((l) => l(e));
    emit({ event: 'offsetsRead', rid: 1, keys: ['["c",{"filename":"/b"}]', '["c",{"filename":"/a"}]', 'junk'] });
    await waitFor(() => answers.length === 1, { timeoutMs: 5000 });
    expect(answers[0]).toEqual({ op: 'offsetsAnswer', rid: 1, values: [null, '{"position":7}', null] });

    emit({
      event: 'offsetsWrite',
      rid: 2,
      entries: [
        ['["c",{"filename":"/b"}]', '{"position":42}'],
        ['["c",{"filename":"/a"}]', null],
      ],
    });
    await waitFor(() => answers.length === 2, { timeoutMs: 5000 });
    expect(answers[1]).toEqual({ op: 'offsetsAnswer', rid: 2, values: [] });
    expect(await store.list('c')).toEqual([{ partition: { filename: '/b' }, offset: { position: 42 } }]);
  });
});

describe('plugin.path locations that gave no plug-in', () => {
  it('names a corrupt archive and a directory of library jars; not JavaScript plug-ins or used locations', () => {
    const path = join(dir, 'plugin-path');
    for (const d of ['broken', 'libs-only', 'good', 'js-plugin']) mkdirSync(join(path, d), { recursive: true });
    writeFileSync(join(path, 'broken', 'broken.jar'), 'this is not a zip archive');
    writeFileSync(join(path, 'libs-only', 'lib.jar'), Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
    writeFileSync(join(path, 'good', 'good.jar'), Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
    writeFileSync(join(path, 'js-plugin', 'index.js'), 'module.exports = {};');
    const idle = idlePluginLocations([path], [desc('com.example.Good', 'source', `file:${join(path, 'good')}/`)]);
    expect(idle).toEqual([
      `${join(path, 'broken')} (${join(path, 'broken', 'broken.jar')}: not a readable jar or zip archive)`,
      `${join(path, 'libs-only')} (no plug-in found in its archives)`,
    ]);
    const plugins = new RegistryPlugins(PluginRegistry.withBuiltins(), undefined, {
      ...catalog([]),
      idleLocations: idle,
    });
    expect(plugins.unknownConnectorMessage('com.example.InTheBrokenJar')).toContain(
      `. plugin.path locations that gave no plug-in: ${idle.join('; ')}`,
    );
  });
});

describe('a new catalog JVM restores the Java connector instances', () => {
  it('lists the stored Java connectors that are not STOPPED', async () => {
    const store = new InMemoryConfigStore();
    await store.create('mm2', { 'connector.class': 'MirrorSourceConnector' }, 'STARTED');
    await store.create('mm2-paused', { 'connector.class': MIRROR }, 'PAUSED');
    await store.create('mm2-stopped', { 'connector.class': MIRROR }, 'STOPPED');
    await store.create(
      'js-file',
      { 'connector.class': 'FileStreamSink', 'connector.plugin.version': '4.3.1' },
      'STARTED',
    );
    await store.create('java-file', { 'connector.class': 'FileStreamSink' }, 'STARTED');
    const java = catalog([desc(FILE_SINK, 'sink'), desc(MIRROR, 'source')]);
    expect(await javaConnectorsToRestore(store, PluginRegistry.withBuiltins(), java)).toEqual([
      'java-file',
      'mm2',
      'mm2-paused',
    ]);
  });
});
