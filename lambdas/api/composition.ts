/**
 * Composition root of the API: the environment contract (docs/environment.md) → adapters → herder → RestApi.
 * Runs once per cold start. Kafka-backed adapters (source offsets topic, sink group offsets, cluster id) load
 * lazily on the first request that needs them, so most requests never pay for a Kafka connection.
 */
import * as z from 'zod';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { connectorValidation } from '../../lib/herder/connector-validation';
import { Herder, type HerderOptions } from '../../lib/herder/herder';
import { LoggerRegistry } from '../../lib/herder/loggers';
import { RegistryPlugins, type ConnectorValidation } from '../../lib/herder/plugin-catalog';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createRestApi, type RestApi } from '../../lib/rest/router';
import type { ConfigStore, OffsetStore, StatusStore } from '../../lib/storage/ports';
import type { SinkOffsets } from '../../lib/storage/sink-offsets';
import openapiDocument from '../../openapi.json';
import { logger } from './logger';

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export const apiEnvSchema = z
  .object({
    SKC_STORE: z.enum(['dynamodb', 'local', 'memory']).default('memory'),
    SKC_TABLE_NAME: z.string().min(1).optional(),
    SKC_STATE_DIR: z.string().min(1).optional(),
    SKC_DYNAMODB_ENDPOINT: z.string().url().optional(),
    SKC_BOOTSTRAP_SERVERS: z.string().min(1).optional(),
    SKC_WORKER_CONFIG: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (!s) return {} as Record<string, string>;
        try {
          return z.record(z.string(), z.coerce.string()).parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'SKC_WORKER_CONFIG must be a JSON object of strings' });
          return z.NEVER;
        }
      }),
    SKC_PLUGIN_PATH: z.string().optional(),
    SKC_COMMIT: z.string().optional(),
    LOG_LEVEL: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SKC_STORE === 'dynamodb' && !env.SKC_TABLE_NAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKC_TABLE_NAME'],
        message: 'SKC_TABLE_NAME is required with SKC_STORE=dynamodb',
      });
    }
    if (env.SKC_STORE === 'local' && !env.SKC_STATE_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['SKC_STATE_DIR'],
        message: 'SKC_STATE_DIR is required with SKC_STORE=local',
      });
    }
  });
export type ApiEnv = z.output<typeof apiEnvSchema>;

export interface ApiComposition {
  readonly api: RestApi;
  readonly herder: Herder;
  /** release Kafka connections (tests, local stack shutdown) */
  close(): Promise<void>;
}

export interface ComposeOverrides {
  readonly configStore?: ConfigStore;
  readonly statusStore?: StatusStore;
  readonly offsetStore?: () => Promise<OffsetStore>;
  readonly sinkOffsets?: () => Promise<SinkOffsets>;
  readonly validation?: ConnectorValidation;
  readonly registry?: PluginRegistry;
}

/** Memoize an async factory; a failure is not cached, so the next request retries. */
const lazy = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
};

async function storesFor(env: ApiEnv): Promise<{ configStore: ConfigStore; statusStore: StatusStore }> {
  if (env.SKC_STORE === 'dynamodb') {
    const [{ createDocumentClient }, { DynamoDbConfigStore }, { DynamoDbStatusStore }] = await Promise.all([
      import('../../lib/adapters/dynamodb/table'),
      import('../../lib/adapters/dynamodb/config-store'),
      import('../../lib/adapters/dynamodb/status-store'),
    ]);
    const doc = createDocumentClient(env.SKC_DYNAMODB_ENDPOINT ? { endpoint: env.SKC_DYNAMODB_ENDPOINT } : {});
    const names = { table: env.SKC_TABLE_NAME! };
    return { configStore: new DynamoDbConfigStore(doc, names), statusStore: new DynamoDbStatusStore(doc, names) };
  }
  if (env.SKC_STORE === 'local') {
    const [{ FileConfigStore }, { FileStatusStore }] = await Promise.all([
      import('../../lib/adapters/local/file-config-store'),
      import('../../lib/adapters/local/file-status-store'),
    ]);
    return {
      configStore: new FileConfigStore(env.SKC_STATE_DIR!),
      statusStore: new FileStatusStore(env.SKC_STATE_DIR!),
    };
  }
  return { configStore: new InMemoryConfigStore(), statusStore: new InMemoryStatusStore() };
}

export async function compose(env: ApiEnv, overrides: ComposeOverrides = {}): Promise<ApiComposition> {
  const stores = overrides.configStore && overrides.statusStore ? undefined : await storesFor(env);
  const configStore = overrides.configStore ?? stores!.configStore;
  const statusStore = overrides.statusStore ?? stores!.statusStore;
  const registry = overrides.registry ?? PluginRegistry.withBuiltins();
  const pluginPath = list(env.SKC_PLUGIN_PATH);
  if (pluginPath.length > 0) await registry.loadPluginPath(pluginPath);
  const worker = env.SKC_WORKER_CONFIG;
  const closers: (() => Promise<void>)[] = [];

  let offsetStore = overrides.offsetStore;
  let sinkOffsets = overrides.sinkOffsets;
  let clusterId: HerderOptions['clusterId'];
  if (env.SKC_BOOTSTRAP_SERVERS) {
    const bootstrap = env.SKC_BOOTSTRAP_SERVERS;
    const kafka = lazy(async () => (await import('./kafka')).connectKafka(bootstrap, worker, closers));
    offsetStore ??= lazy(async () => (await kafka()).offsetStore());
    sinkOffsets ??= lazy(async () => (await kafka()).groupOffsets);
    let knownClusterId: string | undefined;
    clusterId = async () => {
      try {
        return (knownClusterId ??= await (await kafka()).groupOffsets.clusterId());
      } catch (error) {
        logger.warn('could not read the Kafka cluster id', { error });
        return null;
      }
    };
  } else if (env.SKC_STORE === 'memory') {
    const memoryOffsets = new InMemoryOffsetStore();
    offsetStore ??= async () => memoryOffsets;
  }

  const loggers = new LoggerRegistry(env.LOG_LEVEL?.toUpperCase() ?? 'INFO', (name, level) => {
    if (name === 'root') logger.setLogLevel(level as Parameters<typeof logger.setLogLevel>[0]);
  });
  const herder = new Herder({
    configStore,
    statusStore,
    plugins: new RegistryPlugins(registry, overrides.validation ?? connectorValidation(registry)),
    ...(offsetStore ? { offsetStore } : {}),
    ...(sinkOffsets ? { sinkOffsets } : {}),
    ...(clusterId ? { clusterId } : {}),
    loggers,
    topicTracking: {
      enable: (worker['topic.tracking.enable'] ?? 'true').toLowerCase() === 'true',
      allowReset: (worker['topic.tracking.allow.reset'] ?? 'true').toLowerCase() === 'true',
    },
    commit: env.SKC_COMMIT ?? 'unknown',
  });
  const api = createRestApi(herder, {
    openapiDocument,
    onServerError: (error, request) =>
      logger.error('request failed', { error, method: request.method, path: request.path }),
  });
  return {
    api,
    herder,
    close: async () => {
      for (const close of closers.splice(0)) await close().catch(() => undefined);
    },
  };
}

/** The API as the environment describes it (the Lambda's cold start). */
export const composeFromEnv = async (env: NodeJS.ProcessEnv = process.env): Promise<ApiComposition> => {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return compose(parsed.data);
};
