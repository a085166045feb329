/**
 * LoggerLevelStore on the single DynamoDB table (design in ./table.ts): one worker-level item
 * (`pk=WORKER`, `sk=LOG_LEVELS`) holding `{logger: {level, last_modified}}` and a `version`. The API writes it
 * conditionally on the version it read (two concurrent PUTs cannot lose each other's loggers); task processes
 * read it with an eventually consistent GetItem (half a read unit), a level change reaching them a little later
 * costs nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoggerLevelStore, StoredLoggerLevels } from '../../storage/ports';
import { retry } from '../../retry';
import { loggerLevelsSchema, validateStored } from '../../storage/store-schemas';
import { LOG_LEVELS_SK, WORKER_PARTITION, type DynamoTableNames } from './table';

/** Concurrent `/admin/loggers` PUTs are rare; within API Gateway's 29 s either way. */
const CONFLICT_BACKOFF = { initialDelayMs: 10, maxDelayMs: 500, jitter: 'full', timeoutMs: 20_000 } as const;

export class DynamoDbLoggerLevelStore implements LoggerLevelStore {
  private readonly table: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    names: DynamoTableNames,
  ) {
    this.table = names.table;
  }

  private async read(consistent: boolean): Promise<{ levels: StoredLoggerLevels; version: number }> {
    const { Item: item } = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: WORKER_PARTITION, sk: LOG_LEVELS_SK },
        ConsistentRead: consistent,
      }),
    );
    if (!item) return { levels: {}, version: 0 };
    const where = `${this.table} ${WORKER_PARTITION}/${LOG_LEVELS_SK}`;
    return { levels: validateStored(loggerLevelsSchema, item['loggers'], where), version: Number(item['version']) };
  }

  async get(): Promise<StoredLoggerLevels> {
    return (await this.read(false)).levels;
  }

  async update(change: (current: StoredLoggerLevels) => StoredLoggerLevels): Promise<StoredLoggerLevels> {
    // A write lost to a concurrent PUT is re-applied on the newer item, with jittered backoff between writers.
    return retry(
      async () => {
        const { levels, version } = await this.read(true);
        const next = change(levels);
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: WORKER_PARTITION, sk: LOG_LEVELS_SK, loggers: next, version: version + 1 },
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': version } }),
          }),
        );
        return next;
      },
      {
        ...CONFLICT_BACKOFF,
        retryOn: (error) => error instanceof ConditionalCheckFailedException,
      },
    );
  }
}
