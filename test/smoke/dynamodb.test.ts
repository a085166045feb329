/** Smoke test: a put/get round trip on DynamoDB Local through the AWS SDK v3 document client. */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClientConfig, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('dynamodb');

describe('DynamoDB Local test service (smoke)', () => {
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  const table = uniqueName('smoke-table');

  beforeAll(async () => {
    client = new DynamoDBClient(dynamoClientConfig());
    documents = DynamoDBDocumentClient.from(client);
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await waitFor(
      async () => (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus === 'ACTIVE',
      { description: `table ${table} ACTIVE` },
    );
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
  });

  it('puts and gets an item', async () => {
    const item = {
      pk: 'connector#smoke',
      sk: 'config',
      generation: 3,
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': '1' },
      tags: ['a', 'b'],
    };
    await documents.send(new PutCommand({ TableName: table, Item: item }));
    const read = await documents.send(
      new GetCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
    );
    expect(read.Item).toEqual(item);
  });

  it('enforces conditional writes', async () => {
    const key = { pk: 'connector#conditional', sk: 'config' };
    await documents.send(
      new PutCommand({ TableName: table, Item: { ...key, v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(
      documents.send(
        new PutCommand({ TableName: table, Item: { ...key, v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const read = await documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    expect(read.Item?.v).toBe(1);
  });
});
