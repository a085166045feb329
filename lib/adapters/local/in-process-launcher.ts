/**
 * TaskLauncher that runs every task instance inside this process (`connect-standalone`): the in-process
 * counterpart of the ProcessLauncher + task-runner pair, so the reconciler drives standalone mode exactly as it
 * drives the local stack. Each instance runs the task-runner's own path (lib/runtime/task-instance.ts: task config
 * from the ConfigStore, config providers, the source or sink loop under a TaskSupervisor) and ends like a
 * task-runner process: exit code 0 when stopped or superseded, 1 when the task failed.
 *
 * Source offsets are not fenced by generation here: in one process an instance's end is certain (no zombie),
 * and the reconciler starts a new generation only after every older instance ended, so the final offset flush
 * of a stopped or reconfigured task is kept, as in Apache's standalone worker.
 */
import { randomBytes } from 'node:crypto';
import type { WorkerConfig } from '../../config/worker-config';
import type { PluginRegistry } from '../../plugins/registry';
import { exitCodeOf, runTaskInstance, type TaskInstanceRuntime } from '../../runtime/task-instance';
import { traceOf } from '../../runtime/trace';
import type { TaskState } from '../../runtime/worker-task';
import type { KafkaClientFactory } from '../../storage/kafka-ports';
import type {
  ConfigStore,
  ConnectorConfig,
  LaunchSpec,
  OffsetStore,
  StatusStore,
  TaskInstance,
  TaskLauncher,
} from '../../storage/ports';
import { StoppedInstances } from './stopped-instances';

export interface InProcessLauncherOptions {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly registry: PluginRegistry;
  readonly worker: WorkerConfig;
  readonly kafka: KafkaClientFactory;
  /** source offsets of every task (standalone: the offsets file); started and stopped by the owner */
  readonly offsetStore: OffsetStore;
  /** resolves `${provider:…}` placeholders (config providers); identity when absent */
  readonly resolveConfig?: (config: ConnectorConfig) => ConnectorConfig | Promise<ConnectorConfig>;
  /** `worker_id` of the task statuses */
  readonly workerId: string;
  readonly heartbeatIntervalMs: number;
  /** how often an instance reads its target state and generation (default 500 ms: the stores are in memory) */
  readonly configPollMs?: number;
  /** how many stopped instances per task to remember (restart backoff history); default 10 */
  readonly historyPerTask?: number;
  /** after an instance ended (its final state), e.g. to trigger a reconcile */
  readonly onExit?: (instance: TaskInstance) => void;
  /** every state a task reports (logging) */
  readonly onTaskState?: (connector: string, taskId: number, state: TaskState, trace: string | null) => void;
  readonly log?: (message: string) => void;
  /** the task of a Java plug-in, run by a JVM task host child (docs/java-plugins.md), or undefined */
  readonly jvmTask?: TaskInstanceRuntime['jvmTask'];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Live {
  readonly instance: Mutable<TaskInstance>;
  /** aborted by stop(): the instance stops its task (or does not start it) */
  readonly stop: AbortController;
  done: Promise<void>;
}

export class InProcessLauncher implements TaskLauncher {
  private readonly live = new Map<string, Live>();
  private readonly history: StoppedInstances;

  constructor(private readonly options: InProcessLauncherOptions) {
    this.history = new StoppedInstances(options.historyPerTask);
  }

  async list(): Promise<TaskInstance[]> {
    return [...[...this.live.values()].map((l) => ({ ...l.instance })), ...this.history.list()];
  }

  async launch(spec: LaunchSpec): Promise<TaskInstance> {
    const instanceId = `t-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const instance: Mutable<TaskInstance> = { instanceId, ...spec, state: 'RUNNING', startedAt: Date.now() };
    const live: Live = { instance, stop: new AbortController(), done: Promise.resolve() };
    this.live.set(instanceId, live);
    live.done = this.run(live).then(
      (code) => this.ended(live, code),
      (error: unknown) => {
        this.options.log?.(`Task ${spec.connector}-${spec.taskId} ended unexpectedly: ${traceOf(error)}`);
        this.ended(live, 1);
      },
    );
    return { ...instance };
  }

  async stop(instanceId: string, reason: string): Promise<void> {
    const live = this.live.get(instanceId);
    if (!live || live.instance.state === 'STOPPING') return;
    live.instance.state = 'STOPPING';
    live.instance.stoppedReason = reason;
    live.stop.abort();
  }

  /** Stop every instance and wait until all ended (flushed, committed): the worker's shutdown. */
  async stopAll(reason: string): Promise<void> {
    const waits = [...this.live.values()].map((l) => l.done);
    await Promise.all([...this.live.keys()].map((id) => this.stop(id, reason)));
    await Promise.all(waits);
  }

  /** Resolves when every instance of `connector` that was asked to stop has ended (its last offsets flushed). */
  async stopped(connector: string): Promise<void> {
    const stopping = [...this.live.values()].filter((l) => l.instance.connector === connector && l.stop.signal.aborted);
    await Promise.all(stopping.map((l) => l.done));
  }

  /** The task-runner's main, in-process: resolves with its exit code. */
  private async run(live: Live): Promise<number> {
    const { connector, taskId, generation } = live.instance;
    const { configStore, statusStore, registry, worker, workerId, kafka, offsetStore, resolveConfig } = this.options;
    const log = this.options.log;
    const result = await runTaskInstance({
      connector,
      taskId,
      generation,
      workerId,
      configStore,
      statusStore,
      signal: live.stop.signal,
      configPollMs: this.options.configPollMs ?? 500,
      runtime: () => ({
        worker,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        kafka,
        plugins: () => registry,
        ...(resolveConfig ? { resolveConfig } : {}),
        offsetStore: () => offsetStore,
        ...(this.options.jvmTask ? { jvmTask: this.options.jvmTask } : {}),
      }),
      onTaskState: (state, trace) => this.options.onTaskState?.(connector, taskId, state, trace),
      ...(log
        ? {
            log: (message: string, details?: Record<string, unknown>) =>
              log(`Task ${connector}-${taskId}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
            taskLog: log,
          }
        : {}),
    });
    if (result.outcome === 'not-started') this.options.onTaskState?.(connector, taskId, 'FAILED', result.trace);
    return exitCodeOf(result);
  }

  private ended(live: Live, code: number): void {
    this.live.delete(live.instance.instanceId);
    const requested = live.instance.stoppedReason;
    const how = `Exited with code ${code}`;
    const stopped: TaskInstance = {
      ...live.instance,
      state: 'STOPPED',
      stoppedAt: Date.now(),
      exitCode: code,
      stoppedReason: requested ? `${requested} (${how})` : how,
    };
    this.history.add(stopped);
    this.options.onExit?.(stopped);
  }
}

/**
 * The herder's view of the offsets: reads and writes for a connector wait until its tasks that were asked to stop
 * have ended. So `GET …/offsets` after `PUT …/stop` shows the stopped task's final flush, and that flush can never
 * overwrite a `PATCH`/`DELETE …/offsets` (the herder allows those once the connector is STOPPED without task
 * configs, which the reconciler writes right after asking the tasks to stop, before they end).
 */
export const offsetsAfterStops = (store: OffsetStore, launcher: InProcessLauncher): OffsetStore => ({
  // The worker starts and stops the shared store.
  start: async () => undefined,
  stop: async () => undefined,
  get: async (connector, partitions) => {
    await launcher.stopped(connector);
    return store.get(connector, partitions);
  },
  list: async (connector) => {
    await launcher.stopped(connector);
    return store.list(connector);
  },
  put: async (connector, entries) => {
    await launcher.stopped(connector);
    await store.put(connector, entries);
  },
});
