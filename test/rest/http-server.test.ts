/** The local HTTP server and the API Gateway event adapters, below the route table. */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { toHttpRequest } from '../../composition/api/events';
import { type ProxyHandler, startHttpServer } from '../../composition/http-server';

describe('startHttpServer', () => {
  it('turns requests into API Gateway v1 events and writes the handler’s result', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    const handler: ProxyHandler = async (event) => {
      seen.push(event);
      return { statusCode: 201, headers: { 'Content-Type': 'application/json', Location: '/x' }, body: '{"ok":true}' };
    };
    const server = await startHttpServer({ handler, listeners: 'http://127.0.0.1:0' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const reply = await fetch(`${server.url}/connectors/a%2Fb%20c/config?expand=status&expand=info&x=1`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
        body: '{"k":"v"}',
      });
      expect(reply.status).toBe(201);
      expect(reply.headers.get('location')).toBe('/x');
      expect(await reply.json()).toEqual({ ok: true });
      const event = seen[0]!;
      expect(event.httpMethod).toBe('PUT');
      expect(event.path).toBe('/connectors/a%2Fb%20c/config');
      expect(event.multiValueQueryStringParameters).toEqual({ expand: ['status', 'info'], x: ['1'] });
      expect(event.headers['X-Test']).toBe('yes');
      expect(event.body).toBe('{"k":"v"}');
      expect(toHttpRequest(event)).toMatchObject({
        method: 'PUT',
        path: '/connectors/a%2Fb%20c/config',
        query: { expand: ['status', 'info'], x: ['1'] },
        baseUrl: server.url,
        body: '{"k":"v"}',
      });
    } finally {
      await server.close();
    }
  });

  it('refuses a body over 1 MB with 413 without calling the handler', async () => {
    let calls = 0;
    const server = await startHttpServer({
      handler: async () => {
        calls++;
        return { statusCode: 200, body: '' };
      },
      listeners: 'http://127.0.0.1:0',
    });
    try {
      const reply = await fetch(`${server.url}/connectors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: 'x'.repeat(1024 * 1024 + 1),
      });
      expect(reply.status).toBe(413);
      expect(await reply.json()).toEqual({ error_code: 413, message: 'Request body is larger than 1048576 bytes' });
      expect(calls).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('answers 500 with the error envelope when the handler throws', async () => {
    const server = await startHttpServer({
      handler: async () => {
        throw new Error('wiring failed');
      },
      listeners: 'http://127.0.0.1:0',
    });
    try {
      const reply = await fetch(`${server.url}/`);
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ error_code: 500, message: 'wiring failed' });
    } finally {
      await server.close();
    }
  });
});

describe('toHttpRequest', () => {
  it('strips the stage of a REST API (v1) call on the execute-api domain and keeps it in the base URL', () => {
    const request = toHttpRequest({
      httpMethod: 'GET',
      path: '/connectors/x',
      headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
      multiValueQueryStringParameters: null,
      queryStringParameters: { expand: 'status' },
      body: null,
      isBase64Encoded: false,
      requestContext: { path: '/prod/connectors/x', stage: 'prod' },
    } as unknown as APIGatewayProxyEvent);
    expect(request).toMatchObject({
      path: '/connectors/x',
      query: { expand: ['status'] },
      baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
    });
  });

  it('strips a named stage of an HTTP API (v2) call and decodes base64 bodies', () => {
    const request = toHttpRequest({
      version: '2.0',
      rawPath: '/live/connectors',
      rawQueryString: 'expand=status&expand=info',
      headers: { host: 'api.example.com', 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST' }, stage: 'live', domainName: 'api.example.com' },
      body: Buffer.from('{"a":1}').toString('base64'),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2);
    expect(request).toEqual({
      method: 'POST',
      path: '/connectors',
      query: { expand: ['status', 'info'] },
      headers: { host: 'api.example.com', 'content-type': 'application/json' },
      body: '{"a":1}',
      baseUrl: 'https://api.example.com/live',
    });
  });
});
