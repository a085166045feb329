/**
 * ECS "Task State Change" events (EventBridge) as TaskInstances: our task-runner containers carry their identity
 * (connector, task id, generation) in the container overrides' environment, so an event names its task without an
 * ECS call. Used by the task-events Lambda (status at once) and the reconciler Lambda (relaunch at once).
 */
import { z } from 'zod';
import type { TaskInstance } from '../../storage/ports';
import { taskInstanceOf } from './ecs-task-launcher';

export const ECS_TASK_STATE_CHANGE = 'ECS Task State Change';

export const ecsTaskStateChange = z.object({
  'detail-type': z.literal(ECS_TASK_STATE_CHANGE),
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
  const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
  return taskInstanceOf(
    {
      ...d,
      startedAt: time(d.startedAt) ?? time(d.createdAt) ?? Date.now(),
      stoppedAt: time(d.stoppedAt) ?? Date.now(),
      containerOverrides: d.overrides?.containerOverrides ?? [],
    },
    containerName,
  );
}

/** The event as one of our TaskInstances; undefined for anything else (another shape, a foreign task). */
export function instanceOfTaskStateChange(event: unknown, containerName = 'task-runner'): TaskInstance | undefined {
  const parsed = ecsTaskStateChange.safeParse(event);
  return parsed.success ? instanceOfEvent(parsed.data, containerName) : undefined;
}
