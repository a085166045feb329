/**
 * The API Lambda's handler (lambdas/api/handler.ts exports it; the local stack and connect-standalone serve it on
 * node:http): Kafka Connect's REST API behind API Gateway (REST v1 or HTTP API v2 proxy integration).
 * middy chain: normalize the event → route table (lib/rest: JSON body parsing, zod validation, the one error
 * mapping) → proxy result; a last-resort error middleware answers anything unexpected (cold-start wiring,
 * a malformed event) with the same `{error_code, message}` envelope.
 * The RestApi is wired once per cold start by `load` (./composition.ts from the environment, or a caller's own).
 */
import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { toErrorResponse } from '../../lib/rest/errors';
import type { RestApi } from '../../lib/rest/router';
import { type ApiEvent, toHttpRequest, toProxyResult } from './events';
import { logger } from './logger';

export type ApiHandler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface ApiHandlerOptions {
  /**
   * Append the request's `connector` to every line the shared logger writes during the invocation (removed
   * after it). Right for Lambda, which runs one invocation at a time per instance; a node:http server runs
   * requests concurrently, so there (`false`) only the handler's own lines carry it. Default true.
   */
  readonly connectorLogKeys?: boolean;
}

/** The connector a request is about: `/connectors/{name}/…`, or the `name` of a `POST /connectors` body. */
export function connectorOfRequest(request: { method: string; path: string; body: string | null }): string | undefined {
  const match = /^\/connectors\/([^/]+)/.exec(request.path);
  if (match) {
    try {
      return decodeURIComponent(match[1]!);
    } catch {
      return match[1];
    }
  }
  if (request.method === 'POST' && request.path.replace(/\/$/, '') === '/connectors' && request.body) {
    try {
      const name = (JSON.parse(request.body) as { name?: unknown }).name;
      return typeof name === 'string' ? name : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A middy handler serving `load()`'s RestApi; `load` runs once, on the first request (the cold start). */
export function createApiHandler(
  load: () => RestApi | Promise<RestApi>,
  { connectorLogKeys = true }: ApiHandlerOptions = {},
): ApiHandler {
  let ready: Promise<RestApi> | undefined;
  const api = (): Promise<RestApi> => {
    ready ??= Promise.resolve(load()).catch((error: unknown) => {
      ready = undefined; // let the next request retry the wiring
      throw error;
    });
    return ready;
  };
  return (
    middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
      // Whatever the outcome, the next invocation starts without this one's keys (onError handlers run last-used
      // first, so the error line below still carries them).
      .use({
        after: () => logger.removeKeys(['connector']),
        onError: () => logger.removeKeys(['connector']),
      })
      .use({
        onError: async (request) => {
          logger.error('request failed outside the route table', { error: request.error });
          const { status, body } = toErrorResponse(request.error);
          request.response = {
            statusCode: status,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
            isBase64Encoded: false,
          };
        },
      })
      .handler(async (event, context) => {
        if (context?.awsRequestId) logger.addContext(context);
        const started = performance.now();
        const request = toHttpRequest(event);
        const connector = connectorOfRequest(request);
        logger.removeKeys(['connector']); // in case an invocation ended without the middleware (a timeout)
        if (connector !== undefined && connectorLogKeys) logger.appendKeys({ connector });
        const response = await (await api())(request);
        logger.debug('request', {
          ...(connector !== undefined && !connectorLogKeys ? { connector } : {}),
          method: request.method,
          path: request.path,
          status: response.statusCode,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
        });
        return toProxyResult(response);
      })
  );
}
