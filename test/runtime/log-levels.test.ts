import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followLogLevels, runtimeLevel, toPowertoolsLevel } from '../../composition/log-levels';
import { FileLoggerLevelStore } from '../../lib/adapters/local/file-logger-level-store';
import { LoggerRegistry } from '../../lib/herder/loggers';
import type { LoggerLevelStore } from '../../lib/storage/ports';
import { waitFor } from '../services/wait';

describe('/admin/loggers levels reaching task processes', () => {
  it('picks the most specific logger covering the task runtime, root otherwise', () => {
    const at = (level: string) => ({ level });
    expect(runtimeLevel({ root: at('INFO') })).toBe('INFO');
    expect(runtimeLevel({ root: at('INFO'), 'org.apache.kafka.connect': at('DEBUG') })).toBe('DEBUG');
    expect(runtimeLevel({ root: at('WARN'), 'org.apache.kafka.clients': at('TRACE') })).toBe('WARN');
    expect(runtimeLevel({ 'org.apache.kafka.clients': at('TRACE') })).toBeUndefined();
    expect(toPowertoolsLevel('OFF')).toBe('SILENT');
    expect(toPowertoolsLevel('FATAL')).toBe('CRITICAL');
  });

  it('a task following the local state dir applies a level set through the registry, once per change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-levels-'));
    const applied: string[] = [];
    const follower = followLogLevels(new FileLoggerLevelStore(dir), (level) => applied.push(level), 20);
    try {
      await follower.first;
      expect(applied).toEqual([]); // nothing set yet: the task keeps LOG_LEVEL
      const registry = new LoggerRegistry('INFO', undefined, new FileLoggerLevelStore(dir));
      await registry.set('org.apache.kafka.connect', { level: 'debug' });
      await waitFor(() => applied.includes('DEBUG'), { timeoutMs: 5000, description: 'DEBUG applied' });
      await registry.set('org.apache.kafka.connect.runtime', { level: 'ERROR' });
      await waitFor(() => applied.includes('ERROR'), { timeoutMs: 5000, description: 'ERROR applied' });
      expect(applied).toEqual(['DEBUG', 'ERROR']);
    } finally {
      follower.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the current level when a read fails, and reports it', async () => {
    let fail = true;
    const store: LoggerLevelStore = {
      get: async () => {
        if (fail) throw new Error('throttled');
        return { root: { level: 'WARN', last_modified: 1 } };
      },
      update: async () => ({}),
    };
    const applied: string[] = [];
    const errors: unknown[] = [];
    const follower = followLogLevels(
      store,
      (level) => applied.push(level),
      20,
      (error) => errors.push(error),
    );
    try {
      await follower.first;
      expect(applied).toEqual([]);
      expect(errors).toHaveLength(1);
      fail = false;
      await waitFor(() => applied.includes('WARN'), { timeoutMs: 5000, description: 'WARN applied' });
    } finally {
      follower.stop();
    }
  });
});
