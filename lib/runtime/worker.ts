/**
 * The worker: turns a connector config into running tasks (Apache's `Worker.startConnector` / `startTask`). It
 * resolves converters (connector overrides over worker defaults, sub-keys by prefix), transforms, error
 * handling and the Kafka clients (Apache's precedence of worker `producer.*`/`consumer.*` and connector
 * `*.override.*`), then runs a WorkerSourceTask or WorkerSinkTask. Used in-process by `connect-standalone`
 * and, for one task, by the distributed task-runner.
 */
import type { Connector, ConnectorConfigMap, SinkTask, SourceTask, TaskClass } from '../connect/connector';
import type { Converter, HeaderConverter } from '../connect/converter';
import type { SinkRecord, SourceRecord } from '../connect/records';
import { connectorClientProps } from '../config/client-config';
import type { WorkerConfig } from '../config/worker-config';
import type { PluginRegistry } from '../plugins/registry';
import type { ConsumerSubscription, KafkaClientFactory } from '../storage/kafka-ports';
import type { OffsetStore } from '../storage/ports';
import { errorHandlingConfig, RetryWithToleranceOperator } from './error-handling';
import { OffsetStorageReaderImpl } from './offset-storage-reader';
import { TransformationChain } from './transformation-chain';
import { WorkerSinkTask } from './worker-sink-task';
import { WorkerSourceTask } from './worker-source-task';
import type { TaskState, TaskStateListener } from './worker-task';

export interface WorkerDeps {
  readonly worker: WorkerConfig;
  readonly registry: PluginRegistry;
  readonly kafka: KafkaClientFactory;
  readonly offsetStore: OffsetStore;
  readonly log?: (message: string) => void;
}

export interface TaskSpec {
  readonly connector: string;
  readonly taskId: number;
  readonly connectorConfig: ConnectorConfigMap;
  readonly taskConfig: ConnectorConfigMap;
}

/** `TaskConfig.TASK_CLASS_CONFIG`: Apache adds the task class to every task config. */
export const TASK_CLASS_CONFIG = 'task.class';

const DEFAULT_MAX_REQUEST_SIZE = 1048576;
/**
 * Records per produce request. kafkajs groups a request's messages per partition by re-copying the group for
 * every message (quadratic in the batch size), so ~2000 records per request is where throughput peaks; Java's
 * producer batches by bytes instead (`batch.size`).
 */
export const MAX_RECORDS_PER_REQUEST = 2000;

const withPrefix = (config: ConnectorConfigMap, prefix: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(prefix) && k.length > prefix.length) out[k.slice(prefix.length)] = v;
  }
  return out;
};

/** Key or value converter: the connector's `key.converter` (+ its sub-keys) if set, else the worker's. */
export const resolveConverter = (
  which: 'key' | 'value',
  connectorConfig: ConnectorConfigMap,
  worker: WorkerConfig,
  registry: PluginRegistry,
): Converter => {
  const prop = `${which}.converter`;
  const own = connectorConfig[prop];
  const className = own ?? (which === 'key' ? worker.keyConverter : worker.valueConverter);
  const config =
    own !== undefined
      ? withPrefix(connectorConfig, `${prop}.`)
      : which === 'key'
        ? worker.keyConverterConfig
        : worker.valueConverterConfig;
  const converter = registry.newConverter(className);
  converter.configure(config, which === 'key');
  return converter;
};

export const resolveHeaderConverter = (
  connectorConfig: ConnectorConfigMap,
  worker: WorkerConfig,
  registry: PluginRegistry,
): HeaderConverter => {
  const own = connectorConfig['header.converter'];
  const className = own ?? worker.headerConverter;
  const config = own !== undefined ? withPrefix(connectorConfig, 'header.converter.') : worker.headerConverterConfig;
  const converter = registry.newHeaderConverter(className);
  converter.configure({ ...config, 'converter.type': 'header' });
  return converter;
};

/** Apache's `Worker.connectorTaskConfigs`: the connector's task configs plus `task.class` and sink topics. */
export const connectorTaskConfigs = async (
  connector: Connector,
  connectorConfig: ConnectorConfigMap,
  maxTasks: number,
): Promise<Record<string, string>[]> => {
  const taskClass = connector.taskClass() as TaskClass & { className?: unknown };
  const taskClassName = typeof taskClass.className === 'string' ? taskClass.className : taskClass.name;
  const configs = await connector.taskConfigs(maxTasks);
  return configs.map((c) => {
    const config: Record<string, string> = { ...c, [TASK_CLASS_CONFIG]: taskClassName };
    if (connector.type === 'sink') {
      for (const key of ['topics', 'topics.regex']) {
        const value = connectorConfig[key];
        if (value !== undefined && value !== '') config[key] = value;
      }
    }
    return config;
  });
};

/** `topics` (list) or `topics.regex` (Java regex, whole-name match) of a sink. */
export const sinkSubscription = (config: ConnectorConfigMap): ConsumerSubscription => {
  const regex = config['topics.regex']?.trim();
  if (regex) return { pattern: new RegExp(`^(?:${regex})$`) };
  const topics = (config.topics ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return { topics };
};

const intProp = (props: Readonly<Record<string, string>>, key: string, fallback: number): number => {
  const value = Number(props[key]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Build the runtime object for one task of `spec` (not started). */
export const createWorkerTask = (
  deps: WorkerDeps,
  spec: TaskSpec,
  connector: Connector,
  listener: TaskStateListener,
): WorkerSourceTask | WorkerSinkTask => {
  const { worker, registry, kafka } = deps;
  const { connectorConfig, taskConfig } = spec;
  const TaskClass = connector.taskClass();
  const keyConverter = resolveConverter('key', connectorConfig, worker, registry);
  const valueConverter = resolveConverter('value', connectorConfig, worker, registry);
  const headerConverter = resolveHeaderConverter(connectorConfig, worker, registry);
  const errors = new RetryWithToleranceOperator(errorHandlingConfig(connectorConfig), deps.log);
  const common = {
    connector: spec.connector,
    taskId: spec.taskId,
    taskConfig,
    keyConverter,
    valueConverter,
    headerConverter,
    errors,
    listener,
    ...(deps.log ? { log: deps.log } : {}),
  };
  if (connector.type === 'source') {
    const props = connectorClientProps(worker, 'producer', spec.connector, spec.taskId, connectorConfig);
    return new WorkerSourceTask({
      ...common,
      task: new TaskClass() as SourceTask,
      producer: kafka.newProducer(props),
      offsetStore: deps.offsetStore,
      transforms: TransformationChain.fromConfig<SourceRecord>(connectorConfig, registry),
      offsetFlushIntervalMs: worker.offsetFlushIntervalMs,
      offsetFlushTimeoutMs: worker.offsetFlushTimeoutMs,
      maxInFlight: intProp(props, 'max.in.flight.requests.per.connection', 1),
      maxRequestBytes: intProp(props, 'max.request.size', DEFAULT_MAX_REQUEST_SIZE),
      maxRequestRecords: MAX_RECORDS_PER_REQUEST,
    });
  }
  const props = connectorClientProps(worker, 'consumer', spec.connector, spec.taskId, connectorConfig);
  const maxPollRecords = props['max.poll.records'] === undefined ? undefined : intProp(props, 'max.poll.records', 500);
  return new WorkerSinkTask({
    ...common,
    task: new TaskClass() as SinkTask,
    consumer: kafka.newConsumer(props),
    subscription: sinkSubscription({ ...connectorConfig, ...taskConfig }),
    transforms: TransformationChain.fromConfig<SinkRecord>(connectorConfig, registry),
    offsetCommitIntervalMs: worker.offsetFlushIntervalMs,
    ...(maxPollRecords === undefined ? {} : { maxPollRecords }),
  });
};

export interface ConnectorStatusListener {
  connector(name: string, state: 'RUNNING' | 'FAILED', trace: string | null): void;
  task(name: string, taskId: number, state: TaskState, trace: string | null): void;
}

interface RunningConnector {
  readonly connector: Connector;
  readonly tasks: { readonly task: WorkerSourceTask | WorkerSinkTask; readonly done: Promise<void> }[];
}

/**
 * Runs whole connectors in this process (standalone mode): instantiate, start, ask for task configs, run each
 * task. `startConnector` / `stopConnector` / `stop` are what a herder needs to plug in.
 */
export class Worker {
  private readonly connectors = new Map<string, RunningConnector>();

  constructor(
    private readonly deps: WorkerDeps,
    private readonly status: ConnectorStatusListener,
  ) {}

  /** Start a connector and its tasks. Resolves once every task was created and launched. */
  async startConnector(name: string, config: ConnectorConfigMap): Promise<void> {
    const className = config['connector.class'] ?? '';
    const connector = this.deps.registry.newConnector(className);
    const context = {
      requestTaskReconfiguration: () => undefined,
      raiseError: (error: Error) => this.status.connector(name, 'FAILED', String(error)),
      offsetStorageReader: () => new OffsetStorageReaderImpl(name, this.deps.offsetStore),
    };
    connector.initialize(context);
    await connector.start(config);
    this.status.connector(name, 'RUNNING', null);
    const maxTasks = Number(config['tasks.max'] ?? '1');
    const taskConfigs = await connectorTaskConfigs(connector, config, maxTasks);
    const running: RunningConnector = { connector, tasks: [] };
    this.connectors.set(name, running);
    taskConfigs.forEach((taskConfig, taskId) => {
      const task = createWorkerTask(
        this.deps,
        { connector: name, taskId, connectorConfig: config, taskConfig },
        connector,
        (state, trace) => this.status.task(name, taskId, state, trace),
      );
      // A failed task stays failed (status FAILED), as in Apache; the connector keeps running.
      const done = task.run().catch(() => undefined);
      running.tasks.push({ task, done });
    });
  }

  /** Tasks of a running connector (for tests, metrics and a herder). */
  tasks(name: string): (WorkerSourceTask | WorkerSinkTask)[] {
    return this.connectors.get(name)?.tasks.map((t) => t.task) ?? [];
  }

  /** Resolves when every task of `name` has finished (stopped or failed). */
  async awaitTasks(name: string): Promise<void> {
    await Promise.all(this.connectors.get(name)?.tasks.map((t) => t.done) ?? []);
  }

  pauseConnector(name: string): void {
    for (const { task } of this.connectors.get(name)?.tasks ?? []) task.pause();
  }

  resumeConnector(name: string): void {
    for (const { task } of this.connectors.get(name)?.tasks ?? []) task.resume();
  }

  /** Stop the tasks (flush, commit) and then the connector. */
  async stopConnector(name: string): Promise<void> {
    const running = this.connectors.get(name);
    if (!running) return;
    this.connectors.delete(name);
    for (const { task } of running.tasks) task.stop();
    await Promise.all(running.tasks.map((t) => t.done));
    await running.connector.stop();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.connectors.keys()].map((name) => this.stopConnector(name)));
  }
}
