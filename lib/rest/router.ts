/**
 * The framework-free HTTP front of the route table: match method + path (segments percent-decoded one by one,
 * so any character in a connector name works when encoded, `%2F` included), enforce content type and size,
 * parse JSON, validate the body with the route's zod schema, call the herder, and map every error in one
 * place (errors.ts). Bad input never produces a 5xx.
 */
import type * as z from 'zod';
import type { Herder } from '../herder/herder';
import { HttpError, toErrorResponse } from './errors';
import { type HttpMethod, ROUTES, type Route, type RouteResult } from './routes';

export interface HttpRequest {
  readonly method: string;
  /** path as received, still percent-encoded, without the query string and without any API stage prefix */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** header names lower-case */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | null;
  /** scheme://host[/stage] for absolute Location headers */
  readonly baseUrl: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** JSON text, or '' for an empty body */
  readonly body: string;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export interface RestApiOptions {
  /** served at `GET /openapi.json` */
  readonly openapiDocument?: unknown;
  /** called for every 5xx (the handler logs it) */
  readonly onServerError?: (error: unknown, request: HttpRequest) => void;
}

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly (string | { readonly param: string })[];
}

const compile = (route: Route): CompiledRoute => ({
  route,
  segments: route.path
    .split('/')
    .slice(1)
    .filter((s, i, all) => s !== '' || all.length > 1)
    .map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) } : s)),
});

/** JAX-RS `int` path parameter: a decimal Java int, else the route does not match (404). */
const isJavaInt = (s: string): boolean => /^[+-]?\d{1,10}$/.test(s) && Math.abs(Number(s)) <= 2 ** 31 - 1;

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;.*)?$/i;

export type RestApi = (request: HttpRequest) => Promise<HttpResponse>;

export function createRestApi(herder: Herder, options: RestApiOptions = {}): RestApi {
  const compiled = ROUTES.map(compile);

  const match = (method: string, path: string): { route: Route; params: Record<string, string> } => {
    // Jersey ignores one trailing slash.
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const raw = trimmed === '/' ? [] : trimmed.split('/').slice(1);
    let pathMatched = false;
    for (const { route, segments } of compiled) {
      if (segments.length !== raw.length) continue;
      const params: Record<string, string> = {};
      const ok = segments.every((segment, i) => {
        const value = raw[i]!;
        if (typeof segment === 'string') return segment === value;
        let decoded: string;
        try {
          decoded = decodeURIComponent(value);
        } catch {
          return false;
        }
        if (decoded === '' || (segment.param === 'task' && !isJavaInt(decoded))) return false;
        params[segment.param] = decoded;
        return true;
      });
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    if (pathMatched) throw new HttpError(405);
    throw new HttpError(404);
  };

  const parseBody = (route: Route, request: HttpRequest): unknown => {
    const contentType = request.headers['content-type'];
    if (!contentType || !JSON_TYPE.test(contentType.trim())) throw new HttpError(415);
    const text = request.body ?? '';
    if (text.trim() === '') throw new HttpError(400, 'Request body is empty; a JSON document is required');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `Malformed JSON in request body: ${(error as Error).message}`);
    }
    const parsed = (route.body as z.ZodType).safeParse(json);
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    return parsed.data;
  };

  const serve = async (request: HttpRequest): Promise<RouteResult> => {
    const method = request.method.toUpperCase();
    if (request.body !== null && Buffer.byteLength(request.body) > MAX_BODY_BYTES) {
      throw new HttpError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    if (options.openapiDocument !== undefined && request.path === '/openapi.json') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405);
      return { status: 200, body: options.openapiDocument };
    }
    const { route, params } = match(method === 'HEAD' ? 'GET' : (method as HttpMethod), request.path);
    const body = route.body ? parseBody(route, request) : undefined;
    return route.handle(herder, { params, query: request.query, body, baseUrl: request.baseUrl });
  };

  return async (request) => {
    let result: RouteResult;
    try {
      result = await serve(request);
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) options.onServerError?.(error, request);
      result = { status, body };
    }
    const headers: Record<string, string> = { ...result.headers };
    let text = '';
    if (result.body !== undefined && result.status !== 204) {
      headers['Content-Type'] = 'application/json';
      text = request.method.toUpperCase() === 'HEAD' ? '' : JSON.stringify(result.body);
    }
    return { statusCode: result.status, headers, body: text };
  };
}

/** A zod failure as one line per issue, Jackson-like: where, and what was expected. */
function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join('.') : 'request body';
    if (issue.code === 'unrecognized_keys') {
      return `Unrecognized field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (not marked as ignorable)`;
    }
    return `${where}: ${issue.message}`;
  });
  return `Invalid request body: ${lines.join('; ')}`;
}
