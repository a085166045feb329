/**
 * The one backoff policy for retriable errors (lib/errors.ts `isRetriable`): optimistic-concurrency conflicts
 * on the ConfigStore are retried from a fresh read with full-jitter exponential backoff, bounded by time rather
 * than by count so that many concurrent writers to one connector all eventually win their turn.
 */
import { isRetriable } from '../errors';

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** give up (rethrow the last retriable error) once this much time has passed */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 5, maxDelayMs: 400, deadlineMs: 25_000 };

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
  const giveUpAt = Date.now() + policy.deadlineMs;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= giveUpAt) throw error;
      const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(n, 16));
      await delay(Math.random() * cap);
    }
  }
}
