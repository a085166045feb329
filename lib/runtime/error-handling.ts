/**
 * Error handling shared by the source and sink loops: Apache's `RetryWithToleranceOperator` (errors.retry.timeout,
 * errors.retry.delay.max.ms, errors.tolerance) and its error reporters (errors.log.*, and for sinks the dead letter
 * queue of ./dead-letter-queue.ts), for the conversion and transformation stages and for records a sink task
 * reports through its errant record reporter.
 *
 * Retries of a stage wait on timers (the one policy of lib/retry), never by spinning: a converter or transform
 * that fails with a RetriableException must not stall heartbeats, status writes or shutdown.
 */
import { isRetriable } from '../errors';
import { backoffDelay, sleep } from '../retry';
import type { ConsumerRecord } from '../storage/kafka-ports';

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
  tolerance: (config['errors.tolerance'] ?? 'none').trim().toLowerCase() === 'all' ? 'all' : 'none',
  logEnable: (config['errors.log.enable'] ?? 'false').trim().toLowerCase() === 'true',
  logIncludeMessages: (config['errors.log.include.messages'] ?? 'false').trim().toLowerCase() === 'true',
});

/** Apache's `RETRIES_DELAY_MIN_MS`: the first pause before a stage is retried. */
const RETRIES_DELAY_MIN_MS = 300;

/** What failed: Apache's `ProcessingContext` as the reporters see it. */
export interface ErrorContext {
  readonly stage: Stage;
  /** the Java class name Apache reports as executing the stage (`__connect.errors.class.name`) */
  readonly executingClass: string;
  /** the record's coordinates (and, with errors.log.include.messages, what else Apache logs of it) */
  readonly describe: () => string;
  /** sinks: the consumed record as it came from Kafka, whose bytes go to the dead letter queue */
  readonly original?: ConsumerRecord;
}

/** Apache's `ErrorReporter`: told about every failed record; the promise settles when the report is durable. */
export interface ErrorReporter {
  report(context: ErrorContext, error: unknown): Promise<void> | void;
  close?(): Promise<void>;
}

/** Thrown when a stage failed and errors.tolerance=none: the task fails with this. */
export class ToleranceExceededError extends Error {
  constructor(cause: unknown) {
    super('Tolerance exceeded in error handler', { cause });
    this.name = 'ConnectException';
  }
}

/** Apache's `LogReporter`: one line per failed record when errors.log.enable=true. */
export class LogReporter implements ErrorReporter {
  constructor(
    private readonly taskId: string,
    private readonly config: ErrorHandlingConfig,
    private readonly log: (message: string) => void,
  ) {}

  report(context: ErrorContext, error: unknown): void {
    if (!this.config.logEnable) return;
    const detail = this.config.logIncludeMessages ? `, where ${context.describe()}` : '';
    this.log(
      `Error encountered in task ${this.taskId}. Executing stage '${context.stage}' with class ` +
        `'${context.executingClass}'${detail}. ${String(error)}`,
    );
  }
}

/** The result of a stage: the value, `undefined` when the record is skipped, or a promise of either while retrying. */
export type StageResult<T> = T | undefined | Promise<T | undefined>;

export class RetryWithToleranceOperator {
  private errors = 0;
  private readonly reporters: ErrorReporter[];
  /** reports not yet durable (DLQ sends); offsets of their records may be committed only after them */
  private readonly pending = new Set<Promise<void>>();
  private reportFailure: unknown;
  /** aborted when the task stops: retries of a stage give up then, as Apache's operator does on stop */
  private readonly stopping = new AbortController();

  constructor(
    private readonly config: ErrorHandlingConfig,
    log: (message: string) => void = (m) => console.error(m),
    reporters: readonly ErrorReporter[] = [],
    taskId = 'unknown',
  ) {
    this.reporters = [new LogReporter(taskId, config, log), ...reporters];
  }

  /** How many records were skipped under errors.tolerance=all. */
  get skipped(): number {
    return this.errors;
  }

  get tolerance(): ErrorTolerance {
    return this.config.tolerance;
  }

  /**
   * Run a stage on one record. Returns the result, or `undefined` when the record is to be skipped
   * (tolerance=all); throws ToleranceExceededError under tolerance=none. The first attempt runs synchronously (the
   * hot path allocates no promise); a RetriableException is retried until errors.retry.timeout on timers, and then
   * the result is a promise.
   */
  execute<T>(context: ErrorContext, operation: () => T): StageResult<T> {
    try {
      return operation();
    } catch (error) {
      if (isRetriable(error) && this.config.retryTimeoutMs !== 0 && !this.stopping.signal.aborted) {
        return this.retryStage(context, operation, error);
      }
      return this.tolerate(context, error);
    }
  }

  private async retryStage<T>(context: ErrorContext, operation: () => T, first: unknown): Promise<T | undefined> {
    const deadline = this.config.retryTimeoutMs < 0 ? Infinity : Date.now() + this.config.retryTimeoutMs;
    const policy = { initialDelayMs: RETRIES_DELAY_MIN_MS, maxDelayMs: this.config.retryDelayMaxMs };
    let last = first;
    for (let attempt = 1; Date.now() < deadline && !this.stopping.signal.aborted; attempt++) {
      await sleep(Math.min(backoffDelay(policy, attempt), deadline - Date.now()), this.stopping.signal);
      try {
        return operation();
      } catch (error) {
        last = error;
        if (!isRetriable(error)) break;
      }
    }
    return this.tolerate(context, last);
  }

  /**
   * A stage failed for good: report it (log, dead letter queue), then skip the record (tolerance=all) or throw
   * ToleranceExceededError. Apache reports under tolerance=none too, before the task fails.
   */
  tolerate(context: ErrorContext, error: unknown): undefined {
    void this.executeFailed(context, error);
    return undefined;
  }

  /**
   * Apache's `executeFailed`: report the failure, then throw under tolerance=none or count the skipped record.
   * The promise settles when the report is durable (a dead-letter record written).
   */
  executeFailed(context: ErrorContext, error: unknown): Promise<void> {
    const reported = this.report(context, error);
    if (this.config.tolerance === 'none') throw new ToleranceExceededError(error);
    this.errors += 1;
    return reported;
  }

  /** Hand a failed record to every reporter; asynchronous reports are awaited by `flushReports()`. */
  report(context: ErrorContext, error: unknown): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const reporter of this.reporters) {
      try {
        const result = reporter.report(context, error);
        if (result instanceof Promise) waits.push(result);
      } catch (failure) {
        this.reportFailure ??= failure;
      }
    }
    if (waits.length === 0) return Promise.resolve();
    const done = Promise.all(waits).then(
      () => undefined,
      (failure: unknown) => {
        this.reportFailure ??= failure;
      },
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return done;
  }

  /**
   * Wait until every report so far is durable; throws if one could not be written (the offsets of the failed
   * records must then not be committed: they would be lost).
   */
  async flushReports(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.reportFailure !== undefined) {
      const failure = this.reportFailure;
      this.reportFailure = undefined;
      throw new Error('Could not report an errant record to the dead letter queue', { cause: failure });
    }
  }

  /** Stop retrying stages (the task is stopping), and close the reporters. */
  stop(): void {
    this.stopping.abort();
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.allSettled(this.pending);
    for (const reporter of this.reporters) await reporter.close?.().catch(() => undefined);
  }
}
