import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { FileConfigStore } from '../../lib/adapters/local/file-config-store';
import { FileOffsetStore } from '../../lib/adapters/local/file-offset-store';
import { FileStatusStore } from '../../lib/adapters/local/file-status-store';
import { partitionKey } from '../../lib/storage/offsets-codec';
import { waitFor } from '../services/env';

const work = mkdtempSync(path.join(os.tmpdir(), 'skc-crash-'));
const writerJs = path.join(work, 'crash-writer.js');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(__dirname, 'fixtures', 'crash-writer.ts')],
    outfile: writerJs,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `minWrites` writes, then SIGKILLs it; returns its last ack. */
async function runAndKill(dir: string, connector: string, minWrites: number): Promise<number> {
  const child = spawn(process.execPath, [writerJs, dir, connector], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) acked.push(Number(line));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close': the process is gone and its stdout drained, so `acked` holds every write it acknowledged.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await waitFor(() => acked.length >= minWrites, {
    timeoutMs: 60_000,
    description: `${minWrites} acknowledged writes`,
    abortReason: () => (child.exitCode !== null ? `writer exited ${child.exitCode}: ${stderr}` : undefined),
  });
  child.kill('SIGKILL');
  await closed;
  return acked.at(-1)!;
}

describe('file stores: crash safety', () => {
  it('a writer killed mid-write leaves whole, durable files that the next process can update', async () => {
    const dir = path.join(work, 'stores');
    const connector = 'crashy';
    let previous = 0;
    // Ten kills at varying points of the write loop (config, status and offsets writes interleave).
    for (const minWrites of [3, 7, 12, 5, 9, 1, 4, 8, 2, 6]) {
      const lastAck = await runAndKill(dir, connector, minWrites);
      expect(lastAck).toBeGreaterThan(previous);
      previous = lastAck;

      // Reopen: every file parses; each store holds the last acknowledged write or the one in flight.
      const state = await new FileConfigStore(dir).get(connector);
      const seq = Number(state?.config['seq']);
      expect(seq === lastAck || seq === lastAck + 1).toBe(true);
      const task = await new FileStatusStore(dir).getTask(connector, 0);
      expect([lastAck, lastAck + 1]).toContain(task?.generation);
      const offsets = new FileOffsetStore(path.join(dir, 'connect.offsets'));
      await offsets.start();
      const position = (await offsets.get(connector, [{ filename: 'f' }])).get(partitionKey({ filename: 'f' }));
      expect([lastAck, lastAck + 1]).toContain(position?.['position']);
    }
    // A lock file left behind by a killed writer is broken (its owner is dead), not waited on for ever.
    const store = new FileConfigStore(dir);
    const state = (await store.get(connector))!;
    await expect(store.update(connector, state.version, { targetState: 'PAUSED' })).resolves.toMatchObject({
      targetState: 'PAUSED',
    });
    // Temp files of interrupted writes are ignored by readers (and never listed as connectors).
    expect(await store.list()).toEqual([connector]);
    expect(readdirSync(path.join(dir, 'connectors')).filter((f) => !f.startsWith('.'))).toContain('crashy.json');
  });
});
