/**
 * The environment contract of every composition root (docs/environment.md), parsed with zod. A missing or
 * malformed variable fails at start with its name.
 */
import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const workerConfigJson = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (!s) return {} as Record<string, string>;
    try {
      return z.record(z.string(), z.coerce.string()).parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings' });
      return z.NEVER;
    }
  });

/** Stores, Kafka and plugins: what the reconciler, the task-runner and the local stack share with the API. */
export const commonEnvSchema = z.object({
  SKC_STORE: z.enum(['dynamodb', 'local', 'memory']).default('memory'),
  SKC_TABLE_NAME: z.string().min(1).optional(),
  SKC_STATE_DIR: z.string().min(1).optional(),
  SKC_DYNAMODB_ENDPOINT: z.string().url().optional(),
  SKC_BOOTSTRAP_SERVERS: z.string().min(1).optional(),
  SKC_WORKER_CONFIG: workerConfigJson,
  SKC_KAFKA_AUTH: z.enum(['none', 'tls', 'sasl-scram-512', 'sasl-scram-256', 'msk-iam']).default('none'),
  SKC_KAFKA_SECRET_ARN: z.string().optional(),
  SKC_PLUGIN_PATH: csv,
  LOG_LEVEL: z.string().optional(),
});
export type CommonEnv = z.output<typeof commonEnvSchema>;

/** RunTask settings of the reconciler (ECS launcher). */
export const ecsEnvSchema = z.object({
  SKC_ECS_CLUSTER: z.string().min(1),
  SKC_TASK_DEFINITION: z.string().min(1),
  SKC_CONTAINER_NAME: z.string().min(1).default('task-runner'),
  SKC_SUBNETS: csv.refine((s) => s.length > 0, 'at least one subnet is required'),
  SKC_SECURITY_GROUPS: csv,
  SKC_ASSIGN_PUBLIC_IP: z.enum(['ENABLED', 'DISABLED']).default('DISABLED'),
  SKC_CAPACITY_PROVIDER: z.enum(['FARGATE', 'FARGATE_SPOT']).default('FARGATE'),
  SKC_ECS_ENDPOINT: z.string().url().optional(),
  SKC_STARTED_BY: z.string().min(1).max(36).optional(),
  // Per-connector task roles (docs/security.md): all three or none.
  SKC_TASK_ROLE_PATH: z.string().min(1).optional(),
  SKC_TASK_ROLE_BOUNDARY: z.string().min(1).optional(),
  SKC_TASK_ROLE_POLICY: z.string().min(1).optional(),
  SKC_TABLE_ARN: z.string().min(1).optional(),
  SKC_IAM_ENDPOINT: z.string().url().optional(),
  SKC_TASK_ROLE_FUNCTION: z.string().min(1).optional(),
  SKC_LAMBDA_ENDPOINT: z.string().url().optional(),
});
export type EcsEnv = z.output<typeof ecsEnvSchema>;

/** Store requirements that zod's object shape cannot express. */
function checkStore(env: CommonEnv): string[] {
  const problems: string[] = [];
  if (env.SKC_STORE === 'dynamodb' && !env.SKC_TABLE_NAME)
    problems.push('SKC_TABLE_NAME: required with SKC_STORE=dynamodb');
  if (env.SKC_STORE === 'local' && !env.SKC_STATE_DIR) problems.push('SKC_STATE_DIR: required with SKC_STORE=local');
  return problems;
}

/** Parse `env` with `schema`; throws one error naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (parsed.success && typeof parsed.data === 'object' && parsed.data !== null && 'SKC_STORE' in parsed.data) {
    problems.push(...checkStore(parsed.data as unknown as CommonEnv));
  }
  if (problems.length > 0) throw new Error(`Invalid environment: ${problems.join('; ')}`);
  return (parsed as { data: z.output<S> }).data;
}
