/**
 * A reconcile can die between any two of its writes (Lambda timeout, process killed). For every write position
 * we inject a crash there, then let the reconciler run normally and check it converges to the same state as an
 * uninterrupted run.
 */
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import type { ConfigStore, ConnectorStateChanges, StatusStore, TaskLauncher } from '../../lib/storage/ports';
import { FakeClock, FakeTaskLauncher, testPlugins } from './fakes';

class Crash extends Error {}

const MUTATIONS = new Set(['update', 'putConnector', 'putTask', 'deleteTask', 'deleteConnector', 'launch', 'stop']);

/** Wraps a port so that its `crashAt`-th mutating call (counted across all wrapped ports) throws. */
function faulty<T extends object>(target: T, counter: { calls: number; crashAt: number }): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (MUTATIONS.has(String(prop)) && ++counter.calls === counter.crashAt)
          throw new Crash(`crash at ${String(prop)}`);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

type Scenario = {
  name: string;
  prelude: (write: (changes: ConnectorStateChanges) => Promise<void>, launcher: FakeTaskLauncher) => Promise<void>;
  expectedTasks: number;
  expectedConnectorState: string;
  /** skip the healthy first reconcile: the crash happens during the very first one */
  fresh?: boolean;
};

const config = (tasksMax: number) => ({
  name: 'c',
  'connector.class': 'PartitionedSource',
  'tasks.max': String(tasksMax),
});

const scenarios: Scenario[] = [
  {
    name: 'first launch',
    prelude: async () => undefined,
    expectedTasks: 2,
    expectedConnectorState: 'RUNNING',
    fresh: true,
  },
  {
    name: 'scale 2 → 3',
    prelude: (write) => write({ config: config(3) }),
    expectedTasks: 3,
    expectedConnectorState: 'RUNNING',
  },
  {
    name: 'restart with tasks',
    prelude: (write) =>
      write({ restartRequest: { requestId: 'r', includeTasks: true, onlyFailed: false, requestedAt: 'now' } }),
    expectedTasks: 2,
    expectedConnectorState: 'RUNNING',
  },
  {
    name: 'crashed instance',
    prelude: async (_write, launcher) => {
      const [first] = launcher.live('c');
      launcher.exit(first!.instanceId, 137, 'Killed by signal SIGKILL');
    },
    expectedTasks: 2,
    expectedConnectorState: 'RUNNING',
  },
  {
    name: 'stop',
    prelude: (write) => write({ targetState: 'STOPPED' }),
    expectedTasks: 0,
    expectedConnectorState: 'STOPPED',
  },
];

describe.each(scenarios)(
  'reconcile interrupted during "$name"',
  ({ prelude, expectedTasks, expectedConnectorState, fresh }) => {
    it('converges on the next runs whatever write it crashed at', async () => {
      let positionsTried = 0;
      for (let crashAt = 1; ; crashAt++) {
        const clock = new FakeClock();
        const configStore = new InMemoryConfigStore();
        const statusStore = new InMemoryStatusStore();
        const launcher = new FakeTaskLauncher(clock.now);
        launcher.gracefulStops = true;
        const healthy = new Reconciler({
          configStore,
          statusStore,
          launcher,
          plugins: testPlugins,
          now: clock.now,
          workerConfig: { 'task.restart.backoff.initial.ms': '0' },
        });
        await configStore.create('c', config(2), 'STARTED');
        if (!fresh) await healthy.reconcile();
        const write = async (changes: ConnectorStateChanges) => {
          const state = await configStore.get('c');
          await configStore.update('c', state!.version, changes);
        };
        await prelude(write, launcher);

        const counter = { calls: 0, crashAt };
        const crashing = new Reconciler({
          configStore: faulty<ConfigStore>(configStore, counter),
          statusStore: faulty<StatusStore>(statusStore, counter),
          launcher: faulty<TaskLauncher>(launcher, counter),
          plugins: testPlugins,
          now: clock.now,
          workerConfig: { 'task.restart.backoff.initial.ms': '0' },
        });
        const crashed = await crashing.reconcile().then(
          () => false,
          (error: unknown) => {
            if (!(error instanceof Crash)) throw error;
            return true;
          },
        );
        if (!crashed) break; // past the last write: every position was tried
        positionsTried++;

        for (let run = 0; run < 4; run++) {
          launcher.finishStopping();
          await healthy.reconcile();
        }
        const state = await configStore.get('c');
        const live = launcher.live('c');
        expect(state?.restartRequest).toBeUndefined();
        expect(state?.taskConfigs).toHaveLength(expectedTasks);
        expect(live.map((i) => [i.taskId, i.generation]).sort()).toEqual(
          Array.from({ length: expectedTasks }, (_, id) => [id, state!.generation]),
        );
        expect((await statusStore.getConnector('c'))?.state).toBe(expectedConnectorState);
        expect((await statusStore.listTasks('c')).map((t) => t.id)).toEqual(live.map((i) => i.taskId).sort());
        const settled = await healthy.reconcile();
        expect([settled.launched, settled.stopped]).toEqual([[], []]);
      }
      expect(positionsTried).toBeGreaterThan(0);
    });
  },
);
