/**
 * Exactly-once source delivery (KIP-618), the part of Apache's `ExactlyOnceWorkerSourceTask` that differs from the
 * at-least-once loop: a transactional producer per task whose `transactional.id` is Apache's
 * `<group.id>-<connector>-<taskId>` (`Worker.taskTransactionalId`), and transactions that hold a batch of the
 * task's records together with the source offsets of those records, written to the offsets topic in Apache's
 * format. Both become visible to read_committed readers (the offset store, the offsets REST endpoints, downstream
 * consumers) at once, or not at all: a crash replays exactly what was never committed.
 *
 * Fencing: the producer's `initTransactions()` runs before the task starts (and so before it reads its offsets);
 * it bumps the epoch of the transactional id, which aborts a predecessor's open transaction and refuses the
 * predecessor's later writes and commits. No worker-group leader is needed: every generation of a task fences the
 * one before it by its id.
 *
 * WorkerSourceTask calls in here at its boundaries; everything transactional stays in this module.
 */
import type { ConnectorConfigMap, TransactionContext } from '../connect/connector';
import type { SourceRecord } from '../connect/records';
import { TRANSACTION_BOUNDARY_CONFIG, TRANSACTION_BOUNDARY_INTERVAL_CONFIG } from '../config/connector-config';
import type { WorkerConfig } from '../config/worker-config';
import type { ClientProps, ProducerRecord, TransactionalProducerPort } from '../storage/kafka-ports';
import { encodeOffsetKey, encodeOffsetValue } from '../storage/offsets-codec';
import type { SourceOffsetEntry } from '../storage/ports';
import { connectorOffsetsTopic, offsetsTopicWorkerOf } from './connector-offsets-topic';

/**
 * The worker's global offsets topic beside a connector's own (ConnectorOffsetStore): Apache writes tombstones there
 * before the primary write and the other offsets after it.
 */
export interface SecondaryOffsetWrites {
  beforePrimaryWrite(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void>;
  afterPrimaryWrite(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void>;
}

export type TransactionBoundary = 'poll' | 'interval' | 'connector';

/** Apache's `Worker.taskTransactionalId`. */
export const taskTransactionalId = (groupId: string, connector: string, taskId: number): string =>
  `${groupId}-${connector}-${taskId}`;

/** Java's producer `max.block.ms` default: how long `initTransactions()` may wait for the coordinator. */
const MAX_BLOCK_MS_DEFAULT = 60_000;

export interface ExactlyOnceSourceSettings {
  readonly transactionalId: string;
  readonly boundary: TransactionBoundary;
  readonly intervalMs: number;
  /**
   * where the source offsets go, in the transaction: the connector's `offsets.storage.topic`, else the worker's
   * `offset.storage.topic` (lib/runtime/connector-offsets-topic.ts)
   */
  readonly offsetsTopic: string;
  readonly initTimeoutMs: number;
}

/**
 * The exactly-once settings of one source task, or undefined when the worker runs at-least-once
 * (`exactly.once.source.support` other than `enabled`, or standalone mode, where Apache has no exactly-once).
 */
export function exactlyOnceSourceSettings(
  worker: WorkerConfig,
  connector: string,
  taskId: number,
  connectorConfig: ConnectorConfigMap,
  producerProps: ClientProps,
): ExactlyOnceSourceSettings | undefined {
  if (worker.mode !== 'distributed' || worker.exactlyOnceSourceSupport !== 'enabled') return undefined;
  const boundary = (connectorConfig[TRANSACTION_BOUNDARY_CONFIG] ?? 'poll').trim().toLowerCase();
  // `connector`: validation admitted it only for a connector whose canDefineTransactionBoundaries() is SUPPORTED;
  // its task gets a TransactionContext (WorkerTransactionContext below).
  if (boundary !== 'poll' && boundary !== 'interval' && boundary !== 'connector') {
    throw new Error(`Invalid value ${boundary} for configuration ${TRANSACTION_BOUNDARY_CONFIG}`);
  }
  const interval = connectorConfig[TRANSACTION_BOUNDARY_INTERVAL_CONFIG];
  const groupId = worker.groupId;
  const offsetsTopic =
    connectorOffsetsTopic(offsetsTopicWorkerOf(worker), connectorConfig) ?? worker.offsetStorageTopic;
  if (!groupId || !offsetsTopic) {
    throw new Error('exactly.once.source.support=enabled needs the worker keys group.id and offset.storage.topic');
  }
  const maxBlock = Number(producerProps['max.block.ms']);
  return {
    transactionalId: taskTransactionalId(groupId, connector, taskId),
    boundary,
    intervalMs: interval === undefined || interval.trim() === '' ? worker.offsetFlushIntervalMs : Number(interval),
    offsetsTopic,
    initTimeoutMs: Number.isFinite(maxBlock) && maxBlock > 0 ? maxBlock : MAX_BLOCK_MS_DEFAULT,
  };
}

/**
 * The producer client properties Apache's `Worker.exactlyOnceSourceTaskProducerConfigs` forces on an
 * exactly-once source task (whatever the worker's `producer.*` or the connector's overrides say).
 */
export const exactlyOnceProducerProps = (props: ClientProps, settings: ExactlyOnceSourceSettings): ClientProps => ({
  ...props,
  'enable.idempotence': 'true',
  acks: 'all',
  'max.in.flight.requests.per.connection': '1',
  'transactional.id': settings.transactionalId,
});

/** One task's transactions: when to commit, and the commit itself (records + offsets, atomically). */
export class SourceTransactions {
  private nextCommitAt: number;

  constructor(
    private readonly producer: TransactionalProducerPort,
    private readonly connector: string,
    readonly settings: ExactlyOnceSourceSettings,
    private readonly secondary?: SecondaryOffsetWrites,
  ) {
    this.nextCommitAt = Date.now() + settings.intervalMs;
  }

  /** initTransactions(): fences older generations; before the task starts and reads its offsets. */
  init(): Promise<void> {
    return this.producer.initTransactions(this.settings.initTimeoutMs);
  }

  /** `transaction.boundary=poll`: every batch returned by poll() is one transaction. */
  get perPoll(): boolean {
    return this.settings.boundary === 'poll';
  }

  /** `transaction.boundary=connector`: the task ends transactions through its TransactionContext. */
  get connectorDefined(): boolean {
    return this.settings.boundary === 'connector';
  }

  /** `transaction.boundary=interval`: the interval has passed since the last commit. */
  intervalElapsed(now = Date.now()): boolean {
    return this.settings.boundary === 'interval' && now >= this.nextCommitAt;
  }

  /**
   * Writes `offsets` to the offsets topic in the open transaction and commits it: the records sent since the
   * last commit and these offsets become visible together. Throws when the producer was fenced or the commit
   * failed; the caller then fails the task (the transaction is aborted by the broker or by `abort()`).
   */
  async commit(offsets: readonly SourceOffsetEntry[]): Promise<void> {
    this.nextCommitAt = Date.now() + this.settings.intervalMs;
    const records = offsets.map(({ partition, offset }): ProducerRecord => {
      const value = encodeOffsetValue(offset);
      return {
        topic: this.settings.offsetsTopic,
        // null: the producer's default partitioner, murmur2 of the key as Java's (the offset store's writes too)
        partition: null,
        key: Buffer.from(encodeOffsetKey(this.connector, partition), 'utf8'),
        value: value === null ? null : Buffer.from(value, 'utf8'),
        timestamp: null,
        headers: [],
      };
    });
    // A tombstone reaches the worker's global topic before the transaction, or the fallback read there would
    // bring the deleted offset back (KAFKA-15018); a failure fails the commit.
    await this.secondary?.beforePrimaryWrite(this.connector, offsets);
    // Through commitTransaction, not send(): the offsets topic is not one of the task's topics (KIP-558).
    await this.producer.commitTransaction(records);
    // Only committed offsets are copied to the global topic (best effort, as Apache's secondary write).
    await this.secondary?.afterPrimaryWrite(this.connector, offsets);
  }

  /** Aborts the open transaction; the caller then commits the offsets of its records in a new one. */
  async abortOpen(): Promise<void> {
    await this.producer.abortTransaction();
  }

  /** Aborts the open transaction (a failed task); errors (e.g. fenced) are left to the broker's own abort. */
  async abort(): Promise<void> {
    await this.producer.abortTransaction();
  }
}

export type TransactionRequest = 'commit' | 'abort';

/**
 * Apache's `WorkerTransactionContext`: the requests a task makes through its TransactionContext, taken by the
 * task loop after each record it sends (record requests) and after each poll() batch (batch requests). Asking for
 * both a commit and an abort of the same record or batch is the connector's bug, refused as in Apache.
 */
export class WorkerTransactionContext implements TransactionContext {
  private readonly recordRequests = new Map<SourceRecord, TransactionRequest>();
  private batchRequest: TransactionRequest | undefined;

  commitTransaction(record?: SourceRecord): void {
    this.request('commit', record);
  }

  abortTransaction(record?: SourceRecord): void {
    this.request('abort', record);
  }

  private request(kind: TransactionRequest, record: SourceRecord | undefined): void {
    const current = record === undefined ? this.batchRequest : this.recordRequests.get(record);
    if (current !== undefined && current !== kind) {
      throw new Error(
        record === undefined
          ? 'Connector requested both commit and abort of the next transaction'
          : 'Connector requested both commit and abort of the transaction for the same record',
      );
    }
    if (record === undefined) this.batchRequest = kind;
    else this.recordRequests.set(record, kind);
  }

  /** Whether any record has a pending request (the loop then looks record by record). */
  get hasRecordRequests(): boolean {
    return this.recordRequests.size > 0;
  }

  /** The request made for `record`, taken (once). */
  takeRecordRequest(record: SourceRecord): TransactionRequest | undefined {
    const request = this.recordRequests.get(record);
    if (request !== undefined) this.recordRequests.delete(record);
    return request;
  }

  /** The request made for the batch, taken (once). */
  takeBatchRequest(): TransactionRequest | undefined {
    const request = this.batchRequest;
    this.batchRequest = undefined;
    return request;
  }
}
