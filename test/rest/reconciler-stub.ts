/**
 * Plays the reconciler's part in REST tests (the herder only writes desired state): task configs with a new
 * generation and connector/task status records, as lib/scheduler writes them.
 */
import type { ConnectorStatusState, TaskStatusState } from '../../lib/storage/ports';
import type { TestApi } from './harness';

export interface Converged {
  connector?: ConnectorStatusState;
  tasks?: number;
  taskState?: TaskStatusState;
  trace?: string;
}

export async function converge(
  t: Pick<TestApi, 'configStore' | 'statusStore'>,
  name: string,
  c: Converged = {},
): Promise<void> {
  const state = await t.configStore.get(name);
  if (!state) throw new Error(`no connector ${name}`);
  const stopped = state.targetState === 'STOPPED';
  const count = stopped ? 0 : (c.tasks ?? 1);
  const generation = state.generation + 1;
  const taskConfigs = Array.from({ length: count }, () => ({ ...state.config, 'task.class': 'TestTask' }));
  await t.configStore.update(name, state.version, { taskConfigs, generation, taskConfigsFromVersion: state.version });
  const connectorState: ConnectorStatusState =
    c.connector ?? (stopped ? 'STOPPED' : state.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING');
  const at = Date.now();
  await t.statusStore.putConnector(name, {
    state: connectorState,
    trace: c.trace ?? null,
    workerId: 'reconciler',
    generation,
    updatedAt: at,
    version: '4.3.1',
  });
  for (const task of await t.statusStore.listTasks(name)) await t.statusStore.deleteTask(name, task.id);
  for (let id = 0; id < count; id++) {
    await t.statusStore.putTask(name, id, {
      state: c.taskState ?? (connectorState === 'PAUSED' ? 'PAUSED' : 'RUNNING'),
      trace: c.taskState === 'FAILED' ? (c.trace ?? 'java.lang.Exception: boom') : null,
      workerId: `task-${id}`,
      generation,
      updatedAt: at,
      version: '4.3.1',
    });
  }
}
