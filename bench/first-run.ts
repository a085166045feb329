/**
 * First-run benchmark (`npm run bench -- first-run`): how long a new user waits for `npm start` to answer.
 *
 * Makes a fresh clone of this checkout's HEAD in a temp dir, with `npm ci` done (by default node_modules are
 * hard-linked from this checkout and the bins built, as `npm ci`'s `prepare` would; `SKC_BENCH_NPM_CI=1` runs the
 * real `npm ci` instead), then runs `npm start` in it as a user does and times spawn → first `200` on `GET /`:
 *
 * - first run: nothing in the clone's `.cache/` (Maven resolves the broker's classpath; `~/.m2` is shared with the
 *   machine, so a warm `~/.m2` is assumed: a cold one adds the download of ~60 MB from Maven Central);
 * - later runs: the same clone again (classpath and broker storage present).
 *
 * Every run has a PATH without any `python*` (a shadow dir of the PATH's entries minus Python), which is also the
 * check that `npm start` needs no Python. `SKC_BENCH_RUNS` sets the number of later runs (default 3) and
 * `SKC_BENCH_FIRST_RUNS` the number of first runs (default 1; each on an emptied `.cache/`). Targets: first run
 * ≤ 15 s, later runs ≤ 3 s (issue 16). `SKC_BENCH_KEEP=1` keeps the clone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePorts } from '../lib/adapters/local/kafka-broker';
import { waitFor } from '../test/services/wait';

const root = process.cwd();
const report = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);

/** A PATH of one dir holding links to every command of the PATH but Python's, first entry winning as `which`. */
function pathWithoutPython(dir: string): string {
  const shadow = join(dir, 'bin-without-python');
  mkdirSync(shadow, { recursive: true });
  for (const entry of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(entry);
    } catch {
      continue;
    }
    for (const name of names) {
      if (/^python/.test(name) || existsSync(join(shadow, name))) continue;
      try {
        symlinkSync(join(entry, name), join(shadow, name));
      } catch {
        // a name that races with another entry: the first one stays
      }
    }
  }
  return shadow;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/**
 * `npm start` in `clone` until `GET /` answers 200, then until its broker is ready (the `Kafka:` line, after which
 * tasks run); then Ctrl-C and wait for it to exit. Milliseconds from the spawn to each.
 */
async function timeStart(clone: string, path: string, label: string): Promise<{ answered: number; kafka: number }> {
  const [restPort] = await freePorts(1);
  const url = `http://127.0.0.1:${restPort}/`;
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, SKC_LISTENERS: url.slice(0, -1) };
  delete env.PYTHON;
  const started = Date.now();
  // detached: its own process group, so the Ctrl-C below reaches npm, node and the broker as a terminal's does.
  const child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  try {
    await waitFor(async () => (await fetch(url)).status === 200, {
      timeoutMs: 180_000,
      intervalMs: 25,
      description: `${label}: GET ${url}`,
      abortReason: () => (exited ? `npm start exited:\n${output}` : undefined),
    });
    const answered = Date.now() - started;
    await waitFor(() => /^Kafka: /m.test(output), {
      timeoutMs: 180_000,
      intervalMs: 25,
      description: `${label}: the broker ready`,
      abortReason: () => (exited ? `npm start exited:\n${output}` : undefined),
    });
    return { answered, kafka: Date.now() - started };
  } finally {
    if (!exited) process.kill(-child.pid!, 'SIGINT');
    await exit;
  }
}

const summary = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `${sorted.map(s).join(', ')} (median ${s(sorted[Math.floor(sorted.length / 2)] ?? 0)})`;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skc-bench-first-run-'));
  const clone = join(dir, 'clone');
  try {
    run('git', ['clone', '-q', '--no-hardlinks', root, clone], dir);
    if (process.env.SKC_BENCH_NPM_CI === '1') {
      const t0 = Date.now();
      run('npm', ['ci', '--no-audit', '--no-fund'], clone);
      report('npm ci (not part of the first run)', `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      run('cp', ['-al', join(root, 'node_modules'), join(clone, 'node_modules')], dir);
      run(process.execPath, ['scripts/build.mjs'], clone); // what `npm ci`'s prepare does
    }
    const path = pathWithoutPython(dir);
    if (spawnSync('sh', ['-c', 'command -v python3'], { env: { PATH: path } }).status === 0) {
      throw new Error('python3 is still on the shadow PATH');
    }
    report('PATH', 'without python*');

    const firstRuns: { answered: number; kafka: number }[] = [];
    for (let i = 0; i < Number(process.env.SKC_BENCH_FIRST_RUNS ?? 1); i++) {
      rmSync(join(clone, '.cache'), { recursive: true, force: true });
      firstRuns.push(await timeStart(clone, path, `first run ${i + 1}`));
    }
    const laterRuns: { answered: number; kafka: number }[] = [];
    for (let i = 0; i < Number(process.env.SKC_BENCH_RUNS ?? 3); i++) {
      laterRuns.push(await timeStart(clone, path, `later run ${i + 1}`));
    }
    report('npm start → GET / 200, first run (target ≤ 15 s)', summary(firstRuns.map((r) => r.answered)));
    report('npm start → GET / 200, later runs (target ≤ 3 s)', summary(laterRuns.map((r) => r.answered)));
    report('npm start → broker ready (tasks run), first run', summary(firstRuns.map((r) => r.kafka)));
    report('npm start → broker ready (tasks run), later runs', summary(laterRuns.map((r) => r.kafka)));
    report('load average (1 min) at the end', String(loadavg()[0]?.toFixed(1)));
  } finally {
    if (process.env.SKC_BENCH_KEEP === '1') console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
