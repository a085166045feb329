/**
 * The worker: turns a connector config into running tasks (Apache's `Worker.startConnector` / `startTask`). It
 * resolves converters (connector overrides over worker defaults, sub-keys by prefix), transforms, error
 * handling and the Kafka clients (Apache's precedence of worker `producer.*`/`consumer.*` and connector
 * `*.override.*`), then builds a WorkerSourceTask or WorkerSinkTask. Used for each task by the distributed task-runner and by
 * `connect-standalone`'s in-process launcher.
 */
import type { Connector, ConnectorConfigMap, SinkTask, SourceTask } from '../connect/connector';
import type { Converter, HeaderConverter } from '../connect/converter';
import type { SinkRecord, SourceRecord } from '../connect/records';
import {
  connectorClientProps,
  DLQ_ADMIN_CLIENT_ID,
  DLQ_PRODUCER_CLIENT_ID_PREFIX,
  mapClientConfig,
} from '../config/client-config';
import { clientOverrideViolations } from '../config/override-policy';
import { workerSecuritySettings } from '../config/worker-security';
import { ConnectException } from '../connect/errors';
import { FILESTREAM_TASK_CLASSES, fileStreamPathError } from '../plugins/filestream/file-access';
import { topicCreationGroups } from '../config/topic-creation';
import type { WorkerConfig } from '../config/worker-config';
import type { PluginRegistry } from '../plugins/registry';
import type { ConsumerSubscription, KafkaClientFactory } from '../storage/kafka-ports';
import type { OffsetStore } from '../storage/ports';
import { isTransactionalProducer } from '../storage/kafka-ports';
import { DeadLetterQueueReporter } from './dead-letter-queue';
import { errorHandlingConfig, RetryWithToleranceOperator } from './error-handling';
import type { ErrorReporter, Stage } from './error-handling';
import { sinkConsumerGroupId } from '../storage/sink-offsets';
import type { TaskMetrics } from './task-metrics';
import { exactlyOnceProducerProps, exactlyOnceSourceSettings, SourceTransactions } from './exactly-once-source';
import { TransformationChain } from './transformation-chain';
import { WorkerSinkTask } from './worker-sink-task';
import { WorkerSourceTask } from './worker-source-task';
import type { TaskStateListener } from './worker-task';
import { isConnectorOffsetStore } from '../storage/connector-offset-store';

export interface WorkerDeps {
  readonly worker: WorkerConfig;
  readonly registry: PluginRegistry;
  readonly kafka: KafkaClientFactory;
  readonly offsetStore: OffsetStore;
  readonly log?: (message: string) => void;
  /** the task's metrics (task-metrics.ts); counted only when given */
  readonly metrics?: TaskMetrics;
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
/** Apache sets Integer.MAX_VALUE for Connect's producers: retriable produce errors are retried for ever. */
const DEFAULT_DELIVERY_TIMEOUT_MS = 2147483647;

/**
 * A sink's dead letter queue (`errors.deadletterqueue.topic.name`), with Apache's clients: a producer with the
 * task producer's properties and client id `connector-dlq-producer-<connector>-<task>`, and an admin client.
 */
const createDeadLetterQueue = (
  deps: WorkerDeps,
  spec: TaskSpec,
  config: ConnectorConfigMap,
): DeadLetterQueueReporter | undefined => {
  const topic = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  if (topic === '') return undefined;
  const producerProps = {
    ...connectorClientProps(deps.worker, 'producer', spec.connector, spec.taskId, config),
    'client.id': `${DLQ_PRODUCER_CLIENT_ID_PREFIX}${spec.connector}-${spec.taskId}`,
  };
  const adminProps = {
    ...connectorClientProps(deps.worker, 'admin', spec.connector, spec.taskId, config),
    'client.id': DLQ_ADMIN_CLIENT_ID,
  };
  return new DeadLetterQueueReporter(
    {
      topic,
      replicationFactor: Number(config['errors.deadletterqueue.topic.replication.factor'] ?? 3),
      contextHeaders:
        (config['errors.deadletterqueue.context.headers.enable'] ?? 'false').trim().toLowerCase() === 'true',
    },
    spec.connector,
    spec.taskId,
    deps.kafka.newProducer(producerProps),
    deps.kafka.newTopicAdmin(adminProps),
    deps.log,
    deps.metrics,
  );
};

/** The class names Apache's error reports name for each stage: the configured converter classes. */
const executingClassesOf = (config: ConnectorConfigMap, worker: WorkerConfig): Partial<Record<Stage, string>> => ({
  KEY_CONVERTER: config['key.converter'] ?? worker.keyConverter,
  VALUE_CONVERTER: config['value.converter'] ?? worker.valueConverter,
  HEADER_CONVERTER: config['header.converter'] ?? worker.headerConverter,
  TRANSFORMATION: 'org.apache.kafka.connect.transforms.Transformation',
});
/**
 * Records per produce request. kafkajs groups a request's messages per partition by re-copying the group for
 * every message (quadratic in the batch size: at 2000 records a third of a source task's CPU), while each request
 * also has a fixed cost. Measured on a local broker (1M × 100 B, acks=all, one request in flight; connector and
 * raw kafkajs alike): 2000 records/request 7.3 s, 1000 6.0–6.5 s, 500 5.0–5.6 s, 250 5.5 s, 100 6.4 s.
 * Java's producer batches by bytes instead (`batch.size`, 16 KiB ≈ 130 such records per request with one
 * partition). With one request in flight a task is bound to 500 records per broker round trip (100k/s at 5 ms).
 */
export const MAX_RECORDS_PER_REQUEST = 500;

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

/**
 * A producer key the task's batching honours only when it is set (`batch.size`, `linger.ms`): unset, the runtime
 * batches as docs/performance.md explains. The client mapping has already rejected a value that is not a number.
 */
const optionalNonNegative = <K extends string>(
  props: Readonly<Record<string, string>>,
  key: string,
  option: K,
): Partial<Record<K, number>> => {
  const raw = props[key];
  if (raw === undefined) return {};
  const value = Number(raw.trim());
  return Number.isFinite(value) && value >= 0 ? ({ [option]: value } as Partial<Record<K, number>>) : {};
};

/** A plugin's version(), or null when the plugin cannot say (a throwing version() must not fail the task). */
const pluginVersion = (plugin: { version(): string }): string | null => {
  try {
    return plugin.version();
  } catch {
    return null;
  }
};

/**
 * The worker's limits, checked again where they bite (validation rejected these already, but a config stored
 * before the worker's settings changed must not get through): the client override policy before a client is
 * built (Apache's `Worker.connectorClientConfigOverrides`), and the FileStream confinement before the task opens
 * its file.
 */
export const checkWorkerSecurity = (
  worker: WorkerConfig,
  connectorType: 'source' | 'sink',
  taskClassName: string,
  connectorConfig: ConnectorConfigMap,
  taskConfig: ConnectorConfigMap,
): void => {
  const security = workerSecuritySettings(worker.originals);
  // The clients the task builds: a sink's dead letter queue adds a producer and an admin client, a source's
  // topic.creation.* an admin client (Apache checks the overrides of each).
  const clients = connectorType === 'source' ? ['producer'] : ['consumer'];
  if (connectorType === 'sink' && (connectorConfig['errors.deadletterqueue.topic.name'] ?? '').trim() !== '') {
    clients.push('producer', 'admin');
  }
  if (connectorType === 'source' && Object.keys(connectorConfig).some((k) => k.startsWith('topic.creation.'))) {
    clients.push('admin');
  }
  const violations = clients.flatMap((client) =>
    clientOverrideViolations(security.overridePolicy, `${client}.override.`, connectorConfig),
  );
  if (violations.length > 0) throw new ConnectException(`Client Config Overrides not allowed ${violations.join(' ')}`);
  if (FILESTREAM_TASK_CLASSES.has(taskClassName)) {
    const error = fileStreamPathError(taskConfig['file'], security.fileStream.allowedPaths);
    if (error) throw new ConnectException(error);
  }
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
  const taskClassName = (TaskClass as { readonly className?: unknown }).className;
  checkWorkerSecurity(
    worker,
    connector.type,
    typeof taskClassName === 'string' ? taskClassName : TaskClass.name,
    connectorConfig,
    taskConfig,
  );
  const task = new TaskClass();
  const version = pluginVersion(task);
  const versioned: TaskStateListener = (state, trace) => listener(state, trace, version);
  const keyConverter = resolveConverter('key', connectorConfig, worker, registry);
  const valueConverter = resolveConverter('value', connectorConfig, worker, registry);
  const headerConverter = resolveHeaderConverter(connectorConfig, worker, registry);
  const errorConfig = errorHandlingConfig(connectorConfig);
  const taskName = `${spec.connector}-${spec.taskId}`;
  const deadLetterQueue = connector.type === 'sink' ? createDeadLetterQueue(deps, spec, connectorConfig) : undefined;
  const reporters: ErrorReporter[] = deadLetterQueue ? [deadLetterQueue] : [];
  const errors = new RetryWithToleranceOperator(errorConfig, deps.log, reporters, taskName);
  const executingClasses = executingClassesOf(connectorConfig, worker);
  const common = {
    connector: spec.connector,
    taskId: spec.taskId,
    taskConfig,
    keyConverter,
    valueConverter,
    headerConverter,
    errors,
    executingClasses,
    listener: versioned,
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  deps.metrics?.trackSkipped(() => errors.skipped);
  if (connector.type === 'source') {
    const clientProps = connectorClientProps(worker, 'producer', spec.connector, spec.taskId, connectorConfig);
    const eos = exactlyOnceSourceSettings(worker, spec.connector, spec.taskId, connectorConfig, clientProps);
    const props = eos ? exactlyOnceProducerProps(clientProps, eos) : clientProps;
    const producer = kafka.newProducer(props);
    let transactions: SourceTransactions | undefined;
    if (eos) {
      // Never fall back to at-least-once: a factory without transactions is a configuration error.
      if (!isTransactionalProducer(producer))
        throw new Error('the Kafka client factory gave no transactional producer');
      // A connector with its own offsets topic: the transaction writes there, the worker's topic gets Apache's
      // secondary writes around it.
      const secondary = isConnectorOffsetStore(deps.offsetStore) ? deps.offsetStore : undefined;
      transactions = new SourceTransactions(producer, spec.connector, eos, secondary);
    }
    const groups = topicCreationGroups(connectorConfig, worker.topicCreationEnable);
    const topicCreation =
      groups.length === 0
        ? undefined
        : {
            groups,
            admin: kafka.newTopicAdmin(
              connectorClientProps(worker, 'admin', spec.connector, spec.taskId, connectorConfig),
            ),
          };
    return new WorkerSourceTask({
      ...common,
      task: task as SourceTask,
      producer,
      ...(transactions ? { transactions } : {}),
      offsetStore: deps.offsetStore,
      transforms: TransformationChain.fromConfig<SourceRecord>(connectorConfig, registry),
      offsetFlushIntervalMs: worker.offsetFlushIntervalMs,
      offsetFlushTimeoutMs: worker.offsetFlushTimeoutMs,
      // An idempotent producer (explicit enable.idempotence=true with several in flight) gets one send at a time:
      // neither client keeps sequence numbers right over concurrent sends, and order comes first.
      maxInFlight: mapClientConfig('producer', props, { warnUnknown: false }).producer.idempotent
        ? 1
        : intProp(props, 'max.in.flight.requests.per.connection', 1),
      deliveryTimeoutMs: intProp(props, 'delivery.timeout.ms', DEFAULT_DELIVERY_TIMEOUT_MS),
      maxRequestBytes: intProp(props, 'max.request.size', DEFAULT_MAX_REQUEST_SIZE),
      maxRequestRecords: producer.maxRecordsPerSend ?? MAX_RECORDS_PER_REQUEST,
      ...optionalNonNegative(props, 'batch.size', 'batchSizeBytes'),
      ...optionalNonNegative(props, 'linger.ms', 'lingerMs'),
      ...(topicCreation ? { topicCreation } : {}),
    });
  }
  const props = connectorClientProps(worker, 'consumer', spec.connector, spec.taskId, connectorConfig);
  const maxPollRecords = props['max.poll.records'] === undefined ? undefined : intProp(props, 'max.poll.records', 500);
  const subscription = sinkSubscription({ ...connectorConfig, ...taskConfig });
  const groupLag = deps.metrics && kafka.newGroupLag?.(props);
  if (deps.metrics && groupLag) {
    const groupId = props['group.id'] ?? sinkConsumerGroupId(spec.connector, connectorConfig);
    deps.metrics.setLagProbe(
      () => groupLag.lag(groupId, subscription.topics ?? []),
      () => groupLag.close(),
    );
  }
  return new WorkerSinkTask({
    ...common,
    task: task as SinkTask,
    consumer: kafka.newConsumer(props),
    subscription,
    transforms: TransformationChain.fromConfig<SinkRecord>(connectorConfig, registry),
    offsetCommitIntervalMs: worker.offsetFlushIntervalMs,
    ...(maxPollRecords === undefined ? {} : { maxPollRecords }),
    ...(deadLetterQueue ? { deadLetterQueue } : {}),
    // Apache's SinkConnectorConfig.enableErrantRecordReporter(): a DLQ topic, or errors.log.enable=true.
    errantRecordReporter: deadLetterQueue !== undefined || errorConfig.logEnable,
  });
};
