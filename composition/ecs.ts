/** The ECS TaskLauncher from the reconciler's environment, with per-connector task roles when configured. */
import { createEcsClient } from '../lib/adapters/ecs/ecs-client';
import { EcsTaskLauncher } from '../lib/adapters/ecs/ecs-task-launcher';
import { reconcilerTaskRoles } from './connector-task-roles';
import type { EcsEnv } from './env';

export function createEcsLauncher(env: EcsEnv, environment: Readonly<Record<string, string>> = {}): EcsTaskLauncher {
  const client = createEcsClient(env.SKC_ECS_ENDPOINT);
  const taskRoles = reconcilerTaskRoles(env);
  return new EcsTaskLauncher({
    client,
    cluster: env.SKC_ECS_CLUSTER,
    taskDefinition: env.SKC_TASK_DEFINITION,
    containerName: env.SKC_CONTAINER_NAME,
    subnets: env.SKC_SUBNETS,
    securityGroups: env.SKC_SECURITY_GROUPS,
    assignPublicIp: env.SKC_ASSIGN_PUBLIC_IP,
    capacityProvider: env.SKC_CAPACITY_PROVIDER,
    ...(env.SKC_STARTED_BY ? { startedBy: env.SKC_STARTED_BY } : {}),
    environment,
    ...(taskRoles ? { taskRoles } : {}),
  });
}
