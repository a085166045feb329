import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbConfigStore } from '../../lib/adapters/dynamodb/config-store';
import { DynamoDbLoggerLevelStore } from '../../lib/adapters/dynamodb/logger-level-store';
import { DynamoDbStatusStore } from '../../lib/adapters/dynamodb/status-store';
import { createDocumentClient, createTables } from '../../lib/adapters/dynamodb/table';
import { dynamoClientConfig, requireServices, uniqueName } from '../services/env';
import { describeConfigStoreContract } from './config-store.contract';
import { describeLoggerLevelStoreContract } from './logger-level-store.contract';
import { describeStatusStoreContract } from './status-store.contract';

requireServices('dynamodb');

// One table per test file: the contract suites use unique connector names inside it.
const names = { table: uniqueName('skc-stores') };
let client: DynamoDBClient | undefined;
const doc = () => {
  if (!client) client = new DynamoDBClient(dynamoClientConfig());
  return createDocumentClient(client);
};

beforeAll(async () => {
  await createTables(doc(), names);
});
afterAll(() => client?.destroy());

describeConfigStoreContract('DynamoDB Local', {
  open: async () => new DynamoDbConfigStore(doc(), names),
  reopen: async () => new DynamoDbConfigStore(createDocumentClient(dynamoClientConfig()), names),
  notifies: false,
});
describeStatusStoreContract('DynamoDB Local', {
  open: async () => new DynamoDbStatusStore(doc(), names),
  reopen: async () => new DynamoDbStatusStore(createDocumentClient(dynamoClientConfig()), names),
});

// The levels are one worker-level item per table: each case gets a table of its own.
describeLoggerLevelStoreContract('DynamoDB Local', {
  open: async () => {
    const levels = { table: uniqueName('skc-levels') };
    await createTables(doc(), levels);
    return {
      store: new DynamoDbLoggerLevelStore(doc(), levels),
      second: new DynamoDbLoggerLevelStore(createDocumentClient(dynamoClientConfig()), levels),
    };
  },
});

describe('DynamoDB table helpers', () => {
  it('createTables is idempotent', async () => {
    await expect(createTables(doc(), names)).resolves.toBeUndefined();
  });
});

describe('DynamoDbConfigStore items', () => {
  const itemsOf = async (pk: string) =>
    (
      await doc().send(
        new QueryCommand({
          TableName: names.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('splits large task configs into chunk items and leaves none behind', async () => {
    const store = new DynamoDbConfigStore(doc(), names);
    const name = uniqueName('chunks');
    await store.create(name, {}, 'STARTED');
    const taskConfigs = Array.from({ length: 6 }, (_, i) => ({ task: String(i), blob: 'y'.repeat(200_000) }));
    await store.update(name, 1, { taskConfigs, generation: 1 });
    const chunked = await itemsOf(`CONNECTOR#${name}`);
    expect(chunked.map((i) => String(i['sk'])).filter((sk) => sk.startsWith('TASKCONFIGS#')).length).toBeGreaterThan(3);
    for (const item of chunked) expect(JSON.stringify(item).length).toBeLessThan(400_000);

    await store.update(name, 2, { taskConfigs: [{ task: '0' }], generation: 2 });
    expect((await itemsOf(`CONNECTOR#${name}`)).map((i) => i['sk'])).toEqual(['STATE']);
    await store.update(name, 3, { taskConfigs, generation: 3 });
    await store.delete(name);
    expect(await itemsOf(`CONNECTOR#${name}`)).toEqual([]);
    expect((await itemsOf('CONNECTORS')).map((i) => i['sk'])).not.toContain(name);
  });
});
