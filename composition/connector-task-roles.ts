/** Per-connector task roles from the environment: IAM directly (the connector-roles Lambda, tests) or through that Lambda (the reconciler). */
import { IamConnectorTaskRoles } from '../lib/adapters/iam/connector-task-roles';
import { createIamClient } from '../lib/adapters/iam/iam-client';
import { LambdaConnectorTaskRoles } from '../lib/adapters/lambda/connector-task-roles-client';
import { createLambdaClient } from '../lib/adapters/lambda/lambda-client';

type Env = Readonly<Record<string, unknown>>;
const str = (env: Env, key: string): string | undefined => (typeof env[key] === 'string' ? env[key] : undefined);

/** IAM directly; undefined when per-connector roles are not configured. All of path, boundary and table, or none. */
export function connectorTaskRolesFromEnv(env: Env): IamConnectorTaskRoles | undefined {
  const path = str(env, 'SKC_TASK_ROLE_PATH');
  const boundary = str(env, 'SKC_TASK_ROLE_BOUNDARY');
  const tableArn = str(env, 'SKC_TABLE_ARN');
  if (path === undefined && boundary === undefined) return undefined;
  if (!path || !boundary || !tableArn) {
    throw new Error(
      'Invalid environment: SKC_TASK_ROLE_PATH, SKC_TASK_ROLE_BOUNDARY and SKC_TABLE_ARN go together (per-connector task roles)',
    );
  }
  return new IamConnectorTaskRoles({
    client: createIamClient(str(env, 'SKC_IAM_ENDPOINT')),
    path,
    permissionsBoundary: boundary,
    sharedPolicyArn: str(env, 'SKC_TASK_ROLE_POLICY'),
    tableArn,
  });
}

/** The reconciler's view: through the connector-roles Lambda when `SKC_TASK_ROLE_FUNCTION` names it, else IAM directly. */
export function reconcilerTaskRoles(env: Env): IamConnectorTaskRoles | LambdaConnectorTaskRoles | undefined {
  const fn = str(env, 'SKC_TASK_ROLE_FUNCTION');
  if (fn) return new LambdaConnectorTaskRoles(createLambdaClient(str(env, 'SKC_LAMBDA_ENDPOINT')), fn);
  return connectorTaskRolesFromEnv(env);
}
