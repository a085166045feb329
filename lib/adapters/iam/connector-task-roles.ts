/**
 * Per-connector ECS task roles (docs/security.md, "Per-connector isolation"). Every connector's tasks run with a
 * role of their own, created here by the reconciler on the connector's first launch and deleted once the
 * connector is deleted and its tasks are gone. The role:
 *
 * - lives under a path of this deployment (`SKC_TASK_ROLE_PATH`) and carries the deployment's permissions
 *   boundary (`SKC_TASK_ROLE_BOUNDARY`): the reconciler's own IAM grants allow creating and changing roles only
 *   there and only with that boundary, so it cannot mint a role stronger than any task's;
 * - trusts ECS tasks of this account only (`aws:SourceAccount`, confused-deputy guard);
 * - has one inline policy limiting DynamoDB to this connector's partitions by their exact keys
 *   (`dynamodb:LeadingKeys`): GetItem/Query of `CONNECTOR#<name>` and `STATUS#<name>`, PutItem/UpdateItem of
 *   `STATUS#<name>` (what a task reads and writes: lib/runtime/task-instance.ts, task-supervisor.ts; the connector
 *   task of a Java connector writes its connector status and its task-config request there too,
 *   lib/runtime/connector-task.ts: IAM's LeadingKeys cannot tell sort keys apart, so an item in `CONNECTOR#<name>`
 *   would have needed writes of its `STATE`, the connector's own config), and GetItem
 *   of the worker-level `WORKER` item (the `/admin/loggers` levels). A prefix
 *   condition (`CONNECTOR#orders*`) would also match `CONNECTOR#orders2`, so the keys are exact;
 * - gets the deployment's shared task policy attached (Kafka, S3 sink buckets, secrets: the same for every
 *   connector), `SKC_TASK_ROLE_POLICY`.
 *
 * Everything is idempotent: a role that exists is brought up to date (its inline policy put again), so an
 * interrupted creation or a policy change of a new version converges on the next launch.
 */
import { createHash } from 'node:crypto';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';

export interface ConnectorTaskRolesOptions {
  readonly client: IAMClient;
  /** IAM path of this deployment's connector roles, `/…/` */
  readonly path: string;
  /** ARN of the permissions boundary every connector role carries */
  readonly permissionsBoundary: string;
  /** ARN of the shared managed policy of all tasks (Kafka, S3, secrets); none: nothing attached */
  readonly sharedPolicyArn?: string | undefined;
  /** ARN of the control-plane table (`arn:<partition>:dynamodb:<region>:<account>:table/<name>`) */
  readonly tableArn: string;
  readonly now?: () => number;
}

/** A connector's role, and when this process created it (IAM needs a few seconds before ECS can assume it). */
export interface ConnectorTaskRole {
  readonly arn: string;
  /** epoch ms the role was created (IAM needs a few seconds before ECS can assume a new role) */
  readonly createdAt?: number | undefined;
}

/** Name of the inline policy of a connector role. */
export const CONNECTOR_POLICY_NAME = 'connector-partitions';
export const TAG_CONNECTOR = 'skc:connector';
/** A role checked or created this recently is used without asking IAM again. */
const KNOWN_ROLE_TTL_MS = 60_000;
const MAX_ROLE_NAME = 64;
const MAX_TAG_VALUE = 256;

/**
 * The connector's role name: readable (a prefix of the name) and unique (a hash of the path and the name: role
 * names are unique in the whole account, whatever their path, and a connector name may hold any character).
 */
export function connectorRoleName(path: string, connector: string): string {
  const hash = createHash('sha256').update(path).update('\n').update(connector).digest('hex').slice(0, 24);
  const readable = connector.replace(/[^\w+=,.@-]/g, '_').slice(0, MAX_ROLE_NAME - 'skc--'.length - hash.length);
  return `skc-${readable}-${hash}`;
}

/**
 * IAM reads `${…}` in a policy string as a policy variable; `${$}` is a literal `$`. StringEquals treats `*` and
 * `?` literally, so nothing else needs escaping.
 */
const iamLiteral = (value: string): string => value.replace(/\$/g, '${$}');

/** The inline policy of a connector's role: its own partitions of the table, by exact partition key. */
export function connectorPolicy(tableArn: string, connector: string): Record<string, unknown> {
  const configPk = iamLiteral(`CONNECTOR#${connector}`);
  const statusPk = iamLiteral(`STATUS#${connector}`);
  // ForAllValues is true for a request without the key at all: Null=false requires it to be there.
  const keys = (pks: string[]) => ({
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': pks },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  });
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadOwnConfigAndStatus',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: tableArn,
        Condition: keys([configPk, statusPk]),
      },
      {
        Sid: 'WriteOwnStatus',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
        Condition: keys([statusPk]),
      },
      {
        // The worker-level `/admin/loggers` levels every task reads (lib/adapters/dynamodb/table.ts `WORKER`).
        Sid: 'ReadLogLevels',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: tableArn,
        Condition: keys(['WORKER']),
      },
    ],
  };
}

/** Trust policy: ECS tasks of this account (the table's) only. */
export function ecsTasksTrustPolicy(account: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  };
}

const errorName = (error: unknown): string | undefined => (error as { name?: string } | undefined)?.name;

export class IamConnectorTaskRoles {
  private readonly known = new Map<string, { role: ConnectorTaskRole; at: number }>();
  /** Roles this process deleted: a deleted connector is reconciled again while ECS still lists its stopped tasks. */
  private readonly removed = new Set<string>();
  /** One ensure per connector at a time: a connector's tasks launch concurrently. */
  private readonly inFlight = new Map<string, Promise<ConnectorTaskRole>>();
  private readonly account: string;
  private readonly now: () => number;

  constructor(private readonly options: ConnectorTaskRolesOptions) {
    if (!/^\/([\x21-\x7e]+\/)?$/.test(options.path)) throw new Error(`Invalid IAM role path: ${options.path}`);
    const account = options.tableArn.split(':')[4];
    if (!account) throw new Error(`Not a DynamoDB table ARN: ${options.tableArn}`);
    this.account = account;
    this.now = options.now ?? Date.now;
  }

  roleName(connector: string): string {
    return connectorRoleName(this.options.path, connector);
  }

  /** The connector's role, created or brought up to date first. */
  async roleFor(connector: string): Promise<ConnectorTaskRole> {
    const known = this.known.get(connector);
    if (known && this.now() - known.at < KNOWN_ROLE_TTL_MS) return known.role;
    let pending = this.inFlight.get(connector);
    if (!pending) {
      pending = this.ensure(connector).finally(() => this.inFlight.delete(connector));
      this.inFlight.set(connector, pending);
    }
    return pending;
  }

  /** Delete the connector's role (its policies first, as IAM requires); a missing role is success. */
  async remove(connector: string): Promise<void> {
    this.known.delete(connector);
    if (this.removed.has(connector)) return;
    const RoleName = this.roleName(connector);
    const { client, sharedPolicyArn } = this.options;
    await ignoreMissing(client.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: CONNECTOR_POLICY_NAME })));
    if (sharedPolicyArn) {
      await ignoreMissing(client.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: sharedPolicyArn })));
    }
    await ignoreMissing(client.send(new DeleteRoleCommand({ RoleName })));
    this.removed.add(connector);
  }

  private async ensure(connector: string): Promise<ConnectorTaskRole> {
    this.removed.delete(connector);
    const { client, path, permissionsBoundary, sharedPolicyArn, tableArn } = this.options;
    const RoleName = this.roleName(connector);
    let role: ConnectorTaskRole;
    try {
      const out = await client.send(
        new CreateRoleCommand({
          RoleName,
          Path: path,
          PermissionsBoundary: permissionsBoundary,
          AssumeRolePolicyDocument: JSON.stringify(ecsTasksTrustPolicy(this.account)),
          Tags: [{ Key: TAG_CONNECTOR, Value: tagValue(connector) }],
        }),
      );
      role = { arn: out.Role?.Arn ?? '', createdAt: this.now() };
    } catch (error) {
      if (errorName(error) !== 'EntityAlreadyExistsException') throw error;
      const { Role } = await client.send(new GetRoleCommand({ RoleName }));
      // A role of that name outside our path, or without our boundary, is not ours: never use or change it.
      if (Role?.Path !== path || Role.PermissionsBoundary?.PermissionsBoundaryArn !== permissionsBoundary) {
        throw new Error(
          `IAM role ${RoleName} exists but is not a connector role of this deployment (path ${Role?.Path ?? '?'})`,
        );
      }
      // Created moments ago by a concurrent call: still young for ECS, whoever created it.
      role = { arn: Role.Arn ?? '', ...(Role.CreateDate ? { createdAt: Role.CreateDate.getTime() } : {}) };
    }
    await client.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: CONNECTOR_POLICY_NAME,
        PolicyDocument: JSON.stringify(connectorPolicy(tableArn, connector)),
      }),
    );
    if (sharedPolicyArn) await client.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: sharedPolicyArn }));
    this.known.set(connector, { role, at: this.now() });
    return role;
  }
}

async function ignoreMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (errorName(error) !== 'NoSuchEntityException') throw error;
  }
}

/** IAM tag values allow letters, digits, spaces and `_ . : / = + - @`. */
const tagValue = (value: string): string => value.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
