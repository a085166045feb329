/** A Reconciler wired from the environment: stores, plugins (with plugin.path), config providers, a launcher. */
import { ConfigProviders } from '../lib/config/config-providers';
import { workerSecuritySettings } from '../lib/config/worker-security';
import { withFileStreamPolicy } from '../lib/herder/java-filestream-policy';
import { type JavaPluginCatalog, javaConnectorsToRestore, withJavaTaskConfigs } from '../lib/plugins/java-plugins';
import { PluginRegistry } from '../lib/plugins/registry';
import type { ReconcilerOptions } from '../lib/scheduler/reconciler';
import { Reconciler } from '../lib/scheduler/reconciler';
import { ZombieFencing } from '../lib/scheduler/zombie-fencing';
import { EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG } from '../lib/config/worker-config';
import type { TaskLauncher } from '../lib/storage/ports';
import type { CommonEnv } from './env';
import type { Stores } from './stores';
import { workerProperties } from './worker-config';

export async function createReconciler(
  env: CommonEnv,
  stores: Stores,
  launcher: TaskLauncher,
  {
    javaCatalog,
    restoreJavaConnectors = false,
    javaConnectorTasks = false,
    ...extra
  }: Partial<ReconcilerOptions> & {
    javaCatalog?: JavaPluginCatalog;
    /**
     * AWS (`SKC_JAVA_CONNECTOR_TASKS`): each started Java connector of the stateless catalog runs in a connector
     * task that hears its reconfiguration requests; false: the schedule polls their task configs instead
     */
    javaConnectorTasks?: boolean;
    /**
     * A long-lived reconciler with a new catalog JVM (the local stack starting on existing state): the Java
     * connectors' instances, which lived only in the previous JVM, are started again on its first reconcile.
     */
    restoreJavaConnectors?: boolean;
  } = {},
): Promise<Reconciler> {
  const workerConfig = workerProperties(env);
  const fileStream = workerSecuritySettings(workerConfig).fileStream;
  const registry = PluginRegistry.withBuiltins({ fileStream: fileStream.enabled });
  if (env.SKC_PLUGIN_PATH.length > 0) await registry.loadPluginPath(env.SKC_PLUGIN_PATH);
  // skc.filestream.enable=false leaves Apache's Java FileStream out as it leaves the built-in out.
  const java = javaCatalog ? withFileStreamPolicy(javaCatalog, fileStream) : undefined;
  const providers = ConfigProviders.fromWorkerConfig(workerConfig);
  const plugins = java ? withJavaTaskConfigs(registry, java, { connectorTasks: javaConnectorTasks }) : registry;
  const reconciler = new Reconciler({
    ...stores,
    launcher,
    // Task configs of Java connectors come from the catalog JVM (Apache's Worker.connectorTaskConfigs).
    plugins,
    ...(await zombieFencing(env, workerConfig, plugins)),
    workerConfig,
    // The connector sees values of the local providers (file, directory, env); reverseTransform keeps them out of
    // the stored task configs. Secrets Manager / SSM placeholders stay for the task process to resolve.
    resolveConfig: async (config) => providers.transform(config, { deferTaskOnly: true }).data,
    ...extra,
  });
  if (java && restoreJavaConnectors) {
    for (const name of await javaConnectorsToRestore(stores.configStore, registry, java)) {
      reconciler.requestTaskReconfiguration(name);
    }
  }
  return reconciler;
}

/**
 * Exactly-once source support: the reconciler fences zombie tasks before it launches new ones (KIP-618). Only then
 * is the Kafka client loaded, with the deployment's Kafka security settings (SKC_KAFKA_AUTH).
 */
async function zombieFencing(
  env: CommonEnv,
  workerConfig: Readonly<Record<string, string>>,
  plugins: ReconcilerOptions['plugins'],
): Promise<Pick<ReconcilerOptions, 'zombieFencing'>> {
  if ((workerConfig[EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG] ?? '').trim().toLowerCase() !== 'enabled') return {};
  const [{ kafkaAuthProperties }, { kafkaClientFactory }] = await Promise.all([
    import('./kafka-auth'),
    import('./kafka'),
  ]);
  const kafka = kafkaClientFactory({ originals: workerConfig });
  const newProducerFencer = kafka.newProducerFencer.bind(kafka);
  return {
    zombieFencing: new ZombieFencing({
      workerConfig: workerProperties(env, await kafkaAuthProperties(env)),
      plugins,
      newProducerFencer,
    }),
  };
}
