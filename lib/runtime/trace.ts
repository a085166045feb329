/**
 * The one formatter of the `trace` text a FAILED connector or task status shows. Apache stores a Java stack trace
 * (`ExceptionUtils.getStackTrace`): `<exception class>: <message>`, then `\tat <frame>` lines, then a
 * `Caused by: …` section per cause, ending with a newline. JavaScript errors are laid out the same way, with the
 * Java class names of the Kafka Connect exceptions they stand for, so tools that show the first line of a trace
 * (or look for an exception class in it) behave as they do with Apache.
 */

const JAVA_CLASS: Readonly<Record<string, string>> = {
  ConnectException: 'org.apache.kafka.connect.errors.ConnectException',
  DataException: 'org.apache.kafka.connect.errors.DataException',
  RetriableException: 'org.apache.kafka.connect.errors.RetriableException',
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
  Error: 'java.lang.RuntimeException',
  TypeError: 'java.lang.RuntimeException',
  RangeError: 'java.lang.RuntimeException',
};

/** The Java class name Apache would show for this error (`exception.class.name` of a dead-letter record). */
export const javaClassName = (error: unknown): string => {
  const name = error instanceof Error ? error.name : 'Error';
  return JAVA_CLASS[name] ?? name;
};

/** Causes followed at most (a cause cycle must not loop). */
const MAX_CAUSES = 10;

export function traceOf(error: unknown): string {
  // A failure in the JVM task host carries Java's own stack trace: shown as is, as Apache shows it.
  const foreign = error instanceof Error ? (error as { trace?: unknown }).trace : undefined;
  if (typeof foreign === 'string' && foreign !== '') return foreign;
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSES; depth++) {
    const prefix = depth === 0 ? '' : 'Caused by: ';
    if (!(current instanceof Error)) {
      // A thrown non-Error has no frames of its own.
      lines.push(`${prefix}${JAVA_CLASS.Error}: ${String(current)}`);
      break;
    }
    const cls = JAVA_CLASS[current.name] ?? current.name;
    lines.push(`${prefix}${cls}${current.message ? `: ${current.message}` : ''}`);
    for (const line of (current.stack ?? '').split('\n')) {
      if (/^\s+at /.test(line)) lines.push(`\tat ${line.trim().slice(3)}`);
    }
    current = current.cause;
  }
  return `${lines.join('\n')}\n`;
}

/** A trace for a failure we detected (a dead process), not one we caught: no frames to show. */
export const detectedTrace = (exceptionName: string, message: string): string => `${exceptionName}: ${message}`;
