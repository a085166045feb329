/**
 * API Gateway proxy events (REST API v1 and HTTP API v2) ⇄ the framework-free HttpRequest/HttpResponse of
 * lib/rest. Paths stay percent-encoded so that connector names may contain any character (`%2F` included);
 * the stage prefix is removed and kept in the base URL for absolute Location headers.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from '../../lib/rest/router';

export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

const isV2 = (event: ApiEvent): event is APIGatewayProxyEventV2 => (event as { version?: string }).version === '2.0';

const lowerCaseHeaders = (headers: Record<string, string | undefined> | null | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
};

const decodeBody = (body: string | null | undefined, base64: boolean): string | null =>
  body === null || body === undefined ? null : base64 ? Buffer.from(body, 'base64').toString('utf8') : body;

const queryOf = (search: URLSearchParams): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const [key, value] of search) (out[key] ??= []).push(value);
  return out;
};

export function toHttpRequest(event: ApiEvent): HttpRequest {
  if (isV2(event)) {
    const headers = lowerCaseHeaders(event.headers);
    const stage = event.requestContext.stage;
    const stagePrefix = stage && stage !== '$default' && event.rawPath.startsWith(`/${stage}/`) ? `/${stage}` : '';
    const host = headers['host'] ?? event.requestContext.domainName;
    return {
      method: event.requestContext.http.method,
      path: event.rawPath.slice(stagePrefix.length) || '/',
      query: queryOf(new URLSearchParams(event.rawQueryString ?? '')),
      headers,
      body: decodeBody(event.body, event.isBase64Encoded),
      baseUrl: `${headers['x-forwarded-proto'] ?? 'https'}://${host}${stagePrefix}`,
    };
  }
  const headers = lowerCaseHeaders(event.headers);
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 1) headers[name.toLowerCase()] = values.join(',');
  }
  const query: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
    if (values) query[key] = values;
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && !query[key]) query[key] = [value];
  }
  // requestContext.path carries the stage (`/prod/connectors`) when called on the execute-api domain.
  const contextPath = event.requestContext?.path ?? event.path;
  const stagePrefix = contextPath.endsWith(event.path)
    ? contextPath.slice(0, contextPath.length - event.path.length)
    : '';
  const host = headers['host'] ?? event.requestContext?.domainName ?? 'localhost';
  return {
    method: event.httpMethod,
    path: event.path || '/',
    query,
    headers,
    body: decodeBody(event.body, event.isBase64Encoded),
    baseUrl: `${headers['x-forwarded-proto'] ?? 'https'}://${host}${stagePrefix}`,
  };
}

export const toProxyResult = (response: HttpResponse): APIGatewayProxyResult => ({
  statusCode: response.statusCode,
  headers: response.headers,
  body: response.body,
  isBase64Encoded: false,
});
