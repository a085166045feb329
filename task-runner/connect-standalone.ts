/**
 * `connect-standalone [--override key=value …] worker.properties [connector1.properties connector2.json …]`
 *
 * Composition root of standalone mode: loads the worker config (Apache's file; `bootstrap.servers` can be
 * overridden by `CONNECT_BOOTSTRAP_SERVERS` or `--override`), loads plugins from `plugin.path`, checks the
 * connector files and that the broker answers (bounded retry), then serves the Kafka Connect REST API on
 * `listeners` (the API Lambda's handler over in-memory config and status stores, as Apache's StandaloneHerder)
 * and creates the connectors of the files through it. The reconciler runs their tasks in this process
 * (InProcessLauncher), source offsets in `offset.storage.file.filename`. SIGTERM/SIGINT: stop tasks (send what
 * was polled, flush offsets, commit the sink groups), exit 0. Exit codes as Apache's: 1 usage, 2 worker/startup
 * error (also a listener that cannot bind), 3 connector error. See docs/standalone.md.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { KafkaClientLogger } from '../lib/adapters/kafka/client';
import { FileOffsetStore } from '../lib/adapters/local/file-offset-store';
import { InProcessLauncher, offsetsAfterStops } from '../lib/adapters/local/in-process-launcher';
import { InMemoryConfigStore, InMemoryStatusStore } from '../lib/adapters/local/memory-stores';
import { awsSecretReaders } from '../composition/aws-secret-readers';
import { kafkaClientFactory } from '../composition/kafka';
import { ConfigProviders } from '../lib/config/config-providers';
import { workerSecuritySettings, type WorkerSecuritySettings } from '../lib/config/worker-security';
import { workerAdminProps } from '../lib/config/client-config';
import { configErrorMessage } from '../lib/config/connector-config';
import { connectorValidation } from '../lib/herder/connector-validation';
import { PluginRegistry } from '../lib/plugins/registry';
import { JvmCatalog } from '../lib/adapters/jvm/jvm-catalog';
import { JvmHost } from '../lib/adapters/jvm/jvm-host';
import { serveSupervisorOffsets } from '../lib/adapters/jvm/jvm-offsets';
import { ConnectException } from '../lib/connect/errors';
import { javaFileStreamTaskError, withFileStreamPolicy } from '../lib/herder/java-filestream-policy';
import { hasJavaPlugins, taskRunsInJvm, withJavaTaskConfigs } from '../lib/plugins/java-plugins';
import { JvmWorkerTask } from '../lib/runtime/jvm-worker-task';
import type { TaskInstanceRuntime } from '../lib/runtime/task-instance';
import {
  advertisedWorkerId,
  bindUrl,
  DEFAULT_LISTENER,
  listenersOf,
  loadConnector,
  loadStandaloneWorkerConfig,
  parseArgs,
  parseListeners,
  removedRestKeyNotes,
  restServerError,
  standaloneSchedulingProps,
  StandaloneError,
} from '../lib/runtime/standalone';
import type { ConnectorConfigCheck, RestListener, StandaloneArgs } from '../lib/runtime/standalone';
import { ReconcileLoop } from '../lib/scheduler/reconcile-loop';
import { Reconciler } from '../lib/scheduler/reconciler';
import { heartbeatSettingsFor, intentionalStopReason } from '../lib/scheduler/restart-policy';
import type { WorkerConfig } from '../lib/config/worker-config';
import { apiEnvSchema, compose } from '../composition/api/composition';
import { createApiHandler } from '../composition/api/handler';
import type { RestApi } from '../lib/rest/router';
import { startHttpServer } from '../composition/http-server';
import { prometheusText } from '../lib/herder/prometheus';
import type { HttpServer, ProxyHandler } from '../composition/http-server';
import {
  allowedHostNames,
  guards,
  hostCheck,
  restExtensionGuard,
  type RestGuard,
} from '../lib/rest/local-rest-security';

const log = (level: 'INFO' | 'WARN' | 'ERROR', message: string): void => {
  process.stderr.write(`[${new Date().toISOString()}] ${level} ${message}\n`);
};

const kafkaLogger: KafkaClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => log('WARN', m),
  error: (m) => log('ERROR', m),
};

/** Broker connection retries: ~10 s in all before "not reachable" (Apache fails its cluster-id lookup too). */
const BROKER_RETRY = { retries: 4, initialRetryTime: 500, maxRetryTime: 4000 };

/** Apache's `ConnectUtils.lookupKafkaClusterId`: fail fast and clearly when the broker is not there. */
const lookupKafkaClusterId = async (worker: WorkerConfig): Promise<string> => {
  // With the worker's security settings, as Apache's lookup uses the worker's admin client config.
  // Silent: a broker that is not there is reported once, below, not per retry.
  const quiet: KafkaClientLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const admin = kafkaClientFactory(worker, { logger: quiet, retry: BROKER_RETRY }).newGroupOffsets({
    ...workerAdminProps(worker.originals),
    'bootstrap.servers': worker.bootstrapServers.join(','),
    'client.id': 'connect-standalone-cluster-id',
    'socket.connection.setup.timeout.ms': '3000',
  });
  try {
    return await admin.clusterId();
  } catch (error) {
    throw new StandaloneError(
      `Failed to connect to and describe Kafka cluster at bootstrap.servers=${worker.bootstrapServers.join(',')}. ` +
        `Check worker's broker connection and security properties. (${error instanceof Error ? error.message : String(error)})`,
      2,
      { cause: error },
    );
  } finally {
    await admin.close().catch(() => undefined);
  }
};

/**
 * The herder's create-time validation, run on each connector file before the broker is contacted. A connector
 * that runs in the JVM (a Java plug-in on plugin.path) is validated by Apache's code when it is created, once the
 * catalog JVM runs (it needs the broker).
 */
const connectorCheck = (
  registry: PluginRegistry,
  security: WorkerSecuritySettings,
  pluginPath: readonly string[],
): ConnectorConfigCheck => {
  const validation = connectorValidation(registry, security);
  const java = hasJavaPlugins(pluginPath);
  return (config) => {
    if (java && taskRunsInJvm(registry, pluginPath, config)) return null;
    const className = config['connector.class'] ?? '';
    const infos = validation.validate(registry.newConnector(className), registry.connectorType(className), config);
    return configErrorMessage(infos);
  };
};

/** The REST API on every listener, served by the API Lambda's handler; a listener that cannot bind → exit 2. */
const startRestServers = async (
  listeners: readonly RestListener[],
  rawListeners: string,
  handler: ProxyHandler,
  guard: RestGuard,
  metrics?: () => Promise<string>,
): Promise<{ servers: HttpServer[]; ports: number[] }> => {
  const servers: HttpServer[] = [];
  try {
    for (const listener of listeners) {
      try {
        servers.push(
          await startHttpServer({ handler, listeners: bindUrl(listener), guard, ...(metrics ? { metrics } : {}) }),
        );
      } catch (error) {
        throw restServerError(listener, rawListeners, error);
      }
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    throw error;
  }
  return { servers, ports: servers.map((s) => Number(new URL(s.url).port)) };
};

/** The basic auth of `rest.extension.classes`; a setting that cannot be honoured stops the worker (exit 2). */
const restExtensionGuardOrExit = (props: Readonly<Record<string, string>>): RestGuard | null => {
  try {
    return restExtensionGuard(props);
  } catch (error) {
    throw new StandaloneError(error instanceof Error ? error.message : String(error), 2, { cause: error });
  }
};

/** Jetty's `InetAddress.getLocalHost().getHostAddress()`: this host name's IPv4 address. */
const localHostAddress = async (): Promise<string> => {
  try {
    return (await lookup(hostname(), { family: 4 })).address;
  } catch {
    return hostname();
  }
};

const main = async (args: StandaloneArgs): Promise<void> => {
  log('INFO', 'Kafka Connect standalone worker initializing ...');
  const worker = loadStandaloneWorkerConfig(args);
  for (const note of worker.notes) log('INFO', note);
  for (const note of removedRestKeyNotes(worker.originals)) log('WARN', note);
  // Apache binds every interface by default (`http://:8083`); here the default is loopback (docs/security.md).
  const listeners = parseListeners(listenersOf(worker.originals));
  const guard = guards(
    hostCheck(
      allowedHostNames(
        listeners.map((l) => l.host),
        worker.restAdvertisedHostName,
      ),
    ),
    restExtensionGuardOrExit(worker.originals),
  );
  const security = workerSecuritySettings(worker.originals);
  const registry = PluginRegistry.withBuiltins({ fileStream: security.fileStream.enabled });
  if (worker.pluginPath) {
    log('INFO', 'Scanning for plugin classes. This might take a moment ...');
    try {
      await registry.loadPluginPath(worker.pluginPath);
    } catch (error) {
      throw new StandaloneError(`Failed to load plugins from plugin.path: ${String(error)}`, 2, { cause: error });
    }
  }
  // Read every connector file before touching the broker: a bad file is reported at once.
  const pluginPath = worker.pluginPath ?? [];
  const check = connectorCheck(registry, security, pluginPath);
  const connectors = args.connectorFiles.map((file) => ({ file, connector: loadConnector(file, check) }));
  const clusterId = await lookupKafkaClusterId(worker);
  log('INFO', `Kafka cluster ID: ${clusterId}`);

  const offsetStore = new FileOffsetStore(worker.offsetStorageFileFilename ?? '');
  try {
    await offsetStore.start();
  } catch (error) {
    throw new StandaloneError(String(error instanceof Error ? error.message : error), 2, { cause: error });
  }

  // Java plug-ins on plugin.path (docs/java-plugins.md): Apache's runtime in JVM children, the catalog JVM for
  // validation and connector instances, each task in its own JVM task host; source offsets stay in this
  // process's offsets file (one writer).
  const jvmWorkerProperties = {
    ...worker.originals,
    'bootstrap.servers': worker.bootstrapServers.join(','),
    'plugin.path': pluginPath.join(','),
  };
  const jvmLog = (source: string) => (line: string) => log('INFO', `[${source}] ${line}`);
  let javaCatalog: JvmCatalog | undefined;
  if (hasJavaPlugins(pluginPath)) {
    try {
      javaCatalog = await JvmCatalog.start({
        workerProperties: jvmWorkerProperties,
        workerId: 'standalone-catalog',
        offsetStore,
        host: { log: jvmLog('catalog jvm') },
        log: (message, details) => log('WARN', `${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
      });
    } catch (error) {
      throw new StandaloneError(
        `Failed to start the JVM for the Java plug-ins on plugin.path: ${error instanceof Error ? error.message : String(error)}`,
        2,
        { cause: error },
      );
    }
  }
  const java = javaCatalog ? withFileStreamPolicy(javaCatalog, security.fileStream) : undefined;
  const jvmTask: TaskInstanceRuntime['jvmTask'] = (spec) => {
    if (!java || !taskRunsInJvm(spec.registry, pluginPath, spec.connectorConfig)) return undefined;
    // Apache's FileStream knows nothing of the worker's FileStream keys: checked before its JVM starts.
    const refused = javaFileStreamTaskError(security.fileStream, spec.connectorConfig, spec.taskConfig);
    if (refused) throw new ConnectException(refused);
    const host = new JvmHost({ role: 'task', log: jvmLog(`${spec.connector}-${spec.taskId} jvm`) });
    serveSupervisorOffsets(host, offsetStore, (m) => log('WARN', m));
    return new JvmWorkerTask(
      host,
      {
        ...spec,
        workerProperties: jvmWorkerProperties,
        workerId,
        stopGraceMs: worker.taskShutdownGracefulTimeoutMs + 3_000,
        offsets: 'supervisor',
      },
      spec.listener,
      (message) => log('INFO', message),
    );
  };

  // As Apache's, the REST server binds first (its port is part of the worker id) and serves the API once wired.
  let serve: (api: RestApi) => void = () => undefined;
  const api = new Promise<RestApi>((resolve) => (serve = resolve));
  const rawListeners = worker.originals['listeners'] ?? DEFAULT_LISTENER;
  // `GET /metrics` answers empty until the herder is wired.
  const metrics: { text: () => Promise<string> } = { text: () => Promise.resolve('') };
  const rest = await startRestServers(
    listeners,
    rawListeners,
    createApiHandler(() => api, { connectorLogKeys: false }),
    guard,
    () => metrics.text(),
  );
  const workerId = advertisedWorkerId(listeners[0]!, rest.ports[0]!, worker, await localHostAddress());
  for (const server of rest.servers) {
    log('INFO', `REST server listening at ${server.url}/, advertising URL http://${workerId}/`);
  }

  // Apache's StandaloneHerder keeps connector configs and status in memory only. The local stack's control loop
  // runs over them: herder writes → reconciler → tasks in this process (InProcessLauncher).
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const scheduling = standaloneSchedulingProps(worker.originals);
  // Tasks run in this process: it resolves every provider, Secrets Manager and SSM included (docs/security.md).
  const providers = ConfigProviders.fromWorkerConfig(worker.originals, undefined, awsSecretReaders());
  let trigger: (name: string) => void = () => undefined;
  const launcher = new InProcessLauncher({
    configStore,
    statusStore,
    registry,
    worker,
    kafka: kafkaClientFactory(worker, {
      logger: kafkaLogger,
      onWarnings: (clientId, warnings) => warnings.forEach((w) => log('WARN', `${clientId}: ${w}`)),
    }),
    offsetStore,
    resolveConfig: async (config) => (await providers.resolve(config)).data,
    workerId,
    heartbeatIntervalMs: heartbeatSettingsFor(scheduling).intervalMs,
    onExit: (instance) => trigger(instance.connector),
    onTaskState: (name, id, state, trace) =>
      log(state === 'FAILED' ? 'ERROR' : 'INFO', `Task ${name}-${id} is ${state}${trace ? `\n${trace}` : ''}`),
    log: (message) => log('WARN', message),
    jvmTask,
  });
  // The REST API is the API Lambda's composition over these stores, with the offsets file for source offsets.
  const composition = await compose(
    apiEnvSchema.parse({
      SKC_STORE: 'memory',
      SKC_BOOTSTRAP_SERVERS: worker.bootstrapServers.join(','),
      SKC_WORKER_CONFIG: JSON.stringify(worker.originals),
      ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    }),
    {
      configStore,
      statusStore,
      registry,
      offsetStore: async () => offsetsAfterStops(offsetStore, launcher),
      ...(javaCatalog ? { javaCatalog } : {}),
    },
  );
  serve(composition.api);
  metrics.text = async () => prometheusText(await composition.herder.allConnectorMetrics());
  const reconciler = new Reconciler({
    configStore,
    statusStore,
    launcher,
    // Task configs of Java connectors come from the catalog JVM (Apache's Worker.connectorTaskConfigs).
    plugins: java ? withJavaTaskConfigs(registry, java) : registry,
    workerConfig: scheduling,
    resolveConfig: async (config) => providers.transform(config, { deferTaskOnly: true }).data,
    offsetStore,
    workerId,
    log: (message, details) => log('INFO', `${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
  });
  const loop = new ReconcileLoop((name) => reconciler.reconcile(name), {
    onError: (error) => log('ERROR', `Reconcile failed: ${String(error)}`),
  });
  trigger = (name) => loop.trigger(name);
  // A Java connector's requestTaskReconfiguration(): regenerate its task configs on the next reconcile, now.
  javaCatalog?.onReconfigurationRequested((name) => {
    reconciler.requestTaskReconfiguration(name);
    trigger(name);
  });
  const unsubscribe = configStore.subscribe((name) => loop.trigger(name));
  loop.start();

  const stopWorker = async (): Promise<void> => {
    unsubscribe();
    await loop.stop();
    await Promise.all(rest.servers.map((s) => s.close().catch(() => undefined)));
    await launcher.stopAll(intentionalStopReason('worker shutting down'));
    await offsetStore.stop();
    await composition.close();
    await javaCatalog?.close();
  };

  // Failed tasks leave nothing on the event loop; standalone keeps running until told to stop, as Apache.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      log('WARN', `${signal} received again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log('INFO', `Kafka Connect stopping (${signal})`);
    void stopWorker().then(
      () => {
        clearInterval(keepAlive);
        log('INFO', 'Kafka Connect stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log('ERROR', `Error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  // Apache's `processExtraArgs`: each file through the herder; a connector that cannot start stops the worker.
  for (const { file, connector } of connectors) {
    try {
      await composition.herder.createConnector({
        name: connector.name,
        config: connector.config,
        ...(connector.initialState ? { initial_state: connector.initialState } : {}),
      });
      await loop.idle();
      const status = await statusStore.getConnector(connector.name);
      if (status?.state === 'FAILED') throw new Error(status.trace ?? `Connector ${connector.name} failed`);
      log('INFO', `Created connector ${connector.name}`);
    } catch (error) {
      log('ERROR', `Failed to create connector for ${file}`);
      await stopWorker().catch(() => undefined);
      throw new StandaloneError(
        `Stopping after connector error: ${error instanceof Error ? error.message : String(error)}`,
        3,
        { cause: error },
      );
    }
  }
  log('INFO', 'Kafka Connect started');
};

let args: StandaloneArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  log('ERROR', error instanceof Error ? error.message : String(error));
  process.exit(error instanceof StandaloneError ? error.exitCode : 1);
}
main(args).catch((error: unknown) => {
  const code = error instanceof StandaloneError ? error.exitCode : 2;
  log('ERROR', error instanceof Error ? error.message : String(error));
  process.exit(code);
});
