/**
 * The task-events Lambda: ECS "Task State Change" events of our task-runner containers. When one stops
 * unplanned, its task status shows FAILED with the exit code and reason at once, and an EMF metric
 * `TaskFailures` (namespace ServerlessKafkaConnect, dimension Connector) is emitted. When the function also has
 * the reconciler's RunTask settings (SKC_TASK_DEFINITION …), it reconciles that connector right away;
 * otherwise the reconciler's schedule relaunches the task.
 */
import { z } from 'zod';
import { ENV_CONNECTOR, ENV_GENERATION, ENV_TASK_ID, instanceState } from '../../lib/adapters/ecs/ecs-task-launcher';
import { recordInstanceStopped } from '../../lib/scheduler/instance-events';
import type { StopVerdict } from '../../lib/scheduler/instance-events';
import type { Reconciler } from '../../lib/scheduler/reconciler';
import type { ConfigStore, StatusStore, TaskInstance } from '../../lib/storage/ports';
import { commonEnvSchema, ecsEnvSchema, parseEnv } from '../shared/env';
import { createEcsLauncher } from '../shared/ecs';
import { createLogger } from '../shared/logger';
import { createReconciler } from '../shared/reconciler';
import { createStores } from '../shared/stores';

const logger = createLogger('skc-task-events');

const ecsTaskStateChange = z.object({
  'detail-type': z.literal('ECS Task State Change'),
  detail: z.object({
    taskArn: z.string(),
    lastStatus: z.string(),
    desiredStatus: z.string().optional(),
    startedBy: z.string().optional(),
    stoppedReason: z.string().optional(),
    startedAt: z.string().optional(),
    createdAt: z.string().optional(),
    stoppedAt: z.string().optional(),
    containers: z
      .array(z.object({ name: z.string().optional(), exitCode: z.number().optional(), reason: z.string().optional() }))
      .default([]),
    overrides: z
      .object({
        containerOverrides: z
          .array(
            z.object({
              name: z.string().optional(),
              environment: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
            }),
          )
          .default([]),
      })
      .optional(),
  }),
});
export type EcsTaskStateChange = z.infer<typeof ecsTaskStateChange>;

/** The event as a TaskInstance, if it is one of ours (identity in the container environment). */
export function instanceOfEvent(event: EcsTaskStateChange, containerName = 'task-runner'): TaskInstance | undefined {
  const d = event.detail;
  const env = new Map(
    (d.overrides?.containerOverrides ?? [])
      .filter((c) => c.name === containerName)
      .flatMap((c) => c.environment)
      .map((e) => [e.name, e.value]),
  );
  const connector = env.get(ENV_CONNECTOR);
  const taskId = Number(env.get(ENV_TASK_ID));
  const generation = Number(env.get(ENV_GENERATION));
  if (connector === undefined || !Number.isInteger(taskId) || !Number.isInteger(generation)) return undefined;
  const container = d.containers.find((c) => c.name === containerName) ?? d.containers[0];
  const state = instanceState(d);
  const reason = [d.stoppedReason, container?.reason].filter(Boolean).join('; ');
  const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
  const startedAt = time(d.startedAt) ?? time(d.createdAt) ?? Date.now();
  return {
    instanceId: d.taskArn,
    connector,
    taskId,
    generation,
    state,
    startedAt,
    ...(state === 'STOPPED'
      ? { stoppedAt: time(d.stoppedAt) ?? Date.now(), exitCode: container?.exitCode ?? null }
      : {}),
    ...(reason ? { stoppedReason: reason } : {}),
  };
}

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
  const verdict = await recordInstanceStopped(deps, instance);
  if (verdict === 'failure')
    (deps.emit ?? ((line) => process.stdout.write(`${line}\n`)))(taskFailureMetric(instance.connector));
  logger.info('task instance stopped', {
    connector: instance.connector,
    taskId: instance.taskId,
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
