/**
 * The task-events Lambda: ECS "Task State Change" events of our task-runner containers. When one stops
 * unplanned, its task status shows FAILED with the exit code and reason at once, and an EMF metric
 * `TaskFailures` (namespace ServerlessKafkaConnect, dimension Connector) is emitted. The relaunch is the
 * reconciler's: in the stack it receives the same STOPPED events (and reconciles that connector at once); this
 * function only reconciles itself when given the reconciler's RunTask settings (SKC_TASK_DEFINITION …).
 */
import { ecsTaskStateChange, instanceOfEvent } from '../../lib/adapters/ecs/task-state-change';
import { recordInstanceStopped } from '../../lib/scheduler/instance-events';
import type { StopVerdict } from '../../lib/scheduler/instance-events';
import type { Reconciler } from '../../lib/scheduler/reconciler';
import type { ConfigStore, StatusStore } from '../../lib/storage/ports';

export { instanceOfEvent };
export type { EcsTaskStateChange } from '../../lib/adapters/ecs/task-state-change';
import { commonEnvSchema, ecsEnvSchema, parseEnv } from '../../composition/env';
import { createEcsLauncher } from '../../composition/ecs';
import { createLogger, withLogKeys } from '../../composition/logger';
import { createReconciler } from '../../composition/reconciler';
import { createStores } from '../../composition/stores';

/** exported for tests: its lines carry the stopped task's connector, taskId and generation */
export const logger = createLogger('skc-task-events');

/** CloudWatch embedded metric format: one log line becomes a metric, no API call. */
export function taskFailureMetric(connector: string, now = Date.now()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: 'ServerlessKafkaConnect',
          Dimensions: [['Connector']],
          Metrics: [{ Name: 'TaskFailures', Unit: 'Count' }],
        },
      ],
    },
    Connector: connector,
    TaskFailures: 1,
  });
}

export interface TaskEventDeps {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly reconciler?: Reconciler;
  readonly emit?: (line: string) => void;
}

export async function handleTaskEvent(
  event: unknown,
  deps: TaskEventDeps,
): Promise<{ verdict: StopVerdict | 'ignored' }> {
  const parsed = ecsTaskStateChange.safeParse(event);
  if (!parsed.success) return { verdict: 'ignored' };
  const instance = instanceOfEvent(parsed.data);
  if (!instance || instance.state !== 'STOPPED') return { verdict: 'ignored' };
  const keys = { connector: instance.connector, taskId: instance.taskId, generation: instance.generation };
  return withLogKeys(logger, keys, () => recordStop(instance, deps));
}

async function recordStop(
  instance: NonNullable<ReturnType<typeof instanceOfEvent>>,
  deps: TaskEventDeps,
): Promise<{ verdict: StopVerdict | 'ignored' }> {
  const verdict = await recordInstanceStopped(deps, instance);
  if (verdict === 'failure')
    (deps.emit ?? ((line) => process.stdout.write(`${line}\n`)))(taskFailureMetric(instance.connector));
  logger.info('task instance stopped', {
    verdict,
    reason: instance.stoppedReason,
  });
  if (verdict !== 'planned' && deps.reconciler) await deps.reconciler.reconcile(instance.connector);
  return { verdict };
}

let deps: Promise<TaskEventDeps> | undefined;
const load = (): Promise<TaskEventDeps> =>
  (deps ??= (async () => {
    const env = parseEnv(commonEnvSchema, process.env);
    const stores = await createStores(env);
    const ecs = ecsEnvSchema.safeParse(process.env);
    const reconciler = ecs.success ? await createReconciler(env, stores, createEcsLauncher(ecs.data)) : undefined;
    return { ...stores, ...(reconciler ? { reconciler } : {}) };
  })().catch((error: unknown) => {
    deps = undefined;
    throw error;
  }));

export const handler = async (event: unknown): Promise<{ verdict: StopVerdict | 'ignored' }> =>
  handleTaskEvent(event, await load());
