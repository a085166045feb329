/**
 * Which transactional ids the reconciler fences, and when (the real-broker proof that fencing stops a zombie is in
 * test/runtime/exactly-once-source.test.ts).
 */
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { ZombieFencing } from '../../lib/scheduler/zombie-fencing';
import type { ClientProps } from '../../lib/storage/kafka-ports';
import { FakeTaskLauncher, testPlugins } from './fakes';

const WORKER = {
  'bootstrap.servers': '127.0.0.1:9',
  'group.id': 'cluster-a',
  'offset.storage.topic': 'offsets',
  'config.storage.topic': 'configs',
  'status.storage.topic': 'status',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'exactly.once.source.support': 'enabled',
};

function setup(worker: Record<string, string> = WORKER) {
  const fenced: { props: ClientProps; ids: readonly string[]; timeoutMs: number }[] = [];
  const configStore = new InMemoryConfigStore();
  const launcher = new FakeTaskLauncher();
  const reconciler = new Reconciler({
    configStore,
    statusStore: new InMemoryStatusStore(),
    launcher,
    plugins: testPlugins,
    workerConfig: worker,
    zombieFencing: new ZombieFencing({
      workerConfig: worker,
      plugins: testPlugins,
      newProducerFencer: (props) => ({
        fenceProducers: async (ids, timeoutMs) => {
          fenced.push({ props, ids, timeoutMs });
        },
        close: async () => undefined,
      }),
    }),
  });
  return { fenced, configStore, launcher, reconciler };
}

describe('zombie fencing by the reconciler', () => {
  it("fences the ids of the tasks it launches, and of an older generation's surplus tasks, before launching", async () => {
    const t = setup();
    const config = { name: 'src', 'connector.class': 'PartitionedSource', 'tasks.max': '3' };
    await t.configStore.create('src', { ...config, 'admin.override.client.id': 'ignored' }, 'STARTED');
    await t.reconciler.reconcile('src');
    expect(t.fenced.map((f) => f.ids)).toEqual([['cluster-a-src-0', 'cluster-a-src-1', 'cluster-a-src-2']]);
    expect(t.fenced[0]?.timeoutMs).toBe(60_000);
    expect(t.fenced[0]?.props['bootstrap.servers']).toBe('127.0.0.1:9');

    // tasks.max 3 → 2: generation 2 has tasks 0 and 1; task 2 of generation 1 is fenced too.
    const state = await t.configStore.get('src');
    await t.configStore.update('src', state?.version ?? 0, {
      config: { ...config, 'tasks.max': '2', 'producer.override.max.block.ms': '5000' },
    });
    await t.reconciler.reconcile('src'); // stops generation 1
    const launched = (await t.reconciler.reconcile('src')).launched;
    expect(launched.map((i) => [i.taskId, i.generation])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(t.fenced.at(-1)).toMatchObject({
      ids: ['cluster-a-src-0', 'cluster-a-src-1', 'cluster-a-src-2'],
      timeoutMs: 5000,
    });
  });

  it('fences nothing for a sink connector or when the worker runs at-least-once', async () => {
    const sink = setup();
    await sink.configStore.create('snk', { name: 'snk', 'connector.class': 'SimpleSink', 'tasks.max': '1' }, 'STARTED');
    expect((await sink.reconciler.reconcile('snk')).launched).toHaveLength(1);
    expect(sink.fenced).toEqual([]);

    const alo = setup({ ...WORKER, 'exactly.once.source.support': 'disabled' });
    await alo.configStore.create('src', { name: 'src', 'connector.class': 'PartitionedSource' }, 'STARTED');
    expect((await alo.reconciler.reconcile('src')).launched).toHaveLength(1);
    expect(alo.fenced).toEqual([]);
  });
});
