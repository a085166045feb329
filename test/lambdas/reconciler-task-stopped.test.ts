import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { connectorsOfEvent, handleReconcileEvent } from '../../lambdas/reconciler/handler';
import { FakeTaskLauncher, testPlugins } from '../scheduler/fakes';

/** An EventBridge "ECS Task State Change" of one of our task-runner containers. */
const taskStopped = (connector: string, taskId: number, lastStatus = 'STOPPED') => ({
  'detail-type': 'ECS Task State Change',
  source: 'aws.ecs',
  detail: {
    taskArn: `arn:aws:ecs:eu-west-1:1:task/cluster/${connector}-${taskId}`,
    lastStatus,
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'task-runner', exitCode: 137 }],
    overrides: {
      containerOverrides: [
        {
          name: 'task-runner',
          environment: [
            { name: 'SKC_CONNECTOR', value: connector },
            { name: 'SKC_TASK_ID', value: String(taskId) },
            { name: 'SKC_GENERATION', value: '1' },
          ],
        },
      ],
    },
  },
});

/** What the SQS event source hands the reconciler: EventBridge events as message bodies. */
const sqsBatch = (...bodies: unknown[]) => ({
  Records: bodies.map((body, i) => ({
    messageId: String(i),
    eventSource: 'aws:sqs',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })),
});

describe('reconciler Lambda on ECS task stops', () => {
  it('names the connectors of stopped tasks of ours, once each, from a queue batch or a direct event', () => {
    expect(connectorsOfEvent(sqsBatch(taskStopped('b', 0), taskStopped('a', 1), taskStopped('b', 1)))).toEqual([
      'a',
      'b',
    ]);
    expect(connectorsOfEvent(taskStopped('a', 0))).toEqual(['a']);
  });

  it('ignores running tasks, tasks without our identity and unreadable bodies, without reconciling everything', () => {
    const foreign = { ...taskStopped('a', 0), detail: { ...taskStopped('a', 0).detail, overrides: undefined } };
    expect(connectorsOfEvent(sqsBatch(taskStopped('a', 0, 'RUNNING'), foreign, '{not json'))).toEqual([]);
    expect(connectorsOfEvent(foreign)).toEqual([]);
    // The schedule's event still means "all".
    expect(connectorsOfEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).toBeUndefined();
  });

  it('relaunches the task of a crashed instance in the same invocation, once the backoff has passed', async () => {
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const launcher = new FakeTaskLauncher();
    const reconciler = new Reconciler({ configStore, statusStore, launcher, plugins: testPlugins });
    const config = {
      'connector.class': 'PartitionedSource',
      'tasks.max': '2',
      'task.restart.backoff.initial.ms': '50',
    };
    await configStore.create('crashy', config, 'STARTED');
    await reconciler.reconcile('crashy');
    const [victim, survivor] = launcher.live('crashy');
    launcher.exit(victim!.instanceId, 137, 'SIGKILL');
    expect(launcher.live('crashy')).toHaveLength(1);

    const result = await handleReconcileEvent(
      sqsBatch(taskStopped('crashy', victim!.taskId)),
      reconciler,
      () => 60_000,
    );

    expect(result).toEqual({ reconciled: ['crashy'] });
    const live = launcher.live('crashy');
    expect(live.map((i) => i.taskId).sort()).toEqual([0, 1]);
    expect(live.map((i) => i.instanceId)).toContain(survivor!.instanceId);
    expect(live.map((i) => i.instanceId)).not.toContain(victim!.instanceId);
  });
});
