/**
 * A catalog JVM reached one request at a time (JavaPluginCatalog): in AWS the catalog Lambda function of the JVM
 * image (jvm-host's `skc.jvmhost.LambdaCatalog`), locally the same handler class run as a process
 * (`localCatalogInvoke`). The requests and replies are those of the piped catalog (docs/java-plugins.md), each
 * carrying the worker properties so that a fresh Lambda environment can initialize itself.
 *
 * Stateless by design: a Lambda environment is frozen between invocations, so a connector started for its task
 * configs is stopped before the reply, and no `requestTaskReconfiguration()` is heard: the reconciler's schedule
 * asks for the task configs of running Java connectors again instead (docs/java-plugins.md, "Java connectors in
 * AWS").
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ConfigInfos, ConfigKeyInfo } from '../../connect/config-def';
import { InternalServerError } from '../../errors';
import type { JavaPluginCatalog, JavaPluginDesc, JavaTaskConfigs } from '../../plugins/java-plugins';
import { javaBinary, jvmHostError, jvmHostFlags, resolveJvmHostClasspath } from './jvm-host';

/** One catalog request: `op` and its fields (`plugin`, `version`, `config`, `connector`), plus `worker`. */
export type CatalogRequest = Readonly<Record<string, unknown>> & { readonly op: string };

/** The catalog's reply: the piped protocol's, without `id`. */
export type CatalogReply =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly status: number; readonly message: string; readonly trace?: string };

/** Sends one request to the catalog and resolves with its reply (a transport failure rejects). */
export type CatalogInvoke = (request: CatalogRequest) => Promise<unknown>;

interface InitResult {
  readonly kafkaClusterId: string;
  readonly plugins: JavaPluginDesc[];
  readonly scanProblems: string[];
}

const isReply = (value: unknown): value is CatalogReply =>
  typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';

export class RemoteJvmCatalog implements JavaPluginCatalog {
  /** the reconciler's schedule polls task configs instead (docs/java-plugins.md, "Java connectors in AWS") */
  readonly stateless = true;

  private constructor(
    private readonly invoke: CatalogInvoke,
    private readonly worker: Readonly<Record<string, string>>,
    readonly plugins: readonly JavaPluginDesc[],
    readonly scanProblems: readonly string[],
  ) {}

  /** Initializes the catalog (Apache's plug-in scan) and learns its plug-ins. */
  static async start(invoke: CatalogInvoke, worker: Readonly<Record<string, string>>): Promise<RemoteJvmCatalog> {
    const init = await call<InitResult>(invoke, { op: 'init', worker, workerId: 'catalog' });
    return new RemoteJvmCatalog(invoke, worker, init.plugins, init.scanProblems);
  }

  private request<T>(op: string, fields: Readonly<Record<string, unknown>>): Promise<T> {
    return call<T>(this.invoke, { ...fields, op, worker: this.worker });
  }

  pluginConfig(plugin: string, version?: string): Promise<ConfigKeyInfo[]> {
    return this.request('pluginConfig', { plugin, version: version ?? 'latest' });
  }

  validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos> {
    return this.request('validate', { config });
  }

  taskConfigs(connector: string, config: Readonly<Record<string, string>>): Promise<JavaTaskConfigs> {
    return this.request('taskConfigs', { connector, config });
  }

  /** Nothing to release: the catalog stops each connector before it answers. */
  async releaseConnector(): Promise<void> {}

  /** Never called: no connector keeps running in a stateless catalog. */
  onReconfigurationRequested(): void {}

  async close(): Promise<void> {}
}

async function call<T>(invoke: CatalogInvoke, request: CatalogRequest): Promise<T> {
  const reply = await invoke(request);
  if (!isReply(reply)) throw new InternalServerError(`The Java plug-in catalog gave no valid reply to '${request.op}'`);
  if (!reply.ok) throw jvmHostError(reply);
  return reply.result as T;
}

/**
 * The catalog handler class (`skc.jvmhost.LambdaCatalog`) as a local process: requests on stdin, replies on
 * stdout, one JSON line each, in order. For tests of the Lambda handler and for hosts without a Lambda engine.
 */
export function localCatalogInvoke(
  options: { classpath?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): { invoke: CatalogInvoke; close: () => Promise<void> } {
  const classpath = options.classpath ?? resolveJvmHostClasspath(options.env);
  const child = spawn(
    javaBinary(options.env),
    [...jvmHostFlags(options.env), '-cp', classpath, 'skc.jvmhost.LambdaCatalog'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    },
  );
  const waiting: { resolve: (reply: CatalogReply) => void; reject: (error: Error) => void }[] = [];
  const exited = new Promise<void>((resolveExit) => {
    child.on('exit', (code, signal) => {
      for (const w of waiting.splice(0)) w.reject(new InternalServerError(`The catalog exited (${signal ?? code})`));
      resolveExit();
    });
  });
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    try {
      next?.resolve(JSON.parse(line) as CatalogReply);
    } catch (error) {
      next?.reject(error as Error);
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => options.log?.(line));
  return {
    invoke: (request) =>
      new Promise<CatalogReply>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(request)}\n`);
      }),
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
