/**
 * The herder: Kafka Connect's control-plane use cases (Apache's `AbstractHerder`/`DistributedHerder` as seen
 * from the REST API). It WRITES desired state only — config, target state, restart requests — and READS status;
 * the reconciler (lib/scheduler) turns desired state into running tasks and writes status. Talks to ports only.
 *
 * Every read-modify-write is conditional on the stored version and retried on ConflictError (lib/retry),
 * so concurrent writers never lose an update and never see a 5xx.
 */
import { randomUUID } from 'node:crypto';
import type { Connector, SinkConnector, SourceConnector } from '../connect/connector';
import type { SourceMap, TopicPartition } from '../connect/records';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
} from '../errors';
import { KAFKA_VERSION } from '../plugins/kafka-version';
import { javaStringHashCode } from '../storage/offsets-codec';
import type {
  ConfigStore,
  ConnectorState,
  OffsetStore,
  StatusRecord,
  StatusStore,
  TargetState,
  TaskStatus,
} from '../storage/ports';
import { sinkConsumerGroupId, type SinkOffsets } from '../storage/sink-offsets';
import { stallSettingsFor } from '../storage/task-progress';
import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConfigMap,
  ConnectorExpansion,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  ConnectorType,
  CreateConnectorRequest,
  HealthInfo,
  LoggerLevel,
  Message,
  PluginInfo,
  ServerInfo,
  TaskInfo,
  TaskStateInfo,
} from './entities';
import { connectorMetricsInfo, type ConnectorMetricsInfo } from './connector-metrics';
import { LoggerRegistry } from './loggers';
import { modifiedMessage, parseSinkOffsets, parseSourceOffsets, sinkOffsetToRest } from './offsets';
import type { ConnectorPlugins } from './plugins';
import { retry, type RetryOptions } from '../retry';

export interface HerderOptions {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly plugins: ConnectorPlugins;
  /** source offsets (Apache's offsets topic); a factory so the Kafka adapter loads only when needed */
  /**
   * The source offsets of a connector with this config: the worker's offsets topic, or a ConnectorOffsetStore
   * when the connector has its own (`offsets.storage.topic`, KIP-618), as Apache's offsets endpoints read them.
   */
  readonly offsetStore?: (connectorConfig: Readonly<Record<string, string>>) => Promise<OffsetStore>;
  /** sink consumer-group offsets; a factory for the same reason */
  readonly sinkOffsets?: () => Promise<SinkOffsets>;
  /** Kafka cluster id for `GET /`; null when there is no cluster to ask */
  readonly clusterId?: () => Promise<string | null>;
  readonly loggers?: LoggerRegistry;
  /** worker `topic.tracking.enable` (default true) and `topic.tracking.allow.reset` (default true) */
  readonly topicTracking?: { readonly enable: boolean; readonly allowReset: boolean };
  /** reported as `commit` by `GET /` */
  readonly commit?: string;
  readonly retry?: RetryOptions;
  /** worker properties: the stall thresholds (`skc.task.stall.*`) a connector does not set */
  readonly workerProperties?: Readonly<Record<string, string>>;
  readonly now?: () => number;
}

export type Expand = 'status' | 'info' | 'metrics';

/**
 * Optimistic-concurrency conflicts on the ConfigStore are retried from a fresh read with full-jitter exponential
 * backoff, bounded by time rather than by count so that many concurrent writers to one connector all win in turn.
 */
export const CONFLICT_RETRY: RetryOptions = { initialDelayMs: 5, maxDelayMs: 400, jitter: 'full', timeoutMs: 25_000 };

const CONNECTOR_CLASS = 'connector.class';
const INITIAL_TARGET: Record<string, TargetState> = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' };

/**
 * Java's `AbstractMap.toString` of the copy Apache prints (`new HashMap<>(config)`): `{k=v, k2=v2}` in the
 * iteration order of a HashMap whose table was sized for the copy (`tableSizeFor(size / 0.75 + 1)`).
 */
const javaMapToString = (config: Readonly<Record<string, string | null>>): string => {
  const keys = Object.keys(config);
  let capacity = 1;
  while (capacity < Math.floor(keys.length / 0.75 + 1)) capacity *= 2;
  const bucket = (key: string): number => {
    const h = javaStringHashCode(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  const ordered = keys.map((key, i) => ({ key, i, b: bucket(key) })).sort((a, b) => a.b - b.b || a.i - b.i);
  return `{${ordered.map(({ key }) => `${key}=${String(config[key])}`).join(', ')}}`;
};

/** Apache's `normalizedPluginName`: strip a trailing `Connector` to compare aliases with class names. */
const normalizedPluginName = (name: string): string =>
  name.endsWith('Connector') && name.length > 'Connector'.length ? name.slice(0, -'Connector'.length) : name;

const statusInfo = <S extends string>(record: StatusRecord<S>) => ({
  state: record.state,
  worker_id: record.workerId,
  ...(record.trace ? { trace: record.trace } : {}),
  ...(record.version ? { version: record.version } : {}),
});

const taskStateInfo = (task: TaskStatus): TaskStateInfo => ({ id: task.id, ...statusInfo(task) });

export class Herder {
  private readonly configStore: ConfigStore;
  private readonly statusStore: StatusStore;
  private readonly plugins: ConnectorPlugins;
  private readonly retryPolicy: RetryOptions;
  readonly loggers: LoggerRegistry;

  constructor(private readonly options: HerderOptions) {
    this.configStore = options.configStore;
    this.statusStore = options.statusStore;
    this.plugins = options.plugins;
    this.retryPolicy = options.retry ?? CONFLICT_RETRY;
    this.loggers = options.loggers ?? new LoggerRegistry();
  }

  // ---- worker ----

  async serverInfo(): Promise<ServerInfo> {
    const clusterId = this.options.clusterId ? await this.options.clusterId() : null;
    return { version: KAFKA_VERSION, commit: this.options.commit ?? 'unknown', kafka_cluster_id: clusterId };
  }

  health(): HealthInfo {
    return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
  }

  // ---- connectors: reads ----

  listConnectors(): Promise<string[]> {
    return this.configStore.list();
  }

  /** `GET /connectors?expand=…`: connectors that vanish mid-request are omitted, as in Apache. */
  async listConnectorsExpanded(expand: ReadonlySet<Expand>): Promise<Record<string, ConnectorExpansion>> {
    const names = await this.configStore.list();
    const states = await this.configStore.getMany(names);
    const out: Record<string, ConnectorExpansion> = {};
    const statuses = expand.has('status') ? await mapConcurrently(states, 32, (state) => this.stateInfo(state)) : [];
    const metrics = expand.has('metrics')
      ? await mapConcurrently(states, 32, async (state) =>
          this.metricsInfo(state, await this.statusStore.listTasks(state.name)),
        )
      : [];
    states.forEach((state, i) => {
      const entry: ConnectorExpansion = {};
      if (expand.has('status')) {
        const status = statuses[i];
        if (!status) return;
        entry.status = status;
      }
      if (expand.has('info')) entry.info = this.connectorInfo(state);
      const metricsInfo = metrics[i];
      if (metricsInfo) entry.metrics = metricsInfo;
      out[state.name] = entry;
    });
    return out;
  }

  async connectorInfoOf(name: string): Promise<ConnectorInfo> {
    return this.connectorInfo(await this.require(name, `Connector ${name} not found`));
  }

  async connectorConfig(name: string): Promise<ConfigMap> {
    return { ...(await this.require(name, `Connector ${name} not found`)).config };
  }

  /** Every connector's metrics (`GET /metrics`). */
  async allConnectorMetrics(): Promise<ConnectorMetricsInfo[]> {
    const states = await this.configStore.getMany(await this.configStore.list());
    return mapConcurrently(states, 32, async (state) =>
      this.metricsInfo(state, await this.statusStore.listTasks(state.name)),
    );
  }

  /** `GET /connectors/{name}/metrics`: progress, lag and the stalled indicator per task. */
  async connectorMetrics(name: string): Promise<ConnectorMetricsInfo> {
    const [state, tasks] = await Promise.all([this.configStore.get(name), this.statusStore.listTasks(name)]);
    if (!state) throw new NotFoundError(`Connector ${name} not found`);
    return this.metricsInfo(state, tasks);
  }

  private metricsInfo(state: ConnectorState, tasks: readonly TaskStatus[]): ConnectorMetricsInfo {
    const settings = stallSettingsFor(this.options.workerProperties, state.config);
    return connectorMetricsInfo(state, this.typeOf(state), tasks, settings, (this.options.now ?? Date.now)());
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    // One round trip of parallel reads: the config only tells the type (and that the connector still exists).
    const [state, connector, tasks] = await Promise.all([
      this.configStore.get(name),
      this.statusStore.getConnector(name),
      this.statusStore.listTasks(name),
    ]);
    if (!state || !connector) throw new NotFoundError(`No status found for connector ${name}`);
    return this.toStateInfo(state, connector, tasks);
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const state = await this.require(name, `Connector ${name} not found`);
    if (state.targetState === 'STOPPED') return [];
    return state.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  async taskStatus(name: string, taskId: number): Promise<TaskStateInfo> {
    const [state, task] = await Promise.all([this.configStore.get(name), this.statusStore.getTask(name, taskId)]);
    if (!state || !task) throw new NotFoundError(`No status found for task ${name}-${taskId}`);
    return taskStateInfo(task);
  }

  // ---- connectors: writes ----

  /** `POST /connectors` → the new connector's info (201). */
  async createConnector(request: CreateConnectorRequest): Promise<ConnectorInfo> {
    const name = (request.name ?? '').trim();
    const config = { ...(request.config ?? {}) };
    this.checkAndPutName(name, config);
    const initial = request.initial_state ?? 'RUNNING';
    const targetState = INITIAL_TARGET[initial.toUpperCase()];
    if (!targetState)
      throw new BadRequestError(`Invalid initial_state ${initial}: must be one of RUNNING, PAUSED, STOPPED`);
    const valid = await this.validateForWrite(config);
    const state = await this.configStore.create(name, valid, targetState);
    return this.connectorInfo(state);
  }

  /** `PUT /connectors/{c}/config` (create-or-update) → info and whether it was created (201) or updated (200). */
  async putConnectorConfig(
    name: string,
    config: Record<string, string | null>,
  ): Promise<{ info: ConnectorInfo; created: boolean }> {
    const withName = { ...config };
    this.checkAndPutName(name, withName);
    const valid = await this.validateForWrite(withName);
    return retry(async () => {
      const current = await this.configStore.get(name);
      if (!current) {
        try {
          return { info: this.connectorInfo(await this.configStore.create(name, valid, 'STARTED')), created: true };
        } catch (error) {
          // Lost a create race: retry as an update of the connector the other writer created.
          if (error instanceof AlreadyExistsError) throw new ConflictError(error.message, { cause: error });
          throw error;
        }
      }
      const updated = await this.configStore.update(name, current.version, { config: valid });
      return { info: this.connectorInfo(updated), created: false };
    }, this.retryPolicy);
  }

  /** `PATCH /connectors/{c}/config` (KIP-477): null removes a key; the patched config is fully re-validated. */
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return retry(async () => {
      const current = await this.require(name, `Connector ${name} not found`);
      const merged: Record<string, string> = { ...current.config };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const valid = await this.validateForWrite(merged);
      return this.connectorInfo(await this.configStore.update(name, current.version, { config: valid }));
    }, this.retryPolicy);
  }

  async deleteConnector(name: string): Promise<void> {
    if (!(await this.configStore.delete(name))) throw new NotFoundError(`Connector ${name} not found`);
  }

  pauseConnector(name: string): Promise<void> {
    return this.setTargetState(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.setTargetState(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    return this.setTargetState(name, 'STOPPED');
  }

  /**
   * `POST /connectors/{c}/restart` (KIP-745). Without flags only the connector restarts (null → 204);
   * otherwise the plan is returned (202): current status with everything to be restarted as RESTARTING.
   */
  async restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStateInfo | null> {
    const plain = !includeTasks && !onlyFailed;
    let plan: ConnectorStateInfo | null = null;
    await retry(async () => {
      const state = await this.require(name, `Unknown connector: ${name}`);
      if (!plain) {
        const status = await this.stateInfo(state);
        if (!status) throw new NotFoundError(`Status for connector ${name} not found`);
        plan = restartPlan(status, includeTasks, onlyFailed);
      }
      const restartRequest = {
        requestId: randomUUID(),
        includeTasks,
        onlyFailed,
        requestedAt: new Date().toISOString(),
      };
      await this.configStore.update(name, state.version, { restartRequest });
    }, this.retryPolicy);
    return plan;
  }

  async restartTask(name: string, taskId: number): Promise<void> {
    await retry(async () => {
      const state = await this.require(name, `Unknown connector: ${name}`);
      if (taskId < 0 || taskId >= state.taskConfigs.length) throw new NotFoundError(`Unknown task: ${name}-${taskId}`);
      const taskRestartRequests = { ...state.taskRestartRequests, [String(taskId)]: randomUUID() };
      await this.configStore.update(name, state.version, { taskRestartRequests });
    }, this.retryPolicy);
  }

  // ---- offsets (KIP-875) ----

  async getOffsets(name: string): Promise<ConnectorOffsets> {
    const state = await this.require(name, `Connector ${name} not found`);
    if (this.typeOf(state) === 'sink') {
      const sinkOffsets = await this.requireSinkOffsets();
      const entries = await sinkOffsets.list(sinkConsumerGroupId(name, state.config));
      return { offsets: entries.map(sinkOffsetToRest) };
    }
    const offsetStore = await this.requireOffsetStore(state.config);
    const entries = await offsetStore.list(name);
    return { offsets: entries.map((e) => ({ partition: { ...e.partition }, offset: e.offset && { ...e.offset } })) };
  }

  async alterOffsets(name: string, body: ConnectorOffsets | null | undefined): Promise<Message> {
    const offsets = body?.offsets;
    if (!offsets || offsets.length === 0) {
      throw new BadRequestError('Partitions / offsets need to be provided for an alter offsets request');
    }
    const state = await this.requireStoppedForOffsets(name);
    if (this.typeOf(state) === 'sink') {
      const entries = parseSinkOffsets(offsets);
      const connector = this.plugins.newConnector(state.config[CONNECTOR_CLASS] ?? '') as SinkConnector;
      const byPartition = new Map<TopicPartition, number | null>(entries.map((e) => [e.partition, e.offset]));
      const handled = await callConnector(() => connector.alterOffsets(state.config, byPartition));
      await (await this.requireSinkOffsets()).alter(sinkConsumerGroupId(name, state.config), entries);
      return { message: modifiedMessage('altered', handled) };
    }
    const entries = parseSourceOffsets(offsets);
    const connector = this.plugins.newConnector(state.config[CONNECTOR_CLASS] ?? '') as SourceConnector;
    const byPartition = new Map<SourceMap, SourceMap | null>(entries.map((e) => [e.partition, e.offset]));
    const handled = await callConnector(() => connector.alterOffsets(state.config, byPartition));
    await (await this.requireOffsetStore(state.config)).put(name, entries);
    return { message: modifiedMessage('altered', handled) };
  }

  async resetOffsets(name: string): Promise<Message> {
    const state = await this.requireStoppedForOffsets(name);
    const connector: Connector = this.plugins.newConnector(state.config[CONNECTOR_CLASS] ?? '');
    if (this.typeOf(state) === 'sink') {
      const sinkOffsets = await this.requireSinkOffsets();
      const groupId = sinkConsumerGroupId(name, state.config);
      const current = await sinkOffsets.list(groupId);
      const byPartition = new Map<TopicPartition, number | null>(current.map((e) => [e.partition, null]));
      const handled = await callConnector(() => (connector as SinkConnector).alterOffsets(state.config, byPartition));
      await sinkOffsets.reset(groupId);
      return { message: modifiedMessage('reset', handled) };
    }
    const offsetStore = await this.requireOffsetStore(state.config);
    const current = await offsetStore.list(name);
    const tombstones = current.map((e) => ({ partition: e.partition, offset: null }));
    const byPartition = new Map<SourceMap, SourceMap | null>(tombstones.map((e) => [e.partition, null]));
    const handled = await callConnector(() => (connector as SourceConnector).alterOffsets(state.config, byPartition));
    if (tombstones.length > 0) await offsetStore.put(name, tombstones);
    return { message: modifiedMessage('reset', handled) };
  }

  // ---- topics (KIP-558): no existence check, as in Apache ----

  async activeTopics(name: string): Promise<Record<string, { topics: string[] }>> {
    if (this.options.topicTracking?.enable === false) throw new ForbiddenError('Topic tracking is disabled.');
    return { [name]: { topics: await this.statusStore.getTopics(name) } };
  }

  async resetActiveTopics(name: string): Promise<void> {
    if (this.options.topicTracking?.enable === false) throw new ForbiddenError('Topic tracking is disabled.');
    if (this.options.topicTracking?.allowReset === false) throw new ForbiddenError('Topic tracking reset is disabled.');
    await this.statusStore.resetTopics(name);
  }

  // ---- connector plugins ----

  listPlugins(connectorsOnly: boolean): PluginInfo[] {
    return this.plugins.list(connectorsOnly);
  }

  async pluginConfig(plugin: string): Promise<ConfigKeyInfo[]> {
    const keys = await this.plugins.configKeys(plugin);
    if (!keys) throw new NotFoundError(`Unknown plugin ${plugin}.`);
    return keys;
  }

  /** `PUT /connector-plugins/{p}/config/validate`: ConfigInfos, also when it reports errors. */
  async validateConfig(plugin: string, config: Record<string, string | null>): Promise<ConfigInfos> {
    const included = config[CONNECTOR_CLASS];
    if (typeof included === 'string' && !normalizedPluginName(included).endsWith(normalizedPluginName(plugin))) {
      throw new BadRequestError(`Included connector type ${included} does not match request type ${plugin}`);
    }
    // Apache answers 500 (a wrapped BadRequestException) here; bad input is a 400 for us.
    if (typeof included !== 'string')
      throw new BadRequestError(`Connector config ${javaMapToString(config)} contains no connector type`);
    this.requireKnownClass(included);
    return this.plugins.validate(stringValues(config));
  }

  // ---- admin loggers ----

  allLoggers(): Promise<Record<string, LoggerLevel>> {
    return this.loggers.all();
  }

  loggerLevel(logger: string): Promise<LoggerLevel> {
    return this.loggers.get(logger);
  }

  setLoggerLevel(logger: string, body: unknown): Promise<string[]> {
    return this.loggers.set(logger, body);
  }

  // ---- internals ----

  private async require(name: string, notFoundMessage: string): Promise<ConnectorState> {
    const state = await this.configStore.get(name);
    if (!state) throw new NotFoundError(notFoundMessage);
    return state;
  }

  private async setTargetState(name: string, targetState: TargetState): Promise<void> {
    await retry(async () => {
      const state = await this.require(name, `Unknown connector ${name}`);
      if (state.targetState !== targetState) await this.configStore.update(name, state.version, { targetState });
    }, this.retryPolicy);
  }

  /** Apache's `checkAndPutConnectorConfigName`. */
  private checkAndPutName(name: string, config: Record<string, string | null>): void {
    const configName = config['name'];
    if (configName !== undefined && configName !== name) {
      throw new BadRequestError(
        `Connector name configuration (${String(configName)}) doesn't match connector name in the URL (${name})`,
      );
    }
    config['name'] = name;
  }

  private requireKnownClass(connectorClass: string): void {
    // Apache 4.3.1 answers 400 with the plugin loader's message (the reference's 500 is from older versions).
    if (!this.plugins.connectorType(connectorClass)) {
      throw new BadRequestError(this.plugins.unknownConnectorMessage(connectorClass));
    }
  }

  /** Validates a config for create/update; throws Apache's 400s, returns the config as stored. */
  private async validateForWrite(config: Record<string, string | null>): Promise<Record<string, string>> {
    const connectorClass = config[CONNECTOR_CLASS];
    if (connectorClass === undefined || connectorClass === null) {
      throw new BadRequestError(`Connector config ${javaMapToString(config)} contains no connector type`);
    }
    this.requireKnownClass(connectorClass);
    const nulls = Object.keys(config).filter((k) => config[k] === null);
    const errors = nulls.map(() => 'Null value can not be supplied as the configuration value.');
    if (errors.length === 0) {
      const infos = await this.plugins.validate(stringValues(config));
      for (const info of infos.configs) errors.push(...(info.value?.errors ?? []));
    }
    if (errors.length > 0) {
      throw new BadRequestError(
        `Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}\n` +
          'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      );
    }
    return stringValues(config);
  }

  private typeOf(state: ConnectorState): ConnectorType {
    return this.plugins.connectorType(state.config[CONNECTOR_CLASS] ?? '') ?? 'unknown';
  }

  private connectorInfo(state: ConnectorState): ConnectorInfo {
    const tasks =
      state.targetState === 'STOPPED' ? [] : state.taskConfigs.map((_, task) => ({ connector: state.name, task }));
    return { name: state.name, config: { ...state.config }, tasks, type: this.typeOf(state) };
  }

  /** Status of one connector, or undefined when the reconciler has not written one yet. */
  private async stateInfo(state: ConnectorState): Promise<ConnectorStateInfo | undefined> {
    const [connector, tasks] = await Promise.all([
      this.statusStore.getConnector(state.name),
      this.statusStore.listTasks(state.name),
    ]);
    return connector && this.toStateInfo(state, connector, tasks);
  }

  private toStateInfo(state: ConnectorState, connector: StatusRecord, tasks: TaskStatus[]): ConnectorStateInfo {
    return {
      name: state.name,
      connector: statusInfo(connector),
      tasks: [...tasks].sort((a, b) => a.id - b.id).map(taskStateInfo),
      type: this.typeOf(state),
    };
  }

  /** Apache's `modifyConnectorOffsetsChecks`: exists, target STOPPED and no tasks left. */
  private async requireStoppedForOffsets(name: string): Promise<ConnectorState> {
    const state = await this.require(name, `Connector ${name} not found`);
    const stopped =
      state.targetState === 'STOPPED' &&
      (state.taskConfigs.length === 0 || (await this.statusStore.getConnector(name))?.state === 'STOPPED');
    if (!stopped) {
      throw new BadRequestError(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
    return state;
  }

  private async requireOffsetStore(connectorConfig: Readonly<Record<string, string>>): Promise<OffsetStore> {
    if (!this.options.offsetStore)
      throw new ServiceUnavailableError('Source connector offsets are not available: no offset store is configured');
    return this.options.offsetStore(connectorConfig);
  }

  private async requireSinkOffsets(): Promise<SinkOffsets> {
    if (!this.options.sinkOffsets)
      throw new ServiceUnavailableError('Sink connector offsets are not available: no Kafka cluster is configured');
    return this.options.sinkOffsets();
  }
}

/** KIP-745 plan: what will restart is shown RESTARTING. */
export function restartPlan(
  status: ConnectorStateInfo,
  includeTasks: boolean,
  onlyFailed: boolean,
): ConnectorStateInfo {
  const restartConnector = !onlyFailed || status.connector.state === 'FAILED';
  return {
    ...status,
    connector: restartConnector ? { ...status.connector, state: 'RESTARTING' } : status.connector,
    tasks: status.tasks.map((task) =>
      includeTasks && (!onlyFailed || task.state === 'FAILED') ? { ...task, state: 'RESTARTING' } : task,
    ),
  };
}

/** A connector's `alterOffsets` rejecting the request is bad input: 400 with its message (Apache: 500). */
async function callConnector(call: () => boolean | Promise<boolean>): Promise<boolean> {
  try {
    return await call();
  } catch (error) {
    throw new BadRequestError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const stringValues = (config: Readonly<Record<string, string | null>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (value !== null) out[key] = value;
  return out;
};

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
