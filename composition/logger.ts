/** Structured JSON logs (Powertools) of the reconciler, task-events and task-runner roots; level from LOG_LEVEL. */
import { Logger } from '@aws-lambda-powertools/logger';

export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });
