/** Structured JSON logs (Powertools) of the reconciler, task-events and task-runner roots; level from LOG_LEVEL. */
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
