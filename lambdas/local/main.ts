/**
 * `npm start`: the local serverless stack. Usage:
 *
 *   npm start                                          # starts its own single-node Apache Kafka
 *   npm start -- config/connect-distributed.properties # uses that file's bootstrap.servers and worker keys
 *
 * State (connectors, status, task logs, the broker's data) lives in $SKC_STATE_DIR or .cache/local-state and
 * survives restarts: connectors come back RUNNING. Ctrl-C stops every task process cleanly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kafkaBrokerReadiness } from '../../lib/adapters/kafka/admin';
import type { KafkaBroker } from '../../lib/adapters/local/kafka-broker';
import { findUp, freePorts, KAFKA_CLASSPATH_FILE, startKafkaBroker } from '../../lib/adapters/local/kafka-broker';
import { loadPropertiesFile } from '../../lib/config/properties';
import { startLocalStack } from '../../composition/local-stack';

/** Worker defaults for the project's own single-node broker (Apache's example file, replication 1). */
const SINGLE_BROKER_WORKER: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.storage.topic': 'connect-offsets',
  'offset.storage.replication.factor': '1',
  'offset.flush.interval.ms': '10000',
};

const log = (message: string, details?: Record<string, unknown>) =>
  process.stderr.write(`[local-stack] ${message}${details ? ` ${JSON.stringify(details)}` : ''}\n`);

function projectRoot(): string {
  const pkg = findUp('package.json', __dirname) ?? findUp('package.json');
  return pkg ? dirname(pkg) : process.cwd();
}

async function ownBroker(root: string, stateDir: string): Promise<KafkaBroker> {
  if (!existsSync(join(root, KAFKA_CLASSPATH_FILE)) && !process.env.SKC_KAFKA_CLASSPATH) {
    log('first run: resolving the Apache Kafka artifacts (node scripts/setup.mjs)');
    const setup = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit', cwd: root });
    if (setup.status !== 0) throw new Error('node scripts/setup.mjs failed');
  }
  const workDir = join(stateDir, 'kafka');
  try {
    return await startKafkaBroker({ readiness: kafkaBrokerReadiness, workDir, port: 9092 });
  } catch (error) {
    if (!/BindException|Address already in use/.test((error as Error).message)) throw error;
    const [port] = await freePorts(1);
    log(`port 9092 is taken: the broker listens on ${port}`);
    return startKafkaBroker({ readiness: kafkaBrokerReadiness, workDir, ...(port ? { port } : {}) });
  }
}

async function main(): Promise<void> {
  const root = projectRoot();
  process.chdir(root);
  const stateDir = resolve(process.env.SKC_STATE_DIR ?? join(root, '.cache', 'local-state'));
  const propertiesFile = process.argv[2];

  let broker: KafkaBroker | undefined;
  let workerProperties: Record<string, string>;
  let bootstrapServers: string;
  if (propertiesFile) {
    workerProperties = loadPropertiesFile(propertiesFile);
    bootstrapServers = workerProperties['bootstrap.servers'] ?? 'localhost:9092';
  } else {
    broker = await ownBroker(root, stateDir);
    workerProperties = { ...SINGLE_BROKER_WORKER };
    bootstrapServers = broker.bootstrapServers;
  }
  // Loopback unless the worker file's `listeners` or SKC_LISTENERS says otherwise (docs/security.md).
  const listeners = process.env.SKC_LISTENERS ?? workerProperties['listeners'] ?? 'http://127.0.0.1:8083';
  const stack = await startLocalStack({ stateDir, bootstrapServers, workerProperties, listeners, log });
  process.stdout.write(
    `Kafka Connect REST API: ${stack.url}\n` +
      `Kafka: ${bootstrapServers}${broker ? ` (Apache Kafka ${broker.version}, data in ${broker.workDir})` : ''}\n` +
      `State: ${stateDir} (task logs in ${join(stateDir, 'logs')})\n` +
      'Ctrl-C stops the stack and every task process.\n',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping task processes`);
    await stack.close();
    await broker?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  log(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
