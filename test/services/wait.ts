/** Polling with a deadline: the only way tests and service start-up wait for something. Never a fixed sleep. */

export interface WaitForOptions {
  /** Give up after this long; default 30 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 50 ms. */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
  /** Checked before each attempt; a string aborts the wait with that reason. */
  abortReason?: () => string | undefined;
}

/**
 * Calls `probe` until it returns a value other than `undefined`/`false` (or stops throwing), and resolves to that
 * value. Throws with the last error once the deadline has passed.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = options.abortReason?.();
    if (reason !== undefined) {
      throw new Error(`${options.description ?? 'condition'}: ${reason}`, { cause: lastError });
    }
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() + intervalMs > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${options.description ?? 'condition'} not met within ${timeoutMs} ms${detail}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The negative counterpart of {@link waitFor}: observes `probe` for `ms` and throws as soon as it no longer holds.
 * For "nothing happens" checks (paused, fenced, not created), which need a window; the interval between checks is
 * an observation interval, not synchronisation.
 */
export async function staysTrue(
  probe: () => Promise<boolean> | boolean,
  ms: number,
  description: string,
  intervalMs = 50,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (!(await probe())) throw new Error(`${description} stopped holding`);
    if (Date.now() >= until) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(until - Date.now(), 0))));
  }
}
