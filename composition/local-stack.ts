/**
 * The local serverless stack (`npm start`), as a function so tests and benchmarks can run it in-process:
 * the REST API through the API Lambda's handler on a plain HTTP server, the embedded file store, the reconciler
 * in-process (on every store change, every task exit and a timer) and one child process per task.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findUp } from '../lib/adapters/local/kafka-broker';
import { FileConfigStore } from '../lib/adapters/local/file-config-store';
import { FileStatusStore } from '../lib/adapters/local/file-status-store';
import { ProcessLauncher } from '../lib/adapters/local/process-launcher';
import { ReconcileLoop } from '../lib/scheduler/reconcile-loop';
import type { Reconciler } from '../lib/scheduler/reconciler';
import { intentionalStopReason } from '../lib/scheduler/restart-policy';
import { apiEnvSchema, compose } from './api/composition';
import type { ApiComposition } from './api/composition';
import { createApiHandler } from './api/handler';
import { prometheusText } from '../lib/herder/prometheus';
import { startHttpServer } from './http-server';
import { allowedHostNames, guards, hostCheck, restExtensionGuard } from '../lib/rest/local-rest-security';
import { commonEnvSchema, parseEnv } from './env';
import { createReconciler } from './reconciler';
import { LOCAL_TASK_PROCESS_NODE_FLAGS } from '../lib/runtime/task-process';
import { JvmCatalog } from '../lib/adapters/jvm/jvm-catalog';
import { hasJavaPlugins } from '../lib/plugins/java-plugins';
import { workerProperties as workerPropertiesOf } from './worker-config';

export interface LocalStackOptions {
  readonly stateDir: string;
  readonly bootstrapServers: string;
  /** distributed-worker properties (converters, offset.storage.*, producer.* …) */
  readonly workerProperties?: Readonly<Record<string, string>>;
  /** the first listener is served; default http://127.0.0.1:8083 (loopback: never every interface unless asked) */
  readonly listeners?: string;
  /**
   * plugin.path: directories of JavaScript plug-ins and Java plug-in jars (default: the worker's `plugin.path`,
   * else SKC_PLUGIN_PATH). Java plug-ins start the warm catalog JVM (docs/java-plugins.md).
   */
  readonly pluginPath?: readonly string[];
  /** the bundled task-runner; default dist/task-runner.js */
  readonly taskRunnerScript?: string;
  readonly reconcileIntervalMs?: number;
  /**
   * How many warm spare task processes to keep, which the next launched tasks take over (ProcessLauncher
   * `warmSpares`; create → first record without the process start). Default DEFAULT_WARM_SPARES; 0 turns them
   * off (`SKC_WARM_SPARES`, `SKC_WARM_SPARE=false`: warmSparesFromEnv()).
   */
  readonly warmSpares?: number;
  readonly stopGraceMs?: number;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
  /**
   * Resolves once Kafka answers (the stack's own broker still starting). Until then the REST API already serves
   * what needs no Kafka (connectors, configs, status from the file store) and the reconciler launches no task;
   * rejects: the reconciler never starts (the caller reports the error and closes the stack).
   */
  readonly kafkaReady?: Promise<unknown>;
  /** The cluster id of `GET /` when known without asking Kafka (the own broker's), default: asked of Kafka. */
  readonly clusterId?: () => Promise<string | null>;
}

export interface LocalStack {
  readonly url: string;
  readonly stateDir: string;
  readonly launcher: ProcessLauncher;
  readonly reconciler: Reconciler;
  readonly loop: ReconcileLoop;
  /** stop the HTTP server and the reconciler; `stopTasks` (default true) also stops every task process */
  close(options?: { stopTasks?: boolean }): Promise<void>;
}

/**
 * Warm spares of the local stack by default. Two, from `npm run bench -- filestream` (docs/lifecycle.md): with
 * one, connectors created back to back find its replacement still starting (create → first record 2–3× Apache's
 * warm worker); with two, each replacement has the time of two creates to start. Each idle spare costs a Node
 * process (about 90 MiB RSS, most of it not shared).
 */
export const DEFAULT_WARM_SPARES = 2;
/** At most this many (`SKC_WARM_SPARES`): each is an idle Node process, and they start one at a time. */
export const MAX_WARM_SPARES = 8;

/**
 * The number of warm spares `env` asks for: `SKC_WARM_SPARES` (0–MAX_WARM_SPARES), else `SKC_WARM_SPARE`
 * (`false`: none, `true`: the default), else DEFAULT_WARM_SPARES. Throws, naming the variable, on anything else.
 */
export function warmSparesFromEnv(env: NodeJS.ProcessEnv): number {
  const count = env.SKC_WARM_SPARES?.trim();
  const flag = env.SKC_WARM_SPARE?.trim();
  if (flag !== undefined && flag !== 'true' && flag !== 'false')
    throw new Error(`SKC_WARM_SPARE must be true or false, not '${flag}'`);
  if (count === undefined) return flag === 'false' ? 0 : DEFAULT_WARM_SPARES;
  if (!/^\d+$/.test(count) || Number(count) > MAX_WARM_SPARES)
    throw new Error(`SKC_WARM_SPARES must be a whole number from 0 to ${MAX_WARM_SPARES}, not '${count}'`);
  if (flag === 'false' && Number(count) > 0)
    throw new Error(`SKC_WARM_SPARE=false contradicts SKC_WARM_SPARES=${count}: set only one`);
  return Number(count);
}

/** Where the bundled task-runner is: beside this bundle (dist/), else dist/ of the project. */
export function defaultTaskRunnerScript(): string {
  const beside = join(__dirname, 'task-runner.js');
  if (existsSync(beside)) return beside;
  const found = findUp(join('dist', 'task-runner.js'));
  if (!found) throw new Error('dist/task-runner.js not found: run `npm run build` first');
  return found;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { stateDir, bootstrapServers } = options;
  const workerProperties = { ...(options.workerProperties ?? {}) };
  delete workerProperties['bootstrap.servers'];
  const pluginPath =
    options.pluginPath ??
    (workerProperties['plugin.path'] ?? process.env.SKC_PLUGIN_PATH ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
  const rawEnv: NodeJS.ProcessEnv = {
    SKC_PLUGIN_PATH: pluginPath.join(','),
    SKC_STORE: 'local',
    SKC_STATE_DIR: stateDir,
    SKC_BOOTSTRAP_SERVERS: bootstrapServers,
    SKC_WORKER_CONFIG: JSON.stringify(workerProperties),
    ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
  };
  const env = parseEnv(commonEnvSchema, rawEnv);
  // One store instance for the API and the reconciler: its change notifications are the reconciler's trigger.
  const stores = { configStore: new FileConfigStore(stateDir), statusStore: new FileStatusStore(stateDir) };

  // The reconcile loop needs the reconciler, which needs the launcher: its exit hook is bound late.
  let trigger: (name?: string) => void = () => undefined;
  const launcher = new ProcessLauncher({
    args: [
      '--enable-source-maps',
      ...LOCAL_TASK_PROCESS_NODE_FLAGS,
      options.taskRunnerScript ?? defaultTaskRunnerScript(),
    ],
    env: { ...process.env, ...rawEnv },
    runDir: join(stateDir, 'run'),
    logDir: join(stateDir, 'logs'),
    stopGraceMs: options.stopGraceMs ?? 15_000,
    onExit: (instance) => trigger(instance.connector),
    warmSpares: options.warmSpares ?? DEFAULT_WARM_SPARES,
  });
  const adopted = launcher.recover();
  if (adopted.length > 0) options.log?.('adopted task processes of a previous run', { count: adopted.length });

  // Java plug-ins on plugin.path: one warm JVM answers plug-in questions (list, validate, task configs).
  const javaCatalog = hasJavaPlugins(pluginPath)
    ? await JvmCatalog.start({
        workerProperties: { ...workerPropertiesOf(env), 'plugin.path': pluginPath.join(',') },
        workerId: 'local-catalog',
        host: { log: (line) => options.log?.('catalog jvm', { line }) },
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;

  const reconciler = await createReconciler(env, stores, launcher, {
    ...(options.log ? { log: options.log } : {}),
    // The Java connectors' instances lived only in the previous run's catalog JVM: start them again.
    ...(javaCatalog ? { javaCatalog, restoreJavaConnectors: true } : {}),
  });
  const loop = new ReconcileLoop((name) => reconciler.reconcile(name), {
    intervalMs: options.reconcileIntervalMs ?? 2000,
    onError: (error) => options.log?.('reconcile failed', { error: String(error) }),
  });
  // Before Kafka is ready, store changes are left to the full reconcile that starting the loop runs.
  let kafkaUp = options.kafkaReady === undefined;
  trigger = (name) => kafkaUp && loop.trigger(name);
  // A Java connector's requestTaskReconfiguration(): regenerate its task configs on the next reconcile, now.
  javaCatalog?.onReconfigurationRequested((name) => {
    reconciler.requestTaskReconfiguration(name);
    trigger(name);
  });
  const unsubscribe = stores.configStore.subscribe((name) => trigger(name));

  let composition: ApiComposition | undefined;
  let composing: Promise<ApiComposition> | undefined;
  // One composition for the REST handler and `GET /metrics`, whichever asks first.
  const composed = (): Promise<ApiComposition> =>
    (composing ??= compose(apiEnvSchema.parse(rawEnv), {
      ...stores,
      ...(options.clusterId ? { clusterId: options.clusterId } : {}),
      ...(javaCatalog ? { javaCatalog } : {}),
    }).then((c) => (composition = c)));
  const handler = createApiHandler(async () => (await composed()).api, { connectorLogKeys: false });
  const listeners = options.listeners ?? 'http://127.0.0.1:8083';
  const listenerHost = new URL(listeners.split(',')[0]!.trim()).hostname;
  // DNS-rebinding Host check, then the basic auth `rest.extension.classes` asks for (docs/security.md).
  const guard = guards(
    hostCheck(allowedHostNames([listenerHost], workerProperties['rest.advertised.host.name'])),
    restExtensionGuard(workerProperties),
  );
  const server = await startHttpServer({
    handler,
    listeners,
    guard,
    metrics: async () => prometheusText(await (await composed()).herder.allConnectorMetrics()),
  });
  let closed = false;
  // The spare starts with the reconciler: it opens the offsets topic, so it waits for Kafka like the tasks.
  if (kafkaUp) {
    loop.start();
    launcher.startSpare();
  } else
    void options.kafkaReady?.then(
      () => {
        kafkaUp = true;
        if (closed) return;
        loop.start();
        launcher.startSpare();
      },
      () => undefined,
    );

  return {
    url: server.url,
    stateDir,
    launcher,
    reconciler,
    loop,
    async close({ stopTasks = true } = {}) {
      closed = true;
      unsubscribe();
      await loop.stop();
      await server.close();
      if (stopTasks) {
        const live = (await launcher.list()).filter((i) => i.state !== 'STOPPED');
        options.log?.('stopping task processes', { count: live.length });
        const started = Date.now();
        await launcher.stopAll(intentionalStopReason('local stack shutting down'));
        options.log?.('task processes stopped', { count: live.length, ms: Date.now() - started });
      }
      launcher.close();
      await composition?.close();
      await javaCatalog?.close();
    },
  };
}
