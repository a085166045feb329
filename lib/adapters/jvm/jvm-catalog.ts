/**
 * The warm catalog JVM of one stack (JavaPluginCatalog): Apache's `Plugins` over plugin.path and its herder's
 * validation, started once, answering list / config / validate / task-config requests for every connector.
 * A catalog whose JVM died (a plug-in may have crashed it) is started again at once, and the connectors it ran are
 * announced as reconfiguration requests, so the reconciler starts their instances again (their
 * `requestTaskReconfiguration()` must keep working); a restart that fails is retried on the next request.
 */
import type { ConfigInfos, ConfigKeyInfo } from '../../connect/config-def';
import {
  idlePluginLocations,
  type JavaPluginCatalog,
  type JavaPluginDesc,
  type JavaTaskConfigs,
} from '../../plugins/java-plugins';
import type { OffsetStore } from '../../storage/ports';
import { JvmHost, type JvmHostOptions } from './jvm-host';
import { serveSupervisorOffsets } from './jvm-offsets';

export interface JvmCatalogOptions {
  /** the distributed-worker properties (bootstrap.servers, offset.storage.topic, plugin.path …) */
  readonly workerProperties: Readonly<Record<string, string>>;
  readonly workerId?: string;
  readonly host?: Omit<JvmHostOptions, 'role'>;
  /**
   * Source offsets kept by this process (standalone's offsets file) instead of the offsets topic: what a
   * connector instance reads through its context's OffsetStorageReader
   */
  readonly offsetStore?: OffsetStore;
  /** the catalog's own messages (a restart of its JVM) */
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

interface InitResult {
  readonly kafkaClusterId: string;
  readonly plugins: JavaPluginDesc[];
  readonly scanProblems: string[];
}

async function startHost(options: JvmCatalogOptions): Promise<{ host: JvmHost; init: InitResult }> {
  const host = new JvmHost({ ...options.host, role: 'catalog' });
  if (options.offsetStore) serveSupervisorOffsets(host, options.offsetStore, (m) => options.log?.(m));
  try {
    const init = await host.request<InitResult>('init', {
      worker: options.workerProperties,
      workerId: options.workerId ?? 'catalog',
      ...(options.offsetStore ? { offsets: 'supervisor' } : {}),
    });
    return { host, init };
  } catch (error) {
    host.kill();
    throw error;
  }
}

export class JvmCatalog implements JavaPluginCatalog {
  private constructor(
    private host: JvmHost,
    readonly plugins: readonly JavaPluginDesc[],
    readonly scanProblems: readonly string[],
    readonly idleLocations: readonly string[],
    private readonly options: JvmCatalogOptions,
  ) {}

  static async start(options: JvmCatalogOptions): Promise<JvmCatalog> {
    const { host, init } = await startHost(options);
    const pluginPath = (options.workerProperties['plugin.path'] ?? '').split(',').filter((p) => p.trim() !== '');
    const idle = idlePluginLocations(pluginPath, init.plugins);
    for (const location of idle) options.log?.('a plugin.path location gave no plug-in', { location });
    const catalog = new JvmCatalog(host, init.plugins, init.scanProblems, idle, options);
    catalog.listen(host);
    return catalog;
  }

  private restarting: Promise<JvmHost> | undefined;
  private closing = false;
  private readonly reconfigurationListeners: ((connector: string) => void)[] = [];
  /** connectors whose instance runs in the current JVM (started by `taskConfigs`, not released since) */
  private readonly running = new Set<string>();

  private readonly failureListeners: ((connector: string, trace: string) => void)[] = [];

  onReconfigurationRequested(listener: (connector: string) => void): void {
    this.reconfigurationListeners.push(listener);
  }

  /** A running connector failed after its start (its `raiseError`, a failed transition), with the Java trace. */
  onConnectorFailed(listener: (connector: string, trace: string) => void): void {
    this.failureListeners.push(listener);
  }

  private listen(host: JvmHost): void {
    host.onEvent((event) => {
      if (typeof event.connector !== 'string') return;
      if (event.event === 'reconfigurationRequested') this.announce(event.connector);
      if (event.event === 'connectorFailed') {
        const trace = typeof event.trace === 'string' ? event.trace : 'Connector failed';
        for (const listener of this.failureListeners) listener(event.connector, trace);
      }
    });
    void host.exited.then((exit) => {
      if (this.closing || host !== this.host) return;
      this.options.log?.('the catalog JVM exited; starting it again', { code: exit.code, signal: exit.signal });
      this.live().catch((error: unknown) =>
        this.options.log?.('the catalog JVM could not be started again (retried on the next request)', {
          error: String(error),
        }),
      );
    });
  }

  private announce(connector: string): void {
    for (const listener of this.reconfigurationListeners) listener(connector);
  }

  private async live(): Promise<JvmHost> {
    if (!this.host.hasExited) return this.host;
    this.restarting ??= startHost(this.options).then(
      ({ host }) => {
        this.host = host;
        this.listen(host);
        this.restarting = undefined;
        // The instances died with the old JVM: the reconciler asks for their task configs again, which starts them.
        const lost = [...this.running];
        this.running.clear();
        for (const connector of lost) this.announce(connector);
        return host;
      },
      (error: unknown) => {
        this.restarting = undefined;
        throw error;
      },
    );
    return this.restarting;
  }

  async pluginConfig(plugin: string, version?: string): Promise<ConfigKeyInfo[]> {
    return (await this.live()).request<ConfigKeyInfo[]>('pluginConfig', { plugin, version: version ?? 'latest' });
  }

  async validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos> {
    return (await this.live()).request<ConfigInfos>('validate', { config });
  }

  async taskConfigs(connector: string, config: Readonly<Record<string, string>>): Promise<JavaTaskConfigs> {
    const host = await this.live();
    try {
      const result = await host.request<JavaTaskConfigs>('taskConfigs', { connector, config });
      if (host === this.host) this.running.add(connector);
      return result;
    } catch (error) {
      this.running.delete(connector); // the host stops a connector whose task configs failed
      throw error;
    }
  }

  async releaseConnector(connector: string): Promise<void> {
    this.running.delete(connector);
    if (this.host.hasExited) return; // a restarted catalog runs no connector
    await this.host.request('stopConnector', { connector });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.restarting?.catch(() => undefined);
    await this.host.stop(10_000);
  }
}
