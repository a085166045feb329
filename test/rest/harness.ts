/**
 * Test harness: the API over in-memory stores, reachable through the Lambda handler (API Gateway v1/v2 events)
 * or through the local HTTP server — the same calls, the same expectations.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import type { ConfigStore, StatusStore } from '../../lib/storage/ports';
import type { SinkOffsetEntry, SinkOffsets } from '../../lib/storage/sink-offsets';
import { type ApiComposition, compose, type ComposeOverrides } from '../../composition/api/composition';
import { createApiHandler } from '../../composition/api/handler';
import { startHttpServer, type HttpServer } from '../../composition/http-server';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** parsed JSON, or null for an empty body */
  body: unknown;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** raw body text (sent as is) */
  raw?: string;
  contentType?: string | null;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

/** Sink offsets in memory: group → "topic\0partition" → offset. */
export class InMemorySinkOffsets implements SinkOffsets {
  readonly groups = new Map<string, Map<string, SinkOffsetEntry>>();
  async list(groupId: string): Promise<SinkOffsetEntry[]> {
    return [...(this.groups.get(groupId)?.values() ?? [])];
  }
  async alter(groupId: string, entries: readonly SinkOffsetEntry[]): Promise<void> {
    const group = this.groups.get(groupId) ?? new Map<string, SinkOffsetEntry>();
    for (const e of entries) {
      const key = `${e.partition.topic}\u0000${e.partition.partition}`;
      if (e.offset === null) group.delete(key);
      else group.set(key, e);
    }
    this.groups.set(groupId, group);
  }
  async reset(groupId: string): Promise<void> {
    this.groups.delete(groupId);
  }
}

export interface TestApi {
  composition: ApiComposition;
  configStore: ConfigStore;
  statusStore: StatusStore;
  offsetStore: InMemoryOffsetStore;
  sinkOffsets: InMemorySinkOffsets;
}

export async function createTestApi(overrides: ComposeOverrides = {}): Promise<TestApi> {
  const configStore = overrides.configStore ?? new InMemoryConfigStore();
  const statusStore = overrides.statusStore ?? new InMemoryStatusStore();
  const offsetStore = new InMemoryOffsetStore();
  const sinkOffsets = new InMemorySinkOffsets();
  const composition = await compose(
    { SKC_STORE: 'memory', SKC_WORKER_CONFIG: {}, SKC_COMMIT: 'test' },
    {
      configStore,
      statusStore,
      offsetStore: async () => offsetStore,
      sinkOffsets: async () => sinkOffsets,
      ...overrides,
    },
  );
  return { composition, configStore, statusStore, offsetStore, sinkOffsets };
}

const context = {} as Context;

const eventBody = (options: CallOptions | undefined): string | null =>
  options?.raw ?? (options?.body === undefined ? null : JSON.stringify(options.body));

const contentTypeOf = (options: CallOptions | undefined): string | undefined => {
  if (options?.contentType === null) return undefined;
  if (options?.contentType !== undefined) return options.contentType;
  return options?.body !== undefined || options?.raw !== undefined ? 'application/json' : undefined;
};

const toReply = (status: number, headers: Record<string, string>, text: string): Reply => ({
  status,
  headers,
  text,
  body: text === '' ? null : (JSON.parse(text) as unknown),
});

/** Calls through the Lambda handler with API Gateway REST (v1) events. */
export function viaLambdaV1(api: ApiComposition, stage = 'prod'): Call {
  const handler = createApiHandler(() => api.api);
  return async (method, path, options) => {
    const [rawPath = '/', search = ''] = path.split('?');
    const params = new URLSearchParams(search);
    const multi: Record<string, string[]> = {};
    for (const [k, v] of params) (multi[k] ??= []).push(v);
    const contentType = contentTypeOf(options);
    const event = {
      httpMethod: method,
      path: rawPath,
      headers: {
        Host: 'abc.execute-api.eu-west-1.amazonaws.com',
        ...(contentType ? { 'Content-Type': contentType } : {}),
      },
      multiValueHeaders: {},
      queryStringParameters: Object.keys(multi).length ? Object.fromEntries(params) : null,
      multiValueQueryStringParameters: Object.keys(multi).length ? multi : null,
      body: eventBody(options),
      isBase64Encoded: false,
      requestContext: { path: `/${stage}${rawPath}`, stage, domainName: 'abc.execute-api.eu-west-1.amazonaws.com' },
    } as unknown as APIGatewayProxyEvent;
    const result = await handler(event, context);
    return toReply(result.statusCode, (result.headers ?? {}) as Record<string, string>, result.body);
  };
}

/** Calls through the Lambda handler with API Gateway HTTP API (v2) events. */
export function viaLambdaV2(api: ApiComposition): Call {
  const handler = createApiHandler(() => api.api);
  return async (method, path, options) => {
    const [rawPath = '/', search = ''] = path.split('?');
    const contentType = contentTypeOf(options);
    const body = eventBody(options);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: search,
      headers: { host: 'api.example.com', ...(contentType ? { 'content-type': contentType } : {}) },
      requestContext: { http: { method, path: rawPath }, stage: '$default', domainName: 'api.example.com' },
      ...(body === null ? {} : { body: Buffer.from(body).toString('base64') }),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    const result = await handler(event, context);
    return toReply(result.statusCode, (result.headers ?? {}) as Record<string, string>, result.body);
  };
}

/** Starts the local HTTP server over the API's handler (port 0) and calls it with fetch. */
export async function viaHttpServer(api: ApiComposition): Promise<{ call: Call; server: HttpServer }> {
  const server = await startHttpServer({ handler: createApiHandler(() => api.api), listeners: 'http://127.0.0.1:0' });
  const call: Call = async (method, path, options) => {
    const contentType = contentTypeOf(options);
    const body = eventBody(options);
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: contentType ? { 'Content-Type': contentType } : {},
      ...(body === null ? {} : { body }),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name === 'location' ? 'Location' : name === 'content-type' ? 'Content-Type' : name] = value;
    });
    return toReply(response.status, headers, await response.text());
  };
  return { call, server };
}
