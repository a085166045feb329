/**
 * What the tasks' config providers may read (`${secretsmanager:…}`, `${ssm:…}`, docs/security.md): exactly the
 * secrets and parameters named by the construct's `taskSecretArns` / `taskParameterNames`, granted to the
 * connector task roles (their shared policy) and to nobody else. Default: none. The providers call only
 * `secretsmanager:GetSecretValue` and `ssm:GetParameter` (lib/adapters/secrets-manager, lib/adapters/ssm).
 */
import { Arn } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface TaskSecrets {
  /** Complete ARNs of Secrets Manager secrets (with their 6-character suffix). */
  readonly secretArns?: readonly string[] | undefined;
  /** SSM parameter names (`/connect/db-password`), or a path's parameters (`/connect/*`). */
  readonly parameterNames?: readonly string[] | undefined;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const PARAMETER_NAME = /^\/?[\w.\-/]+(\/\*)?$/;

export function validateTaskSecrets(secrets: TaskSecrets): void {
  for (const arn of secrets.secretArns ?? []) {
    if (!SECRET_ARN.test(arn)) throw new Error(`taskSecretArns: not a complete Secrets Manager secret ARN: ${arn}`);
  }
  for (const name of secrets.parameterNames ?? []) {
    if (!PARAMETER_NAME.test(name) || name === '/*' || name.includes('//')) {
      throw new Error(`taskParameterNames: not an SSM parameter name or path/*: ${name}`);
    }
  }
}

/** Grant GetSecretValue / GetParameter on exactly the given secrets and parameters; nothing when there are none. */
export function grantTaskSecrets(
  stack: Stack,
  grantee: iam.IGrantable,
  secrets: TaskSecrets,
  suppressOn: IConstruct[],
): void {
  validateTaskSecrets(secrets);
  const secretArns = [...(secrets.secretArns ?? [])];
  if (secretArns.length > 0) {
    iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: secretArns });
  }
  const names = [...(secrets.parameterNames ?? [])];
  if (names.length === 0) return;
  // A parameter's ARN is `parameter` + its name when the name starts with `/`, else `parameter/` + name.
  const parameterArn = (name: string): string =>
    Arn.format({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }, stack);
  iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: names.map(parameterArn) });
  if (names.some((n) => n.endsWith('/*'))) {
    NagSuppressions.addResourceSuppressions(
      suppressOn,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Config providers: the SSM parameters under the paths named in taskParameterNames (path/*), as the deployer chose; no other parameter.',
          appliesTo: [
            { regex: '/^Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter\\/.+\\/\\*$/' },
          ],
        },
      ],
      true,
    );
  }
}
