/** Structured JSON logs (Powertools) of the reconciler, task-events and task-runner roots; level from LOG_LEVEL. */
import { format } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';

export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

/**
 * Runs `fn` with `keys` on every line `logger` writes meanwhile, and removes them after, whatever the outcome: a
 * warm Lambda's next invocation must not inherit this one's connector. Only for code that runs one call at a time
 * per logger (a Lambda invocation; the reconciler's one-connector-at-a-time loop).
 */
export async function withLogKeys<T>(logger: Logger, keys: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  logger.appendKeys(keys);
  try {
    return await fn();
  } finally {
    logger.removeKeys(Object.keys(keys));
  }
}

type ConsoleLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Plug-in code logs through `console` (as Java plug-ins log through SLF4J). In a task process those lines go through
 * the task's logger, so that they carry its connector, task and generation keys, as Apache's connector context (MDC)
 * adds them to a plug-in's lines. Returns what restores the console.
 */
export function routeConsoleTo(logger: Logger): () => void {
  const original = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  let inside = false;
  const route =
    (level: ConsoleLevel, fallback: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      // Powertools in dev mode (POWERTOOLS_DEV) writes through the global console itself: no loop.
      if (inside) return fallback(...args);
      inside = true;
      try {
        logger[level](format(...args));
      } finally {
        inside = false;
      }
    };
  console.log = route('info', original.log);
  console.info = route('info', original.info);
  console.warn = route('warn', original.warn);
  console.error = route('error', original.error);
  console.debug = route('debug', original.debug);
  return () => Object.assign(console, original);
}
