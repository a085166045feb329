/**
 * The StatusStore contract: one suite, run against every adapter (memory, file, DynamoDB Local).
 */
import { randomUUID } from 'node:crypto';
import type { StatusRecord, StatusStore, TaskStatusState } from '../../lib/storage/ports';

export interface StatusStoreHarness {
  open(): Promise<StatusStore>;
  reopen?(): Promise<StatusStore>;
}

const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

const task = (
  state: TaskStatusState,
  generation: number,
  extra: Partial<StatusRecord<TaskStatusState>> = {},
): StatusRecord<TaskStatusState> => ({
  state,
  trace: null,
  workerId: 'host:8083',
  generation,
  updatedAt: 1_700_000_000_000 + generation,
  ...extra,
});

export function describeStatusStoreContract(adapter: string, harness: StatusStoreHarness): void {
  describe(`StatusStore contract: ${adapter}`, () => {
    let store: StatusStore;
    beforeAll(async () => {
      store = await harness.open();
    });

    it('puts and gets connector status', async () => {
      const name = uniqueName('conn');
      expect(await store.getConnector(name)).toBeUndefined();
      const status: StatusRecord = { state: 'RUNNING', trace: null, workerId: 'w:1', generation: 3, updatedAt: 42 };
      await store.putConnector(name, status);
      expect(await store.getConnector(name)).toEqual(status);
      const failed: StatusRecord = { ...status, state: 'FAILED', trace: 'java.lang.Boom\n\tat x', version: '4.1.0' };
      await store.putConnector(name, failed);
      expect(await store.getConnector(name)).toEqual(failed);
      const stopped: StatusRecord = { ...status, state: 'STOPPED', version: null };
      await store.putConnector(name, stopped);
      expect(await store.getConnector(name)).toEqual(stopped);
    });

    it('puts, gets and lists task status in id order', async () => {
      const name = uniqueName('tasks');
      expect(await store.listTasks(name)).toEqual([]);
      expect(await store.getTask(name, 0)).toBeUndefined();
      for (const id of [2, 0, 10, 1]) expect(await store.putTask(name, id, task('RUNNING', 1))).toBe(true);
      expect((await store.listTasks(name)).map((t) => t.id)).toEqual([0, 1, 2, 10]);
      expect(await store.getTask(name, 10)).toEqual({ ...task('RUNNING', 1), id: 10 });
      // Another connector whose name is a prefix does not leak in.
      expect(await store.listTasks(name.slice(0, -1))).toEqual([]);
      await store.deleteTask(name, 2);
      expect((await store.listTasks(name)).map((t) => t.id)).toEqual([0, 1, 10]);
      expect(await store.getTask(name, 2)).toBeUndefined();
    });

    it('fences task status writes of an older generation', async () => {
      const name = uniqueName('fence');
      expect(await store.putTask(name, 0, task('RUNNING', 2))).toBe(true);
      expect(await store.putTask(name, 0, task('FAILED', 1, { trace: 'zombie' }))).toBe(false);
      expect(await store.getTask(name, 0)).toMatchObject({ state: 'RUNNING', generation: 2, trace: null });
      expect(await store.putTask(name, 0, task('PAUSED', 2))).toBe(true); // same generation: the owner
      expect(await store.putTask(name, 0, task('RUNNING', 5, { version: '1.0' }))).toBe(true);
      expect(await store.getTask(name, 0)).toEqual({ ...task('RUNNING', 5, { version: '1.0' }), id: 0 });
    });

    it('keeps the newest generation among concurrent writers', async () => {
      const name = uniqueName('race');
      const generations = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      await Promise.all(generations.map((g) => store.putTask(name, 0, task('RUNNING', g))));
      expect((await store.getTask(name, 0))?.generation).toBe(20);
    });

    it('adds, gets and resets active topics', async () => {
      const name = uniqueName('topics');
      expect(await store.getTopics(name)).toEqual([]);
      await store.addTopics(name, ['b', 'a']);
      await store.addTopics(name, ['a', 'c']);
      await store.addTopics(name, []);
      expect((await store.getTopics(name)).sort()).toEqual(['a', 'b', 'c']);
      await store.resetTopics(name);
      expect(await store.getTopics(name)).toEqual([]);
      await Promise.all(['t1', 't2', 't3', 't4'].map((t) => store.addTopics(name, [t])));
      expect((await store.getTopics(name)).sort()).toEqual(['t1', 't2', 't3', 't4']);
    });

    it('deletes a connector with its tasks and topics, and nothing of another', async () => {
      const name = uniqueName('del');
      const other = `${name}-other`;
      for (const n of [name, other]) {
        await store.putConnector(n, { state: 'RUNNING', trace: null, workerId: 'w', generation: 1, updatedAt: 1 });
        await store.putTask(n, 0, task('RUNNING', 1));
        await store.putTask(n, 1, task('RUNNING', 1));
        await store.addTopics(n, ['topic']);
      }
      await store.deleteConnector(name);
      expect(await store.getConnector(name)).toBeUndefined();
      expect(await store.listTasks(name)).toEqual([]);
      expect(await store.getTopics(name)).toEqual([]);
      expect(await store.getConnector(other)).toBeDefined();
      expect(await store.listTasks(other)).toHaveLength(2);
      expect(await store.getTopics(other)).toEqual(['topic']);
      // A recreated connector starts clean: no fencing by the deleted one's generation.
      expect(await store.putTask(name, 0, task('RUNNING', 1))).toBe(true);
    });

    it('keeps one task-config request per connector, replaced by the next and deleted with the status', async () => {
      const name = uniqueName('tcreq');
      expect(await store.getTaskConfigsRequest(name)).toBeUndefined();
      const request = {
        generation: 3,
        configFingerprint: 'abc',
        taskConfigs: [{ 'task.class': 'T', topics: 'a,b' }, { 'task.class': 'T' }],
        version: '4.3.1',
        workerId: 'w',
        requestedAt: 5,
      };
      await store.putTaskConfigsRequest(name, request);
      expect(await store.getTaskConfigsRequest(name)).toEqual(request);
      const next = { ...request, generation: 4, taskConfigs: [], version: null };
      await store.putTaskConfigsRequest(name, next);
      expect(await store.getTaskConfigsRequest(name)).toEqual(next);
      // Not a task: listing tasks does not see it.
      expect(await store.listTasks(name)).toEqual([]);
      await store.deleteConnector(name);
      expect(await store.getTaskConfigsRequest(name)).toBeUndefined();
    });

    if (harness.reopen) {
      it('survives a reopen', async () => {
        const name = uniqueName('durable');
        await store.putConnector(name, { state: 'PAUSED', trace: null, workerId: 'w', generation: 1, updatedAt: 5 });
        await store.putTask(name, 3, task('FAILED', 4, { trace: 'trace' }));
        await store.addTopics(name, ['x']);
        const reopened = await harness.reopen!();
        expect(await reopened.getConnector(name)).toMatchObject({ state: 'PAUSED' });
        expect(await reopened.listTasks(name)).toEqual([{ ...task('FAILED', 4, { trace: 'trace' }), id: 3 }]);
        expect(await reopened.getTopics(name)).toEqual(['x']);
        expect(await reopened.putTask(name, 3, task('RUNNING', 3))).toBe(false);
      });
    }
  });
}
