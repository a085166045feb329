import type { ConfigDef } from './config-def';
import type { OffsetAndMetadata, RecordMetadata, SinkRecord, SourceMap, SourceRecord, TopicPartition } from './records';

/**
 * The plugin SPI, with Kafka Connect's names and life cycle. Plugins extend these abstract classes;
 * `type` lets the registry classify a class without `instanceof` across module copies.
 * Methods may return promises where Java blocks.
 */
export type ConnectorConfigMap = Readonly<Record<string, string>>;
export type MaybePromise<T> = T | Promise<T>;

export interface ConnectorContext {
  /** Ask the runtime to call taskConfigs() again (e.g. the set of source partitions changed). */
  requestTaskReconfiguration(): void;
  /** Fail the connector with this error. */
  raiseError(error: Error): void;
}

export interface OffsetStorageReader {
  offset(partition: SourceMap): Promise<SourceMap | null>;
  offsets(partitions: readonly SourceMap[]): Promise<Map<SourceMap, SourceMap | null>>;
}

export interface SourceConnectorContext extends ConnectorContext {
  offsetStorageReader(): OffsetStorageReader;
}

export type SinkConnectorContext = ConnectorContext;

export interface TaskClass<T extends Task = Task> {
  new (): T;
}

export type ExactlyOnceSupport = 'SUPPORTED' | 'UNSUPPORTED';
/** Apache's `ConnectorTransactionBoundaries`: whether the connector's tasks can define transaction boundaries. */
export type ConnectorTransactionBoundaries = 'SUPPORTED' | 'UNSUPPORTED';

export abstract class Connector {
  abstract readonly type: 'source' | 'sink';
  protected context?: ConnectorContext;

  initialize(context: ConnectorContext): void {
    this.context = context;
  }

  abstract version(): string;
  abstract start(props: ConnectorConfigMap): MaybePromise<void>;
  abstract taskClass(): TaskClass;
  abstract taskConfigs(maxTasks: number): MaybePromise<Record<string, string>[]>;
  abstract stop(): MaybePromise<void>;
  /** The connector's own config keys (framework keys are added by the runtime). */
  abstract config(): ConfigDef;
}

export abstract class SourceConnector extends Connector {
  readonly type = 'source' as const;

  /**
   * KIP-618 preflight: can the connector give exactly-once semantics with this config? null = it does not say
   * (Apache's default), which `exactly.once.support=required` rejects.
   */
  exactlyOnceSupport(_props: ConnectorConfigMap): ExactlyOnceSupport | null {
    return null;
  }

  /**
   * KIP-618: can the tasks define their own transaction boundaries (`transaction.boundary=connector`)? Apache's
   * default is UNSUPPORTED.
   */
  canDefineTransactionBoundaries(_props: ConnectorConfigMap): ConnectorTransactionBoundaries | null {
    return 'UNSUPPORTED';
  }

  /**
   * Validate (and optionally apply) an offsets change requested through the REST API. Return true if the
   * connector handled it, false if the framework should only write the offsets; throw to reject.
   */
  alterOffsets(_config: ConnectorConfigMap, _offsets: ReadonlyMap<SourceMap, SourceMap | null>): MaybePromise<boolean> {
    return false;
  }
}

export abstract class SinkConnector extends Connector {
  readonly type = 'sink' as const;

  alterOffsets(
    _config: ConnectorConfigMap,
    _offsets: ReadonlyMap<TopicPartition, number | null>,
  ): MaybePromise<boolean> {
    return false;
  }
}

export interface Task {
  version(): string;
  start(props: ConnectorConfigMap): MaybePromise<void>;
  stop(): MaybePromise<void>;
}

/**
 * Apache's `TransactionContext` (KIP-618): how a source task whose connector defines its own transaction boundaries
 * (`transaction.boundary=connector`) ends transactions. Records named here must be ones its `poll()` returned.
 */
export interface TransactionContext {
  /** Commit the open transaction once the records of the next (or current) poll() batch are sent. */
  commitTransaction(): void;
  /** Commit the open transaction right after `record` is sent. */
  commitTransaction(record: SourceRecord): void;
  /**
   * Abort the open transaction once the next (or current) poll() batch is sent: its records are dropped, their
   * source offsets are still committed (the task does not see them again), as in Apache.
   */
  abortTransaction(): void;
  /** Abort the open transaction right after `record` is sent (records up to it dropped, offsets committed). */
  abortTransaction(record: SourceRecord): void;
}

export interface SourceTaskContext {
  configs(): ConnectorConfigMap;
  offsetStorageReader(): OffsetStorageReader;
  /**
   * The transaction context when the worker has exactly-once source support enabled and the connector is
   * configured with `transaction.boundary=connector`; null (or absent) otherwise, as Apache's default.
   */
  transactionContext?(): TransactionContext | null;
}

export abstract class SourceTask implements Task {
  protected context!: SourceTaskContext;

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  abstract version(): string;
  abstract start(props: ConnectorConfigMap): MaybePromise<void>;
  /** Return new records, or null/[] when there is nothing yet. May wait briefly; must return after stop(). */
  abstract poll(): Promise<SourceRecord[] | null>;
  abstract stop(): MaybePromise<void>;
  /** Called after offsets of acknowledged records were flushed. */
  commit(): MaybePromise<void> {}
  /** Called for each record the producer acknowledged (metadata null if a transform filtered it). */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): MaybePromise<void> {}
}

export interface SinkTaskContext {
  configs(): ConnectorConfigMap;
  /** Rewind/advance consumption of a partition. */
  offset(tp: TopicPartition, offset: number): void;
  /** Ask for redelivery of the last batch after `ms` (used with RetriableException). */
  timeout(ms: number): void;
  assignment(): readonly TopicPartition[];
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  requestCommit(): void;
  /**
   * KIP-610: the reporter a task hands records it cannot process (e.g. rejected by the external system in put()),
   * or null when the connector has neither a dead letter queue (`errors.deadletterqueue.topic.name`) nor
   * `errors.log.enable=true`. Optional so that tasks written for older runtimes keep compiling, as Apache's
   * tasks guard the call against NoSuchMethodError.
   */
  errantRecordReporter?(): ErrantRecordReporter | null;
}

/**
 * Apache's `ErrantRecordReporter`: report(record, error) resolves once the report is durable (written to the dead
 * letter queue). The runtime commits the record's offset only after that, whether or not the task awaits it.
 * Under `errors.tolerance=none` the report fails the task ("Tolerance exceeded in error handler").
 */
export interface ErrantRecordReporter {
  report(record: SinkRecord, error: unknown): Promise<void>;
}

export abstract class SinkTask implements Task {
  protected context!: SinkTaskContext;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  abstract version(): string;
  abstract start(props: ConnectorConfigMap): MaybePromise<void>;
  abstract put(records: readonly SinkRecord[]): MaybePromise<void>;
  abstract stop(): MaybePromise<void>;
  /** Persist everything put() so far. */
  flush(_currentOffsets: ReadonlyMap<string, OffsetAndMetadata>): MaybePromise<void> {}
  /**
   * Return the offsets safe to commit, keyed by `topicPartitionKey`. The default flushes and commits
   * everything consumed, as Apache's does.
   */
  async preCommit(
    currentOffsets: ReadonlyMap<string, OffsetAndMetadata>,
  ): Promise<ReadonlyMap<string, OffsetAndMetadata>> {
    await this.flush(currentOffsets);
    return currentOffsets;
  }
  open(_partitions: readonly TopicPartition[]): MaybePromise<void> {}
  close(_partitions: readonly TopicPartition[]): MaybePromise<void> {}
}
