// `npm test`: idempotent set-up (scripts/setup.mjs), then Jest with any arguments passed through
// (`npm test -- test/smoke`, `npm test -- -t 'consumer group'`). Prints the whole wall time, then a closing
// `N passed, N failed, N skipped` line (the plain form CI reads as the test count: keep it last); exits with
// Jest's code.
// `--unit` (`npm run test:unit`): only Jest's `unit` project (jest.config.js), which needs no service and nothing
// of the set-up, so the set-up is skipped too.
// Jest and everything it starts get a temp dir of their own (TMPDIR, under the machine's): the tests' scratch dirs
// (skc-*, the broker's, the CLIs' bundles …) all land there, and it is removed on exit, Ctrl-C included. One left
// by a run that was killed outright is removed by the next run (its pid is in its name).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths, setup, SetupError } from './setup.mjs';

const started = Date.now();
const unitOnly = process.argv.includes('--unit');
const args = process.argv.slice(2).filter((arg) => arg !== '--unit');
// After the caller's arguments: --selectProjects takes every following word as a project name.
if (unitOnly) {
  args.push('--selectProjects', 'unit');
} else {
  try {
    await setup();
  } catch (error) {
    console.error(`[setup] FAILED: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
    process.exit(1);
  }
}

const resultsFile = join(paths.cacheDir, `jest-results-${process.pid}.json`);
const wantsSummary = !args.some(
  (arg) => arg === '--json' || arg.startsWith('--outputFile') || arg.startsWith('--watch'),
);
if (wantsSummary) {
  mkdirSync(paths.cacheDir, { recursive: true });
  args.push('--json', `--outputFile=${resultsFile}`);
}

const RUN_DIR_PREFIX = 'skc-test-run-';
const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
for (const entry of readdirSync(tmpdir())) {
  const pid = Number(new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(entry)?.[1]);
  if (pid && !isAlive(pid)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
}
const runTmp = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
// Traversable by other users (each test's own mkdtemp folder inside stays 0700): the throw-away PostgreSQL cluster
// runs as the `postgres` user and must reach its data folder below this one.
chmodSync(runTmp, 0o711);
// Jest's transform cache stays where it was (its default is under the machine's temp dir), so it survives runs.
if (!args.some((arg) => arg.startsWith('--cacheDirectory'))) {
  args.push(`--cacheDirectory=${join(tmpdir(), `jest_skc_${process.getuid?.() ?? 0}`)}`);
}

// Jest runs on the node that runs this script (Node 22 from the `node` devDependency under `npm test`).
const jestBin = join(paths.root, 'node_modules', 'jest', 'bin', 'jest.js');
const jest = spawn(process.execPath, [jestBin, ...args], {
  cwd: paths.root,
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp },
});
// Ctrl-C reaches Jest directly (same process group): wait for it to exit. SIGTERM is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => jest.kill('SIGTERM'));
const [code, signal] = await new Promise((resolve) => jest.on('exit', (c, s) => resolve([c, s])));

rmSync(runTmp, { recursive: true, force: true });
console.log(`[test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s (set-up, services and tests)`);
if (wantsSummary && existsSync(resultsFile)) {
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    const skipped = results.numPendingTests + results.numTodoTests;
    console.log(`${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  } finally {
    rmSync(resultsFile, { force: true });
  }
}
process.exit(code ?? (signal ? 1 : 0));
