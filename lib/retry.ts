/**
 * The one retry/backoff policy of the project. Errors say whether the same call may succeed if made again with
 * a `retriable` flag (kafkajs' convention, see lib/errors.ts and lib/connect/errors.ts); this module decides how
 * long to wait between attempts and when to give up. Every wait is a timer (never a busy-wait), so heartbeats,
 * status writes and shutdown keep running on the event loop while something is being retried, and every wait can
 * be cut short by an AbortSignal (a task that is asked to stop stops waiting).
 *
 * Users: the herder (optimistic-concurrency conflicts), the reconciler (conflicts, restart backoff of task
 * instances), the runtime (RetriableException from poll()/put(), retriable converter and transform failures,
 * retriable produce errors), the Lambdas and the Kafka and DynamoDB adapters.
 */
import { isRetriable } from './errors';

export interface BackoffPolicy {
  /** first delay (ms) */
  readonly initialDelayMs: number;
  /** cap of any single delay (ms) */
  readonly maxDelayMs: number;
  /** growth per attempt; default 2 */
  readonly multiplier?: number;
  /**
   * `full`: a uniformly random delay in [0, computed) (AWS's "full jitter"), which spreads many contending
   * writers apart; `none`: the computed delay itself (deterministic, e.g. a restart backoff shown to users).
   */
  readonly jitter?: 'full' | 'none';
}

/** The delay before retry number `attempt` (1 = the first retry): initial × multiplier^(attempt−1), capped. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  if (attempt <= 0) return 0;
  const exponent = Math.min(attempt - 1, 64);
  const computed = Math.min(policy.maxDelayMs, policy.initialDelayMs * (policy.multiplier ?? 2) ** exponent);
  return policy.jitter === 'full' ? Math.random() * computed : computed;
}

/** A stateful backoff for loops that retry on their own schedule (poll/put redelivery): next() grows, reset() after a success. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly policy: BackoffPolicy) {}
  next(): number {
    return backoffDelay(this.policy, ++this.attempt);
  }
  reset(): void {
    this.attempt = 0;
  }
  get attempts(): number {
    return this.attempt;
  }
}

/** Wait `ms` on a timer; resolves early (without throwing) when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

export interface RetryOptions extends BackoffPolicy {
  /** give up (rethrow the last error) once this much time (ms) has passed since the first attempt; default: never */
  readonly timeoutMs?: number;
  /** give up after this many attempts in all (first call included); default: unbounded */
  readonly maxAttempts?: number;
  /** which errors are worth another attempt; default: the error's `retriable` flag */
  readonly retryOn?: (error: unknown) => boolean;
  /** stops waiting and rethrows the last error when aborted */
  readonly signal?: AbortSignal;
  /** told about each failed attempt that will be retried, e.g. to log it or refresh state */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
}

/**
 * Call `operation` until it succeeds, an error is not worth retrying, or the time/attempt budget is spent (the
 * last error is rethrown). A delay never runs past the deadline: the last attempt is made at the deadline.
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryOn = options.retryOn ?? isRetriable;
  const aborted = (): boolean => options.signal?.aborted === true;
  const giveUpAt = options.timeoutMs === undefined || options.timeoutMs < 0 ? Infinity : Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const now = Date.now();
      if (
        !retryOn(error) ||
        now >= giveUpAt ||
        (options.maxAttempts !== undefined && attempt >= options.maxAttempts) ||
        aborted()
      ) {
        throw error;
      }
      const delay = Math.min(backoffDelay(options, attempt), giveUpAt - now);
      await options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
      if (aborted()) throw error;
    }
  }
}
