/**
 * The distributed task-runner: one connector task per process (an ECS task in AWS, a child process of the local
 * stack). Reads its identity from the environment, wires the stores, the offsets-topic store and the Kafka
 * clients (composition/), and runs the task instance (lib/runtime/task-instance.ts): task config from the
 * ConfigStore, status, heartbeat, pause/resume, fenced when its generation is superseded.
 *
 * Exit codes: 0 after SIGTERM/SIGINT (flushed, committed) or when fenced; 1 when the task failed (status FAILED
 * written), so the reconciler's restart policy relaunches it; 2 when it could not start at all.
 */
import { JvmHost } from '../lib/adapters/jvm/jvm-host';
import { ConfigProviders } from '../lib/config/config-providers';
import { workerSecuritySettings } from '../lib/config/worker-security';
import { javaFileStreamTaskError } from '../lib/herder/java-filestream-policy';
import { ConnectException } from '../lib/connect/errors';
import { taskRunsInJvm } from '../lib/plugins/java-plugins';
import { PluginRegistry } from '../lib/plugins/registry';
import { JvmWorkerTask } from '../lib/runtime/jvm-worker-task';
import { exitCodeOf, runTaskInstance } from '../lib/runtime/task-instance';
import { heartbeatSettingsFor } from '../lib/scheduler/restart-policy';
import { awsSecretReaders } from '../composition/aws-secret-readers';
import { connectorOffsetsTopicStore, kafkaClientFactory, offsetsTopicStore } from '../composition/kafka';
import { kafkaAuthProperties } from '../composition/kafka-auth';
import { followLogLevels, LOG_LEVELS_REFRESH_MS } from '../composition/log-levels';
import { createLogger, routeConsoleTo } from '../composition/logger';
import { emfPublisher } from '../composition/task-metrics-emf';
import type { TaskProgress } from '../lib/storage/ports';
import { stallOf, stallSettingsFor } from '../lib/storage/task-progress';
import { createLoggerLevelStore, createStores } from '../composition/stores';
import { downloadPluginLayer } from '../composition/plugin-download';
import { distributedWorkerConfig, workerProperties } from '../composition/worker-config';
import { taskRunnerEnv, workerIdOf } from './environment';
import { awaitAssignment, SPARE_ENV } from '../lib/adapters/local/spare-protocol';
import type { OffsetStore } from '../lib/storage/ports';
import { commonEnvSchema, parseEnv } from '../composition/env';
import { CONNECTOR_TASK_ID } from '../lib/scheduler/connector-task';
import { runConnectorRole } from './connector-task';

const logger = createLogger('skc-task-runner');

/** Start-up milestones in ms since the process started (performance.now() counts from the process's time origin). */
const startup: Record<string, number> = { modulesLoaded: Math.round(performance.now()) };
const mark = (name: string): void => {
  startup[name] = Math.round(performance.now());
};

/**
 * A warm spare (local stack, lib/adapters/local/spare-protocol.ts): open the stores and start the offsets-topic
 * store (topic check, reader at the end of the log) while no task is assigned yet, then wait for the one
 * assignment. Undefined: the launcher went away first.
 */
async function startAsSpare(): Promise<Warm | undefined> {
  const common = parseEnv(commonEnvSchema, process.env);
  const stores = createStores(common);
  // Whatever fails here is done again the ordinary way once assigned (and fails there, as for a fresh process).
  stores.catch(() => undefined);
  let offsets: OffsetStore | undefined;
  const offsetsStarted = (async () => {
    const worker = distributedWorkerConfig(common, await kafkaAuthProperties(common));
    offsets = offsetsTopicStore(worker, `connect-offsets-spare-${process.pid}`);
    await offsets.start();
    return offsets;
  })().catch(async () => {
    await offsets?.stop().catch(() => undefined);
    return undefined;
  });
  const assignment = await awaitAssignment();
  if (!assignment) {
    await (await offsetsStarted)?.stop().catch(() => undefined);
    return undefined;
  }
  mark('adopted');
  return { stores: await stores.catch(() => undefined), offsets: offsetsStarted };
}

interface Warm {
  readonly stores: Awaited<ReturnType<typeof createStores>> | undefined;
  /** the offsets-topic store, started (undefined: it could not start; the task starts its own) */
  readonly offsets: Promise<OffsetStore | undefined>;
}

async function main(): Promise<number> {
  let warm: Warm | undefined;
  if (process.env[SPARE_ENV] === '1') {
    warm = await startAsSpare();
    if (!warm) return 0;
  }
  const env = taskRunnerEnv();
  const connector = env.SKC_CONNECTOR;
  const taskId = env.SKC_TASK_ID;
  const generation = env.SKC_GENERATION;
  const workerId = workerIdOf(env);
  logger.appendKeys({ connector, taskId, generation, workerId });
  // A plug-in's own console lines carry these keys too (composition/logger.ts).
  routeConsoleTo(logger);

  const { configStore, statusStore } = warm?.stores ?? (await createStores(env));
  mark('storesReady');
  // `PUT /admin/loggers/…` reaches this process through the levels store, read now and then periodically
  // (composition/log-levels.ts); the first read is not waited for: the task starts at LOG_LEVEL meanwhile.
  const levels = followLogLevels(
    await createLoggerLevelStore(env),
    (level) => {
      logger.setLogLevel(level);
      logger.info(`log level ${level} (from /admin/loggers)`);
    },
    env.SKC_LOG_LEVELS_REFRESH_MS ?? LOG_LEVELS_REFRESH_MS[env.SKC_STORE === 'dynamodb' ? 'dynamodb' : 'local'],
    (error) => logger.warn('could not read the log levels', { error }),
  );

  const stopRequest = new AbortController();
  let shutdownGraceMs: number | undefined;
  const stop = (signal: string) => {
    logger.info(`${signal}: stopping the task (flush, commit)`);
    stopRequest.abort();
    // A task that cannot finish its shutdown in time is cut short, as Apache does.
    if (shutdownGraceMs !== undefined) setTimeout(() => process.exit(0), shutdownGraceMs).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  if (taskId === CONNECTOR_TASK_ID) {
    // The role "connector": the Java connector's instance itself, not one of its tasks.
    shutdownGraceMs = 15_000;
    const code = await runConnectorRole(env, { configStore, statusStore }, workerId, logger, stopRequest.signal);
    levels.stop();
    return code;
  }

  // AWS: one EMF line per heartbeat (docs/observability.md); the stalled flag uses the worker's threshold.
  const detectionMs = stallSettingsFor(env.SKC_WORKER_CONFIG, undefined).detectionMs;
  const emf = env.SKC_METRICS_NAMESPACE
    ? emfPublisher({ namespace: env.SKC_METRICS_NAMESPACE, connector, taskId }, (p) =>
        Boolean(stallOf('RUNNING', p, detectionMs, p.at)),
      )
    : undefined;
  // A spare's started offsets store: a source task takes it over (and stops it); otherwise it is stopped below.
  let warmOffsets: OffsetStore | undefined;
  // At DEBUG (e.g. through `/admin/loggers`) every heartbeat's progress shows in the task's log too.
  const onProgress = (progress: TaskProgress): void => {
    logger.debug('progress', {
      recordsIn: progress.recordsIn,
      recordsOut: progress.recordsOut,
      lag: progress.groupLag,
    });
    emf?.(progress);
  };
  const result = await runTaskInstance({
    connector,
    taskId,
    generation,
    workerId,
    configStore,
    statusStore,
    signal: stopRequest.signal,
    runtime: async () => {
      warmOffsets = await warm?.offsets;
      const auth = await kafkaAuthProperties(env);
      const props = workerProperties(env, auth);
      const worker = distributedWorkerConfig(env, auth);
      shutdownGraceMs = worker.taskShutdownGracefulTimeoutMs + 5_000;
      let providers: ConfigProviders | undefined;
      return {
        worker,
        heartbeatIntervalMs: heartbeatSettingsFor(props).intervalMs,
        // Kafka clients' warnings and errors as lines of this task's log (connector, task and generation keys).
        kafka: kafkaClientFactory(worker, {
          logger: {
            debug: (message, attributes) => logger.debug(message, attributes ?? {}),
            info: (message, attributes) => logger.info(message, attributes ?? {}),
            warn: (message, attributes) => logger.warn(message, attributes ?? {}),
            error: (message, attributes) => logger.error(message, attributes ?? {}),
          },
        }),
        plugins: async () => {
          // The S3 plug-in layer (javaPlugins.s3) lands on plugin.path before anything scans it.
          const layer = await downloadPluginLayer();
          if (layer) logger.info('plug-in layer downloaded', { ...layer });
          const registry = PluginRegistry.withBuiltins({
            fileStream: workerSecuritySettings(props).fileStream.enabled,
          });
          if (env.SKC_PLUGIN_PATH.length > 0) await registry.loadPluginPath(env.SKC_PLUGIN_PATH);
          return registry;
        },
        // Secrets Manager / SSM references resolve here, in the task process, with its own AWS clients.
        resolveConfig: async (config) =>
          (await (providers ??= ConfigProviders.fromWorkerConfig(props, undefined, awsSecretReaders())).resolve(config))
            .data,
        offsetStore: () => warmOffsets ?? offsetsTopicStore(worker, `connect-offsets-${connector}-${taskId}`),
        connectorOffsetStore: (topic, connectorConfig) =>
          connectorOffsetsTopicStore(worker, connector, taskId, topic, connectorConfig),
        ownsOffsetStore: true,
        fenceOffsets: true,
        // A Java plug-in: Apache's runtime runs the task in a JVM child, supervised like any other task.
        jvmTask: (spec) => {
          if (!taskRunsInJvm(spec.registry, env.SKC_PLUGIN_PATH, spec.connectorConfig)) return undefined;
          // Apache's FileStream knows nothing of the worker's FileStream keys: checked before its JVM starts.
          const refused = javaFileStreamTaskError(
            workerSecuritySettings(props).fileStream,
            spec.connectorConfig,
            spec.taskConfig,
          );
          if (refused) throw new ConnectException(refused);
          return new JvmWorkerTask(
            new JvmHost({ role: 'task', log: (line) => logger.info(line, { source: 'jvm' }) }),
            {
              ...spec,
              workerProperties: { ...props, 'plugin.path': env.SKC_PLUGIN_PATH.join(',') },
              workerId,
              stopGraceMs: worker.taskShutdownGracefulTimeoutMs + 3_000,
            },
            spec.listener,
            (message) => logger.info(message),
          );
        },
      };
    },
    onTaskState: (state) => {
      if (startup['reported'] === undefined) {
        mark('reported');
        logger.info('task started', {
          state,
          startupMs: startup,
          processStartedAt: Math.round(performance.timeOrigin),
        });
      }
    },
    log: (message, details) => logger.info(message, details ?? {}),
    taskLog: (message) => logger.info(message),
    mark,
    onProgress,
  });
  // runTaskInstance stops the store of a source task it started; a sink's or an unwanted task's is stopped here.
  await (warmOffsets ?? (await warm?.offsets))?.stop().catch(() => undefined);
  levels.stop();
  if (result.outcome === 'unwanted') logger.info('not wanted any more (deleted, stopped or superseded): exiting');
  else if (result.outcome === 'not-started') logger.error('task could not start', { error: result.error });
  else logger.info(`task ended: ${result.outcome}`);
  return exitCodeOf(result);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.error('task-runner failed to start', { error });
    process.exit(2);
  },
);
