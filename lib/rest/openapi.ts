/**
 * The OpenAPI 3.0 document of the REST API, generated from the route table and its zod schemas (build time
 * only: scripts/openapi.mjs writes it to openapi.json, which the API serves at `GET /openapi.json`).
 */
import { OpenApiGeneratorV3, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { KAFKA_VERSION } from '../plugins/kafka-version';
import { ROUTES } from './routes';
import { ErrorMessage } from './schemas';

const PARAM_DOCS: Record<string, string> = {
  connector: 'Connector name (any characters, percent-encoded)',
  task: 'Task id (integer)',
  plugin: 'Plugin class name or alias',
  logger: 'Logger name (root for the root logger)',
};

export function generateOpenApiDocument(): object {
  const registry = new OpenAPIRegistry();
  for (const route of ROUTES) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = pathParams.length
      ? z.object(
          Object.fromEntries(
            pathParams.map((p) => [
              p,
              (p === 'task' ? z.int() : z.string().min(1)).meta({ description: PARAM_DOCS[p] }),
            ]),
          ),
        )
      : undefined;
    const query = route.query
      ? z.object(
          Object.fromEntries(
            Object.entries(route.query).map(([k, q]) => [k, q.schema.optional().meta({ description: q.description })]),
          ),
        )
      : undefined;
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, r]) => [
        status,
        r.schema
          ? { description: r.description, content: { 'application/json': { schema: r.schema } } }
          : { description: r.description },
      ]),
    );
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      request: {
        ...(params ? { params } : {}),
        ...(query ? { query } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        ...responses,
        default: { description: 'Error', content: { 'application/json': { schema: ErrorMessage } } },
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Kafka Connect REST API (serverless)',
      version: KAFKA_VERSION,
      description:
        'Apache Kafka Connect 4.x compatible REST API. Errors are {"error_code": <HTTP status>, "message": <text>}.',
    },
    servers: [{ url: '/' }],
  });
}
