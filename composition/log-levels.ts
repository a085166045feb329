/**
 * Apache's `/admin/loggers` reaching task processes. The API (lib/herder/loggers.ts) stores the levels in the
 * LoggerLevelStore (a worker-level DynamoDB item in AWS, `<state dir>/log-levels.json` locally); every
 * task-runner reads that store when it starts and every `SKC_LOG_LEVELS_REFRESH_MS` while it runs, and applies
 * the level that covers the runtime: the most specific of `root` and the loggers above
 * `org.apache.kafka.connect.runtime.WorkerTask` (`org.apache.kafka.connect`, …), as log4j would for Apache's
 * WorkerTask.
 *
 * Why a periodic read and not a push: a Fargate task has no inbound channel (the reconciler could only restart
 * it), and the read is cheap — one eventually consistent GetItem of a small item, half a read unit, every 10 s
 * by default, against the strongly consistent read of its connector's STATE item the task already does every
 * 2 s (TaskSupervisor's desired-state poll, one read unit or more): at most a tenth more reads
 * (docs/observability.md).
 */
import type { LoggerLevelStore } from '../lib/storage/ports';

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

/** Default period of a task's read of the levels: a DynamoDB item (AWS), a small file (local stack). */
export const LOG_LEVELS_REFRESH_MS = { dynamodb: 10_000, local: 1_000 } as const;

/**
 * Applies the runtime's level now and after every change seen by a read every `intervalMs`; returns stop. A
 * failed read keeps the current level (the next read tries again). `onError` hears about failed reads.
 */
export function followLogLevels(
  store: LoggerLevelStore,
  apply: (level: PowertoolsLevel) => void,
  intervalMs: number,
  onError?: (error: unknown) => void,
): { readonly first: Promise<void>; stop(): void } {
  let applied: string | undefined;
  let reading = false;
  const read = async (): Promise<void> => {
    if (reading) return; // a slow read is not stacked up behind
    reading = true;
    try {
      const level = runtimeLevel(await store.get());
      if (level !== undefined && level !== applied) {
        applied = level;
        apply(toPowertoolsLevel(level));
      }
    } catch (error) {
      onError?.(error);
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => void read(), intervalMs);
  // Never what keeps a task process alive.
  timer.unref();
  return { first: read(), stop: () => clearInterval(timer) };
}
