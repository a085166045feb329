/**
 * Apache's `/admin/loggers` reaching task processes locally. The API (lib/herder/loggers.ts) keeps the levels in
 * its own memory; with the local file store it also writes them to `<state dir>/log-levels.json`, and every
 * task-runner of that state dir watches the file and applies the level that covers the runtime: the most
 * specific of `root` and the loggers above `org.apache.kafka.connect.runtime.WorkerTask` (`org.apache.kafka.connect`,
 * …), as log4j would for Apache's WorkerTask. In AWS there is no shared file: levels set through the API change
 * the API Lambda's own logger only (docs/observability.md).
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/adapters/local/atomic-file';

export const LOG_LEVELS_FILE = 'log-levels.json';
const RUNTIME_LOGGER = 'org.apache.kafka.connect.runtime.WorkerTask';

export type PowertoolsLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/** log4j level → Powertools Logger level. */
export const toPowertoolsLevel = (level: string): PowertoolsLevel => {
  switch (level.toUpperCase()) {
    case 'OFF':
      return 'SILENT';
    case 'FATAL':
      return 'CRITICAL';
    case 'ALL':
    case 'TRACE':
      return 'TRACE';
    case 'DEBUG':
      return 'DEBUG';
    case 'WARN':
      return 'WARN';
    case 'ERROR':
      return 'ERROR';
    default:
      return 'INFO';
  }
};

/** The level that applies to the task runtime among the set loggers (`{name: {level}}`). */
export function runtimeLevel(loggers: Readonly<Record<string, { level: string }>>): string | undefined {
  let best: string | undefined;
  for (const name of Object.keys(loggers)) {
    const covers = name === 'root' || name === RUNTIME_LOGGER || RUNTIME_LOGGER.startsWith(`${name}.`);
    if (!covers) continue;
    const rank = (n: string) => (n === 'root' ? 0 : n.length);
    if (best === undefined || rank(name) > rank(best)) best = name;
  }
  return best === undefined ? undefined : loggers[best]?.level;
}

export const writeLogLevels = (stateDir: string, loggers: Readonly<Record<string, unknown>>): Promise<void> =>
  writeFileAtomic(join(stateDir, LOG_LEVELS_FILE), JSON.stringify(loggers));

/** Applies the runtime's level now and whenever the file changes (polled every `intervalMs`); returns stop. */
export function watchLogLevels(
  stateDir: string,
  apply: (level: PowertoolsLevel) => void,
  intervalMs = 1000,
): () => void {
  const file = join(stateDir, LOG_LEVELS_FILE);
  const read = (): void => {
    try {
      const level = runtimeLevel(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { level: string }>);
      if (level) apply(toPowertoolsLevel(level));
    } catch {
      // no file yet (no level was ever set), or a half-read one: the next change applies
    }
  };
  read();
  watchFile(file, { interval: intervalMs, persistent: false }, read);
  return () => unwatchFile(file, read);
}
