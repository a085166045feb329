/**
 * REST benchmark launcher (`npm run bench -- rest`). The benchmark itself (bench/rest/main.ts) drives the API
 * Lambda handler, whose middleware engine (middy) is ESM-only and cannot be `require`d from a bundle that keeps
 * packages external — so it is bundled here with its dependencies and run in a child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Esbuild from 'esbuild';

const root = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'bench', 'rest', 'main.ts'))) return dir;
  }
  return process.cwd();
})();

async function main(): Promise<void> {
  const esbuildModule = 'esbuild'; // resolved at run time: never bundled
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(esbuildModule) as typeof Esbuild;
  const outDir = join(root, '.cache', 'bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'rest-main.cjs');
  await build({
    entryPoints: [join(root, 'bench', 'rest', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['esbuild'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const result = spawnSync(process.execPath, ['--enable-source-maps', outfile], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
