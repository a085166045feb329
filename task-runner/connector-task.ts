/**
 * The task-runner in the role "connector" (SKC_TASK_ID=-1, launched by the reconciler for a started Java connector
 * in AWS; docs/java-plugins.md "Java connectors in AWS: the connector task"): the JVM host in its catalog role keeps
 * the connector running, and lib/runtime/connector-task.ts reports its status and its task-config requests through
 * the stores the connector's task role may write (its status partition).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { JvmCatalog } from '../lib/adapters/jvm/jvm-catalog';
import { ConfigProviders } from '../lib/config/config-providers';
import { connectorTaskExitCode, runConnectorTask } from '../lib/runtime/connector-task';
import { heartbeatSettingsFor } from '../lib/scheduler/restart-policy';
import type { ConfigStore, StatusStore } from '../lib/storage/ports';
import { awsSecretReaders } from '../composition/aws-secret-readers';
import { kafkaAuthProperties } from '../composition/kafka-auth';
import { downloadPluginLayer } from '../composition/plugin-download';
import { workerProperties } from '../composition/worker-config';
import type { TaskRunnerEnv } from './environment';

export async function runConnectorRole(
  env: TaskRunnerEnv,
  stores: { readonly configStore: ConfigStore; readonly statusStore: StatusStore },
  workerId: string,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  const props = workerProperties(env, await kafkaAuthProperties(env));
  let providers: ConfigProviders | undefined;
  const outcome = await runConnectorTask({
    connector: env.SKC_CONNECTOR,
    workerId,
    ...stores,
    signal,
    // The connector's state is read as often as a task writes its heartbeat (a config change, pause, stop).
    checkIntervalMs: heartbeatSettingsFor(props).intervalMs,
    host: async () => {
      // The S3 plug-in layer (javaPlugins.s3) lands on plugin.path before the JVM scans it.
      const layer = await downloadPluginLayer();
      if (layer) logger.info('plug-in layer downloaded', { ...layer });
      return JvmCatalog.start({
        workerProperties: { ...props, 'plugin.path': env.SKC_PLUGIN_PATH.join(',') },
        workerId,
        host: { log: (line) => logger.info(line, { source: 'jvm' }) },
        log: (message, details) => logger.info(message, details ?? {}),
      });
    },
    // Secrets Manager / SSM references resolve here, with the connector's own role, as in its tasks.
    resolveConfig: async (config) =>
      (await (providers ??= ConfigProviders.fromWorkerConfig(props, undefined, awsSecretReaders())).resolve(config))
        .data,
    log: (message, details) => logger.info(message, details ?? {}),
  });
  logger.info(`connector task ended: ${outcome}`);
  return connectorTaskExitCode(outcome);
}
