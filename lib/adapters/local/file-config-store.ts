/**
 * ConfigStore of the embedded local stack (`SKC_STORE=local`): one JSON file per connector,
 * `<dir>/connectors/<encoded name>.json`, holding the whole `ConnectorState`.
 *
 * Durability: every write is `writeFileAtomic` (temp file, fsync, rename, fsync dir), so a crash leaves the old
 * or the new state, never a torn file. Concurrency: create/update/delete run under `withFileLock` on the
 * connector's file (in-process queue + O_EXCL lock file), so conditional updates stay atomic even when several
 * processes share the directory; reads take no lock (rename makes them see whole files).
 * `subscribe` notifies listeners of this process's writes only; the local reconciler also polls.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type {
  ConfigStore,
  ConnectorConfig,
  ConnectorState,
  ConnectorStateChanges,
  TargetState,
} from '../../storage/ports';
import {
  decodeFileName,
  encodeFileName,
  readFileIfExists,
  removeFile,
  withFileLock,
  writeFileAtomic,
} from './atomic-file';
import {
  alreadyExists,
  applyConnectorChanges,
  connectorNotFound,
  newConnectorState,
  versionConflict,
} from '../../storage/connector-state';
import { connectorStateSchema, parseStored, toConnectorState } from '../../storage/store-schemas';
import { ChangeNotifier } from './memory-stores';

export class FileConfigStore implements ConfigStore {
  private readonly connectorsDir: string;
  private readonly notifier = new ChangeNotifier();
  private ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.connectorsDir = path.join(dir, 'connectors');
  }

  private ensureDir(): Promise<void> {
    this.ready ??= fs.mkdir(this.connectorsDir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  private fileOf(name: string): string {
    return path.join(this.connectorsDir, `${encodeFileName(name)}.json`);
  }

  private async read(file: string): Promise<ConnectorState | undefined> {
    const text = await readFileIfExists(file);
    return text === undefined ? undefined : toConnectorState(parseStored(connectorStateSchema, text, file));
  }

  private async write(state: ConnectorState): Promise<void> {
    await writeFileAtomic(this.fileOf(state.name), JSON.stringify(state));
  }

  async list(): Promise<string[]> {
    await this.ensureDir();
    const names: string[] = [];
    for (const entry of await fs.readdir(this.connectorsDir)) {
      if (entry.startsWith('.') || !entry.endsWith('.json')) continue; // temp and lock files
      const base = entry.slice(0, -'.json'.length);
      const name = decodeFileName(base) ?? (await this.read(path.join(this.connectorsDir, entry)))?.name;
      if (name !== undefined) names.push(name);
    }
    return names.sort();
  }

  async get(name: string): Promise<ConnectorState | undefined> {
    await this.ensureDir();
    return this.read(this.fileOf(name));
  }

  async getMany(names: readonly string[]): Promise<ConnectorState[]> {
    const states = await Promise.all(names.map((name) => this.get(name)));
    return states.filter((s): s is ConnectorState => s !== undefined);
  }

  async create(name: string, config: ConnectorConfig, targetState: TargetState): Promise<ConnectorState> {
    await this.ensureDir();
    const file = this.fileOf(name);
    const state = await withFileLock(file, async () => {
      if (await readFileIfExists(file)) throw alreadyExists(name);
      const created = newConnectorState(name, config, targetState);
      await this.write(created);
      return created;
    });
    this.notifier.notify(name);
    return state;
  }

  async update(name: string, expectedVersion: number, changes: ConnectorStateChanges): Promise<ConnectorState> {
    await this.ensureDir();
    const file = this.fileOf(name);
    const state = await withFileLock(file, async () => {
      const current = await this.read(file);
      if (!current) throw connectorNotFound(name);
      if (current.version !== expectedVersion) throw versionConflict(name, expectedVersion, current.version);
      const next = applyConnectorChanges(current, changes);
      await this.write(next);
      return next;
    });
    this.notifier.notify(name);
    return state;
  }

  async delete(name: string): Promise<boolean> {
    await this.ensureDir();
    const file = this.fileOf(name);
    const existed = await withFileLock(file, () => removeFile(file));
    if (existed) this.notifier.notify(name);
    return existed;
  }

  subscribe(listener: (name: string) => void): () => void {
    return this.notifier.subscribe(listener);
  }
}
