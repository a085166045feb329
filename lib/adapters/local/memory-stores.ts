/**
 * In-memory adapters of the storage ports: standalone mode (Apache's standalone herder keeps configs in memory
 * too) and unit tests. Same behaviour as the durable adapters — the contract suites in test/stores run against
 * all of them — but nothing survives the process.
 *
 * Values handed in and out are copies, so a caller mutating an object it got cannot change the store.
 */
import type { SourceMap } from '../../connect/records';
import {
  alreadyExists,
  applyConnectorChanges,
  connectorNotFound,
  newConnectorState,
  versionConflict,
} from '../../storage/connector-state';
import { encodeOffsetKey, lookupOffsets, validateOffsetEntries } from '../../storage/offsets-codec';
import type {
  ConfigStore,
  ConnectorConfig,
  ConnectorState,
  ConnectorStateChanges,
  LoggerLevelStore,
  OffsetStore,
  SourceOffsetEntry,
  StatusRecord,
  StatusStore,
  StoredLoggerLevels,
  TargetState,
  TaskConfigsRequest,
  TaskStatus,
  TaskStatusState,
} from '../../storage/ports';

type Listener = (name: string) => void;

/** In-process change listeners; a throwing listener must not fail the write that triggered it. */
export class ChangeNotifier {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivered in a microtask: after the write completed, before the writer's `await` resumes. */
  notify(name: string): void {
    for (const listener of this.listeners) {
      queueMicrotask(() => {
        try {
          listener(name);
        } catch {
          // A listener's failure is its own; the reconciler also runs on a timer.
        }
      });
    }
  }
}

// ---- ConfigStore ----

export class InMemoryConfigStore implements ConfigStore {
  private readonly connectors = new Map<string, ConnectorState>();
  private readonly notifier = new ChangeNotifier();

  async list(): Promise<string[]> {
    return [...this.connectors.keys()].sort();
  }

  async get(name: string): Promise<ConnectorState | undefined> {
    const state = this.connectors.get(name);
    return state && structuredClone(state);
  }

  async getMany(names: readonly string[]): Promise<ConnectorState[]> {
    const found: ConnectorState[] = [];
    for (const name of names) {
      const state = this.connectors.get(name);
      if (state) found.push(structuredClone(state));
    }
    return found;
  }

  async create(name: string, config: ConnectorConfig, targetState: TargetState): Promise<ConnectorState> {
    if (this.connectors.has(name)) throw alreadyExists(name);
    const state = newConnectorState(name, config, targetState);
    this.connectors.set(name, state);
    this.notifier.notify(name);
    return structuredClone(state);
  }

  async update(name: string, expectedVersion: number, changes: ConnectorStateChanges): Promise<ConnectorState> {
    const current = this.connectors.get(name);
    if (!current) throw connectorNotFound(name);
    if (current.version !== expectedVersion) throw versionConflict(name, expectedVersion, current.version);
    const next = applyConnectorChanges(current, changes);
    this.connectors.set(name, next);
    this.notifier.notify(name);
    return structuredClone(next);
  }

  async delete(name: string): Promise<boolean> {
    const existed = this.connectors.delete(name);
    if (existed) this.notifier.notify(name);
    return existed;
  }

  subscribe(listener: (name: string) => void): () => void {
    return this.notifier.subscribe(listener);
  }
}

// ---- StatusStore ----

export class InMemoryStatusStore implements StatusStore {
  private readonly connectors = new Map<string, StatusRecord>();
  private readonly tasks = new Map<string, Map<number, TaskStatus>>();
  private readonly topics = new Map<string, Set<string>>();
  private readonly requests = new Map<string, TaskConfigsRequest>();

  async getConnector(name: string): Promise<StatusRecord | undefined> {
    const status = this.connectors.get(name);
    return status && { ...status };
  }

  async putConnector(name: string, status: StatusRecord): Promise<void> {
    this.connectors.set(name, { ...status });
  }

  async getTask(name: string, taskId: number): Promise<TaskStatus | undefined> {
    const status = this.tasks.get(name)?.get(taskId);
    return status && { ...status };
  }

  async listTasks(name: string): Promise<TaskStatus[]> {
    return [...(this.tasks.get(name)?.values() ?? [])].sort((a, b) => a.id - b.id).map((s) => ({ ...s }));
  }

  async putTask(name: string, taskId: number, status: StatusRecord<TaskStatusState>): Promise<boolean> {
    let tasks = this.tasks.get(name);
    const stored = tasks?.get(taskId);
    if (stored && status.generation < stored.generation) return false;
    if (!tasks) this.tasks.set(name, (tasks = new Map()));
    tasks.set(taskId, { ...status, id: taskId });
    return true;
  }

  async deleteTask(name: string, taskId: number): Promise<void> {
    this.tasks.get(name)?.delete(taskId);
  }

  async deleteConnector(name: string): Promise<void> {
    this.connectors.delete(name);
    this.tasks.delete(name);
    this.topics.delete(name);
    this.requests.delete(name);
  }

  async putTaskConfigsRequest(name: string, request: TaskConfigsRequest): Promise<void> {
    this.requests.set(name, structuredClone(request));
  }

  async getTaskConfigsRequest(name: string): Promise<TaskConfigsRequest | undefined> {
    const request = this.requests.get(name);
    return request && structuredClone(request);
  }

  async addTopics(name: string, topics: readonly string[]): Promise<void> {
    let set = this.topics.get(name);
    if (!set) this.topics.set(name, (set = new Set()));
    for (const topic of topics) set.add(topic);
  }

  async getTopics(name: string): Promise<string[]> {
    return [...(this.topics.get(name) ?? [])].sort();
  }

  async resetTopics(name: string): Promise<void> {
    this.topics.delete(name);
  }
}

// ---- OffsetStore ----

/**
 * Source offsets in memory, keyed like the offsets topic (connector + partition key bytes). `get` answers every
 * requested partition under `partitionKey(partition)` (lib/storage/offsets-codec), null when none is stored.
 */
export class InMemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, { connector: string; partition: SourceMap; offset: SourceMap }>();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async get(connector: string, partitions: readonly SourceMap[]): Promise<Map<string, SourceMap | null>> {
    return lookupOffsets(connector, partitions, (key) => this.offsets.get(key)?.offset);
  }

  async list(connector: string): Promise<SourceOffsetEntry[]> {
    return [...this.offsets.values()]
      .filter((e) => e.connector === connector)
      .map((e) => ({ partition: structuredClone(e.partition), offset: structuredClone(e.offset) }));
  }

  async put(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    validateOffsetEntries(entries);
    for (const { partition, offset } of entries) {
      const key = encodeOffsetKey(connector, partition);
      if (offset === null) this.offsets.delete(key);
      else this.offsets.set(key, { connector, partition: structuredClone(partition), offset: structuredClone(offset) });
    }
  }
}

/** `/admin/loggers` levels of one process (standalone mode, unit tests). */
export class InMemoryLoggerLevelStore implements LoggerLevelStore {
  private levels: StoredLoggerLevels = {};

  async get(): Promise<StoredLoggerLevels> {
    return structuredClone(this.levels);
  }

  async update(change: (current: StoredLoggerLevels) => StoredLoggerLevels): Promise<StoredLoggerLevels> {
    this.levels = structuredClone(change(structuredClone(this.levels)));
    return structuredClone(this.levels);
  }
}
