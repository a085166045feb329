/**
 * The route table of the Kafka Connect REST API (Apache's `RootResource`, `ConnectorsResource`,
 * `ConnectorPluginsResource`, `LoggingResource`): method + path pattern → herder call → status, headers, body.
 * Framework-free: the router (router.ts) matches and parses, the OpenAPI generator (openapi.ts) documents.
 */
import type * as z from 'zod';
import type { Expand, Herder } from '../herder/herder';
import * as S from './schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  /** path parameters, percent-decoded */
  readonly params: Readonly<Record<string, string>>;
  /** query parameters, every value of repeated keys */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** the request body after the route's `body` schema parsed it */
  readonly body: unknown;
  /** scheme://host[/stage] of the request, for absolute Location headers */
  readonly baseUrl: string;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface QueryParamDoc {
  readonly description: string;
  readonly schema: z.ZodType;
}

export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'root' | 'connectors' | 'connector-plugins' | 'admin';
  readonly body?: z.ZodType;
  readonly query?: Readonly<Record<string, QueryParamDoc>>;
  /** documented responses; `schema` absent = empty body */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType }>>;
  handle(herder: Herder, ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

/** JAX-RS `Boolean` query params: only a case-insensitive "true" is true. */
const boolParam = (ctx: RouteContext, name: string, fallback: boolean): boolean => {
  const value = ctx.query[name]?.[0];
  return value === undefined ? fallback : value.toLowerCase() === 'true';
};

/** Apache encodes the name as a path segment; we also encode `/` so the Location can be followed. */
export const encodeConnectorName = (name: string): string =>
  encodeURIComponent(name).replace(/%(24|26|2B|2C|3A|3B|3D|40)/gi, (m) => decodeURIComponent(m));

const location = (ctx: RouteContext, name: string): Record<string, string> => ({
  Location: `${ctx.baseUrl}/connectors/${encodeConnectorName(name)}`,
});

const c = (ctx: RouteContext): string => ctx.params['connector']!;
const t = (ctx: RouteContext): number => Number(ctx.params['task']);

const boolQuery = (description: string): QueryParamDoc => ({ description, schema: S.BooleanQuery });

const notFound = { description: 'Not found', schema: S.ErrorMessage } as const;
const badRequest = { description: 'Bad request', schema: S.ErrorMessage } as const;
const conflict = { description: 'Conflict', schema: S.ErrorMessage } as const;

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/',
    operationId: 'serverInfo',
    summary: 'Worker version, commit and Kafka cluster id',
    tag: 'root',
    responses: { 200: { description: 'Server info', schema: S.ServerInfo } },
    handle: async (h) => ({ status: 200, body: await h.serverInfo() }),
  },
  {
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Health check (KIP-1017)',
    tag: 'root',
    responses: { 200: { description: 'Healthy', schema: S.HealthInfo } },
    handle: (h) => ({ status: 200, body: h.health() }),
  },
  {
    method: 'GET',
    path: '/connectors',
    operationId: 'listConnectors',
    summary: 'List connector names, or with expand=status/info a map of name to details',
    tag: 'connectors',
    query: {
      expand: {
        description: 'status, info and/or metrics (ours; repeatable); unknown values are ignored',
        schema: S.ExpandQuery,
      },
    },
    responses: { 200: { description: 'Names, or expanded map', schema: S.ConnectorList } },
    handle: async (h, ctx) => {
      const expand = ctx.query['expand'];
      if (!expand) return { status: 200, body: await h.listConnectors() };
      const wanted = new Set(expand.filter((e): e is Expand => e === 'status' || e === 'info' || e === 'metrics'));
      return { status: 200, body: await h.listConnectorsExpanded(wanted) };
    },
  },
  {
    method: 'POST',
    path: '/connectors',
    operationId: 'createConnector',
    summary: 'Create a connector',
    tag: 'connectors',
    body: S.CreateConnectorRequest,
    responses: {
      201: { description: 'Created', schema: S.ConnectorInfo },
      400: badRequest,
      409: { description: 'Already exists', schema: S.ErrorMessage },
    },
    handle: async (h, ctx) => {
      const info = await h.createConnector(ctx.body as z.output<typeof S.CreateConnectorRequest>);
      return { status: 201, body: info, headers: location(ctx, info.name) };
    },
  },
  {
    method: 'GET',
    path: '/connectors/{connector}',
    operationId: 'getConnector',
    summary: 'Connector info',
    tag: 'connectors',
    responses: { 200: { description: 'Connector info', schema: S.ConnectorInfo }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.connectorInfoOf(c(ctx)) }),
  },
  {
    method: 'DELETE',
    path: '/connectors/{connector}',
    operationId: 'deleteConnector',
    summary: 'Delete a connector',
    tag: 'connectors',
    responses: { 204: { description: 'Deleted' }, 404: notFound },
    handle: async (h, ctx) => {
      await h.deleteConnector(c(ctx));
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/config',
    operationId: 'getConnectorConfig',
    summary: 'Raw connector config (placeholders unresolved)',
    tag: 'connectors',
    responses: { 200: { description: 'Config', schema: S.ConfigMap }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.connectorConfig(c(ctx)) }),
  },
  {
    method: 'PUT',
    path: '/connectors/{connector}/config',
    operationId: 'putConnectorConfig',
    summary: 'Create or update a connector config',
    tag: 'connectors',
    body: S.ConfigPatchRequest,
    responses: {
      200: { description: 'Updated', schema: S.ConnectorInfo },
      201: { description: 'Created', schema: S.ConnectorInfo },
      400: badRequest,
      409: conflict,
    },
    handle: async (h, ctx) => {
      const { info, created } = await h.putConnectorConfig(c(ctx), ctx.body as Record<string, string | null>);
      return created ? { status: 201, body: info, headers: location(ctx, info.name) } : { status: 200, body: info };
    },
  },
  {
    method: 'PATCH',
    path: '/connectors/{connector}/config',
    operationId: 'patchConnectorConfig',
    summary: 'Patch a connector config (null removes a key)',
    tag: 'connectors',
    body: S.ConfigPatchRequest,
    responses: { 200: { description: 'Patched', schema: S.ConnectorInfo }, 400: badRequest, 404: notFound },
    handle: async (h, ctx) => ({
      status: 200,
      body: await h.patchConnectorConfig(c(ctx), ctx.body as Record<string, string | null>),
    }),
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/status',
    operationId: 'getConnectorStatus',
    summary: 'Connector and task status',
    tag: 'connectors',
    responses: { 200: { description: 'Status', schema: S.ConnectorStateInfo }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.connectorStatus(c(ctx)) }),
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/metrics',
    operationId: 'getConnectorMetrics',
    summary: 'Progress per task: records in/out, last poll/put/commit, sink lag, stalled indicator (not in Apache)',
    tag: 'connectors',
    responses: { 200: { description: 'Metrics', schema: S.ConnectorMetrics }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.connectorMetrics(c(ctx)) }),
  },
  {
    method: 'POST',
    path: '/connectors/{connector}/restart',
    operationId: 'restartConnector',
    summary: 'Restart the connector (and with includeTasks its tasks; onlyFailed restricts to FAILED ones)',
    tag: 'connectors',
    query: {
      includeTasks: boolQuery('also restart tasks (default false)'),
      onlyFailed: boolQuery('restart only FAILED instances (default false)'),
    },
    responses: {
      202: { description: 'Restart plan', schema: S.ConnectorStateInfo },
      204: { description: 'Connector restart requested' },
      404: notFound,
    },
    handle: async (h, ctx) => {
      const plan = await h.restartConnector(
        c(ctx),
        boolParam(ctx, 'includeTasks', false),
        boolParam(ctx, 'onlyFailed', false),
      );
      return plan ? { status: 202, body: plan } : { status: 204 };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{connector}/pause',
    operationId: 'pauseConnector',
    summary: 'Pause the connector and its tasks',
    tag: 'connectors',
    responses: { 202: { description: 'Accepted' }, 404: notFound },
    handle: async (h, ctx) => {
      await h.pauseConnector(c(ctx));
      return { status: 202 };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{connector}/resume',
    operationId: 'resumeConnector',
    summary: 'Resume a paused or stopped connector',
    tag: 'connectors',
    responses: { 202: { description: 'Accepted' }, 404: notFound },
    handle: async (h, ctx) => {
      await h.resumeConnector(c(ctx));
      return { status: 202 };
    },
  },
  {
    method: 'PUT',
    path: '/connectors/{connector}/stop',
    operationId: 'stopConnector',
    summary: 'Stop the connector and release its tasks (KIP-875)',
    tag: 'connectors',
    responses: { 204: { description: 'Stopped' }, 404: notFound },
    handle: async (h, ctx) => {
      await h.stopConnector(c(ctx));
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/tasks',
    operationId: 'getTasks',
    summary: 'Task configs',
    tag: 'connectors',
    responses: { 200: { description: 'Tasks', schema: S.TaskInfos }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.taskConfigs(c(ctx)) }),
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/tasks/{task}/status',
    operationId: 'getTaskStatus',
    summary: 'Status of one task',
    tag: 'connectors',
    responses: { 200: { description: 'Task status', schema: S.TaskState }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.taskStatus(c(ctx), t(ctx)) }),
  },
  {
    method: 'POST',
    path: '/connectors/{connector}/tasks/{task}/restart',
    operationId: 'restartTask',
    summary: 'Restart one task',
    tag: 'connectors',
    responses: { 204: { description: 'Restart requested' }, 404: notFound },
    handle: async (h, ctx) => {
      await h.restartTask(c(ctx), t(ctx));
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/topics',
    operationId: 'getConnectorActiveTopics',
    summary: 'Topics the connector used (KIP-558)',
    tag: 'connectors',
    responses: {
      200: { description: 'Active topics', schema: S.ActiveTopics },
      403: { description: 'Topic tracking disabled', schema: S.ErrorMessage },
    },
    handle: async (h, ctx) => ({ status: 200, body: await h.activeTopics(c(ctx)) }),
  },
  {
    method: 'PUT',
    path: '/connectors/{connector}/topics/reset',
    operationId: 'resetConnectorActiveTopics',
    summary: 'Forget the topics the connector used',
    tag: 'connectors',
    responses: {
      202: { description: 'Accepted' },
      403: { description: 'Topic tracking (reset) disabled', schema: S.ErrorMessage },
    },
    handle: async (h, ctx) => {
      await h.resetActiveTopics(c(ctx));
      return { status: 202 };
    },
  },
  {
    method: 'GET',
    path: '/connectors/{connector}/offsets',
    operationId: 'getOffsets',
    summary: 'Connector offsets (KIP-875)',
    tag: 'connectors',
    responses: { 200: { description: 'Offsets', schema: S.ConnectorOffsets }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.getOffsets(c(ctx)) }),
  },
  {
    method: 'PATCH',
    path: '/connectors/{connector}/offsets',
    operationId: 'alterOffsets',
    summary: 'Alter the offsets of a STOPPED connector',
    tag: 'connectors',
    body: S.ConnectorOffsetsRequest,
    responses: { 200: { description: 'Altered', schema: S.Message }, 400: badRequest, 404: notFound },
    handle: async (h, ctx) => ({
      status: 200,
      body: await h.alterOffsets(c(ctx), ctx.body as Parameters<Herder['alterOffsets']>[1]),
    }),
  },
  {
    method: 'DELETE',
    path: '/connectors/{connector}/offsets',
    operationId: 'resetOffsets',
    summary: 'Reset the offsets of a STOPPED connector',
    tag: 'connectors',
    responses: { 200: { description: 'Reset', schema: S.Message }, 400: badRequest, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.resetOffsets(c(ctx)) }),
  },
  {
    method: 'GET',
    path: '/connector-plugins',
    operationId: 'listConnectorPlugins',
    summary: 'Installed plugins',
    tag: 'connector-plugins',
    query: { connectorsOnly: boolQuery('only sink and source connectors (default true)') },
    responses: { 200: { description: 'Plugins', schema: S.PluginInfos } },
    handle: (h, ctx) => ({ status: 200, body: h.listPlugins(boolParam(ctx, 'connectorsOnly', true)) }),
  },
  {
    method: 'GET',
    path: '/connector-plugins/{plugin}/config',
    operationId: 'getConnectorConfigDef',
    summary: 'Config definition of a plugin',
    tag: 'connector-plugins',
    responses: { 200: { description: 'Config keys', schema: S.ConfigKeyInfos }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.pluginConfig(ctx.params['plugin']!) }),
  },
  {
    method: 'PUT',
    path: '/connector-plugins/{plugin}/config/validate',
    operationId: 'validateConfigs',
    summary: 'Validate a connector config',
    tag: 'connector-plugins',
    body: S.ConfigPatchRequest,
    responses: { 200: { description: 'Validation result', schema: S.ConfigInfos }, 400: badRequest },
    handle: async (h, ctx) => ({
      status: 200,
      body: await h.validateConfig(ctx.params['plugin']!, ctx.body as Record<string, string | null>),
    }),
  },
  {
    method: 'GET',
    path: '/admin/loggers',
    operationId: 'listLoggers',
    summary: 'Explicitly set loggers and root',
    tag: 'admin',
    responses: { 200: { description: 'Logger levels', schema: S.LoggerLevels } },
    handle: async (h) => ({ status: 200, body: await h.allLoggers() }),
  },
  {
    method: 'GET',
    path: '/admin/loggers/{logger}',
    operationId: 'getLogger',
    summary: 'Level of one logger',
    tag: 'admin',
    responses: { 200: { description: 'Level', schema: S.LoggerLevel }, 404: notFound },
    handle: async (h, ctx) => ({ status: 200, body: await h.loggerLevel(ctx.params['logger']!) }),
  },
  {
    method: 'PUT',
    path: '/admin/loggers/{logger}',
    operationId: 'setLevel',
    summary:
      'Set a logger level. Serverless: the levels are stored for the whole deployment (the API and every task process apply them); scope=worker (200, affected loggers) and scope=cluster (204) both write them',
    tag: 'admin',
    body: S.LoggerLevelRequest,
    query: { scope: { description: 'worker (default) or cluster', schema: S.ScopeQuery } },
    responses: {
      200: { description: 'Affected loggers', schema: S.LoggerNames },
      204: { description: 'Cluster scope accepted' },
      400: badRequest,
      404: notFound,
    },
    handle: async (h, ctx) => {
      const affected = await h.setLoggerLevel(ctx.params['logger']!, ctx.body);
      return ctx.query['scope']?.[0]?.toLowerCase() === 'cluster' ? { status: 204 } : { status: 200, body: affected };
    },
  },
];
