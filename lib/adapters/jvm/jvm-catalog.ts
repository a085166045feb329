/**
 * The warm catalog JVM of one stack (JavaPluginCatalog): Apache's `Plugins` over plugin.path and its herder's
 * validation, started once, answering list / config / validate / task-config requests for every connector.
 * A catalog whose JVM died is started again on the next request (a plug-in may have crashed it).
 */
import type { ConfigInfos, ConfigKeyInfo } from '../../connect/config-def';
import type { JavaPluginCatalog, JavaPluginDesc, JavaTaskConfigs } from '../../plugins/java-plugins';
import { JvmHost, type JvmHostOptions } from './jvm-host';

export interface JvmCatalogOptions {
  /** the distributed-worker properties (bootstrap.servers, offset.storage.topic, plugin.path …) */
  readonly workerProperties: Readonly<Record<string, string>>;
  readonly workerId?: string;
  readonly host?: Omit<JvmHostOptions, 'role'>;
}

interface InitResult {
  readonly kafkaClusterId: string;
  readonly plugins: JavaPluginDesc[];
  readonly scanProblems: string[];
}

async function startHost(options: JvmCatalogOptions): Promise<{ host: JvmHost; init: InitResult }> {
  const host = new JvmHost({ ...options.host, role: 'catalog' });
  try {
    const init = await host.request<InitResult>('init', {
      worker: options.workerProperties,
      workerId: options.workerId ?? 'catalog',
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
    private readonly options: JvmCatalogOptions,
  ) {}

  static async start(options: JvmCatalogOptions): Promise<JvmCatalog> {
    const { host, init } = await startHost(options);
    const catalog = new JvmCatalog(host, init.plugins, init.scanProblems, options);
    catalog.listen(host);
    return catalog;
  }

  private restarting: Promise<JvmHost> | undefined;
  private readonly reconfigurationListeners: ((connector: string) => void)[] = [];

  onReconfigurationRequested(listener: (connector: string) => void): void {
    this.reconfigurationListeners.push(listener);
  }

  private listen(host: JvmHost): void {
    host.onEvent((event) => {
      if (event.event !== 'reconfigurationRequested' || typeof event.connector !== 'string') return;
      for (const listener of this.reconfigurationListeners) listener(event.connector);
    });
  }

  private async live(): Promise<JvmHost> {
    if (!this.host.hasExited) return this.host;
    this.restarting ??= startHost(this.options).then(({ host }) => {
      this.host = host;
      this.listen(host);
      this.restarting = undefined;
      return host;
    });
    return this.restarting;
  }

  async pluginConfig(plugin: string, version?: string): Promise<ConfigKeyInfo[]> {
    return (await this.live()).request<ConfigKeyInfo[]>('pluginConfig', { plugin, version: version ?? 'latest' });
  }

  async validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos> {
    return (await this.live()).request<ConfigInfos>('validate', { config });
  }

  async taskConfigs(connector: string, config: Readonly<Record<string, string>>): Promise<JavaTaskConfigs> {
    return (await this.live()).request<JavaTaskConfigs>('taskConfigs', { connector, config });
  }

  async releaseConnector(connector: string): Promise<void> {
    if (this.host.hasExited) return; // a restarted catalog runs no connector
    await this.host.request('stopConnector', { connector });
  }

  async close(): Promise<void> {
    await this.host.stop(10_000);
  }
}
