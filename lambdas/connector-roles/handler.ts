/**
 * The connector-roles Lambda: the only holder of the IAM permissions that create and delete per-connector task
 * roles (docs/security.md). The reconciler, which runs connector code (`taskConfigs()`) inside the VPC, cannot
 * reach IAM there (IAM has interface endpoints in us-east-1 only) and should not hold IAM write permissions
 * anyway: it invokes this function, outside the VPC, with a fixed request: `{op: 'roleFor' | 'remove',
 * connector}`. What a role may do is fixed here (lib/adapters/iam/connector-task-roles.ts), not by the caller.
 */
import { connectorTaskRolesFromEnv } from '../../composition/connector-task-roles';
import { createLogger } from '../../composition/logger';
import type { IamConnectorTaskRoles } from '../../lib/adapters/iam/connector-task-roles';

const logger = createLogger('skc-connector-roles');

export interface ConnectorRolesRequest {
  readonly op: 'roleFor' | 'remove';
  readonly connector: string;
}

let roles: IamConnectorTaskRoles | undefined;

export async function handleConnectorRoles(
  event: unknown,
  taskRoles: IamConnectorTaskRoles,
): Promise<{ arn?: string; createdAt?: number }> {
  const request = event as Partial<ConnectorRolesRequest> | null;
  if (typeof request?.connector !== 'string' || request.connector.length === 0) {
    throw new Error('connector-roles: a request needs a connector name');
  }
  if (request.op === 'remove') {
    await taskRoles.remove(request.connector);
    logger.info('connector role removed', { connector: request.connector });
    return {};
  }
  if (request.op !== 'roleFor') throw new Error(`connector-roles: unknown op ${String(request.op)}`);
  const role = await taskRoles.roleFor(request.connector);
  if (role.createdAt !== undefined) logger.info('connector role created', { connector: request.connector });
  return { arn: role.arn, ...(role.createdAt !== undefined ? { createdAt: role.createdAt } : {}) };
}

export const handler = async (event: unknown): Promise<{ arn?: string; createdAt?: number }> => {
  roles ??= connectorTaskRolesFromEnv(process.env);
  if (!roles)
    throw new Error('connector-roles: SKC_TASK_ROLE_PATH, SKC_TASK_ROLE_BOUNDARY and SKC_TABLE_ARN are required');
  return handleConnectorRoles(event, roles);
};
