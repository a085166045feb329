/**
 * The reconciler: what Apache's distributed herder does with rebalances and `Worker.startTask`, done as a
 * level-triggered control loop. It compares the desired state of a connector (ConfigStore) with the task
 * instances the TaskLauncher reports and converges them, writing connector and task status on the way.
 *
 * Every step is derived from stored state, never from memory of a previous run, so a reconcile interrupted
 * anywhere converges on the next one (the local stack runs it on every store change and on a timer; AWS on the
 * DynamoDB stream, ECS task events and a schedule). Concurrent runs are safe: store updates are conditional on
 * the connector's version, and a duplicate instance is stopped by the next run.
 */
import { NotFoundError, isRetriable } from '../errors';
import { retry, type RetryOptions } from '../retry';
import type {
  ConfigStore,
  ConnectorConfig,
  ConnectorState,
  ConnectorStateChanges,
  ConnectorStatusState,
  OffsetStore,
  StatusRecord,
  StatusStore,
  TaskInstance,
  TaskLauncher,
  TaskStatus,
  TaskStatusState,
} from '../storage/ports';
import {
  HEARTBEAT_TIMEOUT_PREFIX,
  STALLED_PREFIX,
  decideRelaunch,
  describeExit,
  heartbeatSettingsFor,
  intentionalStopReason,
  isCleanExit,
  restartPolicyFor,
} from './restart-policy';
import { stallOf, stallSettingsFor, TASK_STALL_RESTART_MS_CONFIG } from '../storage/task-progress';
import type { ConnectorPlugins } from './task-configs';
import { connectorPluginVersion, generateTaskConfigs, sameTaskConfigs } from './task-configs';
import { detectedTrace, traceOf } from '../runtime/trace';
import type { ZombieFencing } from './zombie-fencing';
import { acceptableRequest, CONNECTOR_TASK_ID, isConnectorInstance } from './connector-task';

export const RECONCILER_WORKER_ID = 'reconciler';

export interface ReconcilerOptions {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly launcher: TaskLauncher;
  readonly plugins: ConnectorPlugins;
  /** distributed-worker properties (SKC_WORKER_CONFIG); holds the worker-level restart/heartbeat settings */
  readonly workerConfig?: Readonly<Record<string, string>>;
  readonly resolveConfig?: (config: ConnectorConfig) => Promise<ConnectorConfig>;
  readonly offsetStore?: OffsetStore;
  /** `worker_id` of statuses the control plane writes */
  readonly workerId?: string;
  readonly now?: () => number;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
  /** fences the transactional ids of exactly-once source tasks before a launch (absent: not fenced here) */
  readonly zombieFencing?: ZombieFencing;
}

/** How a reconcile runs. */
export interface ReconcileOptions {
  /**
   * The scheduled reconcile: ask again for the task configs of each running connector whose instance does not
   * keep running (`ConnectorPlugins.pollsTaskConfigs`: Java connectors of the stateless catalog Lambda), so a
   * reconfiguration it would have requested (MirrorSource's new topic) reaches its tasks. One catalog call per
   * such connector per run; unchanged task configs write nothing. Asked before each connector: false skips the
   * poll (the run's time is running out; the next scheduled run asks).
   */
  readonly pollTaskConfigs?: () => boolean;
}

export interface ReconcileReport {
  readonly connectors: readonly string[];
  readonly launched: readonly TaskInstance[];
  readonly stopped: readonly string[];
  /** earliest time a delayed relaunch is due: reconcile again then (undefined: nothing pending) */
  readonly nextWakeAt: number | undefined;
}

const LIVE: ReadonlySet<TaskInstance['state']> = new Set(['PENDING', 'RUNNING']);
const isLive = (i: TaskInstance): boolean => LIVE.has(i.state);
const isGone = (i: TaskInstance): boolean => i.state === 'STOPPED';
/** Conflicts while converging one connector: a few quick attempts from fresh state, then the next reconcile. */
const CONVERGE_RETRY: RetryOptions = { initialDelayMs: 5, maxDelayMs: 100, jitter: 'full', maxAttempts: 5 };
/**
 * Launches of one connector run this many at a time: each is a process spawn or an ECS RunTask (0.1–0.5 s), and
 * scaling to n tasks should not take n times that; the cap stays well inside ECS's RunTask rate limit.
 */
const LAUNCH_CONCURRENCY = 10;

interface Work {
  launched: TaskInstance[];
  stopped: string[];
  nextWakeAt: number | undefined;
}

export class Reconciler {
  private readonly workerId: string;
  private readonly now: () => number;
  /** connectors whose running instance asked for new task configs (Apache's requestTaskReconfiguration) */
  private readonly reconfigurationRequests = new Set<string>();

  constructor(private readonly options: ReconcilerOptions) {
    this.workerId = options.workerId ?? RECONCILER_WORKER_ID;
    this.now = options.now ?? Date.now;
  }

  /**
   * A running connector instance (a Java connector in the catalog JVM) asked for new task configs: the next
   * reconcile of it generates them again, and tasks converge to them if they changed (Apache's herder does the
   * same on `requestTaskReconfiguration`).
   */
  requestTaskReconfiguration(name: string): void {
    this.reconfigurationRequests.add(name);
  }

  /** Converge one connector, or all (every stored connector plus any with instances but no config). */
  async reconcile(name?: string, options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const instances = await this.options.launcher.list();
    const names =
      name !== undefined
        ? [name]
        : [...new Set([...(await this.options.configStore.list()), ...instances.map((i) => i.connector)])].sort();
    const work: Work = { launched: [], stopped: [], nextWakeAt: undefined };
    const errors: unknown[] = [];
    for (const connector of names) {
      try {
        await this.reconcileWithRetry(
          connector,
          instances.filter((i) => i.connector === connector),
          work,
          name !== undefined,
          options.pollTaskConfigs?.() === true,
        );
      } catch (error) {
        // One broken connector must not starve the others; the caller sees the first error afterwards.
        this.options.log?.('reconcile failed', { connector, error: traceOf(error) });
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
    return { connectors: names, ...work };
  }

  private async reconcileWithRetry(
    name: string,
    instances: TaskInstance[],
    work: Work,
    explicit: boolean,
    poll: boolean,
  ): Promise<void> {
    // A concurrent write (herder or another reconciler) won, or the connector was deleted meanwhile: start over
    // from fresh state.
    // A poll is asked once per run, not again on a retry (the bound of one catalog call per connector and tick).
    let pollNow = poll;
    const attempt = (): Promise<void> => {
      const polls = pollNow;
      pollNow = false;
      return this.converge(name, instances, work, explicit, polls);
    };
    await retry(attempt, {
      ...CONVERGE_RETRY,
      retryOn: (error) => isRetriable(error) || error instanceof NotFoundError,
      onRetry: async () => {
        instances = (await this.options.launcher.list()).filter((i) => i.connector === name);
      },
    });
  }

  private async converge(
    name: string,
    instances: TaskInstance[],
    work: Work,
    explicit: boolean,
    poll: boolean,
  ): Promise<void> {
    const { configStore, statusStore } = this.options;
    const state = await configStore.get(name);
    if (!state) {
      await this.releaseConnector(name);
      await this.stopAll(instances, 'connector deleted', work);
      // Also after the last exit: a final heartbeat may have raced the delete.
      if (explicit || instances.some((i) => !isGone(i))) await statusStore.deleteConnector(name);
      // Per-connector resources (AWS: the task role) outlive the stop until every instance has exited, so a
      // stopping task can still flush and commit; a later run (the schedule sees stopped instances) frees them.
      if (instances.every(isGone)) await this.options.launcher.release?.(name);
      return;
    }
    let connectorStatus = await statusStore.getConnector(name);
    const taskStatuses = new Map((await statusStore.listTasks(name)).map((s) => [s.id, s]));

    if (state.targetState === 'STOPPED') {
      await this.releaseConnector(name);
      await this.convergeStopped(state, instances, taskStatuses, connectorStatus, work);
      return;
    }

    // 1. Restart requests (KIP-745 plan): mark RESTARTING and stop the instances to restart. Only then clear the
    // request, so a crash in between repeats the restart instead of losing it.
    const { restartConnector, restartTasks } = restartPlan(state, connectorStatus, taskStatuses);
    if (restartConnector) {
      connectorStatus = await this.putConnectorStatus(name, 'RESTARTING', null, state.generation, connectorStatus);
      // A connector task restarts with its connector (its instance is the connector).
      await this.stopAll(instances.filter(isConnectorInstance), 'restart requested', work);
    }
    for (const taskId of restartTasks) {
      if (taskId >= state.taskConfigs.length) continue;
      // As Apache's RESTARTING status: the task keeps its worker and version until the new instance reports.
      const previous = taskStatuses.get(taskId);
      const restarting: TaskStatus = {
        ...this.taskStatus(taskId, 'RESTARTING', null, state.generation),
        ...(previous ? { workerId: previous.workerId, version: previous.version ?? null } : {}),
      };
      await this.options.statusStore.putTask(name, taskId, restarting);
      taskStatuses.set(taskId, restarting);
      await this.stopAll(
        instances.filter((i) => i.taskId === taskId),
        'restart requested',
        work,
      );
    }
    // What this run stopped is shutting down: its replacement waits for the exit (next run).
    const stoppedNow = new Set(work.stopped);
    instances = instances.map((i) => (stoppedNow.has(i.instanceId) && isLive(i) ? { ...i, state: 'STOPPING' } : i));

    // 2. Task configs: regenerate when the config changed since they were generated, or on a connector restart.
    let current = state;
    let connectorFailure: string | null = null;
    let connectorVersion: string | null = connectorStatus?.version ?? null;
    const changes: { -readonly [K in keyof ConnectorStateChanges]: ConnectorStateChanges[K] } = {};
    // A paused connector is not started (Apache's WorkerConnector stays paused): it generates no task configs, so
    // one created PAUSED has no tasks until it is resumed, and a config change while paused applies on resume. A
    // Java connector's reconfiguration request waits for the resume too (it is only taken when acted on).
    const paused = state.targetState === 'PAUSED';
    const stale = state.taskConfigsFromVersion !== state.version;
    if (paused) connectorVersion ??= connectorPluginVersion(state.config, this.options.plugins);
    const reconfigure = !paused && this.reconfigurationRequests.delete(name);
    // A connector task's request for new task configs (AWS): the running connector's own answer, taken as it is
    // when it still applies; nothing is generated here.
    const connectorTask = this.options.plugins.runsConnectorTask?.(state.config) === true;
    const requested =
      connectorTask && !stale && !restartConnector && !reconfigure
        ? acceptableRequest(state, await statusStore.getTaskConfigsRequest(name))
        : undefined;
    // Only a poll (nothing else asks for new task configs): a failure keeps the running generation, as Apache's
    // herder keeps the tasks when a reconfiguration fails and tries again; here the next scheduled run does.
    const pollOnly =
      poll &&
      !stale &&
      !restartConnector &&
      !reconfigure &&
      state.targetState === 'STARTED' &&
      // A FAILED connector is retried by a config change or a restart only, as before.
      connectorStatus?.state !== 'FAILED' &&
      // A connector task hears the requests themselves: no poll.
      !connectorTask &&
      this.options.plugins.pollsTaskConfigs?.(state.config) === true;
    if (requested) {
      connectorVersion = requested.version ?? connectorVersion;
      changes.taskConfigs = [...requested.taskConfigs];
      changes.generation = state.generation + 1;
      this.options.log?.('task configs changed (requested by the connector)', {
        connector: name,
        generation: changes.generation,
      });
    } else if ((stale || restartConnector || reconfigure || pollOnly) && !paused) {
      try {
        const generated = await generateTaskConfigs(name, state.config, this.options);
        connectorVersion = generated.version;
        if (!sameTaskConfigs(generated.taskConfigs, state.taskConfigs)) {
          changes.taskConfigs = generated.taskConfigs;
          changes.generation = state.generation + 1;
          if (pollOnly) this.options.log?.('task configs changed (polled)', { connector: name });
        }
      } catch (error) {
        if (pollOnly) {
          this.options.log?.('could not poll the task configs', { connector: name, error: traceOf(error) });
        } else connectorFailure = traceOf(error);
      }
    } else if (connectorStatus?.state === 'FAILED') {
      // Still failed from a previous generation attempt; only a config change or a restart retries it.
      connectorFailure = connectorStatus.trace ?? 'Connector failed';
    }
    const needsWrite =
      (stale && !paused) ||
      state.restartRequest !== undefined ||
      Object.keys(state.taskRestartRequests ?? {}).length > 0 ||
      changes.taskConfigs !== undefined;
    if (needsWrite) {
      // The write bumps the version by one: record that the task configs match the version it produces (unless
      // they are stale and left so while paused).
      if (!(stale && paused)) changes.taskConfigsFromVersion = state.version + 1;
      if (state.restartRequest) changes.clearRestartRequest = true;
      if (state.taskRestartRequests && Object.keys(state.taskRestartRequests).length > 0) {
        changes.taskRestartRequests = {};
      }
      current = await configStore.update(name, state.version, changes);
    }

    // 3. Connector status.
    if (connectorFailure !== null) {
      await this.putConnectorStatus(
        name,
        'FAILED',
        connectorFailure,
        current.generation,
        connectorStatus,
        connectorVersion,
      );
    } else {
      const desired: ConnectorStatusState = current.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      await this.putConnectorStatus(name, desired, null, current.generation, connectorStatus, connectorVersion);
    }

    // 4. Task instances, and the connector task.
    await this.convergeTasks(
      current,
      instances.filter((i) => !isConnectorInstance(i)),
      taskStatuses,
      new Set(restartTasks),
      work,
    );
    if (this.options.plugins.runsConnectorTask) {
      const wanted = current.targetState === 'STARTED' && connectorTask;
      const status = await statusStore.getConnector(name);
      const connectorInstances = instances.filter(isConnectorInstance);
      await this.convergeConnectorTask(current, connectorInstances, wanted, status, restartConnector, work);
    }
  }

  /**
   * One connector task while the connector is started and runs in one; none otherwise (paused: Apache stops a
   * paused connector's instance too). It is kept across generations: new task configs do not restart the
   * connector, as on Apache's worker (its requests are fenced by generation instead, see acceptableRequest). An
   * instance that died is relaunched through the restart policy's backoff, unless the connector FAILED by its
   * own report (as a failed task, it waits for a restart or a config change).
   */
  private async convergeConnectorTask(
    state: ConnectorState,
    instances: TaskInstance[],
    wanted: boolean,
    connectorStatus: StatusRecord | undefined,
    restartRequested: boolean,
    work: Work,
  ): Promise<void> {
    if (!wanted) {
      await this.stopAll(instances, state.targetState === 'PAUSED' ? 'connector paused' : 'no connector task', work);
      return;
    }
    const stoppedHere = new Set(work.stopped);
    let kept: TaskInstance | undefined;
    for (const instance of instances.filter(isLive).sort((a, b) => a.startedAt - b.startedAt)) {
      if (stoppedHere.has(instance.instanceId)) continue;
      if (kept) await this.stop(instance, 'duplicate instance', work);
      else kept = instance;
    }
    if (kept || instances.some((i) => !isGone(i) && (!isLive(i) || stoppedHere.has(i.instanceId)))) return;
    const history = instances.filter(isGone);
    const failedByItself = connectorStatus?.state === 'FAILED' && connectorStatus.workerId !== this.workerId;
    // A requested restart overrides the policy and any pending backoff, as for tasks.
    const decision = restartRequested
      ? ({ action: 'launch', attempt: 0 } as const)
      : decideRelaunch(history, failedByItself, restartPolicyFor(this.options.workerConfig, state.config), this.now());
    if (decision.action === 'wait') {
      work.nextWakeAt = Math.min(work.nextWakeAt ?? Infinity, decision.dueAt);
      return;
    }
    // A connector that FAILED by its own report stays so until a restart or a config change, as on Apache.
    if (decision.action === 'give-up' || failedByItself) return;
    const newest = history.reduce<TaskInstance | undefined>(
      (a, i) => (a && (a.stoppedAt ?? a.startedAt) >= (i.stoppedAt ?? i.startedAt) ? a : i),
      undefined,
    );
    const instance = await this.options.launcher.launch({
      connector: state.name,
      taskId: CONNECTOR_TASK_ID,
      generation: state.generation,
      replaces: newest?.instanceId,
    });
    this.options.log?.('launched connector task', {
      connector: state.name,
      generation: state.generation,
      instanceId: instance.instanceId,
    });
    work.launched.push(instance);
  }

  private async releaseConnector(name: string): Promise<void> {
    try {
      await this.options.plugins.releaseConnector?.(name);
    } catch (error) {
      this.options.log?.('could not release the connector instance', { connector: name, error: traceOf(error) });
    }
  }

  private async convergeStopped(
    state: ConnectorState,
    instances: TaskInstance[],
    taskStatuses: Map<number, TaskStatus>,
    connectorStatus: StatusRecord | undefined,
    work: Work,
  ): Promise<void> {
    const { configStore, statusStore } = this.options;
    await this.stopAll(instances, 'connector stopped', work);
    for (const taskId of taskStatuses.keys()) await statusStore.deleteTask(state.name, taskId);
    // Apache writes an empty task-config set on stop (`GET …/tasks` → [], offsets may then be altered).
    const pendingRestart =
      state.restartRequest !== undefined || Object.keys(state.taskRestartRequests ?? {}).length > 0;
    if (state.taskConfigs.length > 0 || pendingRestart || state.taskConfigsFromVersion !== state.version) {
      const changes: { -readonly [K in keyof ConnectorStateChanges]: ConnectorStateChanges[K] } = {
        taskConfigsFromVersion: state.version + 1,
      };
      if (state.taskConfigs.length > 0) {
        changes.taskConfigs = [];
        changes.generation = state.generation + 1;
      }
      if (state.restartRequest) changes.clearRestartRequest = true;
      if (pendingRestart) changes.taskRestartRequests = {};
      await configStore.update(state.name, state.version, changes);
    }
    // Apache shows the connector's version in a STOPPED status too (also for one created STOPPED).
    const version = connectorStatus?.version ?? connectorPluginVersion(state.config, this.options.plugins);
    await this.putConnectorStatus(state.name, 'STOPPED', null, state.generation, connectorStatus, version);
  }

  private async convergeTasks(
    state: ConnectorState,
    instances: TaskInstance[],
    taskStatuses: Map<number, TaskStatus>,
    restartRequested: ReadonlySet<number>,
    work: Work,
  ): Promise<void> {
    const { name, generation } = state;
    const taskCount = state.taskConfigs.length;
    const now = this.now();
    const heartbeat = heartbeatSettingsFor(this.options.workerConfig);
    const policy = restartPolicyFor(this.options.workerConfig, state.config);
    const stall = stallSettingsFor(this.options.workerConfig, state.config);

    // Stop superseded (older generation), surplus (task id ≥ count), duplicate and hung instances.
    const kept = new Map<number, TaskInstance>();
    const live = instances.filter(isLive).sort((a, b) => a.startedAt - b.startedAt);
    for (const instance of live) {
      if (instance.generation !== generation) {
        await this.stop(instance, `superseded by generation ${generation}`, work);
      } else if (instance.taskId >= taskCount) {
        await this.stop(instance, 'task no longer configured', work);
      } else if (kept.has(instance.taskId)) {
        await this.stop(instance, 'duplicate instance', work);
      } else if (this.isHung(instance, taskStatuses.get(instance.taskId), heartbeat.timeoutMs, now)) {
        const reason = `${HEARTBEAT_TIMEOUT_PREFIX}no status written for ${heartbeat.timeoutMs} ms`;
        await this.options.launcher.stop(instance.instanceId, reason);
        work.stopped.push(instance.instanceId);
        await this.putTaskStatus(
          name,
          instance.taskId,
          'FAILED',
          detectedTrace('TaskHeartbeatTimeout', `${describeExit(instance)}: ${reason}`),
          generation,
        );
      } else if (this.stalledTooLong(instance, taskStatuses.get(instance.taskId), stall.restartMs, now)) {
        // RUNNING but no progress while input waits (lib/storage/task-progress.ts): replaced like a hung task,
        // through the restart policy's backoff.
        const stalled = stallOf('RUNNING', taskStatuses.get(instance.taskId)?.progress, stall.restartMs, now);
        const reason = `${STALLED_PREFIX}${stalled?.reason ?? 'no progress'} (${TASK_STALL_RESTART_MS_CONFIG}=${stall.restartMs})`;
        await this.options.launcher.stop(instance.instanceId, reason);
        work.stopped.push(instance.instanceId);
        await this.putTaskStatus(
          name,
          instance.taskId,
          'FAILED',
          detectedTrace('TaskStalled', `${describeExit(instance)}: ${reason}`),
          generation,
        );
      } else {
        kept.set(instance.taskId, instance);
      }
    }
    for (const taskId of taskStatuses.keys()) {
      if (taskId >= taskCount) await this.options.statusStore.deleteTask(name, taskId);
    }

    // New instances start only when every older-generation instance is gone, as Apache stops all tasks of a
    // connector before starting the reconfigured ones: no two generations read the same data at once.
    const olderStillStopping = instances.some((i) => i.generation < generation && !isGone(i));
    const toLaunch: { taskId: number; status: TaskStatus | undefined; replaces: string | undefined }[] = [];
    for (let taskId = 0; taskId < taskCount; taskId++) {
      if (kept.has(taskId)) continue;
      // The previous instance of this task is still shutting down (flush, commit): wait for its exit event.
      const stoppedHere = new Set(work.stopped);
      const shuttingDown = (i: TaskInstance) => !isGone(i) && (!isLive(i) || stoppedHere.has(i.instanceId));
      if (instances.some((i) => i.taskId === taskId && shuttingDown(i))) continue;
      const history = instances.filter((i) => i.taskId === taskId && i.generation === generation && isGone(i));
      const status = taskStatuses.get(taskId);
      const failedByItself = status?.state === 'FAILED' && status.generation === generation;
      // A requested restart overrides the policy and any pending backoff.
      const decision = restartRequested.has(taskId)
        ? ({ action: 'launch', attempt: 0 } as const)
        : decideRelaunch(history, failedByItself, policy, now);
      if (decision.action !== 'launch') {
        const last = decision.lastFailure;
        if (last && status?.state !== 'FAILED') {
          const next =
            decision.action === 'wait'
              ? `; relaunch attempt ${decision.attempt} in ${decision.dueAt - now} ms`
              : '; not relaunched (task.restart.policy=never)';
          const state: TaskStatusState = isCleanExit(last) && decision.action === 'wait' ? 'UNASSIGNED' : 'FAILED';
          await this.putTaskStatus(
            name,
            taskId,
            state,
            detectedTrace('TaskInstanceStopped', describeExit(last) + next),
            generation,
          );
        }
        if (decision.action === 'wait') work.nextWakeAt = Math.min(work.nextWakeAt ?? Infinity, decision.dueAt);
        continue;
      }
      if (olderStillStopping) continue;
      const newest = history.reduce<TaskInstance | undefined>(
        (a, i) => (a && (a.stoppedAt ?? a.startedAt) >= (i.stoppedAt ?? i.startedAt) ? a : i),
        undefined,
      );
      toLaunch.push({ taskId, status, replaces: newest?.instanceId });
    }
    await this.fenceZombies(state, instances, toLaunch, generation);
    const launches = await mapConcurrently(toLaunch, LAUNCH_CONCURRENCY, async ({ taskId, status, replaces }) => {
      // Keep a FAILED or RESTARTING status visible until the new instance reports; otherwise show UNASSIGNED.
      if (!status || status.generation !== generation || (status.state !== 'FAILED' && status.state !== 'RESTARTING')) {
        await this.putTaskStatus(name, taskId, 'UNASSIGNED', null, generation);
      }
      const instance = await this.options.launcher.launch({ connector: name, taskId, generation, replaces });
      this.options.log?.('launched task instance', {
        connector: name,
        taskId,
        generation,
        instanceId: instance.instanceId,
      });
      return instance;
    });
    let failure: { reason: unknown } | undefined;
    for (const launch of launches) {
      if (launch.status === 'fulfilled') work.launched.push(launch.value);
      else failure ??= launch;
    }
    // Every launch has settled (none still running after this reconcile returns); the first failure is reported.
    if (failure) throw failure.reason;
  }

  /**
   * Exactly-once source connectors: before any task instance is launched, fence the transactional ids of the
   * tasks to launch and of task ids an older generation had beyond the current count (Apache's leader fences all
   * of the previous generation's tasks). A process of an older generation still running somewhere can then no
   * longer commit, even before its successor starts. When fencing fails nothing is launched: the tasks show
   * FAILED with the cause, and the next reconcile tries again.
   */
  private async fenceZombies(
    state: ConnectorState,
    instances: readonly TaskInstance[],
    toLaunch: readonly { readonly taskId: number }[],
    generation: number,
  ): Promise<void> {
    const fencing = this.options.zombieFencing;
    if (!fencing || toLaunch.length === 0 || !fencing.applies(state.config)) return;
    const taskCount = state.taskConfigs.length;
    const surplus = instances.filter((i) => i.taskId >= taskCount).map((i) => i.taskId);
    const config = this.options.resolveConfig ? await this.options.resolveConfig(state.config) : state.config;
    try {
      await fencing.fence(state.name, config, [...toLaunch.map((t) => t.taskId), ...surplus]);
    } catch (error) {
      const trace = traceOf(error);
      for (const { taskId } of toLaunch) await this.putTaskStatus(state.name, taskId, 'FAILED', trace, generation);
      throw error;
    }
    this.options.log?.('fenced zombie tasks', { connector: state.name, generation });
  }

  /** RUNNING per the launcher but silent for longer than the heartbeat timeout. */
  private isHung(instance: TaskInstance, status: TaskStatus | undefined, timeoutMs: number, now: number): boolean {
    if (instance.state !== 'RUNNING') return false;
    const reported =
      status && status.generation === instance.generation && status.workerId !== this.workerId ? status.updatedAt : 0;
    return now - Math.max(instance.startedAt, reported) > timeoutMs;
  }

  /** A RUNNING task of this instance, stalled for at least `restartMs` by its own last report (0 = never). */
  private stalledTooLong(instance: TaskInstance, status: TaskStatus | undefined, restartMs: number, now: number) {
    if (restartMs <= 0 || instance.state !== 'RUNNING' || !status) return false;
    if (status.generation !== instance.generation || status.workerId === this.workerId) return false;
    if (status.updatedAt < instance.startedAt) return false; // the report of an earlier instance
    return stallOf(status.state, status.progress, restartMs, now) !== undefined;
  }

  private async stopAll(instances: readonly TaskInstance[], why: string, work: Work): Promise<void> {
    for (const instance of instances) if (isLive(instance)) await this.stop(instance, why, work);
  }

  private async stop(instance: TaskInstance, why: string, work: Work): Promise<void> {
    await this.options.launcher.stop(instance.instanceId, intentionalStopReason(why));
    work.stopped.push(instance.instanceId);
  }

  private async putConnectorStatus(
    name: string,
    state: ConnectorStatusState,
    trace: string | null,
    generation: number,
    current: StatusRecord | undefined,
    version: string | null = current?.version ?? null,
  ): Promise<StatusRecord> {
    if (current && current.state === state && current.trace === trace && (current.version ?? null) === version) {
      return current;
    }
    const status: StatusRecord = { state, trace, workerId: this.workerId, generation, updatedAt: this.now(), version };
    await this.options.statusStore.putConnector(name, status);
    return status;
  }

  private async putTaskStatus(
    name: string,
    taskId: number,
    state: TaskStatusState,
    trace: string | null,
    generation: number,
  ): Promise<void> {
    await this.options.statusStore.putTask(name, taskId, this.taskStatus(taskId, state, trace, generation));
  }

  private taskStatus(id: number, state: TaskStatusState, trace: string | null, generation: number): TaskStatus {
    return { id, state, trace, workerId: this.workerId, generation, updatedAt: this.now() };
  }
}

/** `fn` over `items`, at most `limit` at a time; results in input order, like Promise.allSettled. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Apache's `AbstractHerder.buildRestartPlan`: the connector restarts if `!onlyFailed` or it FAILED; a task if
 * `includeTasks && (!onlyFailed || it FAILED)`. Single-task restarts (`POST …/tasks/{t}/restart`) add to that.
 */
export function restartPlan(
  state: ConnectorState,
  connectorStatus: StatusRecord | undefined,
  taskStatuses: ReadonlyMap<number, TaskStatus>,
): { restartConnector: boolean; restartTasks: number[] } {
  const tasks = new Set<number>();
  let restartConnector = false;
  const request = state.restartRequest;
  if (request) {
    restartConnector = !request.onlyFailed || connectorStatus?.state === 'FAILED';
    if (request.includeTasks) {
      for (let id = 0; id < state.taskConfigs.length; id++) {
        if (!request.onlyFailed || taskStatuses.get(id)?.state === 'FAILED') tasks.add(id);
      }
    }
  }
  for (const id of Object.keys(state.taskRestartRequests ?? {})) {
    const taskId = Number(id);
    if (Number.isInteger(taskId) && taskId >= 0) tasks.add(taskId);
  }
  return { restartConnector, restartTasks: [...tasks].sort((a, b) => a - b) };
}
