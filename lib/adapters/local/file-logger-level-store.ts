/**
 * LoggerLevelStore of the embedded local stack: `<state dir>/log-levels.json` (`{logger: {level, last_modified}}`),
 * written atomically under `withFileLock` by the API, read by every task-runner child of that state dir.
 */
import path from 'node:path';
import type { LoggerLevelStore, StoredLoggerLevels } from '../../storage/ports';
import { loggerLevelsSchema, parseStored } from '../../storage/store-schemas';
import { readFileIfExists, withFileLock, writeFileAtomic } from './atomic-file';

export const LOG_LEVELS_FILE = 'log-levels.json';

export class FileLoggerLevelStore implements LoggerLevelStore {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, LOG_LEVELS_FILE);
  }

  async get(): Promise<StoredLoggerLevels> {
    const text = await readFileIfExists(this.file);
    return text === undefined ? {} : parseStored(loggerLevelsSchema, text, this.file);
  }

  update(change: (current: StoredLoggerLevels) => StoredLoggerLevels): Promise<StoredLoggerLevels> {
    return withFileLock(this.file, async () => {
      const next = change(await this.get());
      await writeFileAtomic(this.file, JSON.stringify(next));
      return next;
    });
  }
}
