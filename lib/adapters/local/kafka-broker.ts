/**
 * Starts a single-node Apache Kafka broker (KRaft, broker+controller in one JVM) from the Maven classpath that
 * scripts/setup.mjs resolves (.cache/maven/kafka.classpath). Used by the local stack (`npm start`) when no
 * `bootstrap.servers` is given, by the test services (test/services) and by the benchmarks.
 *
 * Also home of the small child-process toolkit the other local services reuse (test/services): free ports,
 * spawning a service so that it never outlives us (parent-death signal, process group, exit/signal reaper),
 * and sweeping temp dirs of services whose owner died.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isAlive } from './process-alive';

// ------------------------------------------------------------------------------------------------ process toolkit

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once exited, else undefined. */
  exitStatus(): ExitStatus | undefined;
  /** SIGTERM to the process group, SIGKILL after `graceMs` (default 10 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

export interface SpawnServiceOptions {
  /** Short name for messages, e.g. `kafka`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Removed (best effort) when the process is reaped because we exit abnormally. */
  scratchDir?: string;
}

interface Tracked {
  pid: number;
  scratchDir: string | undefined;
}

const tracked = new Map<number, Tracked>();
let reaperInstalled = false;
let pdeathsigSupport: boolean | undefined;

/** util-linux `setpriv --pdeathsig`: the kernel kills the child when we die, even by SIGKILL. Linux only. */
function hasPdeathsig(): boolean {
  if (pdeathsigSupport === undefined) {
    const probe = process.platform === 'linux' ? spawnSync('setpriv', ['--help'], { encoding: 'utf8' }) : undefined;
    pdeathsigSupport = probe !== undefined && probe.status === 0 && probe.stdout.includes('--pdeathsig');
  }
  return pdeathsigSupport;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (!(pid > 1)) return; // never signal init or "every process" by accident
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function reapAllNow(): void {
  for (const { pid, scratchDir } of tracked.values()) {
    killGroup(pid, 'SIGKILL');
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true, maxRetries: 2 });
  }
  tracked.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  // Someone else (a CLI, a test runner) handles this signal and will stop its services in order; the exit hook
  // below still catches whatever is left when the process finally exits.
  if (process.listenerCount(signal) > 1) return;
  reapAllNow();
  process.removeListener(signal, onFatalSignal);
  process.kill(process.pid, signal);
}

/** Makes sure no service we started outlives this process: on exit and on SIGINT/SIGTERM/SIGHUP. */
function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.on('exit', reapAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onFatalSignal);
}

/**
 * Spawns a long-running service in its own process group with its output in `logFile`. It is killed if this
 * process exits or is killed (parent-death signal where available, plus exit and signal hooks).
 */
export function spawnService(options: SpawnServiceOptions): ManagedProcess {
  installReaper();
  const [command, args] = hasPdeathsig()
    ? ['setpriv', ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];
  const fd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  child.unref();
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.on('error', (error) => {
      status = { code: -1, signal: null };
      writeFileSync(options.logFile, `\nspawn ${options.command} failed: ${error.message}\n`, { flag: 'a' });
      resolveExit(status);
    });
    child.on('exit', (code, signal) => {
      status = { code, signal };
      resolveExit(status);
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    tracked.set(pid, { pid, scratchDir: options.scratchDir });
    if (options.scratchDir) writeFileSync(join(options.scratchDir, 'service.pid'), `${pid}\n`);
  }
  void exited.then(() => tracked.delete(pid));
  return {
    name: options.name,
    pid,
    exited,
    exitStatus: () => status,
    async stop(graceMs = 10_000) {
      if (status || pid <= 0) return exited;
      // The child is unref'd so that it never keeps its parent alive, but a parent waiting for it must stay alive
      // until its 'exit' arrives: with nothing else pending (e.g. Jest's global teardown after the SIGKILL below),
      // Node would otherwise end the parent there, with code 0 and the rest of its work undone.
      child.ref();
      killGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout(undefined), graceMs);
      });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result) return result;
      killGroup(pid, 'SIGKILL');
      return exited;
    },
  };
}

/** `count` distinct free TCP ports on `host`, held open together while chosen so that they differ. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolveServer, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, host, () => resolveServer(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolveClose) => server.close(resolveClose))));
  return ports;
}

const SCRATCH_PREFIX = 'skc-';
/** Scratch dirs this module's users create (others' `skc-*` dirs are none of our business). */
const SCRATCH_NAMES = ['kafka', 'dynamodb', 'moto'];

/**
 * A fresh temp dir `skc-<name>-XXXXXX` (name: kafka, dynamodb or moto). First removes such dirs of earlier runs
 * whose service process is dead (left by a run that was killed before it could clean up).
 */
export function makeScratchDir(name: 'kafka' | 'dynamodb' | 'moto'): string {
  sweepStaleScratchDirs();
  return mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${name}-`));
}

export function sweepStaleScratchDirs(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((entry) =>
      SCRATCH_NAMES.some((name) => new RegExp(`^${SCRATCH_PREFIX}${name}-[A-Za-z0-9]{6}$`).test(entry)),
    );
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(tmpdir(), entry);
    try {
      const pidFile = join(dir, 'service.pid');
      const stale = existsSync(pidFile)
        ? !isAlive(Number(readFileSync(pidFile, 'utf8').trim()))
        : Date.now() - statSync(dir).mtimeMs > 24 * 60 * 60_000; // never got a process: only when clearly abandoned
      if (stale) rmSync(dir, { recursive: true, force: true });
    } catch {
      // raced with its owner; leave it
    }
  }
}

/** The last `lines` lines of a text file ('' if unreadable), for error messages. */
export function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Walks up from `from` (default: the working directory) to find `relative`; undefined when absent. */
export function findUp(relative: string, from = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** $JAVA_HOME/bin/java when set, else `java` on PATH (as scripts/setup.mjs checks). */
export function javaBin(): string {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  return 'java';
}

// --------------------------------------------------------------------------------------------------- kafka broker

export const KAFKA_CLASSPATH_FILE = '.cache/maven/kafka.classpath';

/**
 * The broker's Java classpath: `SKC_KAFKA_CLASSPATH` (the classpath itself), else the file named by
 * `SKC_KAFKA_CLASSPATH_FILE`, else `.cache/maven/kafka.classpath` found upwards from the working directory.
 */
export function resolveKafkaClasspath(): string {
  if (process.env.SKC_KAFKA_CLASSPATH) return process.env.SKC_KAFKA_CLASSPATH;
  const file = process.env.SKC_KAFKA_CLASSPATH_FILE ?? findUp(KAFKA_CLASSPATH_FILE);
  if (!file || !existsSync(file)) {
    throw new Error(`Kafka broker classpath not found (${KAFKA_CLASSPATH_FILE}): run \`node scripts/setup.mjs\` first`);
  }
  return readFileSync(file, 'utf8').trim();
}

/** Deadline and abort check handed to a {@link BrokerReadiness} probe. */
export interface ReadinessWaitOptions {
  timeoutMs: number;
  /** A string aborts the wait with that reason (the broker process exited). */
  abortReason: () => string | undefined;
}

/**
 * How to tell that the broker serves clients. Speaking the Kafka protocol is the Kafka adapter's job
 * (`kafkaBrokerReadiness` in lib/adapters/kafka/admin): the caller hands it in, so this launcher imports no
 * other adapter.
 */
export interface BrokerReadiness {
  /** Resolves once the broker answers a metadata request. */
  ready(bootstrapServers: string, options: ReadinessWaitOptions): Promise<unknown>;
  /** Resolves once its coordinators serve requests (the `warmUp` option). */
  warm(bootstrapServers: string, options: ReadinessWaitOptions): Promise<unknown>;
}

export interface KafkaBrokerOptions {
  /** Readiness probes, normally `kafkaBrokerReadiness` from lib/adapters/kafka/admin. */
  readiness: BrokerReadiness;
  /** Java classpath with kafka_2.13, a log4j2 binding …; default {@link resolveKafkaClasspath}. */
  classpath?: string;
  java?: string;
  /** Listener host; default 127.0.0.1. */
  host?: string;
  /** Client (PLAINTEXT) port; default a free one. */
  port?: number;
  /** CONTROLLER port; default a free one. */
  controllerPort?: number;
  /**
   * Where config, data and logs go. Given: kept on stop, and storage is formatted only the first time (a
   * restart keeps topics and offsets). Default: a fresh temp dir, removed on stop.
   */
  workDir?: string;
  /** -Xmx; default 512m. */
  heap?: string;
  /** Extra JVM options, after the defaults (so they win), e.g. `-XX:TieredStopAtLevel=1` for a faster start. */
  jvmOptions?: readonly string[];
  /** Deadline for the broker to answer a metadata request (and for its coordinators); default 120 s. */
  readyTimeoutMs?: number;
  /** Extra or overriding server.properties entries. */
  config?: Readonly<Record<string, string | number | boolean>>;
  /** Cluster id to format new storage with (default: a random one); storage formatted before keeps its own. */
  clusterId?: string;
  /**
   * Also wait for the group coordinator (creates `__consumer_offsets`) and producer-id allocation before
   * resolving, so that the first consumer group and idempotent producer start cleanly. Default true.
   */
  warmUp?: boolean;
  /**
   * More client listeners beside PLAINTEXT (which stays the inter-broker listener and the readiness probe's),
   * each on a free port, e.g. `{ name: 'SASL', protocol: 'SASL_PLAINTEXT' }`; their settings
   * (`listener.name.sasl.…`) go into {@link config}. The test suite of secure client options uses them.
   */
  listeners?: readonly KafkaListener[];
  /** Extra `kafka-storage format` arguments, e.g. `--add-scram SCRAM-SHA-256=[name=u,password=p]`. */
  formatArgs?: readonly string[];
}

export interface KafkaListener {
  /** Listener name (letters, digits, `_`), not PLAINTEXT or CONTROLLER. */
  name: string;
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
}

export interface KafkaBroker {
  /** Kafka version from the classpath, e.g. `4.3.1`. */
  readonly version: string;
  /** `host:port`, for `bootstrap.servers`. */
  readonly bootstrapServers: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  /** `host:port` of each extra listener ({@link KafkaBrokerOptions.listeners}), by name. */
  readonly listeners: Readonly<Record<string, string>>;
  readonly clusterId: string;
  readonly workDir: string;
  /** The broker's log4j output. */
  readonly logFile: string;
  readonly pid: number;
  /** Milliseconds from the start of this call (storage format included) to the first metadata answer. */
  readyMs: number;
  /** Milliseconds from the start of this call to coordinators ready (see {@link KafkaBrokerOptions.warmUp}). */
  warmMs: number | undefined;
  /** SIGTERM, SIGKILL after `graceMs` (default 15 s); removes a temp work dir. */
  stop(graceMs?: number): Promise<void>;
}

const LOG4J2 = `# Written by lib/adapters/local/kafka-broker.ts: the broker logs to a file, never to the console.
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.controller.name = org.apache.kafka.controller
logger.controller.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
`;

function serverProperties(
  host: string,
  port: number,
  controllerPort: number,
  dataDir: string,
  extra: Readonly<Record<string, string | number | boolean>>,
  listeners: readonly (KafkaListener & { port: number })[] = [],
): string {
  const more = (render: (l: KafkaListener & { port: number }) => string) =>
    listeners.map((l) => `,${render(l)}`).join('');
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${host}:${controllerPort}`,
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}${more((l) => `${l.name}://${host}:${l.port}`)}`,
    'advertised.listeners': `PLAINTEXT://${host}:${port}${more((l) => `${l.name}://${host}:${l.port}`)}`,
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${more((l) => `${l.name}:${l.protocol}`)}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'share.coordinator.state.topic.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    // A small box: fewer threads, and a 32 MB (not 128 MB) log-cleaner buffer for compacted topics.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'log.cleaner.dedupe.buffer.size': 32 * 1024 * 1024,
    ...extra,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')}\n`;
}

/** A Kafka cluster id: 16 random bytes, base64url; never starting with '-' (it would read as a CLI flag). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function runToEnd(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolveRun({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

const versionOf = (classpath: string): string => /kafka_[\d.]+-([^/:]+?)\.jar/.exec(classpath)?.[1] ?? 'unknown';

async function startOnce(options: KafkaBrokerOptions, started: number): Promise<KafkaBroker> {
  const classpath = options.classpath ?? resolveKafkaClasspath();
  const java = options.java ?? javaBin();
  const host = options.host ?? '127.0.0.1';
  const extraListeners = options.listeners ?? [];
  const needed =
    (options.port === undefined ? 1 : 0) + (options.controllerPort === undefined ? 1 : 0) + extraListeners.length;
  const free = needed > 0 ? await freePorts(needed, host) : [];
  const port = options.port ?? (free.shift() as number);
  const controllerPort = options.controllerPort ?? (free.shift() as number);
  const listeners = extraListeners.map((l) => ({ ...l, port: free.shift() as number }));
  const temporary = options.workDir === undefined;
  const workDir = options.workDir ?? makeScratchDir('kafka');
  mkdirSync(workDir, { recursive: true });
  const dataDir = join(workDir, 'data');
  const propertiesFile = join(workDir, 'server.properties');
  const log4jFile = join(workDir, 'log4j2.properties');
  const logFile = join(workDir, 'server.log');
  const stdoutFile = join(workDir, 'stdout.log');
  writeFileSync(propertiesFile, serverProperties(host, port, controllerPort, dataDir, options.config ?? {}, listeners));
  writeFileSync(log4jFile, LOG4J2);
  const jvm = [`-Dkafka.logs.dir=${workDir}`, `-Dlog4j2.configurationFile=${log4jFile}`, '-Djava.awt.headless=true'];

  const metaFile = join(dataDir, 'meta.properties');
  let clusterId: string;
  if (existsSync(metaFile)) {
    clusterId = /^cluster\.id=(.*)$/m.exec(readFileSync(metaFile, 'utf8'))?.[1]?.trim() ?? 'unknown';
  } else {
    clusterId = options.clusterId ?? newClusterId();
    const format = await runToEnd(
      java,
      [
        '-Xmx256m',
        ...jvm,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propertiesFile,
        ...(options.formatArgs ?? []),
      ],
      workDir,
    );
    if (format.code !== 0) {
      if (temporary) rmSync(workDir, { recursive: true, force: true });
      throw new Error(`kafka-storage format failed (exit ${format.code}):\n${format.output}`);
    }
  }

  const heap = options.heap ?? '512m';
  const child = spawnService({
    name: 'kafka',
    command: java,
    args: [
      '-Xms128m',
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-XX:+ExitOnOutOfMemoryError',
      ...jvm,
      ...(options.jvmOptions ?? []),
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesFile,
    ],
    cwd: workDir,
    logFile: stdoutFile,
    ...(temporary ? { scratchDir: workDir } : {}),
  });
  const bootstrapServers = `${host}:${port}`;
  const cleanUp = async (graceMs: number) => {
    await child.stop(graceMs);
    if (temporary) rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const waitOptions: ReadinessWaitOptions = {
    timeoutMs: options.readyTimeoutMs ?? 120_000,
    abortReason: () => {
      const exit = child.exitStatus();
      return exit && `the broker process exited (code ${exit.code}, signal ${exit.signal})`;
    },
  };
  let readyMs: number;
  let warmMs: number | undefined;
  try {
    await options.readiness.ready(bootstrapServers, waitOptions);
    readyMs = Date.now() - started;
    if (options.warmUp ?? true) {
      await options.readiness.warm(bootstrapServers, waitOptions);
      warmMs = Date.now() - started;
    }
  } catch (error) {
    const detail = `${(error as Error).message}\n--- ${stdoutFile}\n${tailOf(stdoutFile)}\n--- ${logFile}\n${tailOf(logFile)}`;
    await cleanUp(2_000);
    throw new Error(detail, { cause: error });
  }
  return {
    version: versionOf(classpath),
    bootstrapServers,
    host,
    port,
    controllerPort,
    listeners: Object.fromEntries(listeners.map((l) => [l.name, `${host}:${l.port}`])),
    clusterId,
    workDir,
    logFile,
    pid: child.pid,
    readyMs,
    warmMs,
    stop: (graceMs = 15_000) => cleanUp(graceMs),
  };
}

/**
 * Formats storage (first time only) and starts the broker, then waits until it answers a metadata request.
 * Ports chosen here are retried with new ones if the broker could not bind them (another process took them).
 */
export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const started = Date.now();
  const portsChosenHere = options.port === undefined && options.controllerPort === undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, started);
    } catch (error) {
      const bindFailure = /BindException|Address already in use/.test((error as Error).message);
      if (!(bindFailure && portsChosenHere && options.workDir === undefined && attempt < 3)) throw error;
    }
  }
}
