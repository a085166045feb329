/**
 * Standalone mode (Apache's `ConnectStandalone`), as functions the `connect-standalone` composition root calls:
 * parse the command line, load the worker config with overrides, load and validate connector files, parse the
 * REST `listeners` and derive the worker id, and the scheduling settings of the in-process reconciler.
 *
 * Exit codes as Apache's: 1 usage, 2 worker config or startup error, 3 connector file or connector error.
 */
import { loadConnectorFile, loadPropertiesFile } from '../config/properties';
import type { ConnectorFile } from '../config/properties';
import { parseWorkerConfig } from '../config/worker-config';
import type { WorkerConfig } from '../config/worker-config';

export class StandaloneError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StandaloneError';
  }
}

export const USAGE =
  'Usage: connect-standalone [--override key=value ...] worker.properties [connector1.properties connector2.json ...]';

export interface StandaloneArgs {
  readonly workerFile: string;
  readonly connectorFiles: readonly string[];
  /** worker property overrides from `--override key=value` */
  readonly overrides: Readonly<Record<string, string>>;
}

/** `--override k=v` (repeatable, also `--override=k=v`); `-daemon` is accepted and ignored, as the script's. */
export const parseArgs = (argv: readonly string[]): StandaloneArgs => {
  const positional: string[] = [];
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') throw new StandaloneError(USAGE, 1);
    if (arg === '-daemon') continue;
    if (arg === '--override' || arg.startsWith('--override=')) {
      const kv = arg === '--override' ? argv[++i] : arg.slice('--override='.length);
      const eq = kv?.indexOf('=') ?? -1;
      if (kv === undefined || eq <= 0) throw new StandaloneError(`--override expects key=value\n${USAGE}`, 1);
      overrides[kv.slice(0, eq)] = kv.slice(eq + 1);
      continue;
    }
    positional.push(arg);
  }
  const [workerFile, ...connectorFiles] = positional;
  if (workerFile === undefined) throw new StandaloneError(USAGE, 1);
  return { workerFile, connectorFiles, overrides };
};

/**
 * Worker properties from the file, then `CONNECT_BOOTSTRAP_SERVERS` from the environment, then `--override`s.
 * Errors → exit 2 with the file named.
 */
export const loadStandaloneWorkerConfig = (
  args: StandaloneArgs,
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkerConfig => {
  try {
    const props = loadPropertiesFile(args.workerFile);
    const bootstrap = env.CONNECT_BOOTSTRAP_SERVERS;
    if (bootstrap !== undefined && bootstrap !== '') props['bootstrap.servers'] = bootstrap;
    Object.assign(props, args.overrides);
    return parseWorkerConfig(props, 'standalone');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StandaloneError(
      message.includes(args.workerFile) ? message : `Invalid worker configuration in '${args.workerFile}': ${message}`,
      2,
      { cause: error },
    );
  }
};

/**
 * Checks a connector config as the herder does on create; returns Apache's 400 message (`Connector configuration
 * is invalid and contains the following N error(s): …`) or null. Errors it throws (unknown class: Apache's
 * 500 message) are reported the same way.
 */
export type ConnectorConfigCheck = (config: Readonly<Record<string, string>>) => string | null;

/** Load one connector file (three forms) and check it can run; errors → exit 3, naming the file. */
export const loadConnector = (path: string, check: ConnectorConfigCheck): ConnectorFile => {
  let file: ConnectorFile;
  try {
    file = loadConnectorFile(path);
  } catch (error) {
    throw new StandaloneError(error instanceof Error ? error.message : String(error), 3, { cause: error });
  }
  let problem: string | null;
  try {
    problem = check(file.config);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (problem !== null) {
    throw new StandaloneError(`Failed to create connector '${file.name}' from '${path}': ${problem}`, 3);
  }
  return file;
};

// ---- REST listeners (Apache's `RestServer.createConnector` / `advertisedUrl`) ----

export interface RestListener {
  /** as configured, e.g. `http://:8083` */
  readonly listener: string;
  /** empty: every interface */
  readonly host: string;
  /** 0 picks a free port */
  readonly port: number;
}

/** Apache's `RestServer.LISTENER_PATTERN` (`protocol://hostname:port`, IPv6 hosts in brackets). */
const LISTENER_PATTERN = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/** The REST listener when the worker properties set no `listeners` (Apache: `http://:8083`, every interface). */
export const DEFAULT_LISTENER = 'http://127.0.0.1:8083';

/** `listeners` as written, else loopback only: a worker is not reachable from the network unless asked to be. */
export const listenersOf = (originals: Readonly<Record<string, string>>): string[] =>
  (originals['listeners'] ?? DEFAULT_LISTENER)
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** Parse `listeners` as Apache does; errors (exit 2, as Apache's REST server start) name the listener. */
export const parseListeners = (listeners: readonly string[]): RestListener[] => {
  if (listeners.length === 0) {
    throw new StandaloneError(
      'Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443.',
      2,
    );
  }
  return listeners.map((raw) => {
    const listener = raw.trim();
    const match = LISTENER_PATTERN.exec(listener);
    const bad = (why: string) => new StandaloneError(`Invalid listener '${listener}' in listeners: ${why}`, 2);
    if (!match) throw bad("Listener doesn't have the right format (protocol://hostname:port).");
    const protocol = (match[1] ?? '').toLowerCase();
    if (protocol !== 'http' && protocol !== 'https') throw bad('Listener protocol must be either "http" or "https".');
    if (protocol === 'https') throw bad('https listeners are not supported by connect-standalone; use http://.');
    const port = Number(match[3]);
    if (port < 0 || port > 65535) throw bad(`port ${port} is out of range.`);
    return { listener, host: match[2] ?? '', port };
  });
};

/** The URL to bind: an empty host binds every interface (Jetty's null host). */
export const bindUrl = (listener: RestListener): string => {
  const host = listener.host === '' ? '0.0.0.0' : listener.host.includes(':') ? `[${listener.host}]` : listener.host;
  return `http://${host}:${listener.port}`;
};

/**
 * Apache's worker id (`advertisedUrl` host + ":" + port): `rest.advertised.host.name`, else the listener's host,
 * else this machine's address (Jetty's `InetAddress.getLocalHost()`); `rest.advertised.port`, else the
 * listener's port, else the port actually bound (listener port 0).
 */
export const advertisedWorkerId = (
  listener: RestListener,
  boundPort: number,
  advertised: { readonly restAdvertisedHostName: string | null; readonly restAdvertisedPort: number | null },
  localHostAddress: string,
): string => {
  const host = advertised.restAdvertisedHostName || listener.host || localHostAddress;
  const port = advertised.restAdvertisedPort ?? (listener.port > 0 ? listener.port : boundPort);
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/** A listener that could not be bound: exit 2 (Apache: `Unable to initialize REST server`), saying what to do. */
export const restServerError = (listener: RestListener, rawListeners: string, error: unknown): StandaloneError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'EADDRINUSE'
      ? `Unable to initialize REST server: the address of listener ${listener.listener} (listeners=${rawListeners}) ` +
        'is already in use, probably by another Kafka Connect worker or `npm start`. Stop that process, or set ' +
        "another port with 'listeners' in the worker properties or --override listeners=http://:<port> " +
        '(port 0 picks a free one).'
      : `Unable to initialize REST server on listener ${listener.listener} (listeners=${rawListeners}): ` +
        `${error instanceof Error ? error.message : String(error)}`;
  return new StandaloneError(message, 2, { cause: error });
};

/** REST keys Apache Kafka 4.0 removed (4.x `RestServerConfig` no longer defines them): ignored, with a warning. */
const REMOVED_REST_KEYS = ['rest.host.name', 'rest.port'] as const;

export const removedRestKeyNotes = (props: Readonly<Record<string, string>>): string[] =>
  REMOVED_REST_KEYS.filter((key) => props[key] !== undefined).map(
    (key) => `'${key}' was removed in Apache Kafka 4.0 and is ignored: use 'listeners' (e.g. listeners=http://:8083)`,
  );

// ---- scheduling of the in-process tasks ----

/**
 * Worker properties for the reconciler of standalone mode. A failed task stays FAILED until restarted over REST,
 * as Apache's worker never restarts a task by itself (the worker file may still set `task.restart.policy`). No
 * heartbeat timeout: in one process the launcher sees every task end, so a silent task cannot have been lost.
 */
export const standaloneSchedulingProps = (
  originals: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> => ({
  'task.restart.policy': 'never',
  ...originals,
  'task.heartbeat.timeout.ms': String(Number.MAX_SAFE_INTEGER),
});
