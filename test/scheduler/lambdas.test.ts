import type { DynamoDBStreamEvent } from 'aws-lambda';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import type { ConnectorPlugins } from '../../lib/scheduler/task-configs';
import { connectorsInStreamEvent } from '../../lib/adapters/dynamodb/stream-records';
import { handleReconcileEvent } from '../../lambdas/reconciler/handler';
import { handleTaskEvent, taskFailureMetric } from '../../lambdas/task-events/handler';
import { FakeClock, FakeTaskLauncher, testPlugins } from './fakes';

const streamRecord = (pk: string, sk: string) => ({
  eventName: 'MODIFY',
  dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } },
});

function setup() {
  const clock = new FakeClock(Date.now());
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const launcher = new FakeTaskLauncher(clock.now);
  const reconciler = new Reconciler({ configStore, statusStore, launcher, plugins: testPlugins });
  return { configStore, statusStore, launcher, reconciler };
}

describe('reconciler Lambda', () => {
  it('picks connectors from STATE, list-index and task-config request items, ignoring status and chunk items', () => {
    const event = {
      Records: [
        streamRecord('CONNECTOR#a', 'STATE'),
        streamRecord('CONNECTORS', 'b'),
        streamRecord('STATUS#c', 'TASK#0'),
        streamRecord('CONNECTOR#d', 'TASKCONFIGS#000000000003#0000'),
        streamRecord('CONNECTOR#a', 'STATE'),
        streamRecord('STATUS#e', 'TASKCONFIGS_REQUEST'),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(connectorsInStreamEvent(event)).toEqual(['a', 'b', 'e']);
  });

  it('reconciles the named connectors on a stream batch, all on a scheduled event, nothing on status-only batches', async () => {
    const t = setup();
    await t.configStore.create('a', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    await t.configStore.create('b', { 'connector.class': 'PartitionedSource', 'tasks.max': '2' }, 'STARTED');
    const remaining = () => 60_000;
    const statusOnly = { Records: [streamRecord('STATUS#a', 'CONNECTOR')] };
    expect(await handleReconcileEvent(statusOnly, t.reconciler, remaining)).toEqual({ reconciled: [] });
    expect(
      await handleReconcileEvent({ Records: [streamRecord('CONNECTOR#a', 'STATE')] }, t.reconciler, remaining),
    ).toEqual({
      reconciled: ['a'],
    });
    expect(t.launcher.live()).toHaveLength(1);
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    expect(await handleReconcileEvent(scheduled, t.reconciler, remaining)).toEqual({ reconciled: ['a', 'b'] });
    expect(t.launcher.live()).toHaveLength(3);
  });
});

describe('reconciler Lambda: the schedule polls the task configs of connectors that do not keep running', () => {
  it('asks once per tick for each running such connector, writes only changes and keeps the tasks on a failed poll', async () => {
    // A Java connector of the stateless catalog Lambda: its task configs are what the catalog answers now.
    let answer: () => Record<string, string>[] = () => [{ partition: '0' }];
    let calls = 0;
    const plugins: ConnectorPlugins = {
      ...testPlugins,
      javaTaskConfigs: (_name, config) => {
        if (config['polled'] !== 'true') return undefined;
        calls++;
        return Promise.resolve().then(() => ({ taskConfigs: answer(), version: '4.3.1' }));
      },
      pollsTaskConfigs: (config) => config['polled'] === 'true',
    };
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const launcher = new FakeTaskLauncher();
    const reconciler = new Reconciler({ configStore, statusStore, launcher, plugins });
    const polled = { 'connector.class': 'JavaSource', 'tasks.max': '2', polled: 'true' };
    await configStore.create('p', polled, 'STARTED');
    await configStore.create('paused', polled, 'PAUSED');
    await configStore.create('js', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    let left = 120_000; // the reconciler Lambda's timeout (infra/reconciler.ts)
    const remaining = () => left;
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    const tick = () => handleReconcileEvent(scheduled, reconciler, remaining);

    await tick(); // creation: 'p' is generated as any new connector; the paused one waits for its resume
    expect(calls).toBe(1);
    const first = await configStore.get('p');
    expect(first?.generation).toBe(1);

    await tick(); // nothing changed: one call, no write
    expect(calls).toBe(2);
    expect(await configStore.get('p')).toEqual(first);

    // An event-driven reconcile (stream record) asks nothing.
    await handleReconcileEvent({ Records: [streamRecord('CONNECTOR#p', 'STATE')] }, reconciler, remaining);
    expect(calls).toBe(2);

    answer = () => [{ partition: '0' }, { partition: '1' }];
    await tick(); // the connector would have requested a reconfiguration: a new generation, tasks converge
    expect(calls).toBe(3);
    const second = await configStore.get('p');
    expect(second?.generation).toBe(2);
    expect(second?.taskConfigs).toHaveLength(2);
    expect(launcher.live('p')).toHaveLength(0); // generation 1 stopped; generation 2 starts once it is gone
    await handleReconcileEvent({ Records: [streamRecord('CONNECTOR#p', 'STATE')] }, reconciler, remaining);
    expect(calls).toBe(3);
    expect(launcher.live('p').map((i) => [i.taskId, i.generation])).toEqual([
      [0, 2],
      [1, 2],
    ]);

    answer = () => {
      throw new Error('catalog unreachable');
    };
    await tick(); // a failed poll keeps the running generation and the connector's status
    expect(calls).toBe(4);
    expect(await configStore.get('p')).toEqual(second);
    expect((await statusStore.getConnector('p'))?.state).toBe('RUNNING');
    expect(launcher.live('p')).toHaveLength(2);
    expect(launcher.live('paused')).toHaveLength(0);

    left = 30_000; // an invocation short of time (a late start) leaves the polls to the next tick
    await tick();
    expect(calls).toBe(4);
  });
});

describe('task-events Lambda', () => {
  const event = (generation: number, stoppedReason: string, exitCode?: number, taskId = 0) => ({
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    detail: {
      taskArn: 'arn:aws:ecs:eu-west-1:1:task/cluster/abc',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      startedBy: 'serverless-kafka-connect',
      stoppedReason,
      startedAt: '2026-01-01T00:00:00.000Z',
      stoppedAt: '2026-01-01T00:05:00.000Z',
      containers: [
        {
          name: 'task-runner',
          ...(exitCode === undefined ? {} : { exitCode }),
          reason: 'OutOfMemoryError: Container killed due to memory usage',
        },
      ],
      overrides: {
        containerOverrides: [
          {
            name: 'task-runner',
            environment: [
              { name: 'SKC_CONNECTOR', value: 'a' },
              { name: 'SKC_TASK_ID', value: String(taskId) },
              { name: 'SKC_GENERATION', value: String(generation) },
            ],
          },
        ],
      },
    },
  });

  it('shows an unplanned stop as FAILED at once, emits a metric and reconciles', async () => {
    const t = setup();
    await t.configStore.create('a', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    await t.reconciler.reconcile('a');
    const lines: string[] = [];
    const result = await handleTaskEvent(event(1, 'Essential container in task exited', 137), {
      configStore: t.configStore,
      statusStore: t.statusStore,
      emit: (line) => lines.push(line),
    });
    expect(result.verdict).toBe('failure');
    const status = await t.statusStore.getTask('a', 0);
    expect(status?.state).toBe('FAILED');
    expect(status?.trace).toContain('exit code 137 (Essential container in task exited; OutOfMemoryError');
    expect(JSON.parse(lines[0]!)).toMatchObject({ Connector: 'a', TaskFailures: 1 });
    expect(JSON.parse(taskFailureMetric('x', 5))._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'TaskFailures', Unit: 'Count' },
    ]);
  });

  it('ignores planned stops, superseded generations and foreign events', async () => {
    const t = setup();
    await t.configStore.create('a', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    await t.reconciler.reconcile('a');
    const deps = { configStore: t.configStore, statusStore: t.statusStore, emit: () => undefined };
    expect((await handleTaskEvent(event(1, 'Stopped by reconciler: connector deleted', 0), deps)).verdict).toBe(
      'planned',
    );
    expect((await handleTaskEvent(event(0, 'Essential container in task exited', 1), deps)).verdict).toBe('superseded');
    expect((await handleTaskEvent({ 'detail-type': 'Scheduled Event', detail: {} }, deps)).verdict).toBe('ignored');
    expect((await t.statusStore.getTask('a', 0))?.state).toBe('UNASSIGNED');
  });

  it('counts a connector task’s crash as a failure without writing a task status (it has none)', async () => {
    const t = setup();
    await t.configStore.create('a', { 'connector.class': 'PartitionedSource', 'tasks.max': '1' }, 'STARTED');
    await t.reconciler.reconcile('a');
    const deps = { configStore: t.configStore, statusStore: t.statusStore, emit: () => undefined };
    const crashed = event(1, 'Essential container in task exited', 137, -1);
    expect((await handleTaskEvent(crashed, deps)).verdict).toBe('failure');
    expect((await handleTaskEvent(event(1, 'Essential container in task exited', 0, -1), deps)).verdict).toBe(
      'clean-exit',
    );
    expect((await t.statusStore.listTasks('a')).map((s) => s.id)).toEqual([0]);
  });
});
