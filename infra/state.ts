import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from './table-keys';

export interface ConnectStateProps {
  /** Customer-managed KMS key of the table; none: the AWS-managed key. */
  readonly tableEncryptionKey?: kms.IKey | undefined;
  /** What happens to the table when it leaves the stack; none: RETAIN. */
  readonly tableRemovalPolicy?: RemovalPolicy | undefined;
}

/**
 * The concern "connector configs and status": one DynamoDB table (single-table design, lib/adapters/dynamodb/table.ts)
 * whose stream drives the reconciler, and the grants of each reader and writer of it, which follow its key layout.
 */
export class ConnectState {
  public readonly table: dynamodb.Table;
  private readonly encryptionKey: kms.IKey | undefined;

  constructor(scope: Construct, props: ConnectStateProps) {
    this.encryptionKey = props.tableEncryptionKey;
    this.table = new dynamodb.Table(scope, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.tableEncryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.tableEncryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** The control plane (API, reconciler, task events): every item. */
  grantControlPlane(grantee: iam.IGrantable): void {
    this.table.grantReadWriteData(grantee);
  }

  /**
   * The task-events Lambda (lambdas/task-events, lib/scheduler/instance-events.ts): it reads the connector's state
   * (GetItem of STATE, Query of chunked task configs) and its task's status (GetItem), and writes that task's status
   * (a conditional PutItem). Nothing else: no UpdateItem, Delete, Scan, batch or transaction.
   */
  grantTaskEventRecorder(grantee: iam.IGrantable): void {
    this.grantPartitions(
      grantee,
      ['dynamodb:GetItem', 'dynamodb:Query'],
      [TABLE_KEYS.connectorPrefix, TABLE_KEYS.statusPrefix],
    );
    this.grantPartitions(grantee, ['dynamodb:PutItem'], [TABLE_KEYS.statusPrefix]);
    this.encryptionKey?.grantEncryptDecrypt(grantee);
  }

  /**
   * A task reads its connector's config and status, and writes its status: no Scan, no Delete, no batch or
   * transaction. `boundary` gets these by partition-key prefix: the permissions boundary of every connector task
   * role, whose own inline policy (written by the reconciler, lib/adapters/iam/connector-task-roles.ts) narrows
   * them to the connector's exact keys. Every task also reads the worker-level `/admin/loggers` item (`WORKER`).
   * `tasks` (every connector role) gets the customer table key, if any.
   */
  grantTaskRunner(boundary: iam.IGrantable, tasks: iam.IGrantable): void {
    this.grantPartitions(
      boundary,
      ['dynamodb:GetItem', 'dynamodb:Query'],
      [TABLE_KEYS.connectorPrefix, TABLE_KEYS.statusPrefix],
    );
    this.grantPartitions(boundary, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], [TABLE_KEYS.statusPrefix]);
    // The `/admin/loggers` levels every task reads (composition/log-levels.ts): one item, read only. The
    // connector roles' inline policy grants the same (lib/adapters/iam/connector-task-roles.ts).
    iam.Grant.addToPrincipal({
      grantee: boundary,
      actions: ['dynamodb:GetItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TABLE_KEYS.workerPartition] } },
    });
    // Unlike grantReadWriteData, these statements leave a customer key out: it needs its own grant.
    this.encryptionKey?.grantEncryptDecrypt(tasks);
  }

  /** `actions` on the items whose partition key starts with one of `prefixes`. */
  private grantPartitions(grantee: iam.IGrantable, actions: string[], prefixes: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } },
    });
  }
}
