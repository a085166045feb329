/**
 * The LoggerLevelStore contract (`/admin/loggers` levels shared by the API and every task process): one suite,
 * run against every adapter (memory, file, DynamoDB Local).
 */
import type { LoggerLevelStore } from '../../lib/storage/ports';

export interface LoggerLevelStoreHarness {
  /** a new, empty store; `second` is another handle on the same record (another process) */
  open(): Promise<{ store: LoggerLevelStore; second?: LoggerLevelStore }>;
}

export function describeLoggerLevelStoreContract(adapter: string, harness: LoggerLevelStoreHarness): void {
  describe(`LoggerLevelStore contract: ${adapter}`, () => {
    it('is empty until a level is set, then hands back what was stored', async () => {
      const { store, second } = await harness.open();
      expect(await store.get()).toEqual({});
      const stored = await store.update((current) => ({
        ...current,
        'org.apache.kafka.connect': { level: 'DEBUG', last_modified: 1_700_000_000_000 },
      }));
      const expected = { 'org.apache.kafka.connect': { level: 'DEBUG', last_modified: 1_700_000_000_000 } };
      expect(stored).toEqual(expected);
      expect(await store.get()).toEqual(expected);
      if (second) expect(await second.get()).toEqual(expected);
    });

    it('hands the stored levels to the change and keeps the loggers it does not touch', async () => {
      const { store, second } = await harness.open();
      await store.update(() => ({ root: { level: 'WARN', last_modified: 1 } }));
      let seen: unknown;
      await (second ?? store).update((current) => {
        seen = current;
        return { ...current, 'org.x': { level: 'TRACE', last_modified: 2 } };
      });
      expect(seen).toEqual({ root: { level: 'WARN', last_modified: 1 } });
      expect(await store.get()).toEqual({
        root: { level: 'WARN', last_modified: 1 },
        'org.x': { level: 'TRACE', last_modified: 2 },
      });
    });

    it('loses no update among concurrent writers', async () => {
      const { store, second } = await harness.open();
      const writers = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 1 && second ? second : store).update((current) => ({
          ...current,
          [`logger.${i}`]: { level: 'DEBUG', last_modified: i },
        })),
      );
      await Promise.all(writers);
      expect(Object.keys(await store.get()).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `logger.${i}`).sort());
    });
  });
}
