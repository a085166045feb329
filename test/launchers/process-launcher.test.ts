import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLauncher } from '../../lib/adapters/local/process-launcher';
import type { TaskInstance } from '../../lib/storage/ports';
import { uniqueName, waitFor } from '../services/env';
import { launcherContract } from './launcher-contract';
import { isAlive } from '../../lib/adapters/local/process-alive';

const FAKE_RUNNER = join(__dirname, 'fake-task-runner.mjs');

function makeLauncher(
  dir: string,
  env: Record<string, string> = {},
  extra: Partial<ConstructorParameters<typeof ProcessLauncher>[0]> = {},
) {
  return new ProcessLauncher({
    args: [FAKE_RUNNER],
    env: { PATH: process.env.PATH ?? '', FAKE_ENV_DIR: dir, ...env },
    runDir: join(dir, 'run'),
    logDir: join(dir, 'logs'),
    stopGraceMs: 2_000,
    ...extra,
  });
}

const dirs: string[] = [];
const launchers: ProcessLauncher[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-launcher-'));
  dirs.push(dir);
  return dir;
}
function track(launcher: ProcessLauncher): ProcessLauncher {
  launchers.push(launcher);
  return launcher;
}

afterAll(async () => {
  for (const launcher of launchers) await launcher.stopAll('test cleanup');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

launcherContract('local process launcher', async () => {
  const launcher = track(makeLauncher(scratch()));
  const other = track(makeLauncher(scratch()));
  return { launcher, other, cleanup: async () => undefined };
});

describe('ProcessLauncher (local specifics)', () => {
  it('passes the container env contract and captures stdout/stderr in a log file per instance', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, { SKC_STORE: 'local', SKC_STATE_DIR: '/somewhere' }));
    const connector = uniqueName('env');
    const instance = await launcher.launch({ connector, taskId: 1, generation: 4 });
    const envFile = join(dir, `${instance.instanceId}.json`);
    const { env } = await waitFor(() => (existsSync(envFile) ? JSON.parse(readFileSync(envFile, 'utf8')) : undefined), {
      timeoutMs: 10_000,
      description: 'fake runner wrote its env',
    });
    expect(env).toMatchObject({
      SKC_CONNECTOR: connector,
      SKC_TASK_ID: '1',
      SKC_GENERATION: '4',
      SKC_STORE: 'local',
      SKC_STATE_DIR: '/somewhere',
    });
    const log = launcher.logFile(instance.instanceId)!;
    await waitFor(() => readFileSync(log, 'utf8').includes('a line on stderr'), {
      timeoutMs: 10_000,
      description: 'log',
    });
    expect(readFileSync(log, 'utf8')).toContain(`fake task-runner ${instance.instanceId} started for ${connector}-1`);
  });

  it("gives the children Node's compile cache beside the run dir, unless the environment has one or it is off", async () => {
    const envOf = async (dir: string, launcher: ProcessLauncher) => {
      const instance = await launcher.launch({ connector: uniqueName('cache'), taskId: 0, generation: 1 });
      const envFile = join(dir, `${instance.instanceId}.json`);
      const { env } = await waitFor(
        () => (existsSync(envFile) ? JSON.parse(readFileSync(envFile, 'utf8')) : undefined),
        { timeoutMs: 10_000, description: 'fake runner wrote its env' },
      );
      return env as Record<string, string>;
    };
    const dir = scratch();
    expect((await envOf(dir, track(makeLauncher(dir)))).NODE_COMPILE_CACHE).toBe(join(dir, 'compile-cache'));
    const own = scratch();
    const ownCache = join(own, 'mine');
    expect((await envOf(own, track(makeLauncher(own, { NODE_COMPILE_CACHE: ownCache })))).NODE_COMPILE_CACHE).toBe(
      ownCache,
    );
    const off = scratch();
    expect(
      (await envOf(off, track(makeLauncher(off, {}, { compileCacheDir: false })))).NODE_COMPILE_CACHE,
    ).toBeUndefined();
  });

  it('reports a crash (non-zero exit) and a SIGKILL with exit code and reason, and calls onExit', async () => {
    const exits: TaskInstance[] = [];
    const dir = scratch();
    const crashing = track(
      makeLauncher(dir, { FAKE_EXIT_AFTER_MS: '100', FAKE_EXIT_CODE: '3' }, { onExit: (i) => exits.push(i) }),
    );
    const crashed = await crashing.launch({ connector: uniqueName('crash'), taskId: 0, generation: 1 });
    await crashing.waitForExit(crashed.instanceId);
    expect(exits).toEqual([
      expect.objectContaining({
        instanceId: crashed.instanceId,
        state: 'STOPPED',
        exitCode: 3,
        stoppedReason: 'Exited with code 3',
      }),
    ]);

    const killed = await crashing.launch({ connector: uniqueName('kill'), taskId: 0, generation: 1 });
    const { pid } = await waitFor(
      () =>
        existsSync(join(dir, `${killed.instanceId}.json`))
          ? JSON.parse(readFileSync(join(dir, `${killed.instanceId}.json`), 'utf8'))
          : undefined,
      { timeoutMs: 10_000, description: 'runner started' },
    );
    process.kill(pid, 'SIGKILL');
    await crashing.waitForExit(killed.instanceId);
    const listed = (await crashing.list()).find((i) => i.instanceId === killed.instanceId);
    expect(listed).toMatchObject({ state: 'STOPPED', exitCode: 137, stoppedReason: 'Killed by signal SIGKILL' });
    expect(existsSync(join(dir, 'run', `${killed.instanceId}.json`))).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored past the grace period', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, { FAKE_IGNORE_SIGTERM: 'true' }, { stopGraceMs: 300 }));
    const instance = await launcher.launch({ connector: uniqueName('stubborn'), taskId: 0, generation: 1 });
    await waitFor(() => existsSync(join(dir, `${instance.instanceId}.json`)), {
      timeoutMs: 10_000,
      description: 'started',
    });
    await launcher.stop(instance.instanceId, 'Stopped by reconciler: test');
    await launcher.waitForExit(instance.instanceId);
    const listed = (await launcher.list()).find((i) => i.instanceId === instance.instanceId);
    expect(listed?.stoppedReason).toBe('Stopped by reconciler: test (Killed by signal SIGKILL)');
  });

  it('a new launcher on the same run dir adopts live orphans and notices when they exit', async () => {
    const dir = scratch();
    const first = makeLauncher(dir);
    const connector = uniqueName('orphan');
    const instance = await first.launch({ connector, taskId: 0, generation: 2 });
    first.close(); // the local stack died without stopping its children

    const exits: TaskInstance[] = [];
    const second = track(makeLauncher(dir, {}, { onExit: (i) => exits.push(i), adoptedPollMs: 50 }));
    const adopted = second.recover();
    expect(adopted).toEqual([
      expect.objectContaining({
        instanceId: instance.instanceId,
        connector,
        taskId: 0,
        generation: 2,
        state: 'RUNNING',
      }),
    ]);
    await second.stop(instance.instanceId, 'Stopped by reconciler: superseded');
    await waitFor(() => exits.length === 1, { timeoutMs: 10_000, description: 'adopted orphan exit noticed' });
    expect(exits[0]).toMatchObject({ instanceId: instance.instanceId, state: 'STOPPED' });
    expect(readdirSync(join(dir, 'run'))).toEqual([]);
  });

  it('turns pid files of orphans that died meanwhile into stopped history', async () => {
    const dir = scratch();
    const first = makeLauncher(dir, { FAKE_EXIT_AFTER_MS: '50' });
    const connector = uniqueName('dead');
    const instance = await first.launch({ connector, taskId: 0, generation: 1 });
    const pidFile = join(dir, 'run', `${instance.instanceId}.json`);
    const record = readFileSync(pidFile, 'utf8');
    await first.waitForExit(instance.instanceId);
    writeFileSync(pidFile, record); // as if the stack had died before it saw the exit

    const second = makeLauncher(dir);
    expect(second.recover()).toEqual([]);
    expect(await second.list()).toEqual([
      expect.objectContaining({
        instanceId: instance.instanceId,
        connector,
        state: 'STOPPED',
        stoppedReason: 'Exited while the local stack was not running',
      }),
    ]);
    expect(existsSync(pidFile)).toBe(false);
  });
});

describe('ProcessLauncher warm spare', () => {
  const envOf = (dir: string, instanceId: string) =>
    waitFor(
      () => {
        const file = join(dir, `${instanceId}.json`);
        return existsSync(file)
          ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number; env: Record<string, string> })
          : undefined;
      },
      { timeoutMs: 10_000, description: `runner ${instanceId} wrote its env` },
    );
  const readySpare = (launcher: ProcessLauncher, notPid?: number) =>
    waitFor(
      () => {
        const spare = launcher.spareStates()[0];
        return spare?.ready && spare.pid !== notPid ? spare : undefined;
      },
      { timeoutMs: 15_000, description: 'a ready spare' },
    );
  const readySpares = (launcher: ProcessLauncher, count: number, notPids: number[] = []) =>
    waitFor(
      () => {
        const spares = launcher.spareStates();
        return spares.length === count && spares.every((s) => s.ready && !notPids.includes(s.pid)) ? spares : undefined;
      },
      { timeoutMs: 20_000, description: `${count} ready spares` },
    );

  it('hands exactly one launch to the ready spare, which then runs as a launched instance; a new spare follows', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, {}, { warmSpares: 1, spareDelayMs: 0 }));
    launcher.startSpare();
    const spare = await readySpare(launcher);

    const a = uniqueName('spare-a');
    const first = await launcher.launch({ connector: a, taskId: 2, generation: 7 });
    const second = await launcher.launch({ connector: uniqueName('spare-b'), taskId: 0, generation: 1 });
    expect(first.instanceId).toBe(spare.instanceId);
    expect(second.instanceId).not.toBe(spare.instanceId);
    const firstEnv = await envOf(dir, first.instanceId);
    expect(firstEnv.pid).toBe(spare.pid);
    expect(firstEnv.env).toMatchObject({ SKC_CONNECTOR: a, SKC_TASK_ID: '2', SKC_GENERATION: '7' });
    expect(firstEnv.env.SKC_SPARE).toBeUndefined();
    expect((await envOf(dir, second.instanceId)).pid).not.toBe(spare.pid);
    // the adopted spare is an ordinary instance: listed, with its pid file and a log named after its task
    const listed = await launcher.list();
    expect(listed.filter((i) => i.state === 'RUNNING').map((i) => i.instanceId)).toEqual(
      expect.arrayContaining([first.instanceId, second.instanceId]),
    );
    expect(existsSync(join(dir, 'run', `${first.instanceId}.json`))).toBe(true);
    expect(launcher.logFile(first.instanceId)).toContain(`${a}-2-${first.instanceId}`);
    await waitFor(() => readFileSync(launcher.logFile(first.instanceId)!, 'utf8').includes(`started for ${a}-2`), {
      timeoutMs: 10_000,
      description: 'the adopted spare logs into its renamed log file',
    });
    // a replacement spare, in a new process
    const next = await readySpare(launcher, spare.pid);
    expect(next.instanceId).not.toBe(first.instanceId);
  });

  it('replaces a spare that was killed, and stops its idle spare with the instances (stopAll)', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, {}, { warmSpares: 1 }));
    launcher.startSpare();
    const killed = await readySpare(launcher);
    process.kill(killed.pid, 'SIGKILL');
    const replacement = await readySpare(launcher, killed.pid);
    expect(replacement.instanceId).not.toBe(killed.instanceId);
    // nothing of the dead spare is listed as a task
    expect(await launcher.list()).toEqual([]);

    await launcher.stopAll('test');
    expect(launcher.spareStates()).toEqual([]);
    await waitFor(() => !isAlive(replacement.pid), { timeoutMs: 10_000, description: 'the idle spare exited' });
  });

  it('an adopted spare stops on SIGTERM like any instance, and survives its launcher like any instance', async () => {
    const dir = scratch();
    const exits: TaskInstance[] = [];
    const first = makeLauncher(dir, {}, { warmSpares: 1 });
    first.startSpare();
    const spare = await readySpare(first);
    const connector = uniqueName('spare-stop');
    const instance = await first.launch({ connector, taskId: 0, generation: 3 });
    // the runner's SIGTERM handler is installed once it has logged its start
    const log = first.logFile(instance.instanceId)!;
    await waitFor(() => readFileSync(log, 'utf8').includes(`started for ${connector}-0`), {
      timeoutMs: 10_000,
      description: 'the adopted spare started its task',
    });
    first.close(); // the local stack died without stopping its tasks

    const second = track(makeLauncher(dir, {}, { onExit: (i) => exits.push(i), adoptedPollMs: 50 }));
    expect(second.recover()).toEqual([
      expect.objectContaining({ instanceId: instance.instanceId, connector, generation: 3, state: 'RUNNING' }),
    ]);
    expect(isAlive(spare.pid)).toBe(true);
    await second.stop(instance.instanceId, 'Stopped by reconciler: test');
    await waitFor(() => exits.length === 1, { timeoutMs: 10_000, description: 'adopted spare stopped' });
    expect(exits[0]).toMatchObject({ instanceId: instance.instanceId, state: 'STOPPED' });
    expect(
      readFileSync(
        join(
          dir,
          'logs',
          readdirSync(join(dir, 'logs')).find((f) => f.includes(instance.instanceId))!,
        ),
        'utf8',
      ),
    ).toContain('SIGTERM: flushing and exiting');
  });

  it('keeps a pool of spares: launches take them oldest first, each is replaced, and none outlives stopAll', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, {}, { warmSpares: 2, spareDelayMs: 0 }));
    launcher.startSpare();
    const [oldest, younger] = await readySpares(launcher, 2);
    const a = await launcher.launch({ connector: uniqueName('pool-a'), taskId: 0, generation: 1 });
    const b = await launcher.launch({ connector: uniqueName('pool-b'), taskId: 0, generation: 1 });
    expect([a.instanceId, b.instanceId]).toEqual([oldest!.instanceId, younger!.instanceId]);
    expect((await envOf(dir, a.instanceId)).pid).toBe(oldest!.pid);
    expect((await envOf(dir, b.instanceId)).pid).toBe(younger!.pid);
    // both replaced by new processes, which the next launches take
    const replacements = await readySpares(launcher, 2, [oldest!.pid, younger!.pid]);
    const c = await launcher.launch({ connector: uniqueName('pool-c'), taskId: 0, generation: 1 });
    expect(c.instanceId).toBe(replacements[0]!.instanceId);
    await readySpares(launcher, 2, [oldest!.pid, younger!.pid, replacements[0]!.pid]);
    const idle = launcher.spareStates().map((s) => s.pid);

    await launcher.stopAll('test');
    expect(launcher.spareStates()).toEqual([]);
    for (const pid of [...idle, oldest!.pid, younger!.pid, replacements[0]!.pid])
      await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, description: `process ${pid} exited` });
    // no spare log of an idle spare is left behind, and no pid file
    expect(readdirSync(join(dir, 'logs')).filter((f) => f.startsWith('spare-'))).toEqual([]);
    expect(readdirSync(join(dir, 'run'))).toEqual([]);
  });

  it('a launch with no ready spare waits for the starting one rather than start a second process beside it', async () => {
    const dir = scratch();
    // a long replacement delay: after the first adoption, only the launch itself can start the next spare at once
    const launcher = track(makeLauncher(dir, {}, { warmSpares: 1, spareDelayMs: 60_000 }));
    launcher.startSpare();
    const first = await readySpare(launcher);
    expect((await launcher.launch({ connector: uniqueName('wait-a'), taskId: 0, generation: 1 })).instanceId).toBe(
      first.instanceId,
    );
    expect(launcher.spareStates()).toEqual([]);
    const second = await launcher.launch({ connector: uniqueName('wait-b'), taskId: 0, generation: 1 });
    // it was started as a spare (its log was renamed after the task, no spare log is left) and taken over
    expect(readdirSync(join(dir, 'logs')).filter((f) => f.startsWith('spare-'))).toEqual([]);
    expect(launcher.logFile(second.instanceId)).toContain('wait-b');
    expect((await envOf(dir, second.instanceId)).env.SKC_SPARE).toBeUndefined();
    expect(launcher.spareStates()).toEqual([]); // the next replacement waits for its delay
  });

  it('with no spares asked for, keeps none and launches a new process', async () => {
    const dir = scratch();
    const launcher = track(makeLauncher(dir, {}, { warmSpares: 0 }));
    launcher.startSpare();
    expect(launcher.spareStates()).toEqual([]);
    const instance = await launcher.launch({ connector: uniqueName('no-spare'), taskId: 0, generation: 1 });
    expect((await envOf(dir, instance.instanceId)).env).toMatchObject({ SKC_TASK_ID: '0' });
    expect(launcher.spareStates()).toEqual([]);
    expect(() => makeLauncher(dir, {}, { warmSpares: -1 })).toThrow(/warmSpares/);
    expect(() => makeLauncher(dir, {}, { warmSpares: 1.5 })).toThrow(/warmSpares/);
  });
});
