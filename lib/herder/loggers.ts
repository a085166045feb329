/**
 * Admin logger levels (`/admin/loggers`, KIP-495/KIP-976). Apache changes log4j levels of the worker JVM (and,
 * for `scope=cluster`, of every worker). A serverless deployment has no long-lived worker: the levels live in a
 * LoggerLevelStore shared by the API and every task process (a worker-level DynamoDB item in AWS, a file of the
 * state dir locally), so a level set through any API instance is what every later GET shows and what every task
 * applies (docs/observability.md). Both scopes write that one record: a request cannot address one task.
 * Levels that apply to the serving process's own logger are pushed through `onChange`.
 */
import { BadRequestError, NotFoundError } from '../errors';
import type { LoggerLevelStore, StoredLoggerLevels } from '../storage/ports';
import type { LoggerLevel } from './entities';

const LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;
export const ROOT_LOGGER = 'root';

/** A process-local store: standalone mode and unit tests (lib/herder imports no adapter). */
class ProcessLoggerLevels implements LoggerLevelStore {
  private levels: StoredLoggerLevels = {};
  async get(): Promise<StoredLoggerLevels> {
    return this.levels;
  }
  async update(change: (current: StoredLoggerLevels) => StoredLoggerLevels): Promise<StoredLoggerLevels> {
    return (this.levels = change(this.levels));
  }
}

export class LoggerRegistry {
  constructor(
    /** root's level until one is set (the process's LOG_LEVEL), shown with `last_modified: null` as Apache */
    private readonly rootLevel = 'INFO',
    private readonly onChange?: (logger: string, level: string) => void,
    private readonly store: LoggerLevelStore = new ProcessLoggerLevels(),
  ) {}

  /** Every explicitly set logger plus root, sorted by name as Apache's TreeMap. */
  async all(): Promise<Record<string, LoggerLevel>> {
    const levels = this.withRoot(await this.store.get());
    const out: Record<string, LoggerLevel> = {};
    for (const name of Object.keys(levels).sort()) out[name] = { ...levels[name]! };
    return out;
  }

  async get(logger: string): Promise<LoggerLevel> {
    const found = this.withRoot(await this.store.get())[logger];
    if (!found) throw new NotFoundError(`Logger ${logger} not found.`);
    return { ...found };
  }

  /** Sets `logger` and every explicitly set descendant; returns the affected names, sorted. */
  async set(logger: string, body: unknown): Promise<string[]> {
    const raw = typeof body === 'object' && body !== null ? (body as { level?: unknown }).level : undefined;
    if (raw === undefined || raw === null)
      throw new BadRequestError("Desired 'level' parameter was not specified in request.");
    const level = String(raw).toUpperCase();
    if (!(LEVELS as readonly string[]).includes(level)) throw new NotFoundError(`invalid log level '${String(raw)}'.`);
    let affected: string[] = [];
    await this.store.update((stored) => {
      const current = this.withRoot(stored);
      affected = Object.keys(current).filter(
        (name) => logger === ROOT_LOGGER || name === logger || name.startsWith(`${logger}.`),
      );
      if (!affected.includes(logger)) affected.push(logger);
      const now = Date.now();
      const next: Record<string, LoggerLevel> = { ...stored };
      for (const name of affected) next[name] = { level, last_modified: now };
      return next;
    });
    for (const name of affected) this.onChange?.(name, level);
    return affected.sort();
  }

  private withRoot(stored: StoredLoggerLevels): Record<string, LoggerLevel> {
    return { [ROOT_LOGGER]: { level: this.rootLevel, last_modified: null }, ...stored };
  }
}
