/**
 * The concurrency contract (concurrency.ts) with the API wired exactly as in AWS (`SKC_STORE=dynamodb`), against
 * DynamoDB Local, through the local HTTP server.
 */
import { DynamoDbConfigStore } from '../../lib/adapters/dynamodb/config-store';
import { createDocumentClient, createTables } from '../../lib/adapters/dynamodb/table';
import { compose } from '../../composition/api/composition';
import { dynamoClientConfig, requireServices, uniqueName } from '../services/env';
import { fiftyConcurrentPuts } from './concurrency';
import { viaHttpServer } from './harness';

requireServices('dynamodb');

describe('50 concurrent PUT /connectors/x/config on DynamoDB Local', () => {
  it('loses nothing and never answers 5xx', async () => {
    const table = uniqueName('skc-rest');
    const client = dynamoClientConfig();
    await createTables(createDocumentClient(client), { table });
    const composition = await compose({
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: table,
      SKC_DYNAMODB_ENDPOINT: client.endpoint,
      SKC_WORKER_CONFIG: {},
    });
    const { call, server } = await viaHttpServer(composition);
    try {
      const configStore = new DynamoDbConfigStore(createDocumentClient(client), { table });
      await fiftyConcurrentPuts(call, configStore, uniqueName('concurrent'));
    } finally {
      await server.close();
      await composition.close();
    }
  });
});
