/**
 * The ONE place where errors become HTTP: typed control-plane errors (lib/errors.ts) keep their status and
 * message; anything else is a 500 with its message, as Apache's `ConnectExceptionMapper` does.
 * Body: Apache's `ErrorMessage` `{"error_code": N, "message": "..."}`.
 */
import { ConnectError } from '../errors';

export interface ErrorBody {
  error_code: number;
  message: string | null;
}

/** Jersey's texts for its own errors (`HTTP 404 Not Found` …), used for routing failures. */
export const JERSEY_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
};

export class HttpError extends ConnectError {
  constructor(
    readonly status: number,
    message = `HTTP ${status} ${JERSEY_REASONS[status] ?? ''}`.trim(),
  ) {
    super(message);
  }
}

export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ConnectError)
    return { status: error.status, body: { error_code: error.status, message: error.message } };
  // Errors of other module copies (plugins bundled with their own lib/errors) still carry a numeric status.
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) {
    return { status, body: { error_code: status, message } };
  }
  return { status: 500, body: { error_code: 500, message } };
}
