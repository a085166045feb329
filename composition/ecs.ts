/** The ECS TaskLauncher from the reconciler's environment, with per-connector task roles when configured. */
import { createEcsClient } from '../lib/adapters/ecs/ecs-client';
import { EcsTaskLauncher } from '../lib/adapters/ecs/ecs-task-launcher';
import { IamConnectorTaskRoles } from '../lib/adapters/iam/connector-task-roles';
import { createIamClient } from '../lib/adapters/iam/iam-client';
import type { EcsEnv } from './env';

export function createEcsLauncher(env: EcsEnv, environment: Readonly<Record<string, string>> = {}): EcsTaskLauncher {
  const client = createEcsClient(env.SKC_ECS_ENDPOINT);
  const taskRoles = taskRolesOf(env);
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

/** Per-connector task roles: all of path, boundary and table ARN, or none (a half-configured set is an error). */
function taskRolesOf(env: EcsEnv): IamConnectorTaskRoles | undefined {
  const { SKC_TASK_ROLE_PATH: path, SKC_TASK_ROLE_BOUNDARY: boundary, SKC_TABLE_ARN: tableArn } = env;
  if (path === undefined && boundary === undefined) return undefined;
  if (!path || !boundary || !tableArn) {
    throw new Error(
      'Invalid environment: SKC_TASK_ROLE_PATH, SKC_TASK_ROLE_BOUNDARY and SKC_TABLE_ARN go together (per-connector task roles)',
    );
  }
  return new IamConnectorTaskRoles({
    client: createIamClient(env.SKC_IAM_ENDPOINT),
    path,
    permissionsBoundary: boundary,
    sharedPolicyArn: env.SKC_TASK_ROLE_POLICY,
    tableArn,
  });
}
