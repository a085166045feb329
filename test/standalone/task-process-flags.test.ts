import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LOCAL_TASK_PROCESS_NODE_FLAGS, TASK_PROCESS_NODE_FLAGS } from '../../lib/runtime/task-process';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
/** The shebang line that scripts/build.mjs puts first in the bundle's banner (more banner code may follow it). */
const shebang = (): string | undefined => /banner: \{\s*js: '(#![^\\']+)/.exec(read('scripts/build.mjs'))?.[1];

/** Every process that runs tasks starts with the same Node flags; three places name them outside TypeScript. */
describe('Node flags of task processes', () => {
  it('are in the task-runner image commands and the connect-standalone shebang and launcher', () => {
    const cmds = read('task-runner/Dockerfile')
      .split('\n')
      .filter((line) => line.startsWith('CMD ["node"'));
    expect(cmds.length).toBeGreaterThan(0);
    for (const cmd of cmds) {
      for (const flag of TASK_PROCESS_NODE_FLAGS) expect(cmd).toContain(`"${flag}"`);
      // In a container Node sizes the old generation from the task's memory: no fixed ceiling there.
      expect(cmd).not.toContain('--max-old-space-size');
    }
    const local = [
      shebang()?.split(' '),
      read('bin/connect-standalone.cjs').split('\n')[0]?.split(' '),
      read('bin/connect-distributed.cjs').split('\n')[0]?.split(' '),
      /const NODE_FLAGS = \[([^\]]*)\]/.exec(read('bin/launch.cjs'))?.[1]?.match(/--[^']+/g),
    ];
    for (const flags of local) expect(flags).toEqual(expect.arrayContaining([...LOCAL_TASK_PROCESS_NODE_FLAGS]));
  });

  it('start connect-standalone through its shebang, run directly as an installed bin is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-shebang-'));
    const banner = shebang()!;
    const bin = join(dir, 'connect-standalone');
    // Print the flags V8 got instead of the whole CLI: the shebang is what is under test.
    await build({
      stdin: { contents: 'console.log(JSON.stringify(process.execArgv));', loader: 'js' },
      outfile: `${bin}.js`,
      platform: 'node',
      banner: { js: banner },
      logLevel: 'error',
    });
    copyFileSync(`${bin}.js`, bin);
    chmodSync(bin, 0o755);
    // `env` finds `node` on the PATH: the one running this test.
    const path = `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`;
    const run = spawnSync(bin, [], { encoding: 'utf8', env: { ...process.env, PATH: path } });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining([...LOCAL_TASK_PROCESS_NODE_FLAGS]));
  });
});
