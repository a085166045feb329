import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { FileConfigStore } from '../../lib/adapters/local/file-config-store';
import { FileStatusStore } from '../../lib/adapters/local/file-status-store';

const work = mkdtempSync(path.join(os.tmpdir(), 'skc-multi-'));
const writerJs = path.join(work, 'concurrent-writer.js');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(__dirname, 'fixtures', 'concurrent-writer.ts')],
    outfile: writerJs,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${out}`))));
  });
}

describe('file stores: several processes on one directory', () => {
  it('lose no conditional update and keep the newest task generation', async () => {
    const dir = path.join(work, 'stores');
    const connector = 'shared';
    const configs = new FileConfigStore(dir);
    await configs.create(connector, {}, 'STARTED');
    const writers = ['w1', 'w2', 'w3', 'w4'];
    const perWriter = 15;
    const outputs = await Promise.all(writers.map((w) => run([dir, connector, w, String(perWriter)])));
    expect(outputs).toEqual(writers.map(() => 'done\n'));

    const state = await configs.get(connector);
    expect(state?.version).toBe(1 + writers.length * perWriter);
    expect(Object.keys(state?.config ?? {})).toHaveLength(writers.length * perWriter);
    // Generations: w4's last write (4014) is the newest; older ones were fenced whatever the interleaving.
    expect((await new FileStatusStore(dir).getTask(connector, 0))?.generation).toBe(4000 + perWriter - 1);
  });
});
