/**
 * Status `trace` text. Apache stores a Java stack trace (`ExceptionUtils.getStackTrace`): the first line is
 * `<exception class>: <message>`, then frames, then `Caused by:` sections. We render JavaScript errors the same
 * way so tooling that shows the first line of a trace shows something meaningful.
 */
export function traceOf(error: unknown): string {
  if (!(error instanceof Error)) return `Error: ${String(error)}`;
  // A failure in the JVM task host carries Java's own stack trace: shown as is, as Apache shows it.
  const foreign = (error as { trace?: unknown }).trace;
  if (typeof foreign === 'string' && foreign !== '') return foreign;
  const head = `${error.name}: ${error.message}`;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .map((line) => `\t${line.trim()}`);
  const cause = error.cause === undefined ? [] : [`Caused by: ${traceOf(error.cause)}`];
  return [head, ...frames, ...cause].join('\n');
}

/** A trace for a failure we detected (a dead process), not one we caught: no frames to show. */
export const detectedTrace = (exceptionName: string, message: string): string => `${exceptionName}: ${message}`;
