import { Writable } from 'node:stream';
import { Console } from 'node:console';
import { Logger } from '@aws-lambda-powertools/logger';
import { routeConsoleTo } from '../../composition/logger';

/** A Powertools logger whose lines land in `lines` (its own console, as outside dev mode). */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = new Logger({ serviceName: 'skc-test', logLevel: 'DEBUG' });
  (logger as unknown as { console: Console }).console = new Console({ stdout: sink, stderr: sink });
  return { logger, lines };
}

describe('routeConsoleTo: a plug-in’s console lines in a task process', () => {
  it('carry the task’s keys, at the console method’s level, formatted as console formats them', async () => {
    const { logger, lines } = capturingLogger();
    logger.appendKeys({ connector: 'route-console-1', taskId: 0, generation: 3 });
    const restore = routeConsoleTo(logger);
    try {
      console.error('[S3SinkTask] uploaded %d records', 12);
      console.warn('file missing');
      console.log('plain', { a: 1 });
    } finally {
      restore();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l['level'], l['message'], l['connector'], l['taskId'], l['generation']])).toEqual([
      ['ERROR', '[S3SinkTask] uploaded 12 records', 'route-console-1', 0, 3],
      ['WARN', 'file missing', 'route-console-1', 0, 3],
      ['INFO', 'plain { a: 1 }', 'route-console-1', 0, 3],
    ]);
  });

  it('restores the console', () => {
    const before = console.error;
    const restore = routeConsoleTo(capturingLogger().logger);
    expect(console.error).not.toBe(before);
    restore();
    expect(console.error).toBe(before);
  });
});
