import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import type { ConnectorStateChanges, TargetState } from '../../lib/storage/ports';
import { FakeClock, FakeTaskLauncher, testPlugins } from './fakes';

function setup(workerConfig: Record<string, string> = {}) {
  const clock = new FakeClock();
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const launcher = new FakeTaskLauncher(clock.now);
  const reconciler = new Reconciler({
    configStore,
    statusStore,
    launcher,
    plugins: testPlugins,
    workerConfig,
    now: clock.now,
  });
  /** A herder-style write: conditional on the current version. */
  const write = async (name: string, changes: ConnectorStateChanges) => {
    const state = await configStore.get(name);
    if (!state) throw new Error(`no ${name}`);
    return configStore.update(name, state.version, changes);
  };
  const create = (name: string, config: Record<string, string>, target: TargetState = 'STARTED') =>
    configStore.create(name, { name, ...config }, target);
  const taskStates = async (name: string) =>
    (await statusStore.listTasks(name)).map((t) => [t.id, t.state, t.generation]);
  return { clock, configStore, statusStore, launcher, reconciler, write, create, taskStates };
}

const source = (tasksMax: number, extra: Record<string, string> = {}) => ({
  'connector.class': 'PartitionedSource',
  'tasks.max': String(tasksMax),
  ...extra,
});

describe('Reconciler', () => {
  it('generates task configs, launches one instance per task and reports status', async () => {
    const t = setup();
    await t.create('c1', source(2));
    const report = await t.reconciler.reconcile('c1');

    const state = await t.configStore.get('c1');
    expect(state?.generation).toBe(1);
    expect(state?.taskConfigs).toEqual([
      { partition: '0', secret: '', 'task.class': 'test.NoopTask' },
      { partition: '1', secret: '', 'task.class': 'test.NoopTask' },
    ]);
    expect(report.launched.map((i) => [i.taskId, i.generation])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(await t.statusStore.getConnector('c1')).toMatchObject({
      state: 'RUNNING',
      workerId: 'reconciler',
      version: '2.1',
    });
    expect(await t.taskStates('c1')).toEqual([
      [0, 'UNASSIGNED', 1],
      [1, 'UNASSIGNED', 1],
    ]);
  });

  it('a connector created PAUSED gets no tasks until it is resumed, and shows its version', async () => {
    const t = setup();
    await t.create('p1', source(2), 'PAUSED');
    const report = await t.reconciler.reconcile('p1');
    expect(report.launched).toEqual([]);
    expect((await t.configStore.get('p1'))?.taskConfigs).toEqual([]);
    expect(await t.statusStore.listTasks('p1')).toEqual([]);
    expect(await t.statusStore.getConnector('p1')).toMatchObject({ state: 'PAUSED', version: '2.1' });
    // A config change while paused applies on resume.
    await t.write('p1', { config: { name: 'p1', ...source(1) } });
    expect((await t.reconciler.reconcile('p1')).launched).toEqual([]);
    await t.write('p1', { targetState: 'STARTED' });
    const resumed = await t.reconciler.reconcile('p1');
    expect(resumed.launched.map((i) => i.taskId)).toEqual([0]);
    expect(await t.statusStore.getConnector('p1')).toMatchObject({ state: 'RUNNING', version: '2.1' });
  });

  it('a connector created STOPPED shows its version in its status', async () => {
    const t = setup();
    await t.create('s1', source(1), 'STOPPED');
    await t.reconciler.reconcile('s1');
    expect(await t.statusStore.getConnector('s1')).toMatchObject({ state: 'STOPPED', version: '2.1' });
  });

  it('a task being restarted keeps its worker and version in its RESTARTING status', async () => {
    const t = setup();
    await t.create('r1', source(1));
    await t.reconciler.reconcile('r1');
    const running = { id: 0, state: 'RUNNING' as const, trace: null, workerId: '10.0.0.7:8083', generation: 1 };
    await t.statusStore.putTask('r1', 0, { ...running, updatedAt: t.clock.now(), version: '2.1' });
    await t.write('r1', { taskRestartRequests: { '0': 'req-r1' } });
    await t.reconciler.reconcile('r1');
    expect(await t.statusStore.getTask('r1', 0)).toMatchObject({
      state: 'RESTARTING',
      workerId: '10.0.0.7:8083',
      version: '2.1',
    });
  });

  it('is idempotent: a second run changes nothing', async () => {
    const t = setup();
    await t.create('c1', source(2));
    await t.reconciler.reconcile();
    const before = await t.configStore.get('c1');
    const again = await t.reconciler.reconcile();
    expect(again.launched).toEqual([]);
    expect(again.stopped).toEqual([]);
    expect((await t.configStore.get('c1'))?.version).toBe(before?.version);
  });

  it('scales tasks.max up and down: new generation starts only after the old one has stopped', async () => {
    const t = setup();
    t.launcher.gracefulStops = true;
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    await t.write('c1', { config: { name: 'c1', ...source(3) } });

    const up = await t.reconciler.reconcile('c1');
    expect(up.stopped).toHaveLength(1);
    expect(up.launched).toEqual([]); // generation 1 still flushing
    t.launcher.finishStopping();
    const up2 = await t.reconciler.reconcile('c1');
    expect(up2.launched.map((i) => [i.taskId, i.generation])).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);

    await t.write('c1', { config: { name: 'c1', ...source(1) } });
    await t.reconciler.reconcile('c1');
    t.launcher.finishStopping();
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live('c1').map((i) => [i.taskId, i.generation])).toEqual([[0, 3]]);
    expect((await t.taskStates('c1')).map(([id]) => id)).toEqual([0]);
  });

  it('launches the tasks of a scale-up concurrently; one failed launch does not hold back the others', async () => {
    const t = setup();
    await t.create('c1', source(4));
    // Launches wait on a gate: all four must be in flight before the first may finish (ECS RunTask takes 0.1–0.5 s
    // each; one after the other, a scale-up to n tasks would take n times that).
    const launch = t.launcher.launch.bind(t.launcher);
    let inFlight = 0;
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    t.launcher.launch = async (spec) => {
      if (++inFlight === 4) openGate();
      await gate;
      if (spec.taskId === 2) throw new Error('RunTask throttled');
      return launch(spec);
    };
    await expect(t.reconciler.reconcile('c1')).rejects.toThrow('RunTask throttled');
    expect(t.launcher.live('c1').map((i) => i.taskId)).toEqual([0, 1, 3]);

    t.launcher.launch = launch; // the next run launches the missing task
    const again = await t.reconciler.reconcile('c1');
    expect(again.launched.map((i) => i.taskId)).toEqual([2]);
    expect(t.launcher.live('c1')).toHaveLength(4);
  });

  it('keeps the generation when a config change does not change the task configs', async () => {
    const t = setup();
    await t.create('c1', source(2));
    await t.reconciler.reconcile('c1');
    await t.write('c1', { config: { name: 'c1', ...source(2), 'unrelated.key': 'x' } });
    const report = await t.reconciler.reconcile('c1');
    expect(report.stopped).toEqual([]);
    expect((await t.configStore.get('c1'))?.generation).toBe(1);
  });

  it("fails the connector with Apache's TooManyTasksException message unless tasks.max.enforce=false", async () => {
    const t = setup();
    await t.create('c1', source(2, { partitions: '4', overshoot: 'true' }));
    await t.reconciler.reconcile('c1');
    const status = await t.statusStore.getConnector('c1');
    expect(status?.state).toBe('FAILED');
    expect(status?.trace).toContain(
      'TooManyTasksException: The connector c1 has generated 4 tasks, which is greater than 2, the maximum number of ' +
        'tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, ' +
        "it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this " +
        'option will be removed in a future release of Kafka Connect.',
    );
    expect(t.launcher.live()).toEqual([]);

    await t.write('c1', {
      config: { name: 'c1', ...source(2, { partitions: '4', overshoot: 'true', 'tasks.max.enforce': 'false' }) },
    });
    await t.reconciler.reconcile('c1');
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('RUNNING');
    expect(t.launcher.live('c1')).toHaveLength(4);
  });

  it('marks a throwing connector FAILED with its trace, retries only on restart or config change', async () => {
    const t = setup();
    await t.create('c1', source(1, { 'fail.on.start': 'true' }));
    await t.reconciler.reconcile('c1');
    const failed = await t.statusStore.getConnector('c1');
    expect(failed).toMatchObject({ state: 'FAILED', workerId: 'reconciler' });
    expect(failed?.trace).toMatch(/^java.lang.RuntimeException: boom in start\n\tat /);

    const version = (await t.configStore.get('c1'))?.version;
    await t.reconciler.reconcile('c1');
    expect((await t.configStore.get('c1'))?.version).toBe(version); // no retry loop

    await t.write('c1', { config: { name: 'c1', ...source(1) } });
    await t.reconciler.reconcile('c1');
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('RUNNING');
    expect(t.launcher.live('c1')).toHaveLength(1);
  });

  it('fails the connector for an unknown connector class', async () => {
    const t = setup();
    await t.create('c1', { 'connector.class': 'Nope', 'tasks.max': '1' });
    await t.reconciler.reconcile('c1');
    expect((await t.statusStore.getConnector('c1'))?.trace).toContain('Failed to find any class');
  });

  it('PAUSED keeps instances; STOPPED releases them, clears task configs and task statuses; resume relaunches', async () => {
    const t = setup();
    await t.create('c1', source(2));
    await t.reconciler.reconcile('c1');
    await t.write('c1', { targetState: 'PAUSED' });
    const paused = await t.reconciler.reconcile('c1');
    expect(paused.stopped).toEqual([]);
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('PAUSED');

    await t.write('c1', { targetState: 'STOPPED' });
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live('c1')).toEqual([]);
    expect(await t.statusStore.listTasks('c1')).toEqual([]);
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('STOPPED');
    expect((await t.configStore.get('c1'))?.taskConfigs).toEqual([]);
    const quiet = await t.reconciler.reconcile('c1');
    expect(quiet.stopped).toEqual([]);

    await t.write('c1', { targetState: 'STARTED' });
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live('c1')).toHaveLength(2);
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('RUNNING');
  });

  it('created STOPPED: no task configs, no instances', async () => {
    const t = setup();
    await t.create('c1', source(2), 'STOPPED');
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live()).toEqual([]);
    expect((await t.statusStore.getConnector('c1'))?.state).toBe('STOPPED');
  });

  it('a deleted connector loses its instances and statuses (reconcile-all finds it through the launcher)', async () => {
    const t = setup();
    await t.create('c1', source(2));
    await t.create('c2', source(1));
    await t.reconciler.reconcile();
    await t.configStore.delete('c1');
    await t.reconciler.reconcile();
    expect(t.launcher.live('c1')).toEqual([]);
    expect(t.launcher.live('c2')).toHaveLength(1);
    expect(await t.statusStore.getConnector('c1')).toBeUndefined();
    expect(await t.statusStore.listTasks('c1')).toEqual([]);
  });

  it('restart with includeTasks&onlyFailed restarts only the failed task: RESTARTING, then a new instance', async () => {
    const t = setup();
    t.launcher.gracefulStops = true;
    await t.create('c1', source(2));
    await t.reconciler.reconcile('c1');
    const [i0, i1] = t.launcher.live('c1');
    await t.statusStore.putTask('c1', 0, {
      state: 'RUNNING',
      trace: null,
      workerId: 'w0',
      generation: 1,
      updatedAt: t.clock.t,
    });
    await t.statusStore.putTask('c1', 1, {
      state: 'FAILED',
      trace: 'x',
      workerId: 'w1',
      generation: 1,
      updatedAt: t.clock.t,
    });
    await t.write('c1', {
      restartRequest: { requestId: 'r1', includeTasks: true, onlyFailed: true, requestedAt: new Date().toISOString() },
    });

    const report = await t.reconciler.reconcile('c1');
    expect(report.stopped).toEqual([i1?.instanceId]);
    expect((await t.statusStore.getTask('c1', 1))?.state).toBe('RESTARTING');
    expect((await t.configStore.get('c1'))?.restartRequest).toBeUndefined();

    t.launcher.finishStopping();
    const relaunch = await t.reconciler.reconcile('c1');
    expect(relaunch.launched.map((i) => i.taskId)).toEqual([1]);
    expect(t.launcher.live('c1').map((i) => i.instanceId)).toContain(i0?.instanceId);
    expect((await t.statusStore.getTask('c1', 1))?.state).toBe('RESTARTING'); // until the new instance reports
  });

  it('a connector restart regenerates task configs and ends RUNNING', async () => {
    const t = setup();
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    await t.write('c1', {
      restartRequest: {
        requestId: 'r1',
        includeTasks: false,
        onlyFailed: false,
        requestedAt: new Date().toISOString(),
      },
    });
    const puts: string[] = [];
    const original = t.statusStore.putConnector.bind(t.statusStore);
    t.statusStore.putConnector = async (name, status) => {
      puts.push(status.state);
      return original(name, status);
    };
    const report = await t.reconciler.reconcile('c1');
    expect(puts).toEqual(['RESTARTING', 'RUNNING']);
    expect(report.stopped).toEqual([]);
  });

  it('single-task restart requests restart that task even under task.restart.policy=never', async () => {
    const t = setup({ 'task.restart.policy': 'never' });
    await t.create('c1', source(2));
    await t.reconciler.reconcile('c1');
    const [, i1] = t.launcher.live('c1');
    t.launcher.exit(i1!.instanceId, 1, 'Exited with code 1');
    await t.reconciler.reconcile('c1');
    expect((await t.statusStore.getTask('c1', 1))?.state).toBe('FAILED');
    t.clock.advance(3_600_000);
    const later = await t.reconciler.reconcile('c1');
    expect(later.launched.filter((i) => i.taskId === 1)).toEqual([]); // never means never

    await t.write('c1', { taskRestartRequests: { '1': 'req-1' } });
    const report = await t.reconciler.reconcile('c1');
    expect(report.launched.map((i) => i.taskId)).toEqual([1]);
    expect((await t.configStore.get('c1'))?.taskRestartRequests).toEqual({});
  });

  it('relaunches a dead instance with exponential backoff; FAILED with the exit reason meanwhile', async () => {
    const t = setup({ 'task.restart.backoff.initial.ms': '1000', 'task.restart.backoff.max.ms': '4000' });
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [live] = t.launcher.live('c1');
      t.clock.advance(10);
      t.launcher.exit(live!.instanceId, 137, 'Killed by signal SIGKILL');
      const waiting = await t.reconciler.reconcile('c1');
      expect(waiting.launched).toEqual([]);
      const status = await t.statusStore.getTask('c1', 0);
      expect(status?.state).toBe('FAILED');
      expect(status?.trace).toContain('exit code 137 (Killed by signal SIGKILL)');
      const delay = waiting.nextWakeAt! - t.clock.t;
      delays.push(delay);
      t.clock.advance(delay - 1);
      expect((await t.reconciler.reconcile('c1')).launched).toEqual([]);
      t.clock.advance(1);
      expect((await t.reconciler.reconcile('c1')).launched).toHaveLength(1);
    }
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
  });

  it('a long-lived instance resets the backoff', async () => {
    const t = setup({ 'task.restart.backoff.initial.ms': '1000', 'task.restart.backoff.max.ms': '4000' });
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    for (let i = 0; i < 3; i++) {
      const [live] = t.launcher.live('c1');
      t.launcher.exit(live!.instanceId, 1, 'Exited with code 1');
      const { nextWakeAt } = await t.reconciler.reconcile('c1');
      t.clock.t = nextWakeAt!;
      await t.reconciler.reconcile('c1');
    }
    t.clock.advance(10_000); // healthy for longer than the cap
    const [live] = t.launcher.live('c1');
    t.launcher.exit(live!.instanceId, 1, 'Exited with code 1');
    const { nextWakeAt } = await t.reconciler.reconcile('c1');
    expect(nextWakeAt! - t.clock.t).toBe(1000);
  });

  it('replaces an instance whose heartbeat stopped', async () => {
    const t = setup({ 'task.heartbeat.interval.ms': '1000', 'task.heartbeat.timeout.ms': '5000' });
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    const [hung] = t.launcher.live('c1');
    await t.statusStore.putTask('c1', 0, {
      state: 'RUNNING',
      trace: null,
      workerId: 'host:1',
      generation: 1,
      updatedAt: t.clock.t,
    });
    t.clock.advance(4000);
    expect((await t.reconciler.reconcile('c1')).stopped).toEqual([]);
    t.clock.advance(2000);
    const report = await t.reconciler.reconcile('c1');
    expect(report.stopped).toEqual([hung?.instanceId]);
    const status = await t.statusStore.getTask('c1', 0);
    expect(status?.state).toBe('FAILED');
    expect(status?.trace).toContain('Heartbeat timeout');
    const { nextWakeAt } = await t.reconciler.reconcile('c1');
    t.clock.t = nextWakeAt!;
    expect((await t.reconciler.reconcile('c1')).launched).toHaveLength(1);
  });

  it('restarts, with backoff, a RUNNING sink task that reports lag and no progress for skc.task.stall.restart.ms', async () => {
    const t = setup({ 'skc.task.stall.restart.ms': '8000', 'task.heartbeat.timeout.ms': '60000' });
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    const [stuck] = t.launcher.live('c1');
    const startedAt = t.clock.t;
    const report = (lag: number) =>
      t.statusStore.putTask('c1', 0, {
        state: 'RUNNING',
        trace: null,
        workerId: 'host:1',
        generation: 1,
        updatedAt: t.clock.t,
        progress: {
          kind: 'sink',
          startedAt,
          at: t.clock.t,
          recordsIn: 5,
          recordsOut: 5,
          recordsActive: 0,
          lastPollAt: t.clock.t,
          lastPutAt: startedAt,
          lastCommitAt: startedAt,
          metrics: { 'partition-count': 1 },
          lag: [{ topic: 't', partition: 0, position: 5, end: 5 + lag, lag }],
        },
      });
    t.clock.advance(10_000);
    await report(0); // idle, nothing waiting: not stalled
    expect((await t.reconciler.reconcile('c1')).stopped).toEqual([]);
    await report(7); // records wait, last put 10 s ago
    const stopped = await t.reconciler.reconcile('c1');
    expect(stopped.stopped).toEqual([stuck?.instanceId]);
    const status = await t.statusStore.getTask('c1', 0);
    expect(status?.state).toBe('FAILED');
    expect(status?.trace).toContain('Stalled: 7 records waiting on 1 partition(s), no put() or offset commit for 10 s');
    expect(status?.trace).toContain('skc.task.stall.restart.ms=8000');
    const { nextWakeAt } = await t.reconciler.reconcile('c1');
    expect(nextWakeAt! - t.clock.t).toBeGreaterThan(0); // the restart policy's backoff
    t.clock.t = nextWakeAt!;
    expect((await t.reconciler.reconcile('c1')).launched).toHaveLength(1);
  });

  it('stops duplicate instances of one task (two concurrent reconcilers both launched)', async () => {
    const t = setup();
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    await t.launcher.launch({ connector: 'c1', taskId: 0, generation: 1 });
    const report = await t.reconciler.reconcile('c1');
    expect(report.stopped).toHaveLength(1);
    expect(t.launcher.live('c1')).toHaveLength(1);
  });

  it('retries after a concurrent herder write (version conflict)', async () => {
    const t = setup();
    await t.create('c1', source(1));
    const update = t.configStore.update.bind(t.configStore);
    let interfered = false;
    t.configStore.update = async (name, expected, changes) => {
      if (!interfered) {
        interfered = true;
        await update(name, expected, { config: { name, ...source(2) } });
      }
      return update(name, expected, changes);
    };
    await t.reconciler.reconcile('c1');
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live('c1')).toHaveLength(2);
  });

  it("converges when the connector is deleted between its read and the reconciler's write", async () => {
    const t = setup();
    await t.create('c1', source(1));
    await t.reconciler.reconcile('c1');
    await t.write('c1', { config: { name: 'c1', ...source(2) } });
    const update = t.configStore.update.bind(t.configStore);
    t.configStore.update = async (name, expected, changes) => {
      t.configStore.update = update;
      await t.configStore.delete(name);
      return update(name, expected, changes);
    };
    await t.reconciler.reconcile('c1');
    expect(t.launcher.live('c1')).toEqual([]);
    expect(await t.statusStore.getConnector('c1')).toBeUndefined();
  });

  it('resolves config providers for the connector and stores placeholders, not secrets', async () => {
    const t = setup();
    const reconciler = new Reconciler({
      configStore: t.configStore,
      statusStore: t.statusStore,
      launcher: t.launcher,
      plugins: testPlugins,
      resolveConfig: async (config) => ({ ...config, secret: config['secret'] === '${file:/s:k}' ? 'hunter2' : '' }),
    });
    await t.create('c1', source(1, { secret: '${file:/s:k}' }));
    await reconciler.reconcile('c1');
    expect((await t.configStore.get('c1'))?.taskConfigs[0]?.['secret']).toBe('${file:/s:k}');
  });
});
