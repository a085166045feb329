/**
 * Apache's `ConnectorOffsetBackingStore` (KIP-618): the source offsets of a connector that has its own offsets
 * topic (`offsets.storage.topic`), over two stores — the connector's topic (primary) and the worker's global
 * `offset.storage.topic` (secondary).
 *
 * - Reads: the connector's topic first, the worker's topic for partitions the connector's topic has no offset for
 *   (so a connector moved to its own topic resumes from what it wrote to the global one). `list` is the union of
 *   both, the connector's offset winning.
 * - Writes (Apache's three phases, KAFKA-15018): tombstones go to the worker's topic first, and a failure there
 *   fails the write (otherwise the global offset would come back through the fallback); then every entry goes to
 *   the connector's topic (the write that counts); then the non-tombstone entries go to the worker's topic, best
 *   effort: a failure there is only reported, as Apache only logs it.
 *
 * Exactly-once tasks make the primary write themselves, inside their producer transaction: they call
 * `beforePrimaryWrite` and `afterPrimaryWrite` around it.
 */
import type { SourceMap } from '../connect/records';
import { partitionKey } from './offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from './ports';

export interface ConnectorOffsetStoreOptions {
  /** the connector's own offsets topic */
  readonly connectorStore: OffsetStore;
  /** the worker's global offsets topic */
  readonly workerStore: OffsetStore;
  /** a failed best-effort write to the worker's topic (Apache logs a warning) */
  readonly onSecondaryWriteError?: (error: unknown) => void;
}

export class ConnectorOffsetStore implements OffsetStore {
  constructor(private readonly options: ConnectorOffsetStoreOptions) {}

  /** Starts the connector's store only: the worker's store has its own owner (as in Apache). */
  start(): Promise<void> {
    return this.options.connectorStore.start();
  }

  stop(): Promise<void> {
    return this.options.connectorStore.stop();
  }

  async get(connector: string, partitions: readonly SourceMap[]): Promise<Map<string, SourceMap | null>> {
    const [own, global] = await Promise.all([
      this.options.connectorStore.get(connector, partitions),
      this.options.workerStore.get(connector, partitions),
    ]);
    const result = new Map(global);
    for (const [key, offset] of own) if (offset !== null || !result.has(key)) result.set(key, offset);
    return result;
  }

  async list(connector: string): Promise<SourceOffsetEntry[]> {
    const [own, global] = await Promise.all([
      this.options.connectorStore.list(connector),
      this.options.workerStore.list(connector),
    ]);
    const byPartition = new Map<string, SourceOffsetEntry>();
    for (const entry of [...global, ...own]) byPartition.set(partitionKey(entry.partition), entry);
    return [...byPartition.values()];
  }

  async put(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    await this.beforePrimaryWrite(connector, entries);
    await this.options.connectorStore.put(connector, entries);
    await this.afterPrimaryWrite(connector, entries);
  }

  /** Phase 1: tombstones to the worker's topic; throws when that fails (the primary write must not happen). */
  async beforePrimaryWrite(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    const tombstones = entries.filter((e) => e.offset === null);
    if (tombstones.length > 0) await this.options.workerStore.put(connector, tombstones);
  }

  /** Phase 3: non-tombstones to the worker's topic, best effort (never throws). */
  async afterPrimaryWrite(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    const regular = entries.filter((e) => e.offset !== null);
    if (regular.length === 0) return;
    try {
      await this.options.workerStore.put(connector, regular);
    } catch (error) {
      this.options.onSecondaryWriteError?.(error);
    }
  }
}

/** Whether `store` is a ConnectorOffsetStore (an exactly-once task then makes the primary write itself). */
export const isConnectorOffsetStore = (store: OffsetStore): store is ConnectorOffsetStore =>
  store instanceof ConnectorOffsetStore;
