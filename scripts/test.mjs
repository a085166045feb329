// `npm test`: idempotent set-up (scripts/setup.mjs), then Jest with any arguments passed through
// (`npm test -- test/smoke`, `npm test -- -t 'consumer group'`). Prints the whole wall time, then a closing
// `N passed, N failed, N skipped` line (the plain form CI reads as the test count: keep it last); exits with
// Jest's code.
// `--unit` (`npm run test:unit`): only Jest's `unit` project (jest.config.js), which needs no service and nothing
// of the set-up, so the set-up is skipped too.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

// Jest runs on the node that runs this script (Node 22 from the `node` devDependency under `npm test`).
const jestBin = join(paths.root, 'node_modules', 'jest', 'bin', 'jest.js');
const jest = spawn(process.execPath, [jestBin, ...args], { cwd: paths.root, stdio: 'inherit' });
// Ctrl-C reaches Jest directly (same process group): wait for it to exit. SIGTERM is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => jest.kill('SIGTERM'));
const [code, signal] = await new Promise((resolve) => jest.on('exit', (c, s) => resolve([c, s])));

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
