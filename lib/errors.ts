/**
 * Control-plane errors, mapped to HTTP in one place (lib/rest). `retriable` drives the shared backoff
 * policy: a retriable error means the same call may succeed if made again.
 */
export abstract class ConnectError extends Error {
  abstract readonly status: number;
  readonly retriable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ConnectError {
  readonly status = 400;
}
export class ForbiddenError extends ConnectError {
  readonly status = 403;
}
export class NotFoundError extends ConnectError {
  readonly status = 404;
}
export class AlreadyExistsError extends ConnectError {
  readonly status = 409;
}
/** A concurrent write won (optimistic concurrency); retrying with fresh state may succeed. */
export class ConflictError extends ConnectError {
  readonly status = 409;
  override readonly retriable = true;
}
export class PayloadTooLargeError extends ConnectError {
  readonly status = 413;
}
export class UnsupportedMediaTypeError extends ConnectError {
  readonly status = 415;
}
/** Apache answers 500 for these (unknown plugin class, connector-specific offset validation …). */
export class InternalServerError extends ConnectError {
  readonly status = 500;
}
export class ServiceUnavailableError extends ConnectError {
  readonly status = 503;
  override readonly retriable = true;
}

export const isRetriable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
