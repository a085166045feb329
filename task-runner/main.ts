/**
 * The distributed task-runner: one connector task per process (an ECS task in AWS, a child process of the local
 * stack). Reads its identity from the environment, loads its task config from the ConfigStore, runs the runtime
 * with the offsets-topic store, and lets the TaskSupervisor report status, heartbeat, follow pause/resume and
 * fence it when its generation is superseded.
 *
 * Exit codes: 0 after SIGTERM/SIGINT (flushed, committed) or when fenced; 1 when the task failed (status FAILED
 * written), so the reconciler's restart policy relaunches it; 2 when it could not start at all.
 */
import { ConfigProviders } from '../lib/config/config-providers';
import { PluginRegistry } from '../lib/plugins/registry';
import { createWorkerTask } from '../lib/runtime/worker';
import { heartbeatSettingsFor } from '../lib/scheduler/restart-policy';
import { TaskSupervisor } from '../lib/scheduler/task-supervisor';
import { trackTopics } from '../lib/scheduler/topic-tracking';
import { traceOf } from '../lib/scheduler/trace';
import type { OffsetStore } from '../lib/storage/ports';
import { kafkaClientFactory, offsetsTopicStore } from '../lambdas/shared/kafka';
import { createLogger } from '../lambdas/shared/logger';
import { createStores } from '../lambdas/shared/stores';
import { distributedWorkerConfig, workerProperties } from '../lambdas/shared/worker-config';
import { taskRunnerEnv, workerIdOf } from './environment';
import { kafkaAuthProperties } from '../lambdas/shared/kafka-auth';

const logger = createLogger('skc-task-runner');

/** Start-up milestones in ms since the process started (performance.now() counts from the process's time origin). */
const startup: Record<string, number> = { modulesLoaded: Math.round(performance.now()) };
const mark = (name: string): void => {
  startup[name] = Math.round(performance.now());
};

async function main(): Promise<number> {
  const env = taskRunnerEnv();
  const connector = env.SKC_CONNECTOR;
  const taskId = env.SKC_TASK_ID;
  const generation = env.SKC_GENERATION;
  const workerId = workerIdOf(env);
  logger.appendKeys({ connector, taskId, generation, workerId });

  const { configStore, statusStore } = await createStores(env);
  mark('storesReady');
  const state = await configStore.get(connector);
  mark('stateLoaded');
  const rawTaskConfig = state?.taskConfigs[taskId];
  if (!state || state.generation !== generation || !rawTaskConfig || state.targetState === 'STOPPED') {
    logger.info('not wanted any more (deleted, stopped or superseded): exiting');
    return 0;
  }

  const auth = await kafkaAuthProperties(env);
  const props = workerProperties(env, auth);
  const worker = distributedWorkerConfig(env, auth);
  const heartbeat = heartbeatSettingsFor(props);
  const supervisor = new TaskSupervisor({
    connector,
    taskId,
    generation,
    workerId,
    configStore,
    statusStore,
    heartbeatIntervalMs: heartbeat.intervalMs,
    log: (message, details) => logger.info(message, details ?? {}),
  });

  let offsetStore: OffsetStore | undefined;
  try {
    const registry = PluginRegistry.withBuiltins();
    if (env.SKC_PLUGIN_PATH.length > 0) await registry.loadPluginPath(env.SKC_PLUGIN_PATH);
    // Config providers resolve `${…}` in the connector and task configs here, never in the store.
    const providers = ConfigProviders.fromWorkerConfig(props);
    const connectorConfig = providers.transform(state.config).data;
    const taskConfig = providers.transform(rawTaskConfig).data;

    const connectorInstance = registry.newConnector(connectorConfig['connector.class'] ?? '');
    const topicsOffsets = offsetsTopicStore(worker, `connect-offsets-${connector}-${taskId}`);
    // Only source tasks use the offsets topic (a sink's offsets are its consumer group's commits, as in Apache).
    // Starting it costs a topic check, three clients and a group join of its reader: a sink skips all that.
    if (connectorInstance.type === 'source') {
      offsetStore = topicsOffsets;
      await topicsOffsets.start();
      mark('offsetsStarted');
    }
    // Fencing: a superseded instance must not move source offsets under its successor.
    const fencedOffsets: OffsetStore = {
      start: () => topicsOffsets.start(),
      stop: () => topicsOffsets.stop(),
      get: (c, partitions) => topicsOffsets.get(c, partitions),
      list: (c) => topicsOffsets.list(c),
      put: async (c, entries) => {
        if (!(await supervisor.isCurrent()))
          throw new Error(`Task ${connector}-${taskId} generation ${generation} was superseded`);
        await topicsOffsets.put(c, entries);
      },
    };
    const kafka = trackTopics(kafkaClientFactory(), (topics) =>
      statusStore.addTopics(connector, topics).catch((error: unknown) => logger.warn('addTopics failed', { error })),
    );
    const task = createWorkerTask(
      { worker, registry, kafka, offsetStore: fencedOffsets, log: (message) => logger.info(message) },
      { connector, taskId, connectorConfig, taskConfig },
      connectorInstance,
      (state, trace, version) => {
        if (startup['reported'] === undefined) {
          mark('reported');
          logger.info('task started', { state, startupMs: startup });
        }
        supervisor.onState(state, trace, version);
      },
    );
    mark('taskBuilt');
    const stop = (signal: string) => {
      logger.info(`${signal}: stopping the task (flush, commit)`);
      supervisor.requestStop();
      // A task that cannot finish its shutdown in time is cut short, as Apache does.
      setTimeout(() => process.exit(0), worker.taskShutdownGracefulTimeoutMs + 5_000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));

    const outcome = await supervisor.run(task, state.targetState);
    logger.info(`task ended: ${outcome}`);
    return outcome === 'failed' ? 1 : 0;
  } catch (error) {
    // Could not even build the task (bad converter class, Kafka unreachable …): report it like Apache would.
    logger.error('task could not start', { error });
    await statusStore
      .putTask(connector, taskId, {
        state: 'FAILED',
        trace: traceOf(error),
        workerId,
        generation,
        updatedAt: Date.now(),
      })
      .catch(() => false);
    return 1;
  } finally {
    await offsetStore?.stop().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.error('task-runner failed to start', { error });
    process.exit(2);
  },
);
