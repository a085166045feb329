/**
 * The local HTTP front of the API Lambda: plain `node:http` turning each request into an API Gateway REST (v1)
 * proxy event for the same handler that runs in AWS, and writing its result back. Used by `npm start`, tests
 * and benchmarks. Bodies over 1 MiB are refused (413) while streaming, without buffering them. Before anything
 * else a request passes the guard: by default the Host check against DNS rebinding (lib/rest/local-rest-security).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PayloadTooLargeError } from '../lib/errors';
import { toErrorResponse } from '../lib/rest/errors';
import { MAX_BODY_BYTES } from '../lib/rest/router';
import { allowedHostNames, hostCheck, type RestGuard } from '../lib/rest/local-rest-security';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface HttpServerOptions {
  readonly handler: ProxyHandler;
  /** Kafka Connect's `listeners` form: `http://host:port` (port 0 picks a free one); default http://127.0.0.1:8083 */
  readonly listeners?: string;
  /** checks each request's Host / Authorization first; default: the Host check for the listener's host */
  readonly guard?: RestGuard;
  /** `GET /metrics`: the task metrics as Prometheus text (ours; Apache serves metrics over JMX only) */
  readonly metrics?: () => Promise<string>;
}

export interface HttpServer {
  /** base URL actually listened on, e.g. http://127.0.0.1:8083 */
  readonly url: string;
  close(): Promise<void>;
}

const localContext = (requestId: string): Context =>
  ({
    awsRequestId: requestId,
    functionName: 'skc-api-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:skc-api-local',
    memoryLimitInMB: '512',
    logGroupName: 'local',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Reads the body; undefined when it exceeds the limit (the rest is drained, not kept). */
const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

export function toProxyEvent(req: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const rawPath = (req.url ?? '/').split('?')[0] || '/';
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  headers['X-Forwarded-Proto'] ??= 'http';
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (multiValueQueryStringParameters[key] ??= []).push(value);
  const queryStringParameters = Object.fromEntries(
    Object.entries(multiValueQueryStringParameters).map(([k, v]) => [k, v[v.length - 1]!]),
  );
  const hasQuery = Object.keys(queryStringParameters).length > 0;
  const method = req.method ?? 'GET';
  return {
    httpMethod: method,
    path: rawPath,
    resource: '/{proxy+}',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: { proxy: rawPath.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: rawPath,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      domainName: headers['Host'] ?? headers['host'] ?? 'localhost',
    },
  } as APIGatewayProxyEvent;
}

const send = (res: ServerResponse, result: APIGatewayProxyResult): void => {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  const headers: Record<string, string | number | string[]> = { ...result.headers } as Record<string, string>;
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  if (result.statusCode !== 204 && result.statusCode !== 304) headers['Content-Length'] = body.length;
  res.writeHead(result.statusCode, headers);
  res.end(result.statusCode === 204 ? undefined : body);
};

const parseListener = (listeners: string): { host: string; port: number } => {
  const first = listeners.split(',')[0]!.trim();
  const url = new URL(first);
  if (url.protocol !== 'http:') throw new Error(`Unsupported listener ${first}: only http:// is served locally`);
  return { host: url.hostname.replace(/^\[|\]$/g, '') || '0.0.0.0', port: url.port === '' ? 80 : Number(url.port) };
};

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { host, port } = parseListener(options.listeners ?? 'http://127.0.0.1:8083');
  const guard = options.guard ?? hostCheck(allowedHostNames([host]));
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const rejection = guard.check({ host: req.headers.host, authorization: req.headers.authorization });
    if (rejection) {
      // Nothing of the request reaches the API; the body is drained, not read.
      req.resume();
      const body = Buffer.from(rejection.body, 'utf8');
      res.writeHead(rejection.status, { 'Content-Type': rejection.contentType, 'Content-Length': body.length });
      res.end(body);
      return;
    }
    void (async () => {
      try {
        const body = await readBody(req);
        if (body === undefined) {
          const { status, body: error } = toErrorResponse(
            new PayloadTooLargeError(`Request body is larger than ${MAX_BODY_BYTES} bytes`),
          );
          send(res, {
            statusCode: status,
            headers: { 'Content-Type': 'application/json', Connection: 'close' },
            body: JSON.stringify(error),
          });
          return;
        }
        if (options.metrics && req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
          send(res, {
            statusCode: 200,
            headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
            body: await options.metrics(),
          });
          return;
        }
        send(res, await options.handler(toProxyEvent(req, body, requestId), localContext(requestId)));
      } catch (error) {
        const { status, body } = toErrorResponse(error);
        if (!res.headersSent)
          send(res, {
            statusCode: status,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          });
        else res.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
