/**
 * Task-config generation, Apache's `Worker.connectorTaskConfigs` + `AbstractHerder.reverseTransform`: start the
 * connector with its (provider-resolved) config, ask it for `taskConfigs(tasks.max)`, enforce `tasks.max`, add
 * `task.class` and, for sinks, the connector's `topics`/`topics.regex`; put `${…}` placeholders back so no
 * resolved secret is stored.
 */
import type { Connector, ConnectorContext, OffsetStorageReader, SourceConnectorContext } from '../connect/connector';
import { ConnectException } from '../connect/errors';
import { tasksMaxLimitError, workerSecuritySettings } from '../config/worker-security';
import type { SourceMap } from '../connect/records';
import { partitionKey } from '../storage/offsets-codec';
import type { ConnectorConfig, OffsetStore, TaskConfig } from '../storage/ports';

export const TASKS_MAX_CONFIG = 'tasks.max';
export const TASKS_MAX_ENFORCE_CONFIG = 'tasks.max.enforce';
export const TASK_CLASS_CONFIG = 'task.class';
export const CONNECTOR_CLASS_CONFIG = 'connector.class';

/** What the reconciler needs from the plugin registry (`PluginRegistry` satisfies it). */
export interface ConnectorPlugins {
  newConnector(connectorClass: string): Connector;
  /**
   * Task configs generated in the JVM, for a connector that runs there (a Java plug-in): Apache's
   * `Worker.connectorTaskConfigs`, `tasks.max` enforced, `task.class` added. Undefined for other connectors.
   */
  javaTaskConfigs?(
    name: string,
    config: ConnectorConfig,
  ): Promise<{ readonly taskConfigs: Record<string, string>[]; readonly version: string | null }> | undefined;
  /** the connector was deleted or stopped: release an instance kept running for it (a Java connector's) */
  releaseConnector?(name: string): Promise<void>;
  /**
   * true: the connector's instance does not keep running (a Java connector of a stateless catalog), so its
   * `requestTaskReconfiguration()` is never heard: a scheduled reconcile asks for its task configs again
   */
  pollsTaskConfigs?(config: ConnectorConfig): boolean;
  /**
   * true: while started, the connector runs in a connector task of its own (task id -1) that keeps the instance
   * running and reports its status and its requests for new task configs (lib/scheduler/connector-task.ts).
   * Undefined (a reconciler that cannot tell): connector tasks are neither launched nor stopped for being unwanted.
   */
  runsConnectorTask?(config: ConnectorConfig): boolean;
}

/** Apache's `TooManyTasksException`. */
export class TooManyTasksException extends ConnectException {
  constructor(connector: string, numTasks: number, maxTasks: number) {
    super(
      `The connector ${connector} has generated ${numTasks} tasks, which is greater than ${maxTasks}, ` +
        'the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is ' +
        `disallowed. If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' ` +
        'set to false; however, this option will be removed in a future release of Kafka Connect.',
    );
  }
}

export interface GeneratedTaskConfigs {
  readonly taskConfigs: TaskConfig[];
  /** the connector's `version()`, shown in its status */
  readonly version: string | null;
}

export interface GenerateOptions {
  readonly plugins: ConnectorPlugins;
  /** resolves `${provider:path:key}` placeholders (config providers); identity when absent */
  readonly resolveConfig?: ((config: ConnectorConfig) => Promise<ConnectorConfig>) | undefined;
  /** lets source connectors read offsets in `start()` */
  readonly offsetStore?: OffsetStore | undefined;
  /** worker properties: `skc.tasks.max.limit` caps `tasks.max` (docs/security.md) */
  readonly workerConfig?: Readonly<Record<string, string>> | undefined;
}

/** Throws whatever the connector throws (the caller marks the connector FAILED with its trace). */
export async function generateTaskConfigs(
  name: string,
  rawConfig: ConnectorConfig,
  options: GenerateOptions,
): Promise<GeneratedTaskConfigs> {
  const connectorClass = rawConfig[CONNECTOR_CLASS_CONFIG];
  if (!connectorClass) throw new ConnectException(`Connector ${name} has no '${CONNECTOR_CLASS_CONFIG}'`);
  const maxTasks = Number.parseInt(rawConfig[TASKS_MAX_CONFIG] ?? '1', 10);
  if (!Number.isInteger(maxTasks) || maxTasks < 1) {
    throw new ConnectException(`Invalid value ${rawConfig[TASKS_MAX_CONFIG]} for configuration ${TASKS_MAX_CONFIG}`);
  }
  // Validation refuses a tasks.max over the cap; a config stored before the cap was lowered fails here.
  const tooMany = tasksMaxLimitError(
    rawConfig[TASKS_MAX_CONFIG],
    workerSecuritySettings(options.workerConfig ?? {}).tasksMaxLimit,
  );
  if (tooMany) throw new ConnectException(tooMany);
  const config = options.resolveConfig ? await options.resolveConfig(rawConfig) : rawConfig;
  const inJvm = options.plugins.javaTaskConfigs?.(name, config);
  if (inJvm) {
    const generated = await inJvm;
    return {
      taskConfigs: generated.taskConfigs.map((taskConfig) => reverseTransform({ ...taskConfig }, rawConfig, config)),
      version: generated.version,
    };
  }
  const connector = options.plugins.newConnector(connectorClass);
  connector.initialize(connectorContext(name, options.offsetStore));
  let generated: Record<string, string>[];
  let version: string | null = null;
  try {
    version = connector.version();
    await connector.start({ ...config });
    generated = await connector.taskConfigs(maxTasks);
  } finally {
    // The connector instance is only needed for this answer; Apache would keep it running (see docs/lifecycle.md).
    await Promise.resolve()
      .then(() => connector.stop())
      .catch(() => undefined);
  }
  const enforce = (rawConfig[TASKS_MAX_ENFORCE_CONFIG] ?? 'true').trim().toLowerCase() !== 'false';
  if (enforce && generated.length > maxTasks) throw new TooManyTasksException(name, generated.length, maxTasks);

  const taskClass = connector.taskClass() as { readonly className?: unknown; readonly name: string };
  const taskClassName = typeof taskClass.className === 'string' ? taskClass.className : taskClass.name;
  const taskConfigs = generated.map((props) => {
    const taskConfig: Record<string, string> = { ...props, [TASK_CLASS_CONFIG]: taskClassName };
    if (connector.type === 'sink') {
      for (const key of ['topics', 'topics.regex']) {
        const value = config[key];
        if (value !== undefined) taskConfig[key] = value;
      }
    }
    return reverseTransform(taskConfig, rawConfig, config);
  });
  return { taskConfigs, version };
}

/**
 * Apache's `reverseTransform`: a task-config value equal to the resolved value of a connector key whose raw
 * value holds a `${…}` placeholder gets the placeholder back (task-runners resolve it themselves).
 */
export function reverseTransform(
  taskConfig: Record<string, string>,
  rawConfig: ConnectorConfig,
  resolvedConfig: ConnectorConfig,
): Record<string, string> {
  for (const [key, raw] of Object.entries(rawConfig)) {
    if (!raw.includes('${')) continue;
    if (key in taskConfig && taskConfig[key] === resolvedConfig[key]) taskConfig[key] = raw;
  }
  return taskConfig;
}

export const sameTaskConfigs = (a: readonly TaskConfig[], b: readonly TaskConfig[]): boolean =>
  a.length === b.length && a.every((config, i) => sameMap(config, b[i] ?? {}));

const sameMap = (a: TaskConfig, b: TaskConfig): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

function connectorContext(name: string, offsetStore: OffsetStore | undefined): SourceConnectorContext {
  const reader: OffsetStorageReader = {
    async offset(partition) {
      if (!offsetStore) return null;
      const found = await offsetStore.get(name, [partition]);
      return found.get(partitionKey(partition)) ?? null;
    },
    async offsets(partitions) {
      const result = new Map<SourceMap, SourceMap | null>();
      const found = offsetStore ? await offsetStore.get(name, partitions) : new Map<string, SourceMap | null>();
      for (const partition of partitions) result.set(partition, found.get(partitionKey(partition)) ?? null);
      return result;
    },
  };
  const context: SourceConnectorContext & ConnectorContext = {
    // The connector is not kept running here; a reconfiguration request is served by the next reconcile.
    requestTaskReconfiguration: () => undefined,
    raiseError: () => undefined,
    offsetStorageReader: () => reader,
  };
  return context;
}

/**
 * The connector plugin's `version()` without starting it, for the status of a connector that is not started
 * (created PAUSED or STOPPED); null when the class is unknown or version() throws.
 */
export function connectorPluginVersion(config: ConnectorConfig, plugins: ConnectorPlugins): string | null {
  const connectorClass = config[CONNECTOR_CLASS_CONFIG];
  if (!connectorClass) return null;
  try {
    return plugins.newConnector(connectorClass).version();
  } catch {
    return null;
  }
}
