/**
 * Admin logger levels (`/admin/loggers`, KIP-495/KIP-976). Apache changes log4j levels of the worker JVM; a
 * serverless API has no long-lived worker, so the registry lives in the memory of the handling process:
 * `scope=cluster` is accepted (204) but, like `scope=worker`, only affects the process that served it.
 * Levels that apply to our own Powertools logger are pushed through `onChange`.
 */
import { BadRequestError, NotFoundError } from '../errors';
import type { LoggerLevel } from './entities';

const LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;
export const ROOT_LOGGER = 'root';

export class LoggerRegistry {
  private readonly levels = new Map<string, LoggerLevel>();

  constructor(
    rootLevel = 'INFO',
    private readonly onChange?: (logger: string, level: string) => void,
  ) {
    this.levels.set(ROOT_LOGGER, { level: rootLevel, last_modified: null });
  }

  /** Every explicitly set logger plus root, sorted by name as Apache's TreeMap. */
  all(): Record<string, LoggerLevel> {
    const out: Record<string, LoggerLevel> = {};
    for (const name of [...this.levels.keys()].sort()) out[name] = { ...this.levels.get(name)! };
    return out;
  }

  get(logger: string): LoggerLevel {
    const found = this.levels.get(logger);
    if (!found) throw new NotFoundError(`Logger ${logger} not found.`);
    return { ...found };
  }

  /** Sets `logger` and every explicitly set descendant; returns the affected names, sorted. */
  set(logger: string, body: unknown): string[] {
    const raw = typeof body === 'object' && body !== null ? (body as { level?: unknown }).level : undefined;
    if (raw === undefined || raw === null)
      throw new BadRequestError("Desired 'level' parameter was not specified in request.");
    const level = String(raw).toUpperCase();
    if (!(LEVELS as readonly string[]).includes(level)) throw new NotFoundError(`invalid log level '${String(raw)}'.`);
    const now = Date.now();
    const affected = [...this.levels.keys()].filter(
      (name) => logger === ROOT_LOGGER || name === logger || name.startsWith(`${logger}.`),
    );
    if (!affected.includes(logger)) affected.push(logger);
    for (const name of affected) {
      this.levels.set(name, { level, last_modified: now });
      this.onChange?.(name, level);
    }
    return affected.sort();
  }
}
