// `npm run bench [-- name …]`: bundles each bench/*.ts (or the named ones) with esbuild into .cache/bench/ and runs
// them in turn with node, printing their output. Each bench starts the test services it needs itself (via
// test/services), so nothing else has to be running. Exit code: 1 if any bench failed.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const outDir = join(root, '.cache', 'bench');
mkdirSync(outDir, { recursive: true });

const wanted = process.argv.slice(2).map((name) => basename(name, '.ts'));
const all = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => basename(f, '.ts'))
      .sort()
  : [];
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`[bench] unknown bench(es): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(1);
}
const names = wanted.length > 0 ? wanted : all;

const failed = [];
for (const name of names) {
  const outfile = join(outDir, `${name}.cjs`);
  console.log(`\n[bench] ===== ${name} =====`);
  try {
    await build({
      entryPoints: [join(benchDir, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'warning',
    });
  } catch (error) {
    console.error(`[bench] ${name}: bundling failed: ${error?.message ?? error}`);
    failed.push(name);
    continue;
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--enable-source-maps', outfile], { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`[bench] ${name} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s`);
    failed.push(name);
  } else {
    console.log(`[bench] ${name} done in ${seconds} s`);
  }
}
if (failed.length > 0) {
  console.error(`\n[bench] failed: ${failed.join(', ')}`);
  process.exit(1);
}
