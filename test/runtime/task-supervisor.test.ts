import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import type { SupervisedTask } from '../../lib/runtime/task-supervisor';
import { TaskSupervisor } from '../../lib/runtime/task-supervisor';
import { waitFor } from '../services/env';

/** A runtime task stand-in: reports RUNNING/PAUSED like WorkerTask, runs until stop() or fail(). */
class FakeTask implements SupervisedTask {
  paused = false;
  private finish: ((error?: Error) => void) | undefined;
  constructor(
    private readonly report: (state: 'RUNNING' | 'PAUSED' | 'FAILED', trace: string | null, version?: string) => void,
  ) {}
  run(initial: 'STARTED' | 'PAUSED' = 'STARTED'): Promise<void> {
    this.paused = initial === 'PAUSED';
    // WorkerTask's listener carries the task plugin's version (createWorkerTask adds it).
    this.report(this.paused ? 'PAUSED' : 'RUNNING', null, '1.2.3');
    return new Promise((resolve, reject) => {
      this.finish = (error) => (error ? reject(error) : resolve());
    });
  }
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.report('PAUSED', null);
  }
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.report('RUNNING', null);
  }
  stop(): void {
    this.finish?.();
  }
  fail(message: string): void {
    this.report('FAILED', `Error: ${message}`);
    this.finish?.(new Error(message));
  }
}

async function setup(target: 'STARTED' | 'PAUSED' = 'STARTED') {
  const configStore = new InMemoryConfigStore();
  const statusStore = new InMemoryStatusStore();
  const created = await configStore.create('c', { name: 'c' }, target);
  const state = await configStore.update('c', created.version, { taskConfigs: [{}], generation: 1 });
  const supervisor = new TaskSupervisor({
    connector: 'c',
    taskId: 0,
    generation: 1,
    workerId: 'host:1',
    configStore,
    statusStore,
    heartbeatIntervalMs: 20,
    configPollMs: 10,
  });
  const task = new FakeTask(supervisor.onState);
  const outcome = supervisor.run(task, state.targetState);
  const write = async (changes: Parameters<InMemoryConfigStore['update']>[2]) => {
    const current = await configStore.get('c');
    await configStore.update('c', current!.version, changes);
  };
  return { configStore, statusStore, supervisor, task, outcome, write };
}

describe('TaskSupervisor', () => {
  it('reports RUNNING with its worker id, generation and plugin version, and heartbeats', async () => {
    const t = await setup();
    const first = await waitFor(() => t.statusStore.getTask('c', 0), { timeoutMs: 5000, description: 'status' });
    expect(first).toMatchObject({ state: 'RUNNING', workerId: 'host:1', generation: 1, trace: null, version: '1.2.3' });
    await waitFor(async () => ((await t.statusStore.getTask('c', 0))?.updatedAt ?? 0) > first.updatedAt, {
      timeoutMs: 5000,
      description: 'a newer heartbeat',
    });
    t.supervisor.requestStop();
    expect(await t.outcome).toBe('stopped');
  });

  it('starts paused for a PAUSED connector and follows pause/resume', async () => {
    const t = await setup('PAUSED');
    await waitFor(async () => (await t.statusStore.getTask('c', 0))?.state === 'PAUSED', {
      timeoutMs: 5000,
      description: 'PAUSED',
    });
    await t.write({ targetState: 'STARTED' });
    await waitFor(async () => (await t.statusStore.getTask('c', 0))?.state === 'RUNNING', {
      timeoutMs: 5000,
      description: 'RUNNING',
    });
    await t.write({ targetState: 'PAUSED' });
    await waitFor(async () => (await t.statusStore.getTask('c', 0))?.state === 'PAUSED', {
      timeoutMs: 5000,
      description: 'PAUSED again',
    });
    t.supervisor.requestStop();
    await t.outcome;
  });

  it('fences itself when the generation moves on, and writes nothing after that', async () => {
    const t = await setup();
    await waitFor(() => t.statusStore.getTask('c', 0), { timeoutMs: 5000, description: 'status' });
    await t.write({ generation: 2 });
    expect(await t.outcome).toBe('fenced');
    await t.statusStore.putTask('c', 0, {
      state: 'UNASSIGNED',
      trace: null,
      workerId: 'reconciler',
      generation: 2,
      updatedAt: 1,
    });
    expect(await t.supervisor.isCurrent()).toBe(false);
    expect((await t.statusStore.getTask('c', 0))?.workerId).toBe('reconciler');
  });

  it('fences itself when the status store rejects its generation', async () => {
    const t = await setup();
    await t.statusStore.putTask('c', 0, {
      state: 'RUNNING',
      trace: null,
      workerId: 'successor',
      generation: 5,
      updatedAt: 1,
    });
    expect(await t.outcome).toBe('fenced');
  });

  it('exits when the connector is deleted or stopped', async () => {
    const deleted = await setup();
    await deleted.configStore.delete('c');
    expect(await deleted.outcome).toBe('fenced');
    const stopped = await setup();
    await stopped.write({ targetState: 'STOPPED' });
    expect(await stopped.outcome).toBe('fenced');
  });

  it('lets a task that is stopped, deleted or reconfigured commit its final offsets, but not once superseded', async () => {
    const stopped = await setup();
    await stopped.write({ targetState: 'STOPPED' });
    // No successor can be running: the final commit of the stopping task goes through (stop → resume replays 0).
    expect(await stopped.supervisor.isCurrent()).toBe(true);
    const deleted = await setup();
    await deleted.configStore.delete('c');
    expect(await deleted.supervisor.isCurrent()).toBe(true);
    const reconfigured = await setup();
    await reconfigured.write({ generation: 2 });
    expect(await reconfigured.supervisor.isCurrent()).toBe(true);
    // Once an instance of the new generation was launched (it owns the status), the old one is a zombie.
    await reconfigured.statusStore.putTask('c', 0, {
      state: 'UNASSIGNED',
      trace: null,
      workerId: 'reconciler',
      generation: 2,
      updatedAt: 1,
    });
    expect(await reconfigured.supervisor.isCurrent()).toBe(false);
    for (const t of [stopped, deleted, reconfigured]) await t.outcome;
  });

  it('reports a task failure as FAILED with its trace and outcome failed', async () => {
    const t = await setup();
    t.task.fail('disk full');
    expect(await t.outcome).toBe('failed');
    expect(await t.statusStore.getTask('c', 0)).toMatchObject({ state: 'FAILED', trace: 'Error: disk full' });
  });
});
