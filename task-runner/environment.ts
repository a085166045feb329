/**
 * The task-runner's environment: who am I (connector, task id, generation: set by the launcher, ECS container
 * overrides or the local process launcher alike) plus the shared contract (stores, Kafka, worker properties).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { commonEnvSchema, parseEnv } from '../composition/env';

export const taskRunnerEnvSchema = commonEnvSchema.extend({
  SKC_CONNECTOR: z.string().min(1),
  /** -1: the connector task of a Java connector (task-runner/connector-task.ts) */
  SKC_TASK_ID: z.coerce.number().int().min(-1),
  SKC_GENERATION: z.coerce.number().int().nonnegative(),
  SKC_WORKER_ID: z.string().min(1).optional(),
  /** CloudWatch namespace of the task's metrics (EMF lines on stdout); unset: no EMF (local runs) */
  SKC_METRICS_NAMESPACE: z.string().min(1).optional(),
  /** how often the `/admin/loggers` levels are read (default 10 s with DynamoDB, 1 s with the local store) */
  SKC_LOG_LEVELS_REFRESH_MS: z.coerce.number().int().positive().optional(),
  /** ECS sets this in every container; its task id is the natural worker id on Fargate */
  ECS_CONTAINER_METADATA_URI_V4: z.string().optional(),
});
export type TaskRunnerEnv = z.output<typeof taskRunnerEnvSchema>;

export function taskRunnerEnv(env: NodeJS.ProcessEnv = process.env): TaskRunnerEnv {
  const parsed = parseEnv(taskRunnerEnvSchema, env);
  if (parsed.SKC_STORE === 'memory') {
    throw new Error(
      'Invalid environment: SKC_STORE: a task-runner needs a shared store (dynamodb or local), not memory',
    );
  }
  if (!parsed.SKC_BOOTSTRAP_SERVERS && !parsed.SKC_WORKER_CONFIG['bootstrap.servers']) {
    throw new Error('Invalid environment: SKC_BOOTSTRAP_SERVERS: required by a task-runner');
  }
  return parsed;
}

/**
 * `worker_id` in status: SKC_WORKER_ID, else the ECS task id (last segment of the metadata URI, which ends with
 * `<task id>-<number>`), else `hostname:pid`.
 */
export function workerIdOf(env: TaskRunnerEnv, pid = process.pid): string {
  if (env.SKC_WORKER_ID) return env.SKC_WORKER_ID;
  const metadata = env.ECS_CONTAINER_METADATA_URI_V4?.split('/').pop();
  if (metadata) return metadata.replace(/-\d+$/, '');
  return `${hostname()}:${pid}`;
}
