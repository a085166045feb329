/** Structured JSON logs (Powertools), level from LOG_LEVEL. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'skc-api' });
