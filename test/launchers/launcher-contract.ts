/**
 * The TaskLauncher contract, run against every adapter (local processes, in-process, ECS on moto). Three adapters, one
 * behaviour: what the reconciler relies on.
 */
import type { TaskInstance, TaskLauncher } from '../../lib/storage/ports';
import { uniqueName, waitFor } from '../services/env';

export interface LauncherUnderTest {
  readonly launcher: TaskLauncher;
  /** a second launcher of the same kind that must not see the first one's instances (other startedBy / dir) */
  readonly other: TaskLauncher;
  cleanup(): Promise<void>;
}

const find = async (launcher: TaskLauncher, id: string): Promise<TaskInstance | undefined> =>
  (await launcher.list()).find((i) => i.instanceId === id);

export function launcherContract(name: string, create: () => Promise<LauncherUnderTest>): void {
  describe(`TaskLauncher contract: ${name}`, () => {
    let subject: LauncherUnderTest;
    beforeAll(async () => {
      subject = await create();
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    it('launches an instance that list() reports with its identity', async () => {
      const connector = uniqueName('contract');
      const before = Date.now();
      const launched = await subject.launcher.launch({ connector, taskId: 2, generation: 7 });
      expect(launched).toMatchObject({ connector, taskId: 2, generation: 7 });
      expect(['PENDING', 'RUNNING']).toContain(launched.state);
      const listed = await find(subject.launcher, launched.instanceId);
      expect(listed).toMatchObject({ connector, taskId: 2, generation: 7 });
      expect(['PENDING', 'RUNNING']).toContain(listed?.state);
      expect(listed!.startedAt).toBeGreaterThanOrEqual(before - 5_000);
      await subject.launcher.stop(launched.instanceId, 'test done');
    });

    it('gives every instance its own id, also for a relaunch of the same task', async () => {
      const connector = uniqueName('contract');
      const a = await subject.launcher.launch({ connector, taskId: 0, generation: 1 });
      const b = await subject.launcher.launch({ connector, taskId: 0, generation: 1, replaces: a.instanceId });
      expect(a.instanceId).not.toBe(b.instanceId);
      await subject.launcher.stop(a.instanceId, 'test done');
      await subject.launcher.stop(b.instanceId, 'test done');
    });

    it('stop() ends the instance, which stays listed as STOPPED with the reason; stop is idempotent', async () => {
      const connector = uniqueName('contract');
      const launched = await subject.launcher.launch({ connector, taskId: 0, generation: 1 });
      await subject.launcher.stop(launched.instanceId, 'Stopped by reconciler: connector deleted');
      const stopped = await waitFor(
        async () => {
          const found = await find(subject.launcher, launched.instanceId);
          return found?.state === 'STOPPED' ? found : undefined;
        },
        { timeoutMs: 20_000, description: 'instance STOPPED' },
      );
      expect(stopped.stoppedReason).toContain('Stopped by reconciler: connector deleted');
      expect(stopped.stoppedAt).toEqual(expect.any(Number));
      await subject.launcher.stop(launched.instanceId, 'again');
      expect((await find(subject.launcher, launched.instanceId))?.state).toBe('STOPPED');
    });

    it('keeps connector names with any character intact', async () => {
      const connector = `${uniqueName('contract')} with spaces/slashes & ünïcode`;
      const launched = await subject.launcher.launch({ connector, taskId: 0, generation: 3 });
      expect((await find(subject.launcher, launched.instanceId))?.connector).toBe(connector);
      await subject.launcher.stop(launched.instanceId, 'test done');
    });

    it("lists only its own instances, not another launcher's", async () => {
      const connector = uniqueName('contract');
      const mine = await subject.launcher.launch({ connector, taskId: 0, generation: 1 });
      expect((await subject.other.list()).map((i) => i.instanceId)).not.toContain(mine.instanceId);
      await subject.launcher.stop(mine.instanceId, 'test done');
    });
  });
}
