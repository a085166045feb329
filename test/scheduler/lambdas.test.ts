import type { DynamoDBStreamEvent } from 'aws-lambda';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
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
  it('picks connectors from STATE and list-index items, ignoring status and task-config chunk items', () => {
    const event = {
      Records: [
        streamRecord('CONNECTOR#a', 'STATE'),
        streamRecord('CONNECTORS', 'b'),
        streamRecord('STATUS#c', 'TASK#0'),
        streamRecord('CONNECTOR#d', 'TASKCONFIGS#000000000003#0000'),
        streamRecord('CONNECTOR#a', 'STATE'),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(connectorsInStreamEvent(event)).toEqual(['a', 'b']);
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

describe('task-events Lambda', () => {
  const event = (generation: number, stoppedReason: string, exitCode?: number) => ({
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
              { name: 'SKC_TASK_ID', value: '0' },
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
});
