/**
 * `@platformatic/kafka` errors in our ports' terms: the client marks errors worth another attempt with `canRetry`
 * (anywhere in a chain of `errors`/`cause`), our one retry policy (lib/retry) reads a `retriable` flag.
 */
const MAX_DEPTH = 8;

/** The first error in the chain (itself, `errors`, `cause`) matching `test`. */
export function findInChain(error: unknown, test: (link: Record<string, unknown>) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const link = error as Record<string, unknown>;
  if (test(link)) return true;
  if (Array.isArray(link.errors) && link.errors.some((e) => findInChain(e, test, depth + 1))) return true;
  return link.cause !== undefined && link.cause !== error && findInChain(link.cause, test, depth + 1);
}

/** The Kafka protocol error `apiId` (e.g. `TOPIC_ALREADY_EXISTS`) anywhere in the chain. */
export const hasApiId = (error: unknown, ...ids: string[]): boolean =>
  findInChain(error, (link) => typeof link.apiId === 'string' && ids.includes(link.apiId));

/**
 * A topic the broker does not know (yet): the protocol error, or the client's own `Unknown topic <name>.` (a
 * UserError without the protocol error attached, from its metadata calls).
 */
export const isUnknownTopic = (error: unknown): boolean =>
  hasApiId(error, 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID') ||
  findInChain(error, (link) => typeof link.message === 'string' && link.message.startsWith('Unknown topic '));

export const canRetry = (error: unknown): boolean =>
  findInChain(error, (link) => link.canRetry === true || link.code === 'PLT_KFK_NETWORK');

/** Sets `retriable` on the error when the client says another attempt may succeed; returns it for `throw`. */
export function withRetriableFlag(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && canRetry(error)) {
    try {
      (error as { retriable?: boolean }).retriable = true;
    } catch {
      return Object.assign(new Error((error as Error).message, { cause: error }), { retriable: true });
    }
  }
  return error;
}

/** Runs `fn`, rethrowing its error with the `retriable` flag set where the client allows another attempt. */
export async function flagged<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw withRetriableFlag(error);
  }
}
