/**
 * `connect-standalone [--override key=value …] worker.properties [connector1.properties connector2.json …]`
 *
 * Composition root of standalone mode: loads the worker config (Apache's file; `bootstrap.servers` can be
 * overridden by `CONNECT_BOOTSTRAP_SERVERS` or `--override`), loads plugins from `plugin.path`, checks that the
 * broker answers (bounded retry), then runs every connector's tasks in this process with source offsets in
 * `offset.storage.file.filename`. SIGTERM/SIGINT: stop tasks (send what was polled, flush offsets, commit the
 * sink groups), exit 0. Exit codes as Apache's: 1 usage, 2 worker/startup error, 3 connector error.
 * See docs/standalone.md.
 */
import { KafkajsClientFactory } from '../lib/adapters/kafka/client-factory';
import { createKafka } from '../lib/adapters/kafka/client';
import type { KafkaClientLogger } from '../lib/adapters/kafka/client';
import { FileOffsetStore } from '../lib/adapters/local/file-offset-store';
import { ConfigDef } from '../lib/connect/config-def';
import type { SourceConnector } from '../lib/connect/connector';
import { configErrorMessage, validateConnectorConfig } from '../lib/config/connector-config';
import { registryResolver } from '../lib/herder/connector-validation';
import { PluginRegistry } from '../lib/plugins/registry';
import { loadConnector, loadStandaloneWorkerConfig, parseArgs, StandaloneError } from '../lib/runtime/standalone';
import type { ConnectorConfigCheck, StandaloneArgs } from '../lib/runtime/standalone';
import { Worker } from '../lib/runtime/worker';
import type { WorkerConfig } from '../lib/config/worker-config';

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
  const kafka = createKafka({
    bootstrapServers: worker.bootstrapServers,
    clientId: 'connect-standalone-cluster-id',
    logger: kafkaLogger,
    logLevel: 'nothing',
    connectionTimeoutMs: 3000,
    retry: BROKER_RETRY,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { clusterId } = await admin.describeCluster();
    return clusterId;
  } catch (error) {
    throw new StandaloneError(
      `Failed to connect to and describe Kafka cluster at bootstrap.servers=${worker.bootstrapServers.join(',')}. ` +
        `Check worker's broker connection and security properties. (${error instanceof Error ? error.message : String(error)})`,
      2,
      { cause: error },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/** The herder's create-time validation (framework + connector keys), as Apache's standalone herder runs it. */
const connectorCheck = (registry: PluginRegistry): ConnectorConfigCheck => {
  const plugins = registryResolver(registry);
  return (config) => {
    const connector = registry.newConnector(config['connector.class'] ?? '');
    const connectorType = registry.connectorType(config['connector.class'] ?? '');
    // A plugin that duck-types the SPI may have no ConfigDef: then only the framework keys are checked.
    const own = connector.config() as unknown;
    const infos = validateConnectorConfig({
      connectorDef: own instanceof ConfigDef ? own : new ConfigDef(),
      connectorType,
      config,
      plugins,
      ...(connectorType === 'source'
        ? {
            exactlyOnceSupport: (c: Readonly<Record<string, string>>) =>
              (connector as SourceConnector).exactlyOnceSupport(c),
          }
        : {}),
    });
    return configErrorMessage(infos);
  };
};

const main = async (args: StandaloneArgs): Promise<void> => {
  log('INFO', 'Kafka Connect standalone worker initializing ...');
  const worker = loadStandaloneWorkerConfig(args);
  for (const note of worker.notes) log('INFO', note);
  const registry = PluginRegistry.withBuiltins();
  if (worker.pluginPath) {
    log('INFO', 'Scanning for plugin classes. This might take a moment ...');
    try {
      await registry.loadPluginPath(worker.pluginPath);
    } catch (error) {
      throw new StandaloneError(`Failed to load plugins from plugin.path: ${String(error)}`, 2, { cause: error });
    }
  }
  // Read every connector file before touching the broker: a bad file is reported at once.
  const check = connectorCheck(registry);
  const connectors = args.connectorFiles.map((file) => ({ file, connector: loadConnector(file, check) }));
  const clusterId = await lookupKafkaClusterId(worker);
  log('INFO', `Kafka cluster ID: ${clusterId}`);

  const offsetStore = new FileOffsetStore(worker.offsetStorageFileFilename ?? '');
  try {
    await offsetStore.start();
  } catch (error) {
    throw new StandaloneError(String(error instanceof Error ? error.message : error), 2, { cause: error });
  }
  const kafka = new KafkajsClientFactory({
    logger: kafkaLogger,
    onWarnings: (clientId, warnings) => warnings.forEach((w) => log('WARN', `${clientId}: ${w}`)),
  });
  const runtime = new Worker(
    { worker, registry, kafka, offsetStore, log: (m) => log('WARN', m) },
    {
      connector: (name, state, trace) =>
        log(state === 'FAILED' ? 'ERROR' : 'INFO', `Connector ${name} is ${state}${trace ? `\n${trace}` : ''}`),
      task: (name, id, state, trace) =>
        log(state === 'FAILED' ? 'ERROR' : 'INFO', `Task ${name}-${id} is ${state}${trace ? `\n${trace}` : ''}`),
    },
  );

  // Tasks that failed leave nothing on the event loop; standalone keeps running until told to stop, as Apache.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      log('WARN', `${signal} received again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log('INFO', `Kafka Connect stopping (${signal})`);
    void runtime
      .stop()
      .then(() => offsetStore.stop())
      .then(
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

  for (const { file, connector } of connectors) {
    try {
      await runtime.startConnector(connector.name, connector.config);
      log('INFO', `Created connector ${connector.name}`);
    } catch (error) {
      log('ERROR', `Failed to create job for ${file}`);
      await runtime.stop().catch(() => undefined);
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
