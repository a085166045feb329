import { Aws, Fn, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The concern "who a task is in AWS": every connector's tasks run with a task role of their own, created by the
 * reconciler (lib/adapters/iam/connector-task-roles.ts) on the connector's first launch, deleted with the
 * connector, and passed to `RunTask` as `overrides.taskRoleArn`. Here the stack provides:
 *
 * - the **path** of those roles, unique to this deployment (`/serverless-kafka-connect/<construct>/<stack GUID>/`);
 * - the **permissions boundary** every one of them must carry: the union of what any task may do (the table's
 *   connector and status partitions by prefix, plus the shared grants), so the reconciler cannot create a role
 *   stronger than a task's, whatever inline policy it writes;
 * - the **shared task policy** attached to every connector role: what all tasks need alike (Kafka, S3 sink
 *   buckets, config-provider secrets, a customer table key). The per-connector part (own partitions only, by
 *   exact `dynamodb:LeadingKeys`) is the inline policy the reconciler writes;
 * - the grants of the connector-roles Lambda (lambdas/connector-roles, outside the VPC: IAM has no interface
 *   endpoint outside us-east-1): create/update/delete roles on that path only, with that boundary only, attach
 *   only the shared policy; and the reconciler's: invoke that function, pass roles of that path to ECS tasks.
 */
export class ConnectorTaskRoles {
  /** IAM path of the connector roles (`/…/`); a token (it holds the stack's GUID). */
  public readonly path: string;
  public readonly boundary: iam.ManagedPolicy;
  public readonly sharedPolicy: iam.ManagedPolicy;
  /** What every task may do: granted by the shared policy, allowed by the boundary. */
  public readonly tasks: iam.IGrantable;
  /** What the boundary allows but only a connector role's own inline policy grants (its table partitions). */
  public readonly boundaryOnly: iam.IGrantable;
  private readonly rolesArn: string;

  constructor(scope: Construct, tableArn: string) {
    const stack = Stack.of(scope);
    // Role names are unique per account (whatever the path): the GUID of the stack's id keeps two deployments,
    // or one stack deployed in two regions, apart; the construct id keeps two constructs of one stack apart.
    const stackGuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    this.path = `/serverless-kafka-connect/${Names.uniqueId(scope).slice(-64)}/${stackGuid}/`;
    this.rolesArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${this.path}*`;
    this.boundary = new iam.ManagedPolicy(scope, 'ConnectorTaskBoundary', {
      description: 'Permissions boundary of every per-connector task role: no task may do more',
    });
    this.sharedPolicy = new iam.ManagedPolicy(scope, 'ConnectorTaskPolicy', {
      description: 'What every connector task needs alike (Kafka, S3 sink buckets, secrets)',
    });
    // Whatever a later grant or a wider boundary might allow, a task never scans, deletes, batches or transacts on
    // the table: those requests name no (or many) partitions, which a LeadingKeys condition cannot confine.
    this.sharedPolicy.addStatements(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: TABLE_ACTIONS_NO_TASK_NEEDS,
        resources: [tableArn, `${tableArn}/index/*`],
      }),
    );
    this.tasks = new PoliciesPrincipal(stack, [this.sharedPolicy, this.boundary], this.rolesArn);
    this.boundaryOnly = new PoliciesPrincipal(stack, [this.boundary], this.rolesArn);
  }

  /** The connector-roles Lambda's environment (composition/connector-task-roles.ts). */
  environment(tableArn: string): Record<string, string> {
    return {
      SKC_TASK_ROLE_PATH: this.path,
      SKC_TASK_ROLE_BOUNDARY: this.boundary.managedPolicyArn,
      SKC_TASK_ROLE_POLICY: this.sharedPolicy.managedPolicyArn,
      SKC_TABLE_ARN: tableArn,
    };
  }

  /**
   * The connector-roles Lambda manages connector roles: only on this path, only with this boundary (which it can
   * neither remove nor replace), attaching only the shared policy.
   */
  grantManage(grantee: iam.IGrantable): void {
    const boundary = { StringEquals: { 'iam:PermissionsBoundary': this.boundary.managedPolicyArn } };
    iam.Grant.addToPrincipal({
      grantee,
      // iam:PermissionsBoundary is evaluated for exactly these actions: each needs the role to carry ours.
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy'],
      resourceArns: [this.rolesArn],
      conditions: boundary,
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:AttachRolePolicy'],
      resourceArns: [this.rolesArn],
      conditions: { ...boundary, ArnEquals: { 'iam:PolicyARN': this.sharedPolicy.managedPolicyArn } },
    });
    // Not conditionable on the boundary; on this path they read, tag (at creation) or delete our own roles only.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:GetRole', 'iam:TagRole', 'iam:DeleteRole'],
      resourceArns: [this.rolesArn],
    });
  }

  /** The reconciler passes connector roles (this path only) to ECS tasks only. */
  grantPass(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.rolesArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  }
}

/** DynamoDB actions no task makes (a task reads and writes single items: GetItem, Query, PutItem, UpdateItem). */
export const TABLE_ACTIONS_NO_TASK_NEEDS = [
  'dynamodb:Scan',
  'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactGetItems',
  'dynamodb:TransactWriteItems',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
];

/**
 * A grantee whose grants land in managed policies (CDK grants want a principal; a managed policy is not one). In a
 * resource policy (a grant on a resource of another account) it stands for the connector roles of this
 * deployment: the account, restricted to role ARNs on their path.
 */
class PoliciesPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction = 'sts:AssumeRole';
  public readonly principalAccount: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;

  constructor(
    stack: Stack,
    private readonly policies: iam.ManagedPolicy[],
    rolesArn: string,
  ) {
    this.principalAccount = stack.account;
    this.policyFragment = new iam.PrincipalPolicyFragment(
      { AWS: [`arn:${Aws.PARTITION}:iam::${stack.account}:root`] },
      { ArnLike: { 'aws:PrincipalArn': rolesArn } },
    );
  }

  addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    for (const policy of this.policies) policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policies[0]! };
  }
}
