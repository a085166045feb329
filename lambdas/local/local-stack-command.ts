/**
 * The local stack as a command: `npm start [-- worker.properties]` (lambdas/local/main.ts) and
 * `connect-distributed worker.properties` (lambdas/local/connect-distributed.ts, Apache's name; the worker file is
 * required there, as Apache's script requires it).
 *
 * Without a worker file the stack starts its own single-node Apache Kafka; its jars come from
 * `node scripts/setup.mjs broker` on the first run (Java and the broker's jars only: no Maven, no Python).
 * With one, it uses that file's `bootstrap.servers` and worker keys, and serves the REST API on its `listeners`
 * (first listener; `SKC_LISTENERS` overrides; default http://127.0.0.1:8083).
 *
 * State (connectors, status, task logs, the broker's data) lives in $SKC_STATE_DIR or .cache/local-state of the
 * clone and survives restarts: connectors come back RUNNING. Ctrl-C stops every task process cleanly.
 * Exit codes as connect-standalone's: 1 usage, 2 startup error (e.g. the REST port is taken: one line naming the
 * key to change).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { kafkaBrokerReadiness } from '../../lib/adapters/kafka/admin';
import type { KafkaBroker } from '../../lib/adapters/local/kafka-broker';
import {
  findUp,
  freePorts,
  KAFKA_CLASSPATH_FILE,
  newClusterId,
  startKafkaBroker,
} from '../../lib/adapters/local/kafka-broker';
import { loadPropertiesFile } from '../../lib/config/properties';
import { bindUrl, parseListeners, StandaloneError } from '../../lib/runtime/standalone';
import type { RestListener } from '../../lib/runtime/standalone';
import { startLocalStack, warmSparesFromEnv } from '../../composition/local-stack';

/** Worker defaults for the project's own single-node broker (Apache's example file, replication 1). */
const SINGLE_BROKER_WORKER: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.storage.topic': 'connect-offsets',
  'offset.storage.replication.factor': '1',
  'offset.flush.interval.ms': '10000',
};

const DEFAULT_LISTENERS = 'http://127.0.0.1:8083';

/** Written by `node scripts/setup.mjs broker`: the broker and its logging, none of the tests' jars. */
const BROKER_CLASSPATH_FILE = '.cache/maven/broker.classpath';

const log = (message: string, details?: Record<string, unknown>) =>
  process.stderr.write(`[local-stack] ${message}${details ? ` ${JSON.stringify(details)}` : ''}\n`);

function projectRoot(): string {
  const pkg = findUp('package.json', __dirname) ?? findUp('package.json');
  return pkg ? dirname(pkg) : process.cwd();
}

/**
 * The broker's classpath: `SKC_KAFKA_CLASSPATH(_FILE)` when set (undefined: the broker module reads them), else
 * the `broker` step's file, else the tests' superset (`kafka` step), else the `broker` step is run now.
 */
function brokerClasspath(root: string): string | undefined {
  if (process.env.SKC_KAFKA_CLASSPATH || process.env.SKC_KAFKA_CLASSPATH_FILE) return undefined;
  for (const file of [BROKER_CLASSPATH_FILE, KAFKA_CLASSPATH_FILE]) {
    if (existsSync(join(root, file))) return readFileSync(join(root, file), 'utf8').trim();
  }
  log('first run: fetching the Apache Kafka broker (node scripts/setup.mjs broker)');
  const setup = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), 'broker'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (setup.status !== 0) throw new StandaloneError('node scripts/setup.mjs broker failed', 2);
  return readFileSync(join(root, BROKER_CLASSPATH_FILE), 'utf8').trim();
}

/** True when nothing listens on `port` of 127.0.0.1 (the broker's default port is tried first). */
const portFree = (port: number): Promise<boolean> =>
  new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });

/** The cluster id of the storage an earlier run formatted, if any. */
function formattedClusterId(workDir: string): string | undefined {
  try {
    return /^cluster\.id=(.*)$/m.exec(readFileSync(join(workDir, 'data', 'meta.properties'), 'utf8'))?.[1]?.trim();
  } catch {
    return undefined; // first run: not formatted yet
  }
}

/**
 * The own broker, on 9092 unless that is taken. Its address and cluster id (chosen here on the first run, so
 * `GET /` can say it before the broker is up) are known at once; `ready` resolves when it answers.
 */
async function ownBroker(
  root: string,
  stateDir: string,
): Promise<{ port: number; clusterId: string; ready: Promise<KafkaBroker> }> {
  const classpath = brokerClasspath(root);
  const workDir = join(stateDir, 'kafka');
  const clusterId = formattedClusterId(workDir) ?? newClusterId();
  let port = 9092;
  if (!(await portFree(port))) {
    port = (await freePorts(1))[0]!;
    log(`port 9092 is taken: the broker listens on ${port}`);
  }
  const ready = startKafkaBroker({
    readiness: kafkaBrokerReadiness,
    workDir,
    port,
    clusterId,
    ...(classpath ? { classpath } : {}),
  });
  return { port, clusterId, ready };
}

/** Rejects with the bind error when nobody may listen there (checked before the broker is started for nothing). */
const probeListener = (listener: RestListener): Promise<void> =>
  new Promise((resolveProbe, reject) => {
    if (listener.port === 0) return resolveProbe();
    const server = createServer();
    server.once('error', reject);
    const host = new URL(bindUrl(listener)).hostname.replace(/^\[|\]$/g, '');
    server.listen(listener.port, host, () => server.close(() => resolveProbe()));
  });

/** One line, naming the key that picks the port (Apache's `Unable to initialize REST server`), exit 2. */
const portTaken = (listener: RestListener, key: string): StandaloneError =>
  new StandaloneError(
    `Unable to initialize REST server: ${listener.listener} is already in use (probably another Kafka Connect ` +
      `worker or npm start); stop it, or set another port with ${key} (port 0 picks a free one)`,
    2,
  );

export interface LocalStackCommand {
  /** `npm start` or `connect-distributed`, for messages */
  readonly name: string;
  /** Apache's connect-distributed requires the worker file */
  readonly workerFileRequired: boolean;
  /** the folder relative worker file paths are taken from */
  readonly cwd: string;
}

async function run(argv: readonly string[], command: LocalStackCommand): Promise<void> {
  const [workerArg, ...extra] = argv;
  if (workerArg === '--help' || workerArg === '-h' || extra.length > 0 || (!workerArg && command.workerFileRequired)) {
    throw new StandaloneError(
      `Usage: ${command.name} ${command.workerFileRequired ? '' : '['}worker.properties${command.workerFileRequired ? '' : ']'}`,
      1,
    );
  }
  const workerFile = workerArg ? resolve(command.cwd, workerArg) : undefined;
  const root = projectRoot();
  process.chdir(root);
  const stateDir = resolve(process.env.SKC_STATE_DIR ?? join(root, '.cache', 'local-state'));
  // docs/lifecycle.md: each warm spare task process is an idle Node process.
  let warmSpares: number;
  try {
    warmSpares = warmSparesFromEnv(process.env);
  } catch (error) {
    throw new StandaloneError((error as Error).message, 2);
  }

  let workerProperties: Record<string, string> = { ...SINGLE_BROKER_WORKER };
  if (workerFile) {
    try {
      workerProperties = loadPropertiesFile(workerFile);
    } catch (error) {
      throw new StandaloneError(error instanceof Error ? error.message : String(error), 2);
    }
  }
  const fromEnv = process.env.SKC_LISTENERS;
  const rawListeners = fromEnv ?? workerProperties['listeners'] ?? DEFAULT_LISTENERS;
  const listenersKey =
    fromEnv !== undefined
      ? 'SKC_LISTENERS'
      : `'listeners' in ${workerFile ?? 'a worker file (npm start -- worker.properties)'}`;
  // Apache's parsing; the local stack serves the first listener.
  const listener = parseListeners(rawListeners.split(',').filter((l) => l.trim() !== ''))[0]!;
  await probeListener(listener).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? portTaken(listener, listenersKey) : error;
  });

  // The REST API answers while the own broker starts (its connectors come from the file store); tasks are launched
  // once the broker is ready.
  const own = workerFile ? undefined : await ownBroker(root, stateDir);
  const brokerStart = own?.ready;
  brokerStart?.catch(() => undefined); // reported below, once the REST API is up
  const bootstrapServers = own ? `127.0.0.1:${own.port}` : (workerProperties['bootstrap.servers'] ?? 'localhost:9092');
  const stopBroker = () => brokerStart?.then((broker) => broker.stop()).catch(() => undefined);
  const stack = await startLocalStack({
    stateDir,
    bootstrapServers,
    workerProperties,
    listeners: bindUrl(listener),
    log,
    warmSpares,
    ...(own ? { kafkaReady: own.ready, clusterId: async () => own.clusterId } : {}),
  }).catch(async (error: NodeJS.ErrnoException) => {
    await stopBroker();
    // taken between the probe and now
    throw error.code === 'EADDRINUSE' ? portTaken(listener, listenersKey) : error;
  });
  process.stdout.write(
    `Kafka Connect REST API: ${stack.url}\n` +
      `State: ${stateDir} (task logs in ${join(stateDir, 'logs')})\n` +
      'Ctrl-C stops the stack and every task process.\n',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping task processes`);
    await stack.close();
    await stopBroker();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!brokerStart) {
    process.stdout.write(`Kafka: ${bootstrapServers}\n`);
    return;
  }
  try {
    const broker = await brokerStart;
    process.stdout.write(`Kafka: ${bootstrapServers} (Apache Kafka ${broker.version}, data in ${broker.workDir})\n`);
  } catch (error) {
    if (stopping) return;
    stopping = true;
    await stack.close();
    throw error;
  }
}

/** Runs the command; a StandaloneError ends the process with one line and its exit code, anything else exit 1. */
export function runLocalStackCommand(argv: readonly string[], command: LocalStackCommand): void {
  run(argv, command).catch((error: unknown) => {
    if (error instanceof StandaloneError) {
      process.stderr.write(`[local-stack] ${error.message}\n`);
      process.exit(error.exitCode);
    }
    log(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}
