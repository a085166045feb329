/**
 * The OffsetStore contract: one suite, run against every adapter (memory, file, Kafka offsets topic).
 */
import { randomUUID } from 'node:crypto';
import { DataException } from '../../lib/connect/errors';
import { partitionKey } from '../../lib/storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../../lib/storage/ports';

export interface OffsetStoreHarness {
  /** a started store */
  open(): Promise<OffsetStore>;
  /** a second, started store on the same storage (durable adapters only) */
  reopen?(): Promise<OffsetStore>;
}

const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
const byPartition = (a: SourceOffsetEntry, b: SourceOffsetEntry): number =>
  partitionKey(a.partition).localeCompare(partitionKey(b.partition));

export function describeOffsetStoreContract(adapter: string, harness: OffsetStoreHarness): void {
  describe(`OffsetStore contract: ${adapter}`, () => {
    let store: OffsetStore;
    beforeAll(async () => {
      store = await harness.open();
    });
    afterAll(async () => {
      await store.stop();
    });

    it('answers null for partitions without offsets', async () => {
      const connector = uniqueName('empty');
      const result = await store.get(connector, [{ filename: 'a.txt' }, { filename: 'b.txt' }]);
      expect([...result]).toEqual([
        [partitionKey({ filename: 'a.txt' }), null],
        [partitionKey({ filename: 'b.txt' }), null],
      ]);
      expect(await store.list(connector)).toEqual([]);
    });

    it('puts, gets, lists and overwrites offsets', async () => {
      const connector = uniqueName('put');
      await store.put(connector, [
        { partition: { filename: 'a.txt' }, offset: { position: 30 } },
        { partition: { filename: 'b.txt' }, offset: { position: 7 } },
      ]);
      await store.put(connector, [{ partition: { filename: 'a.txt' }, offset: { position: 45 } }]);
      const result = await store.get(connector, [{ filename: 'a.txt' }, { filename: 'b.txt' }, { filename: 'c' }]);
      expect(result.get(partitionKey({ filename: 'a.txt' }))).toEqual({ position: 45 });
      expect(result.get(partitionKey({ filename: 'b.txt' }))).toEqual({ position: 7 });
      expect(result.get(partitionKey({ filename: 'c' }))).toBeNull();
      expect((await store.list(connector)).sort(byPartition)).toEqual([
        { partition: { filename: 'a.txt' }, offset: { position: 45 } },
        { partition: { filename: 'b.txt' }, offset: { position: 7 } },
      ]);
    });

    it('deletes a partition with a tombstone', async () => {
      const connector = uniqueName('tomb');
      await store.put(connector, [
        { partition: { filename: 'a.txt' }, offset: { position: 1 } },
        { partition: { filename: 'b.txt' }, offset: { position: 2 } },
      ]);
      await store.put(connector, [{ partition: { filename: 'a.txt' }, offset: null }]);
      expect((await store.get(connector, [{ filename: 'a.txt' }])).get(partitionKey({ filename: 'a.txt' }))).toBeNull();
      expect(await store.list(connector)).toEqual([{ partition: { filename: 'b.txt' }, offset: { position: 2 } }]);
    });

    it('keeps connectors apart, even with the same partitions', async () => {
      const a = uniqueName('iso');
      const b = `${a}-b`;
      await store.put(a, [{ partition: { filename: 'f' }, offset: { position: 1 } }]);
      await store.put(b, [{ partition: { filename: 'f' }, offset: { position: 2 } }]);
      expect((await store.get(a, [{ filename: 'f' }])).get(partitionKey({ filename: 'f' }))).toEqual({ position: 1 });
      expect(await store.list(b)).toEqual([{ partition: { filename: 'f' }, offset: { position: 2 } }]);
    });

    it('finds a multi-key partition whatever the field order, with every primitive type', async () => {
      const connector = uniqueName('multi');
      const partition = { topic: 'orders', partition: 3, cluster: 'primary' };
      const offset = { offset: 9_007_199_254_740_991, ratio: 0.5, tag: 'é"\\\n𝄞', done: true, none: null };
      await store.put(connector, [{ partition, offset }]);
      const reordered = { cluster: 'primary', partition: 3, topic: 'orders' };
      const result = await store.get(connector, [reordered]);
      expect(result.get(partitionKey(reordered))).toEqual(offset);
      expect(await store.list(connector)).toEqual([{ partition, offset }]);
    });

    it("rejects nested partitions and offsets with Apache's DataException, writing nothing of the batch", async () => {
      const connector = uniqueName('nested');
      const ok = { partition: { filename: 'ok' }, offset: { position: 1 } };
      const nestedOffset = store.put(connector, [ok, { partition: { filename: 'a' }, offset: { meta: { x: 1 } } }]);
      await expect(nestedOffset).rejects.toBeInstanceOf(DataException);
      await expect(nestedOffset).rejects.toThrow(
        'Offsets may only contain primitive types as values, but field meta contains MAP',
      );
      await expect(
        store.put(connector, [{ partition: { files: ['a', 'b'] }, offset: { position: 1 } }]),
      ).rejects.toThrow('Offsets may only contain primitive types as values, but field files contains ARRAY');
      expect(await store.list(connector)).toEqual([]);
    });

    it('reads its own writes across many puts', async () => {
      const connector = uniqueName('seq');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.put(connector, [{ partition: { p: i % 4 }, offset: { n: i } }]).then(() => i),
        ),
      );
      const list = await store.list(connector);
      expect(list).toHaveLength(4);
      for (const { partition, offset } of list) expect((offset as { n: number }).n % 4).toBe(partition['p']);
    });

    if (harness.reopen) {
      it('survives a reopen', async () => {
        const connector = uniqueName('durable');
        await store.put(connector, [
          { partition: { filename: 'test.txt' }, offset: { position: 30 } },
          { partition: { filename: 'gone.txt' }, offset: { position: 1 } },
        ]);
        await store.put(connector, [{ partition: { filename: 'gone.txt' }, offset: null }]);
        const reopened = await harness.reopen!();
        try {
          const result = await reopened.get(connector, [{ filename: 'test.txt' }, { filename: 'gone.txt' }]);
          expect(result.get(partitionKey({ filename: 'test.txt' }))).toEqual({ position: 30 });
          expect(result.get(partitionKey({ filename: 'gone.txt' }))).toBeNull();
          expect(await reopened.list(connector)).toEqual([
            { partition: { filename: 'test.txt' }, offset: { position: 30 } },
          ]);
        } finally {
          await reopened.stop();
        }
      });
    }
  });
}
