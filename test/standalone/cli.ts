/**
 * Runs the `connect-standalone` CLI as a child process, bundled exactly as scripts/build.mjs bundles it (esbuild,
 * cjs, node22) but into a temp dir, so this suite does not depend on the other entry points building.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { waitFor } from '../services/env';
import { PLATFORMATIC_BUNDLE_OPTIONS } from '../services/bundle-options';

const root = join(__dirname, '..', '..');
let bundled: Promise<string> | undefined;

export const bundleCli = (): Promise<string> => {
  bundled ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'connect-standalone-')), 'connect-standalone.js');
    await build({
      entryPoints: [join(root, 'task-runner', 'connect-standalone.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      logLevel: 'error',
      ...PLATFORMATIC_BUNDLE_OPTIONS,
    });
    return outfile;
  })();
  return bundled;
};

export interface RunningCli {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

export const startCli = async (
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunningCli> => {
  const script = await bundleCli();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
};

/** Run to completion; kills the process if it does not exit within `timeoutMs`. */
export const runCli = async (
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | string; output: string }> => {
  const cli = await startCli(args, options);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), options.timeoutMs ?? 60000);
  const code = await cli.exited;
  clearTimeout(timer);
  return { code, output: cli.output() };
};

/** Wait until the CLI logged `text` (or exited, which fails the wait with its output). */
export const waitForOutput = async (cli: RunningCli, text: string, timeoutMs = 60000): Promise<void> => {
  let ended = false;
  void cli.exited.then(() => (ended = true));
  await waitFor(() => cli.output().includes(text), {
    timeoutMs,
    description: `connect-standalone output "${text}"`,
    abortReason: () => (ended && !cli.output().includes(text) ? `process exited:\n${cli.output()}` : undefined),
  });
};
