/**
 * Error handling shared by the source and sink loops: Apache's `RetryWithToleranceOperator` (errors.retry.timeout,
 * errors.retry.delay.max.ms, errors.tolerance, errors.log.*) for the conversion and transformation stages, the
 * backoff used for `RetriableException`, and the stack-trace text that task status shows.
 */
import { isRetriable } from '../errors';

export type ErrorTolerance = 'none' | 'all';
export type Stage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'KAFKA_PRODUCE'
  | 'TASK_PUT'
  | 'TASK_POLL';

export interface ErrorHandlingConfig {
  /** ms; 0 = no retry, -1 = retry forever */
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
  readonly tolerance: ErrorTolerance;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
}

export const errorHandlingConfig = (config: Readonly<Record<string, string>>): ErrorHandlingConfig => ({
  retryTimeoutMs: Number(config['errors.retry.timeout'] ?? 0),
  retryDelayMaxMs: Number(config['errors.retry.delay.max.ms'] ?? 60000),
  tolerance: config['errors.tolerance'] === 'all' ? 'all' : 'none',
  logEnable: (config['errors.log.enable'] ?? 'false').toLowerCase() === 'true',
  logIncludeMessages: (config['errors.log.include.messages'] ?? 'false').toLowerCase() === 'true',
});

/** Thrown when a stage failed and errors.tolerance=none: the task fails with this. */
export class ToleranceExceededError extends Error {
  constructor(cause: unknown) {
    super('Tolerance exceeded in error handler', { cause });
    this.name = 'ConnectException';
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

export class RetryWithToleranceOperator {
  private errors = 0;
  constructor(
    private readonly config: ErrorHandlingConfig,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  /** How many records were skipped under errors.tolerance=all. */
  get skipped(): number {
    return this.errors;
  }

  /**
   * Run a synchronous stage on one record. Returns the result, or `undefined` when the record is to be skipped
   * (tolerance=all); throws ToleranceExceededError under tolerance=none. Retriable failures are retried until
   * errors.retry.timeout (converters and transforms are synchronous here, so retries happen inline).
   */
  execute<T>(stage: Stage, describe: () => string, operation: () => T): T | undefined {
    const deadline = this.config.retryTimeoutMs < 0 ? Infinity : Date.now() + this.config.retryTimeoutMs;
    let delay = 300;
    for (;;) {
      try {
        return operation();
      } catch (error) {
        if (isRetriable(error) && Date.now() + delay <= deadline) {
          // Synchronous stages have no await point; a short busy wait keeps the semantics simple and rare.
          const until = Date.now() + delay;
          while (Date.now() < until);
          delay = Math.min(delay * 2, this.config.retryDelayMaxMs);
          continue;
        }
        return this.tolerate(stage, describe, error);
      }
    }
  }

  /** A stage failed for good: skip the record (tolerance=all) or throw ToleranceExceededError. */
  tolerate(stage: Stage, describe: () => string, error: unknown): undefined {
    if (this.config.logEnable) {
      const detail = this.config.logIncludeMessages ? ` ${describe()}` : '';
      this.log(`Error encountered in task. Executing stage '${stage}'.${detail} ${String(error)}`);
    }
    if (this.config.tolerance === 'none') throw new ToleranceExceededError(error);
    this.errors += 1;
    return undefined;
  }
}

/** Backoff for RetriableException from poll()/put(): 0.1 s doubling to 10 s. */
export class Backoff {
  private attempt = 0;
  next(): number {
    return Math.min(100 * 2 ** this.attempt++, 10000);
  }
  reset(): void {
    this.attempt = 0;
  }
}

const JAVA_CLASS: Record<string, string> = {
  ConnectException: 'org.apache.kafka.connect.errors.ConnectException',
  DataException: 'org.apache.kafka.connect.errors.DataException',
  RetriableException: 'org.apache.kafka.connect.errors.RetriableException',
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
  Error: 'java.lang.RuntimeException',
  TypeError: 'java.lang.RuntimeException',
  RangeError: 'java.lang.RuntimeException',
};

/**
 * The `trace` of a FAILED status, laid out like Java's `printStackTrace` (`ExceptionUtils.getStackTrace`):
 * `<class>: <message>` then `\tat <frame>` lines, then `Caused by: …` for each cause.
 */
export const stackTrace = (error: unknown): string => {
  const lines: string[] = [];
  let current: unknown = error;
  let first = true;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const err = current instanceof Error ? current : new Error(String(current));
    const cls = JAVA_CLASS[err.name] ?? err.name;
    lines.push(`${first ? '' : 'Caused by: '}${cls}${err.message ? `: ${err.message}` : ''}`);
    const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
    for (const frame of frames) lines.push(`\tat ${frame.trim().slice(3)}`);
    current = err.cause;
    first = false;
  }
  return `${lines.join('\n')}\n`;
};

/** RetriableException, or a client error flagged retriable. */
export const isRetriableError = (error: unknown): boolean => isRetriable(error);
