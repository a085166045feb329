/** The Lambda entry: cold-start wiring from the environment and the last-resort error envelope. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { composeFromEnv } from '../../composition/api/composition';
import { createApiHandler } from '../../composition/api/handler';
import { createTestApi } from './harness';

const event = (path: string): APIGatewayProxyEvent =>
  ({
    httpMethod: 'GET',
    path,
    headers: { Host: 'h' },
    body: null,
    isBase64Encoded: false,
    requestContext: { path },
  }) as unknown as APIGatewayProxyEvent;
const context = { awsRequestId: 'req-1', functionName: 'api' } as Context;

describe('API Lambda handler', () => {
  it('answers a failed cold-start wiring with the error envelope and retries it on the next request', async () => {
    const t = await createTestApi();
    let attempts = 0;
    const handler = createApiHandler(() => {
      attempts++;
      if (attempts === 1) throw new Error('DynamoDB unreachable');
      return t.composition.api;
    });
    const first = await handler(event('/connectors'), context);
    expect(first).toMatchObject({ statusCode: 500, headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(first.body)).toEqual({ error_code: 500, message: 'DynamoDB unreachable' });
    const second = await handler(event('/connectors'), context);
    expect(second.statusCode).toBe(200);
    expect(JSON.parse(second.body)).toEqual([]);
    await handler(event('/health'), context);
    expect(attempts).toBe(2);
  });

  it('wires itself from the environment contract and names what is missing', async () => {
    await expect(composeFromEnv({ SKC_STORE: 'dynamodb' })).rejects.toThrow(
      'SKC_TABLE_NAME: required with SKC_STORE=dynamodb',
    );
    await expect(composeFromEnv({ SKC_STORE: 'local' })).rejects.toThrow('SKC_STATE_DIR');
    await expect(composeFromEnv({ SKC_STORE: 'memory', SKC_WORKER_CONFIG: '[1]' })).rejects.toThrow(
      'SKC_WORKER_CONFIG: must be a JSON object of strings',
    );
    const composition = await composeFromEnv({
      SKC_STORE: 'memory',
      SKC_WORKER_CONFIG: '{"topic.tracking.enable":"false"}',
      SKC_COMMIT: 'abc123',
    });
    const handler = createApiHandler(() => composition.api);
    expect(JSON.parse((await handler(event('/'), context)).body)).toEqual({
      version: '4.3.1',
      commit: 'abc123',
      kafka_cluster_id: null,
    });
    const topics = await handler(event('/connectors/x/topics'), context);
    expect(topics.statusCode).toBe(403);
    expect(JSON.parse(topics.body)).toEqual({ error_code: 403, message: 'Topic tracking is disabled.' });
  });
});
