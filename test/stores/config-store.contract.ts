/**
 * The ConfigStore contract: one suite, run against every adapter (memory, file, DynamoDB Local).
 */
import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../lib/errors';
import type { ConfigStore, ConnectorState } from '../../lib/storage/ports';

export interface ConfigStoreHarness {
  /** a store on fresh or shared storage; connector names are unique per test */
  open(): Promise<ConfigStore>;
  /** a second instance on the same storage (durable adapters only) */
  reopen?(): Promise<ConfigStore>;
  /** whether subscribe() must notify this process's writes */
  readonly notifies: boolean;
}

const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

function isConflict(error: unknown): boolean {
  return error instanceof ConflictError;
}

export function describeConfigStoreContract(adapter: string, harness: ConfigStoreHarness): void {
  describe(`ConfigStore contract: ${adapter}`, () => {
    let store: ConfigStore;
    beforeAll(async () => {
      store = await harness.open();
    });

    it('creates, gets, lists and deletes a connector', async () => {
      const name = uniqueName('crud');
      const config = {
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: 'test.txt',
        topic: 'connect-test',
      };
      const created = await store.create(name, config, 'STARTED');
      expect(created).toMatchObject({
        name,
        config,
        targetState: 'STARTED',
        version: 1,
        taskConfigs: [],
        generation: 0,
        taskConfigsFromVersion: 0,
      });
      expect(Date.parse(created.createdAt)).not.toBeNaN();
      expect(created.restartRequest).toBeUndefined();

      expect(await store.get(name)).toEqual(created);
      expect(await store.list()).toContain(name);
      expect(await store.getMany([name, uniqueName('absent')])).toEqual([created]);

      expect(await store.delete(name)).toBe(true);
      expect(await store.get(name)).toBeUndefined();
      expect(await store.list()).not.toContain(name);
      expect(await store.delete(name)).toBe(false);
    });

    it('keeps the initial target state', async () => {
      const name = uniqueName('stopped');
      expect((await store.create(name, { 'connector.class': 'X' }, 'STOPPED')).targetState).toBe('STOPPED');
      expect((await store.get(name))?.targetState).toBe('STOPPED');
    });

    it('rejects a duplicate create with AlreadyExistsError and keeps the first config', async () => {
      const name = uniqueName('dup');
      await store.create(name, { a: '1' }, 'STARTED');
      const duplicate = store.create(name, { a: '2' }, 'PAUSED');
      await expect(duplicate).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(duplicate).rejects.toThrow(`Connector ${name} already exists`);
      expect(await store.get(name)).toMatchObject({ config: { a: '1' }, targetState: 'STARTED', version: 1 });
    });

    it('lets exactly one of concurrent creates of the same name win', async () => {
      const name = uniqueName('race');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.create(name, { writer: String(i) }, 'STARTED')),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AlreadyExistsError);
      expect((await store.get(name))?.config).toEqual((won[0] as PromiseFulfilledResult<ConnectorState>).value.config);
    });

    it('updates conditionally on the version', async () => {
      const name = uniqueName('upd');
      const v1 = await store.create(name, { a: '1' }, 'STARTED');
      const v2 = await store.update(name, v1.version, { config: { a: '2', b: 'x' }, targetState: 'PAUSED' });
      expect(v2).toMatchObject({ version: 2, config: { a: '2', b: 'x' }, targetState: 'PAUSED', generation: 0 });
      expect(v2.createdAt).toBe(v1.createdAt);
      expect(await store.get(name)).toEqual(v2);

      const stale = store.update(name, v1.version, { targetState: 'STOPPED' });
      await expect(stale).rejects.toBeInstanceOf(ConflictError);
      expect(await store.get(name)).toEqual(v2);

      await expect(store.update(uniqueName('gone'), 1, { targetState: 'PAUSED' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('stores task configs with their generation, restart requests, and clears them', async () => {
      const name = uniqueName('tasks');
      const v1 = await store.create(name, { 'tasks.max': '2' }, 'STARTED');
      const taskConfigs = [
        { task: '0', file: 'a' },
        { task: '1', file: 'b' },
      ];
      const v2 = await store.update(name, v1.version, { taskConfigs, generation: 1, taskConfigsFromVersion: 1 });
      expect(v2).toMatchObject({ taskConfigs, generation: 1, taskConfigsFromVersion: 1, version: 2 });

      const restartRequest = { requestId: 'r-1', includeTasks: true, onlyFailed: false, requestedAt: v2.updatedAt };
      const v3 = await store.update(name, v2.version, { restartRequest, taskRestartRequests: { '1': 'r-2' } });
      expect(await store.get(name)).toMatchObject({ restartRequest, taskRestartRequests: { '1': 'r-2' }, taskConfigs });

      const v4 = await store.update(name, v3.version, { clearRestartRequest: true, taskRestartRequests: {} });
      expect(v4.restartRequest).toBeUndefined();
      const read = await store.get(name);
      expect(read).toEqual(v4);
      expect(read && 'restartRequest' in read).toBe(false);
      expect(read?.taskRestartRequests).toEqual({});

      const v5 = await store.update(name, v4.version, { taskConfigs: [], generation: 2 });
      expect(await store.get(name)).toMatchObject({ taskConfigs: [], generation: 2, version: v5.version });
    });

    it('stores large task configs (over 400 KB in total)', async () => {
      const name = uniqueName('large');
      const v1 = await store.create(name, { 'tasks.max': '8' }, 'STARTED');
      const big = 'x'.repeat(90_000);
      const taskConfigs = Array.from({ length: 8 }, (_, i) => ({ task: String(i), payload: `${i}${big}` }));
      await store.update(name, v1.version, { taskConfigs, generation: 1, taskConfigsFromVersion: 1 });
      const read = await store.get(name);
      expect(read?.taskConfigs).toEqual(taskConfigs);
      // Replacing them by fewer must not leave pieces of the old ones behind.
      await store.update(name, 2, { taskConfigs: taskConfigs.slice(0, 1), generation: 2 });
      expect((await store.get(name))?.taskConfigs).toEqual(taskConfigs.slice(0, 1));
      expect(await store.delete(name)).toBe(true);
      expect(await store.get(name)).toBeUndefined();
    });

    it('loses no update among 50 concurrent conditional writers that retry on conflict', async () => {
      const name = uniqueName('cas');
      await store.create(name, {}, 'STARTED');
      const writers = 50;
      const committed = await Promise.all(
        Array.from({ length: writers }, async (_, i) => {
          for (let attempt = 0; attempt < 500; attempt++) {
            const current = await store.get(name);
            if (!current) throw new Error('connector vanished');
            try {
              return await store.update(name, current.version, { config: { ...current.config, [`w${i}`]: 'x' } });
            } catch (error) {
              if (!isConflict(error)) throw error;
            }
          }
          throw new Error(`writer ${i} never won`);
        }),
      );
      const versions = committed.map((s) => s.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: writers }, (_, i) => i + 2));
      const final = await store.get(name);
      expect(final?.version).toBe(writers + 1);
      expect(final).toEqual(committed.find((s) => s.version === writers + 1));
      expect(Object.keys(final?.config ?? {}).sort()).toEqual(
        Array.from({ length: writers }, (_, i) => `w${i}`).sort(),
      );
    });

    if (harness.notifies) {
      it('notifies subscribers of create, update and delete', async () => {
        const name = uniqueName('sub');
        const seen: string[] = [];
        const unsubscribe = store.subscribe!((n) => {
          if (n === name) seen.push(n);
        });
        const v1 = await store.create(name, {}, 'STARTED');
        await store.update(name, v1.version, { targetState: 'PAUSED' });
        await store.delete(name);
        expect(seen).toEqual([name, name, name]);
        unsubscribe();
        await store.create(name, {}, 'STARTED');
        expect(seen).toHaveLength(3);
      });
    }

    if (harness.reopen) {
      it('survives a reopen', async () => {
        const name = uniqueName('durable');
        const v1 = await store.create(name, { a: '1' }, 'STARTED');
        const v2 = await store.update(name, v1.version, { taskConfigs: [{ t: '0' }], generation: 1 });
        const reopened = await harness.reopen!();
        expect(await reopened.get(name)).toEqual(v2);
        expect(await reopened.list()).toContain(name);
        await expect(reopened.update(name, v1.version, {})).rejects.toBeInstanceOf(ConflictError);
      });
    }
  });
}
