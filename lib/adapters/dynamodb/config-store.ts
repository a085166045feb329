/**
 * ConfigStore on the single DynamoDB table (design in ./table.ts). Reads are strongly consistent; writes are
 * conditional (create: item absent; update: `version` unchanged), so no update is ever lost.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError } from '../../errors';
import type {
  ConfigStore,
  ConnectorConfig,
  ConnectorState,
  ConnectorStateChanges,
  TargetState,
  TaskConfig,
} from '../../storage/ports';
import {
  alreadyExists,
  applyConnectorChanges,
  connectorNotFound,
  newConnectorState,
  versionConflict,
} from '../../storage/connector-state';
import {
  connectorStateSchema,
  restartRequestSchema,
  targetStateSchema,
  toConnectorState,
  validateStored,
} from '../../storage/store-schemas';
import { deleteKeys, queryAll, transact, type Item } from './dynamo-helpers';
import { LIST_PARTITION, STATE_SK, TASK_CONFIGS_PREFIX, connectorPk, type DynamoTableNames } from './table';

/** Task configs up to this many bytes of JSON live in the STATE item; larger ones in chunk items. */
export const INLINE_TASK_CONFIGS_MAX = 64 * 1024;
/** Bytes of JSON per chunk item (item limit 400 KB; a transaction carries at most 4 MB). */
const CHUNK_SIZE = 300 * 1024;

const stateItemSchema = z.object({
  name: z.string(),
  configJson: z.string(),
  targetState: targetStateSchema,
  version: z.number(),
  generation: z.number(),
  taskConfigsFromVersion: z.number(),
  /** inline task configs, or absent when chunked */
  taskConfigsJson: z.string().optional(),
  /** version whose chunk items hold the task configs, and how many there are */
  taskConfigsAt: z.number().optional(),
  taskConfigsChunks: z.number().optional(),
  restartRequest: restartRequestSchema.optional(),
  taskRestartRequests: z.record(z.string(), z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type StateItem = z.infer<typeof stateItemSchema>;

const chunkItemSchema = z.object({ sk: z.string(), data: z.string() });

const chunkPrefix = (at: number): string => `${TASK_CONFIGS_PREFIX}${String(at).padStart(12, '0')}#`;
const chunkSk = (at: number, index: number): string => `${chunkPrefix(at)}${String(index).padStart(4, '0')}`;

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

export class DynamoDbConfigStore implements ConfigStore {
  private readonly table: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    names: DynamoTableNames,
  ) {
    this.table = names.table;
  }

  async list(): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LIST_PARTITION },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => String(item['sk'])).sort();
  }

  private async readItem(name: string): Promise<StateItem | undefined> {
    const { Item: raw } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: connectorPk(name), sk: STATE_SK }, ConsistentRead: true }),
    );
    return raw && validateStored(stateItemSchema, raw, `${this.table} ${connectorPk(name)}/${STATE_SK}`);
  }

  /** Chunked task configs of one STATE item; undefined if a chunk is missing (replaced meanwhile: re-read). */
  private async readChunks(name: string, at: number, count: number): Promise<TaskConfig[] | undefined> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': connectorPk(name), ':prefix': chunkPrefix(at) },
    });
    if (items.length !== count) return undefined;
    const data = items
      .map((item) => validateStored(chunkItemSchema, item, `${this.table} ${connectorPk(name)} task configs`))
      .sort((a, b) => a.sk.localeCompare(b.sk))
      .map((c) => c.data)
      .join('');
    return JSON.parse(data) as TaskConfig[];
  }

  private async decode(item: StateItem): Promise<ConnectorState | undefined> {
    let taskConfigs: unknown;
    if (item.taskConfigsJson !== undefined) taskConfigs = JSON.parse(item.taskConfigsJson);
    else {
      taskConfigs = await this.readChunks(item.name, item.taskConfigsAt ?? 0, item.taskConfigsChunks ?? 0);
      if (taskConfigs === undefined) return undefined;
    }
    const { configJson, taskConfigsJson: _j, taskConfigsAt: _a, taskConfigsChunks: _c, ...rest } = item;
    const state = { ...rest, config: JSON.parse(configJson) as unknown, taskConfigs };
    return toConnectorState(validateStored(connectorStateSchema, state, `${this.table} ${connectorPk(item.name)}`));
  }

  async get(name: string): Promise<ConnectorState | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.readItem(name);
      if (!item) return undefined;
      const state = await this.decode(item);
      if (state) return state;
    }
    throw new ConflictError(`Connector ${name} is being rewritten concurrently; retry`);
  }

  async getMany(names: readonly string[]): Promise<ConnectorState[]> {
    const states = await Promise.all(names.map((name) => this.get(name)));
    return states.filter((s): s is ConnectorState => s !== undefined);
  }

  /** The STATE item of `state`, plus chunk items when its task configs are written anew. */
  private encode(
    state: ConnectorState,
    previous: StateItem | undefined,
    taskConfigsChanged: boolean,
  ): { item: Item; chunks: Item[] } {
    const { config, taskConfigs, ...rest } = state;
    const item: Item = { pk: connectorPk(state.name), sk: STATE_SK, ...rest, configJson: JSON.stringify(config) };
    const chunks: Item[] = [];
    if (!taskConfigsChanged && previous) {
      // Keep referencing what is stored (inline or chunks) without rewriting it.
      for (const key of ['taskConfigsJson', 'taskConfigsAt', 'taskConfigsChunks'] as const) {
        if (previous[key] !== undefined) item[key] = previous[key];
      }
      return { item, chunks };
    }
    const json = JSON.stringify(taskConfigs);
    if (json.length <= INLINE_TASK_CONFIGS_MAX) item['taskConfigsJson'] = json;
    else {
      for (let offset = 0, index = 0; offset < json.length; offset += CHUNK_SIZE, index++) {
        chunks.push({
          pk: connectorPk(state.name),
          sk: chunkSk(state.version, index),
          data: json.slice(offset, offset + CHUNK_SIZE),
        });
      }
      item['taskConfigsAt'] = state.version;
      item['taskConfigsChunks'] = chunks.length;
    }
    return { item, chunks };
  }

  async create(name: string, config: ConnectorConfig, targetState: TargetState): Promise<ConnectorState> {
    const state = newConnectorState(name, config, targetState);
    const { item } = this.encode(state, undefined, true);
    const cancelled = await transact(this.doc, {
      TransactItems: [
        { Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.table, Item: { pk: LIST_PARTITION, sk: name } } },
      ],
    });
    if (cancelled?.[0] === 'ConditionalCheckFailed') throw alreadyExists(name);
    if (cancelled?.includes('TransactionConflict')) {
      throw new ConflictError(`Connector ${name} is being written concurrently; retry`);
    }
    if (cancelled) throw new Error(`Creation of connector ${name} was rejected by DynamoDB (${cancelled.join(', ')})`);
    return state;
  }

  async update(name: string, expectedVersion: number, changes: ConnectorStateChanges): Promise<ConnectorState> {
    const previous = await this.readItem(name);
    if (!previous) throw connectorNotFound(name);
    if (previous.version !== expectedVersion) throw versionConflict(name, expectedVersion, previous.version);
    const current = await this.decode(previous);
    if (!current) throw versionConflict(name, expectedVersion, expectedVersion + 1);
    const next = applyConnectorChanges(current, changes);
    const { item, chunks } = this.encode(next, previous, changes.taskConfigs !== undefined);
    const condition = {
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
    if (chunks.length === 0) {
      try {
        await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ...condition }));
      } catch (error) {
        if (isConditionFailure(error)) throw await this.whyRejected(name, expectedVersion);
        throw error;
      }
    } else {
      const cancelled = await transact(this.doc, {
        TransactItems: [
          { Put: { TableName: this.table, Item: item, ...condition } },
          ...chunks.map((chunk) => ({ Put: { TableName: this.table, Item: chunk } })),
        ],
      });
      if (cancelled?.[0] === 'ConditionalCheckFailed' || cancelled?.includes('TransactionConflict')) {
        throw await this.whyRejected(name, expectedVersion);
      }
      if (cancelled) throw new Error(`Update of connector ${name} was rejected by DynamoDB (${cancelled.join(', ')})`);
    }
    if (previous.taskConfigsAt !== undefined && item['taskConfigsAt'] !== previous.taskConfigsAt) {
      // The old chunks are unreferenced now; readers that still hold the old STATE item re-read.
      await this.deleteChunks(name, chunkPrefix(previous.taskConfigsAt)).catch(() => undefined);
    }
    return next;
  }

  private async whyRejected(name: string, expectedVersion: number): Promise<Error> {
    const now = await this.readItem(name);
    return now ? versionConflict(name, expectedVersion, now.version) : connectorNotFound(name);
  }

  private async deleteChunks(name: string, prefix: string): Promise<void> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': connectorPk(name), ':prefix': prefix },
      ProjectionExpression: 'pk, sk',
    });
    await deleteKeys(
      this.doc,
      this.table,
      items.map((i) => ({ pk: String(i['pk']), sk: String(i['sk']) })),
    );
  }

  async delete(name: string): Promise<boolean> {
    const cancelled = await transact(this.doc, {
      TransactItems: [
        {
          Delete: {
            TableName: this.table,
            Key: { pk: connectorPk(name), sk: STATE_SK },
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Delete: { TableName: this.table, Key: { pk: LIST_PARTITION, sk: name } } },
      ],
    });
    if (cancelled?.[0] === 'ConditionalCheckFailed') return false;
    if (cancelled?.includes('TransactionConflict')) {
      throw new ConflictError(`Connector ${name} is being written concurrently; retry`);
    }
    if (cancelled) throw new Error(`Deletion of connector ${name} was rejected by DynamoDB (${cancelled.join(', ')})`);
    await this.deleteChunks(name, TASK_CONFIGS_PREFIX);
    return true;
  }
}
