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
import type { ConnectorConfigMap } from '../connect/connector';
import { TRANSACTION_BOUNDARY_CONFIG, TRANSACTION_BOUNDARY_INTERVAL_CONFIG } from '../config/connector-config';
import type { WorkerConfig } from '../config/worker-config';
import type { ClientProps, ProducerRecord, TransactionalProducerPort } from '../storage/kafka-ports';
import { encodeOffsetKey, encodeOffsetValue } from '../storage/offsets-codec';
import type { SourceOffsetEntry } from '../storage/ports';

export type TransactionBoundary = 'poll' | 'interval' | 'connector';

/** Apache's `Worker.taskTransactionalId`. */
export const taskTransactionalId = (groupId: string, connector: string, taskId: number): string =>
  `${groupId}-${connector}-${taskId}`;

/** Java's producer `max.block.ms` default: how long `initTransactions()` may wait for the coordinator. */
const MAX_BLOCK_MS_DEFAULT = 60_000;

export interface ExactlyOnceSourceSettings {
  readonly transactionalId: string;
  readonly boundary: Exclude<TransactionBoundary, 'connector'>;
  readonly intervalMs: number;
  /** where the source offsets go, in the transaction (the worker's `offset.storage.topic`) */
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
  if (boundary === 'connector') {
    // Validation refuses this for every connector that cannot define boundaries (all built-ins); a plug-in that
    // claims it can would need the SourceTask TransactionContext, which this runtime does not offer yet.
    throw new Error(
      `${TRANSACTION_BOUNDARY_CONFIG}=connector is not supported by this runtime: source tasks have no ` +
        'TransactionContext; use poll or interval',
    );
  }
  if (boundary !== 'poll' && boundary !== 'interval') {
    throw new Error(`Invalid value ${boundary} for configuration ${TRANSACTION_BOUNDARY_CONFIG}`);
  }
  const interval = connectorConfig[TRANSACTION_BOUNDARY_INTERVAL_CONFIG];
  const groupId = worker.groupId;
  const offsetsTopic = worker.offsetStorageTopic;
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
    // Through commitTransaction, not send(): the offsets topic is not one of the task's topics (KIP-558).
    await this.producer.commitTransaction(records);
  }

  /** Aborts the open transaction (a failed task); errors (e.g. fenced) are left to the broker's own abort. */
  async abort(): Promise<void> {
    await this.producer.abortTransaction();
  }
}
