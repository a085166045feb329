/**
 * The one DynamoDB table of the control plane (`SKC_TABLE_NAME`): single-table design, string keys `pk`/`sk`,
 * on-demand billing, stream NEW_AND_OLD_IMAGES (the reconciler's trigger in AWS).
 *
 * | pk                  | sk                           | what                                                   |
 * |---------------------|------------------------------|--------------------------------------------------------|
 * | `CONNECTORS`        | `<name>`                     | list index: one tiny item per connector (list = Query) |
 * | `CONNECTOR#<name>`  | `STATE`                      | config, target state, version, generation, restarts;   |
 * |                     |                              | task configs inline when small                         |
 * | `CONNECTOR#<name>`  | `TASKCONFIGS#<version>#<i>`  | chunk i of the task configs written at that version    |
 * | `STATUS#<name>`     | `CONNECTOR`                  | connector status                                       |
 * | `STATUS#<name>`     | `TASK#<id>`                  | task status (with generation: fencing condition)       |
 * | `STATUS#<name>`     | `TOPIC#<topic>`              | KIP-558 active topic                                   |
 * | `STATUS#<name>`     | `TASKCONFIGS_REQUEST`        | a connector task's request for new task configs        |
 * | `WORKER`            | `LOG_LEVELS`                 | `/admin/loggers` levels, read by every task (version)  |
 *
 * Rules: create is a transaction (conditional put of `STATE` + index item), so it is atomic; every update is
 * a put conditional on `version`; task status puts are conditional on `generation`; no Scan anywhere.
 * Items stay far below the 400 KB item limit: task configs above `INLINE_TASK_CONFIGS_MAX` bytes of JSON are
 * split into chunk items written in the same transaction as the `STATE` item that references them.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoTableNames {
  /** the single table (`SKC_TABLE_NAME`) */
  readonly table: string;
}

export const LIST_PARTITION = 'CONNECTORS';
export const STATE_SK = 'STATE';
export const TASK_CONFIGS_PREFIX = 'TASKCONFIGS#';
/** sk of the connector task's request for new task configs, in the connector's status partition */
export const TASK_CONFIGS_REQUEST_SK = 'TASKCONFIGS_REQUEST';
/** worker-level items (not a connector's): the `/admin/loggers` levels */
export const WORKER_PARTITION = 'WORKER';
export const LOG_LEVELS_SK = 'LOG_LEVELS';
export const connectorPk = (name: string): string => `CONNECTOR#${name}`;
export const statusPk = (name: string): string => `STATUS#${name}`;

/** The connector a stream record's `pk` belongs to (config or status item), if any. */
export function connectorOfPk(pk: string): string | undefined {
  for (const prefix of ['CONNECTOR#', 'STATUS#']) if (pk.startsWith(prefix)) return pk.slice(prefix.length);
  return undefined;
}

/** Client for the adapters; `endpoint` overrides for DynamoDB Local (`SKC_DYNAMODB_ENDPOINT`). */
export function createDocumentClient(config: DynamoDBClientConfig | DynamoDBClient = {}): DynamoDBDocumentClient {
  const client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Creates the table if missing and waits until it is ACTIVE (tests and local tooling; the CDK stack in AWS). */
export async function createTables(
  client: DynamoDBClient | DynamoDBDocumentClient,
  names: DynamoTableNames,
  timeoutMs = 60_000,
): Promise<void> {
  // A document client passes plain DynamoDB commands through unchanged.
  const raw = client as DynamoDBClient;
  try {
    await raw.send(
      new CreateTableCommand({
        TableName: names.table,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: names.table }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Table ${names.table} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
