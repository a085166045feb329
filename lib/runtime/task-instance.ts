/**
 * One task instance, start to end: the one path every launch takes (the container's task-runner, a child process
 * of the local stack's ProcessLauncher, which runs that same entry, and connect-standalone's InProcessLauncher).
 * It reads the task config from the ConfigStore (an instance that is no longer wanted ends at once), resolves
 * config providers, builds the source or sink loop and runs it under a TaskSupervisor (status, heartbeat,
 * pause/resume, fenced when superseded). A task that cannot even be built (unknown class, bad converter, Kafka
 * client config …) is reported FAILED with its trace, as Apache reports it.
 *
 * The callers differ only in what they hand in: the container loads its plug-ins and reads its secrets per
 * process and owns a per-task offsets-topic store; standalone shares one registry and one offsets file.
 */
import type { WorkerConfig } from '../config/worker-config';
import type { PluginRegistry } from '../plugins/registry';
import type { KafkaClientFactory } from '../storage/kafka-ports';
import type { ConfigStore, ConnectorConfig, OffsetStore, StatusStore, TaskProgress } from '../storage/ports';
import { connectorClientProps } from '../config/client-config';
import type { PartitionLag } from '../storage/kafka-ports';
import { sinkConsumerGroupId } from '../storage/sink-offsets';
import { type JvmMetricsReport, JvmTaskMetrics } from './jvm-task-metrics';
import { ConnectorOffsetStore } from '../storage/connector-offset-store';
import { connectorOffsetsTopic, offsetsTopicWorkerOf } from './connector-offsets-topic';
import { TaskMetrics } from './task-metrics';
import { type SupervisedTask, TaskSupervisor, type TaskOutcome } from './task-supervisor';
import { trackTopics } from './topic-tracking';
import { traceOf } from './trace';
import { createWorkerTask, sinkSubscription } from './worker';
import type { TaskState, TaskStateListener } from './worker-task';

/** What an instance runs with; asked for only once the instance is known to be wanted. */
export interface TaskInstanceRuntime {
  readonly worker: WorkerConfig;
  readonly heartbeatIntervalMs: number;
  readonly kafka: KafkaClientFactory;
  /** the plug-ins; loading them (plugin.path) may fail, which is the task's FAILED status */
  plugins(): PluginRegistry | Promise<PluginRegistry>;
  /** resolves `${provider:…}` placeholders (config providers); identity when absent */
  resolveConfig?(config: ConnectorConfig): ConnectorConfig | Promise<ConnectorConfig>;
  /** the source offsets (asked for when the task is built: creating the store may fail like building the task) */
  offsetStore(): OffsetStore;
  /**
   * The instance owns `offsetStore`: started for a source task (a sink's offsets are its consumer group's
   * commits, so it skips the topic check, clients and group join) and stopped at the end. Otherwise its owner
   * starts and stops it.
   */
  readonly ownsOffsetStore?: boolean;
  /**
   * A store over a connector's own offsets topic (`offsets.storage.topic`, KIP-618), created if missing with the
   * worker's `offset.storage.*` topic settings; not started. Absent: such a connector's task FAILS (never
   * accept the key and ignore it).
   */
  connectorOffsetStore?(topic: string, connectorConfig: ConnectorConfig): OffsetStore;
  /**
   * Each source-offset commit first checks that this instance's generation is still the stored one, so a
   * superseded process cannot move offsets under its successor. Not needed in one process, where an instance's
   * end is certain and the reconciler starts a new generation only after every older instance ended.
   */
  readonly fenceOffsets?: boolean;
  /**
   * The task of a connector that runs in the JVM task host (a Java plug-in, docs/java-plugins.md), or undefined
   * when this runtime runs it. Such a task commits its own source offsets through Apache's offset store.
   */
  jvmTask?(spec: JvmTaskRequest): SupervisedTask | undefined;
}

/** What a JVM task needs from the instance: the resolved configs and where to report state and progress. */
export interface JvmTaskRequest {
  readonly registry: PluginRegistry;
  readonly connector: string;
  readonly taskId: number;
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
  readonly taskCount: number;
  readonly listener: TaskStateListener;
  /** with `fenceOffsets`: the generation check the JVM asks for before each source offset commit */
  readonly mayCommit?: () => Promise<boolean>;
  /** Apache's task metrics from the JVM: the instance's progress (heartbeat, /metrics, stalled detection) */
  readonly onMetrics: (report: JvmMetricsReport) => void;
}

export interface TaskInstanceOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly generation: number;
  /** `worker_id` of the task statuses */
  readonly workerId: string;
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly runtime: () => TaskInstanceRuntime | Promise<TaskInstanceRuntime>;
  /** how often the target state and generation are read (TaskSupervisor's default when absent) */
  readonly configPollMs?: number;
  /** aborted: stop the task (flush, commit); before it runs: do not start it */
  readonly signal?: AbortSignal;
  /** every state the task reports */
  readonly onTaskState?: (state: TaskState, trace: string | null) => void;
  /** the instance's own messages (supervisor, topic tracking) */
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
  /** the runtime's messages (the source and sink loops) */
  readonly taskLog?: (message: string) => void;
  /** start-up milestones: stateLoaded, offsetsStarted, taskBuilt */
  readonly mark?: (milestone: string) => void;
  /** every progress snapshot (once per heartbeat): the task-runner's metrics exporter (CloudWatch EMF) */
  readonly onProgress?: (progress: TaskProgress) => void;
}

export type TaskInstanceResult =
  /** deleted, stopped, superseded or asked to stop before it ran: nothing was started */
  | { readonly outcome: 'unwanted' }
  | { readonly outcome: TaskOutcome }
  /** the task could not be built; status FAILED with `trace` was written */
  | { readonly outcome: 'not-started'; readonly error: unknown; readonly trace: string };

/** A task-runner process's exit code: 1 when the task failed (the restart policy relaunches it), else 0. */
export const exitCodeOf = (result: TaskInstanceResult): number =>
  result.outcome === 'failed' || result.outcome === 'not-started' ? 1 : 0;

/** The group-lag reader of a task if it is a sink (has `topics` or `topics.regex`), as worker.ts sets it up. */
function sinkGroupLag(
  runtime: TaskInstanceRuntime,
  connector: string,
  taskId: number,
  connectorConfig: ConnectorConfig,
  taskConfig: ConnectorConfig,
): { probe: () => Promise<readonly PartitionLag[]>; close: () => Promise<void> } | undefined {
  const merged = { ...connectorConfig, ...taskConfig };
  if (merged['topics'] === undefined && merged['topics.regex'] === undefined) return undefined;
  const props = connectorClientProps(runtime.worker, 'consumer', connector, taskId, connectorConfig);
  const reader = runtime.kafka.newGroupLag?.(props);
  if (!reader) return undefined;
  const groupId = props['group.id'] ?? sinkConsumerGroupId(connector, connectorConfig);
  const topics = sinkSubscription(merged).topics ?? [];
  return { probe: () => reader.lag(groupId, topics), close: () => reader.close() };
}

export async function runTaskInstance(options: TaskInstanceOptions): Promise<TaskInstanceResult> {
  const { connector, taskId, generation, workerId, configStore, statusStore, signal } = options;
  const state = await configStore.get(connector);
  options.mark?.('stateLoaded');
  const rawTaskConfig = state?.taskConfigs[taskId];
  if (!state || state.generation !== generation || !rawTaskConfig || state.targetState === 'STOPPED')
    return { outcome: 'unwanted' };
  if (signal?.aborted) return { outcome: 'unwanted' };

  const runtime = await options.runtime();
  const { worker } = runtime;
  let metrics: TaskMetrics | JvmTaskMetrics | undefined;
  const progress = (): TaskProgress | undefined => {
    if (!metrics) return undefined;
    // The lag read started now lands in the next heartbeat: a slow admin request never holds a status write.
    metrics.refreshLag((error) => options.log?.('could not read the consumer group lag', { error: String(error) }));
    const snapshot = metrics.snapshot();
    if (snapshot) options.onProgress?.(snapshot);
    return snapshot;
  };
  const supervisor = new TaskSupervisor({
    connector,
    taskId,
    generation,
    workerId,
    configStore,
    statusStore,
    heartbeatIntervalMs: runtime.heartbeatIntervalMs,
    progress,
    ...(options.configPollMs === undefined ? {} : { configPollMs: options.configPollMs }),
    ...(options.log ? { log: options.log } : {}),
  });

  const started: OffsetStore[] = [];
  try {
    const registry = await runtime.plugins();
    const resolve = async (config: ConnectorConfig): Promise<ConnectorConfig> =>
      (await runtime.resolveConfig?.(config)) ?? config;
    // Config providers resolve `${…}` in the connector and task configs here (secret stores included), never in
    // the store, the API or the reconciler (docs/security.md).
    const connectorConfig = await resolve(state.config);
    const taskConfig = await resolve(rawTaskConfig);
    const listener: TaskStateListener = (taskState, trace, version) => {
      options.onTaskState?.(taskState, trace);
      supervisor.onState(taskState, trace, version);
    };
    const jvmMetrics = new JvmTaskMetrics();
    const jvmTask = runtime.jvmTask?.({
      registry,
      connector,
      taskId,
      connectorConfig,
      taskConfig,
      taskCount: state.taskConfigs.length,
      listener,
      ...(runtime.fenceOffsets ? { mayCommit: () => supervisor.isCurrent() } : {}),
      onMetrics: (report) => jvmMetrics.report(report),
    });
    if (jvmTask) {
      metrics = jvmMetrics;
      // A sink's lag: its consumer group's committed offsets against the end offsets, as for a JavaScript sink
      // (set now; read only once the JVM says the task is a sink).
      const groupLag = sinkGroupLag(runtime, connector, taskId, connectorConfig, taskConfig);
      if (groupLag) jvmMetrics.setLagProbe(groupLag.probe, groupLag.close);
      options.mark?.('taskBuilt');
      if (signal?.aborted) return { outcome: 'unwanted' };
      signal?.addEventListener('abort', () => supervisor.requestStop(), { once: true });
      return { outcome: await supervisor.run(jvmTask, state.targetState) };
    }
    const connectorInstance = registry.newConnector(connectorConfig['connector.class'] ?? '');
    metrics = new TaskMetrics(connectorInstance.type);
    const workerStore = runtime.offsetStore();
    const fenced = (store: OffsetStore): OffsetStore =>
      runtime.fenceOffsets
        ? {
            start: () => store.start(),
            stop: () => store.stop(),
            get: (c, partitions) => store.get(c, partitions),
            list: (c) => store.list(c),
            put: async (c, entries) => {
              if (!(await supervisor.isCurrent()))
                throw new Error(`Task ${connector}-${taskId} generation ${generation} was superseded`);
              await store.put(c, entries);
            },
          }
        : store;
    let offsets = fenced(workerStore);
    if (connectorInstance.type === 'source') {
      if (runtime.ownsOffsetStore) {
        started.push(workerStore);
        await workerStore.start();
      }
      const ownTopic = connectorOffsetsTopic(offsetsTopicWorkerOf(worker), connectorConfig);
      if (ownTopic !== undefined) {
        if (!runtime.connectorOffsetStore)
          throw new Error(`Connector-specific offsets topic '${ownTopic}' is not available in this runtime`);
        const connectorStore = runtime.connectorOffsetStore(ownTopic, connectorConfig);
        started.push(connectorStore);
        await connectorStore.start();
        offsets = new ConnectorOffsetStore({
          connectorStore: fenced(connectorStore),
          workerStore: offsets,
          onSecondaryWriteError: (error) =>
            options.log?.('Failed to write offsets to secondary backing store', { error: traceOf(error) }),
        });
      }
      if (started.length > 0) options.mark?.('offsetsStarted');
    }
    const kafka = trackTopics(runtime.kafka, (topics) =>
      statusStore
        .addTopics(connector, topics)
        .catch((error: unknown) => options.log?.('addTopics failed', { error: String(error) })),
    );
    const task = createWorkerTask(
      { worker, registry, kafka, offsetStore: offsets, metrics, ...(options.taskLog ? { log: options.taskLog } : {}) },
      { connector, taskId, connectorConfig, taskConfig },
      connectorInstance,
      listener,
    );
    options.mark?.('taskBuilt');
    // Nothing awaits from this check to supervisor.run(): a stop either came before or reaches the supervisor.
    if (signal?.aborted) return { outcome: 'unwanted' };
    signal?.addEventListener('abort', () => supervisor.requestStop(), { once: true });
    return { outcome: await supervisor.run(task, state.targetState) };
  } catch (error) {
    // Could not even build the task (bad converter class, Kafka unreachable …): FAILED, as Apache reports it.
    const trace = traceOf(error);
    await statusStore
      .putTask(connector, taskId, { state: 'FAILED', trace, workerId, generation, updatedAt: Date.now() })
      .catch(() => false);
    return { outcome: 'not-started', error, trace };
  } finally {
    await Promise.all(started.map((store) => store.stop().catch(() => undefined)));
    await metrics?.close();
  }
}
