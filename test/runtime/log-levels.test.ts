import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeLevel, toPowertoolsLevel, watchLogLevels, writeLogLevels } from '../../composition/log-levels';
import { LoggerRegistry } from '../../lib/herder/loggers';
import { waitFor } from '../services/wait';

describe('/admin/loggers levels reaching task processes (local state dir)', () => {
  it('picks the most specific logger covering the task runtime, root otherwise', () => {
    const at = (level: string) => ({ level });
    expect(runtimeLevel({ root: at('INFO') })).toBe('INFO');
    expect(runtimeLevel({ root: at('INFO'), 'org.apache.kafka.connect': at('DEBUG') })).toBe('DEBUG');
    expect(runtimeLevel({ root: at('WARN'), 'org.apache.kafka.clients': at('TRACE') })).toBe('WARN');
    expect(toPowertoolsLevel('OFF')).toBe('SILENT');
    expect(toPowertoolsLevel('FATAL')).toBe('CRITICAL');
  });

  it('a task-runner watching the state dir applies a level set through the registry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-levels-'));
    const applied: string[] = [];
    const stop = watchLogLevels(dir, (level) => applied.push(level), 50);
    try {
      const registry = new LoggerRegistry('INFO');
      registry.set('org.apache.kafka.connect', { level: 'debug' });
      await writeLogLevels(dir, registry.all());
      await waitFor(() => applied.includes('DEBUG'), { timeoutMs: 5000, description: 'DEBUG applied' });
    } finally {
      stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
