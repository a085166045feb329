import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileConfigStore } from '../../lib/adapters/local/file-config-store';
import { FileLoggerLevelStore } from '../../lib/adapters/local/file-logger-level-store';
import { FileOffsetStore } from '../../lib/adapters/local/file-offset-store';
import { FileStatusStore } from '../../lib/adapters/local/file-status-store';
import { describeConfigStoreContract } from './config-store.contract';
import { describeLoggerLevelStoreContract } from './logger-level-store.contract';
import { describeOffsetStoreContract } from './offset-store.contract';
import { describeStatusStoreContract } from './status-store.contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skc-file-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConfigStoreContract('file', {
  open: async () => new FileConfigStore(dir),
  reopen: async () => new FileConfigStore(dir),
  notifies: true,
});
describeStatusStoreContract('file', {
  open: async () => new FileStatusStore(dir),
  reopen: async () => new FileStatusStore(dir),
});
const offsetsFile = path.join(dir, 'connect.offsets');
describeOffsetStoreContract('file', {
  open: async () => {
    const store = new FileOffsetStore(offsetsFile);
    await store.start();
    return store;
  },
  reopen: async () => {
    const store = new FileOffsetStore(offsetsFile);
    await store.start();
    return store;
  },
});

describeLoggerLevelStoreContract('file', {
  open: async () => {
    const levelsDir = mkdtempSync(path.join(dir, 'levels-'));
    return { store: new FileLoggerLevelStore(levelsDir), second: new FileLoggerLevelStore(levelsDir) };
  },
});

describe('FileConfigStore', () => {
  it('stores awkward connector names as reversible file names', async () => {
    const store = new FileConfigStore(dir);
    const names = ['..', '.', 'a/b\\c', 'spaces and ünïcödé', '%2E', 'x'.repeat(300), 'UPPER'];
    for (const name of names) await store.create(name, { n: name }, 'STARTED');
    const listed = await new FileConfigStore(dir).list();
    for (const name of names) {
      expect(listed).toContain(name);
      expect((await store.get(name))?.config).toEqual({ n: name });
    }
    const files = await readdir(path.join(dir, 'connectors'));
    expect(files.every((f) => !f.includes('/') && f.length < 255 && f !== '..' && f !== '.')).toBe(true);
  });

  it('reports a corrupt connector file by path', async () => {
    const store = new FileConfigStore(dir);
    await store.create('corrupt-me', {}, 'STARTED');
    const file = path.join(dir, 'connectors', 'corrupt-me.json');
    writeFileSync(file, '{"name":');
    await expect(store.get('corrupt-me')).rejects.toThrow(file);
    writeFileSync(file, '{"name":"corrupt-me"}');
    await expect(store.get('corrupt-me')).rejects.toThrow(/Invalid store data in .*corrupt-me\.json/);
  });
});

describe('FileOffsetStore', () => {
  it('treats a missing file as no offsets, and creates it (and its directory) on the first put', async () => {
    const file = path.join(dir, 'missing', 'none.offsets');
    const store = new FileOffsetStore(file);
    await store.start();
    expect(await store.list('any')).toEqual([]);
    await store.put('any', [{ partition: { f: 1 }, offset: { p: 2 } }]);
    expect(await new FileOffsetStore(file).list('any')).toEqual([{ partition: { f: 1 }, offset: { p: 2 } }]);
  });

  it('fails clearly on a corrupt file, naming it', async () => {
    const file = path.join(dir, 'corrupt.offsets');
    writeFileSync(file, '\u00ac\u00ed\u0000\u0005sr\u0000\u0011java.util.HashMap');
    await expect(new FileOffsetStore(file).start()).rejects.toThrow(`Offset file ${file} is corrupt`);
  });

  it('writes entries as the exact offsets-topic key and value strings', async () => {
    const file = path.join(dir, 'format.offsets');
    const store = new FileOffsetStore(file);
    await store.start();
    await store.put('local-file-source', [{ partition: { filename: 'test.txt' }, offset: { position: 30 } }]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      format: 'skc-offsets',
      version: 1,
      entries: [['["local-file-source",{"filename":"test.txt"}]', '{"position":30}']],
    });
  });
});
