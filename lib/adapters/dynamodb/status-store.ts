/**
 * StatusStore on the single DynamoDB table (design in ./table.ts): the `STATUS#<name>` partition holds the
 * connector's status, one item per task and one per active topic, so a connector's whole status is one Query
 * and deleting it is a Query plus batch deletes. Task status puts are conditional on the stored generation
 * (fencing: an instance of an older generation cannot overwrite its successor).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StatusRecord, StatusStore, TaskConfigsRequest, TaskStatus, TaskStatusState } from '../../storage/ports';
import {
  connectorStatusSchema,
  taskConfigsRequestSchema,
  taskStatusSchema,
  toStatusRecord,
  validateStored,
} from '../../storage/store-schemas';
import { deleteKeys, queryAll, type Item } from './dynamo-helpers';
import { statusPk, TASK_CONFIGS_REQUEST_SK, type DynamoTableNames } from './table';

const CONNECTOR_SK = 'CONNECTOR';
const TASK_PREFIX = 'TASK#';
const TOPIC_PREFIX = 'TOPIC#';
/** A trace longer than this is cut (items are limited to 400 KB; Java traces are a few KB). */
const MAX_TRACE = 256 * 1024;

function toItem(status: StatusRecord<string>): Item {
  const trace =
    status.trace !== null && status.trace.length > MAX_TRACE ? status.trace.slice(0, MAX_TRACE) : status.trace;
  return {
    state: status.state,
    trace,
    workerId: status.workerId,
    generation: status.generation,
    updatedAt: status.updatedAt,
    ...(status.version !== undefined ? { version: status.version } : {}),
    ...(status.progress !== undefined ? { progress: status.progress } : {}),
  };
}

export class DynamoDbStatusStore implements StatusStore {
  private readonly table: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    names: DynamoTableNames,
  ) {
    this.table = names.table;
  }

  private async getItem(pk: string, sk: string): Promise<Item | undefined> {
    const { Item: item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return item;
  }

  private query(name: string, prefix: string): Promise<Item[]> {
    if (prefix === '') {
      return queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': statusPk(name) },
      });
    }
    return queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': statusPk(name), ':prefix': prefix },
    });
  }

  private parseTask(name: string, item: Item): TaskStatus {
    const sk = String(item['sk']);
    const status = validateStored(taskStatusSchema, item, `${this.table} ${statusPk(name)}/${sk}`);
    return { ...toStatusRecord(status), id: Number(sk.slice(TASK_PREFIX.length)) };
  }

  async getConnector(name: string): Promise<StatusRecord | undefined> {
    const item = await this.getItem(statusPk(name), CONNECTOR_SK);
    if (!item) return undefined;
    const where = `${this.table} ${statusPk(name)}/${CONNECTOR_SK}`;
    return toStatusRecord(validateStored(connectorStatusSchema, item, where));
  }

  async putConnector(name: string, status: StatusRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: statusPk(name), sk: CONNECTOR_SK, ...toItem(status) } }),
    );
  }

  async getTask(name: string, taskId: number): Promise<TaskStatus | undefined> {
    const item = await this.getItem(statusPk(name), `${TASK_PREFIX}${taskId}`);
    return item && this.parseTask(name, item);
  }

  async listTasks(name: string): Promise<TaskStatus[]> {
    const items = await this.query(name, TASK_PREFIX);
    return items.map((item) => this.parseTask(name, item)).sort((a, b) => a.id - b.id);
  }

  async putTask(name: string, taskId: number, status: StatusRecord<TaskStatusState>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: statusPk(name), sk: `${TASK_PREFIX}${taskId}`, ...toItem(status) },
          ConditionExpression: 'attribute_not_exists(pk) OR generation <= :generation',
          ExpressionAttributeValues: { ':generation': status.generation },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async deleteItems(items: readonly Item[]): Promise<void> {
    await deleteKeys(
      this.doc,
      this.table,
      items.map((item) => ({ pk: String(item['pk']), sk: String(item['sk']) })),
    );
  }

  async deleteTask(name: string, taskId: number): Promise<void> {
    await this.deleteItems([{ pk: statusPk(name), sk: `${TASK_PREFIX}${taskId}` }]);
  }

  async deleteConnector(name: string): Promise<void> {
    await this.deleteItems(await this.query(name, ''));
  }

  async addTopics(name: string, topics: readonly string[]): Promise<void> {
    const discovered = Date.now();
    // Idempotent puts of one item per topic: concurrent adds cannot lose each other's topics.
    await Promise.all(
      [...new Set(topics)].map((topic) =>
        this.doc
          .send(
            new PutCommand({
              TableName: this.table,
              Item: { pk: statusPk(name), sk: `${TOPIC_PREFIX}${topic}`, topic, discoverTimestamp: discovered },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error; // already active: keep first discovery
          }),
      ),
    );
  }

  async getTopics(name: string): Promise<string[]> {
    const items = await this.query(name, TOPIC_PREFIX);
    return items.map((item) => String(item['sk']).slice(TOPIC_PREFIX.length)).sort();
  }

  async resetTopics(name: string): Promise<void> {
    await this.deleteItems(await this.query(name, TOPIC_PREFIX));
  }

  /** One item (400 KB limit): task configs of that size are far beyond what a connector hands its tasks. */
  async putTaskConfigsRequest(name: string, request: TaskConfigsRequest): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: statusPk(name),
          sk: TASK_CONFIGS_REQUEST_SK,
          ...request,
          taskConfigs: JSON.stringify(request.taskConfigs),
        },
      }),
    );
  }

  async getTaskConfigsRequest(name: string): Promise<TaskConfigsRequest | undefined> {
    const item = await this.getItem(statusPk(name), TASK_CONFIGS_REQUEST_SK);
    if (!item) return undefined;
    const where = `${this.table} ${statusPk(name)}/${TASK_CONFIGS_REQUEST_SK}`;
    const { pk: _pk, sk: _sk, taskConfigs, ...rest } = item;
    return validateStored(
      taskConfigsRequestSchema,
      { ...rest, taskConfigs: typeof taskConfigs === 'string' ? (JSON.parse(taskConfigs) as unknown) : taskConfigs },
      where,
    );
  }
}
