import { RetriableException } from '../../lib/connect/errors';
import { asProduceError } from '../../lib/adapters/kafka/producer';
import { ConflictError, isRetriable } from '../../lib/errors';
import { Backoff, backoffDelay, retry } from '../../lib/retry';
import { errorHandlingConfig, RetryWithToleranceOperator } from '../../lib/runtime/error-handling';
import type { ErrorContext, ErrorReporter } from '../../lib/runtime/error-handling';

const context: ErrorContext = { stage: 'VALUE_CONVERTER', executingClass: 'C', describe: () => 'r' };

describe('the one retry policy (lib/retry)', () => {
  it('grows exponentially to the cap, without jitter by default', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([0, 100, 200, 400, 800, 1000]);
    const backoff = new Backoff(policy);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
    for (let i = 0; i < 50; i++) expect(backoffDelay({ ...policy, jitter: 'full' }, 3)).toBeLessThan(400);
  });

  it('retries what is retriable until it succeeds, and nothing else', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          if (++calls < 3) throw new ConflictError('again');
          return 'ok';
        },
        { initialDelayMs: 1, maxDelayMs: 2 },
      ),
    ).resolves.toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('fatal');
        },
        { initialDelayMs: 1, maxDelayMs: 2 },
      ),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts, at the deadline, or when aborted', async () => {
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls++;
      throw new RetriableException('down');
    };
    await expect(retry(failing, { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 4 })).rejects.toThrow('down');
    expect(calls).toBe(4);
    const started = Date.now();
    await expect(retry(failing, { initialDelayMs: 5, maxDelayMs: 5, timeoutMs: 50 })).rejects.toThrow('down');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    const abort = new AbortController();
    const pending = retry(failing, { initialDelayMs: 60_000, maxDelayMs: 60_000, signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toThrow('down');
  });
});

describe('RetryWithToleranceOperator', () => {
  it('retries a RetriableException of a stage on timers: the event loop keeps running meanwhile', async () => {
    const operator = new RetryWithToleranceOperator(
      errorHandlingConfig({ 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '20' }),
      () => undefined,
    );
    let attempts = 0;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      const result = operator.execute(context, () => {
        if (++attempts < 4) throw new RetriableException('not yet');
        return 'converted';
      });
      // The first attempt failed synchronously; the rest happen later, so the caller gets a promise.
      expect(result).toBeInstanceOf(Promise);
      await expect(result).resolves.toBe('converted');
      expect(attempts).toBe(4);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  });

  it('returns synchronously on the hot path and skips or fails after the retry timeout', async () => {
    const reported: string[] = [];
    const reporter: ErrorReporter = { report: (c) => void reported.push(c.stage) };
    const all = new RetryWithToleranceOperator(
      errorHandlingConfig({ 'errors.tolerance': 'all', 'errors.retry.timeout': '30' }),
      () => undefined,
      [reporter],
    );
    expect(all.execute(context, () => 1)).toBe(1);
    await expect(
      all.execute(context, () => {
        throw new RetriableException('still down');
      }),
    ).resolves.toBeUndefined();
    expect(all.skipped).toBe(1);
    expect(reported).toEqual(['VALUE_CONVERTER']);
    const none = new RetryWithToleranceOperator(errorHandlingConfig({}), () => undefined, [reporter]);
    expect(() =>
      none.execute(context, () => {
        throw new Error('bad data');
      }),
    ).toThrow('Tolerance exceeded in error handler');
    // Apache reports a failure before the task fails on it.
    expect(reported).toEqual(['VALUE_CONVERTER', 'VALUE_CONVERTER']);
  });

  it('stops retrying when the task stops', async () => {
    const operator = new RetryWithToleranceOperator(
      errorHandlingConfig({ 'errors.tolerance': 'all', 'errors.retry.timeout': '-1' }),
      () => undefined,
    );
    const result = operator.execute(context, () => {
      throw new RetriableException('never');
    });
    operator.stop();
    await expect(result).resolves.toBeUndefined();
  });

  it('flushReports waits for asynchronous reports and surfaces a failed one', async () => {
    let release!: () => void;
    const slow: ErrorReporter = { report: () => new Promise<void>((resolve) => (release = resolve)) };
    const operator = new RetryWithToleranceOperator(
      errorHandlingConfig({ 'errors.tolerance': 'all' }),
      () => undefined,
      [slow],
    );
    operator.tolerate(context, new Error('x'));
    let flushed = false;
    const flush = operator.flushReports().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    release();
    await flush;
    const failing = new RetryWithToleranceOperator(
      errorHandlingConfig({ 'errors.tolerance': 'all' }),
      () => undefined,
      [{ report: () => Promise.reject(new Error('dlq down')) }],
    );
    failing.tolerate(context, new Error('x'));
    await expect(failing.flushReports()).rejects.toThrow('dead letter queue');
  });
});

describe('produce errors of the kafkajs adapter', () => {
  const kafkajsError = (name: string, retriable: boolean, cause?: unknown) =>
    Object.assign(new Error(name), { name, retriable, ...(cause === undefined ? {} : { cause }) });

  it('are retriable when kafkajs gave up on a retriable cause, however wrapped', () => {
    const refused = kafkajsError('KafkaJSConnectionError', true);
    const exhausted = kafkajsError('KafkaJSNumberOfRetriesExceeded', false, refused);
    expect(isRetriable(asProduceError(refused))).toBe(true);
    expect(isRetriable(asProduceError(exhausted))).toBe(true);
    expect(isRetriable(asProduceError(kafkajsError('KafkaJSNonRetriableError', false, refused)))).toBe(true);
  });

  it('stay non-retriable when another attempt cannot help (record too large)', () => {
    const tooLarge = kafkajsError('KafkaJSProtocolError', false);
    expect(isRetriable(asProduceError(tooLarge))).toBe(false);
    expect(isRetriable(asProduceError(kafkajsError('KafkaJSNonRetriableError', false, tooLarge)))).toBe(false);
  });
});
