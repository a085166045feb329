/**
 * Composition root of the API: the environment contract (docs/environment.md) → adapters → herder → RestApi.
 * Runs once per cold start. Kafka-backed adapters (source offsets topic, sink group offsets, cluster id) load
 * lazily on the first request that needs them, so most requests never pay for a Kafka connection.
 */
import * as z from 'zod';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { workerSecuritySettings } from '../../lib/config/worker-security';
import { connectorValidation } from '../../lib/herder/connector-validation';
import { Herder, type HerderOptions } from '../../lib/herder/herder';
import { LoggerRegistry } from '../../lib/herder/loggers';
import { withFileStreamPolicy } from '../../lib/herder/java-filestream-policy';
import { RegistryPlugins, type ConnectorValidation } from '../../lib/herder/plugin-catalog';
import type { JavaPluginCatalog } from '../../lib/plugins/java-plugins';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createRestApi, type RestApi } from '../../lib/rest/router';
import type { ConfigStore, LoggerLevelStore, OffsetStore, StatusStore } from '../../lib/storage/ports';
import type { SinkOffsets } from '../../lib/storage/sink-offsets';
import openapiDocument from '../../openapi.json';
import { commonEnvSchema, parseEnv } from '../env';
import { javaCatalogFromEnv } from '../java-catalog';
import { kafkaAuthProperties } from '../kafka-auth';
import { createLoggerLevelStore, createStores } from '../stores';
import { DISTRIBUTED_DEFAULTS } from '../worker-config';
import { toPowertoolsLevel } from '../log-levels';
import { logger } from './logger';

/** The API's environment: the contract every composition root shares, plus the commit `GET /` reports. */
export const apiEnvSchema = commonEnvSchema.extend({ SKC_COMMIT: z.string().optional() });
export type ApiEnv = z.output<typeof apiEnvSchema>;
/** What compose() reads; the keys with defaults may be left out by callers that build it by hand. */
export type ComposeEnv = Omit<ApiEnv, 'SKC_KAFKA_AUTH' | 'SKC_PLUGIN_PATH'> &
  Partial<Pick<ApiEnv, 'SKC_KAFKA_AUTH' | 'SKC_PLUGIN_PATH'>>;

export interface ApiComposition {
  readonly api: RestApi;
  readonly herder: Herder;
  /** release Kafka connections (tests, local stack shutdown) */
  close(): Promise<void>;
}

export interface ComposeOverrides {
  readonly configStore?: ConfigStore;
  readonly statusStore?: StatusStore;
  readonly offsetStore?: (connectorConfig: Readonly<Record<string, string>>) => Promise<OffsetStore>;
  readonly sinkOffsets?: () => Promise<SinkOffsets>;
  readonly validation?: ConnectorValidation;
  readonly registry?: PluginRegistry;
  /** `GET /`'s cluster id when the caller knows it without asking Kafka (the local stack's own broker) */
  readonly clusterId?: () => Promise<string | null>;
  /** Java plug-ins: the catalog JVM (local stack) or the catalog Lambda function (AWS; docs/java-plugins.md) */
  readonly javaCatalog?: JavaPluginCatalog;
  /** where `/admin/loggers` levels are kept (default: the one of SKC_STORE) */
  readonly loggerLevelStore?: LoggerLevelStore;
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

export async function compose(env: ComposeEnv, overrides: ComposeOverrides = {}): Promise<ApiComposition> {
  const stores = overrides.configStore && overrides.statusStore ? undefined : await createStores(env);
  const configStore = overrides.configStore ?? stores!.configStore;
  const statusStore = overrides.statusStore ?? stores!.statusStore;
  const worker = env.SKC_WORKER_CONFIG;
  // The override policy, tasks.max cap and FileStream settings the herder validates with (docs/security.md).
  const security = workerSecuritySettings(worker);
  const registry = overrides.registry ?? PluginRegistry.withBuiltins({ fileStream: security.fileStream.enabled });
  const pluginPath = env.SKC_PLUGIN_PATH ?? [];
  if (pluginPath.length > 0) await registry.loadPluginPath(pluginPath);
  const closers: (() => Promise<void>)[] = [];

  let offsetStore = overrides.offsetStore;
  let sinkOffsets = overrides.sinkOffsets;
  let clusterId: HerderOptions['clusterId'] = overrides.clusterId;
  if (env.SKC_BOOTSTRAP_SERVERS) {
    const bootstrap = env.SKC_BOOTSTRAP_SERVERS;
    // The deployment's Kafka authentication (a secret read, for SCRAM) is resolved on first use, not at cold start.
    const auth = { SKC_KAFKA_AUTH: env.SKC_KAFKA_AUTH ?? 'none', SKC_KAFKA_SECRET_ARN: env.SKC_KAFKA_SECRET_ARN };
    const kafka = lazy(async () =>
      (await import('./kafka')).connectKafka(bootstrap, { ...(await kafkaAuthProperties(auth)), ...worker }, closers),
    );
    offsetStore ??= async (connectorConfig) => (await kafka()).offsetStore(connectorConfig);
    sinkOffsets ??= lazy(async () => (await kafka()).groupOffsets);
    let knownClusterId: string | undefined;
    clusterId ??= async () => {
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

  // Levels live in the store every task process reads (composition/log-levels.ts); root also sets our own.
  const loggers = new LoggerRegistry(
    env.LOG_LEVEL?.toUpperCase() ?? 'INFO',
    (name, level) => {
      if (name === 'root') logger.setLogLevel(toPowertoolsLevel(level));
    },
    overrides.loggerLevelStore ?? (await createLoggerLevelStore(env)),
  );
  const herder = new Herder({
    configStore,
    statusStore,
    plugins: new RegistryPlugins(
      registry,
      overrides.validation ??
        connectorValidation(
          registry,
          security,
          {
            'key.converter': worker['key.converter'] ?? DISTRIBUTED_DEFAULTS['key.converter'],
            'value.converter': worker['value.converter'] ?? DISTRIBUTED_DEFAULTS['value.converter'],
            ...(worker['header.converter'] ? { 'header.converter': worker['header.converter'] } : {}),
          },
          {
            // Distributed mode: Apache's preflight checks of exactly.once.support / transaction.boundary apply.
            exactlyOnceSourceEnabled:
              (worker['exactly.once.source.support'] ?? 'disabled').trim().toLowerCase() === 'enabled',
          },
        ),
      // Apache's Java FileStream (connect-file on plugin.path) under the worker's FileStream keys too.
      overrides.javaCatalog ? withFileStreamPolicy(overrides.javaCatalog, security.fileStream) : undefined,
    ),
    ...(offsetStore ? { offsetStore } : {}),
    ...(sinkOffsets ? { sinkOffsets } : {}),
    ...(clusterId ? { clusterId } : {}),
    loggers,
    topicTracking: {
      enable: (worker['topic.tracking.enable'] ?? 'true').toLowerCase() === 'true',
      allowReset: (worker['topic.tracking.allow.reset'] ?? 'true').toLowerCase() === 'true',
    },
    commit: env.SKC_COMMIT ?? 'unknown',
    workerProperties: worker,
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
  const parsed = parseEnv(apiEnvSchema, env);
  // Java plug-ins in AWS: the catalog Lambda of the JVM image answers for them (composition/java-catalog.ts).
  const javaCatalog = await javaCatalogFromEnv(parsed, env);
  return compose(parsed, javaCatalog ? { javaCatalog } : {});
};
