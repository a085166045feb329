/**
 * Standalone mode (Apache's `ConnectStandalone`), as functions a composition root (the `connect-standalone`
 * CLI, later a herder with the REST API) can call: parse the command line, load the worker config with
 * overrides, load and validate connector files, start them on a Worker, stop everything.
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
