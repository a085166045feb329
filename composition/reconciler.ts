/** A Reconciler wired from the environment: stores, plugins (with plugin.path), config providers, a launcher. */
import { ConfigProviders } from '../lib/config/config-providers';
import { workerSecuritySettings } from '../lib/config/worker-security';
import { PluginRegistry } from '../lib/plugins/registry';
import type { ReconcilerOptions } from '../lib/scheduler/reconciler';
import { Reconciler } from '../lib/scheduler/reconciler';
import type { TaskLauncher } from '../lib/storage/ports';
import type { CommonEnv } from './env';
import type { Stores } from './stores';
import { workerProperties } from './worker-config';

export async function createReconciler(
  env: CommonEnv,
  stores: Stores,
  launcher: TaskLauncher,
  extra: Partial<ReconcilerOptions> = {},
): Promise<Reconciler> {
  const workerConfig = workerProperties(env);
  const registry = PluginRegistry.withBuiltins({ fileStream: workerSecuritySettings(workerConfig).fileStream.enabled });
  if (env.SKC_PLUGIN_PATH.length > 0) await registry.loadPluginPath(env.SKC_PLUGIN_PATH);
  const providers = ConfigProviders.fromWorkerConfig(workerConfig);
  return new Reconciler({
    ...stores,
    launcher,
    plugins: registry,
    workerConfig,
    // The connector sees resolved values; reverseTransform keeps secrets out of the stored task configs.
    resolveConfig: async (config) => providers.transform(config).data,
    ...extra,
  });
}
