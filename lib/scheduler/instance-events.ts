/**
 * What an instance's stop means for status, shared by the reconciler and the task-events Lambda (which hears
 * of an ECS task stopping before the next reconcile runs): an unplanned stop of the current generation shows
 * the task FAILED with how it ended, at once.
 */
import { isConnectorInstance } from './connector-task';
import type { ConfigStore, StatusStore, TaskInstance } from '../storage/ports';
import { describeExit, isCleanExit, isIntentionalStop } from './restart-policy';
import { RECONCILER_WORKER_ID } from './reconciler';
import { detectedTrace } from '../runtime/trace';

export type StopVerdict = 'failure' | 'planned' | 'superseded' | 'clean-exit';

export async function recordInstanceStopped(
  stores: { configStore: ConfigStore; statusStore: StatusStore },
  instance: TaskInstance,
  now = Date.now(),
): Promise<StopVerdict> {
  if (isIntentionalStop(instance)) return 'planned';
  // A connector task has no task status: the connector's status is its own report; the reconciler relaunches it.
  if (isConnectorInstance(instance)) {
    if (!(await stores.configStore.get(instance.connector))) return 'superseded';
    return isCleanExit(instance) ? 'clean-exit' : 'failure';
  }
  const state = await stores.configStore.get(instance.connector);
  if (!state || state.generation !== instance.generation || instance.taskId >= state.taskConfigs.length)
    return 'superseded';
  if (isCleanExit(instance)) return 'clean-exit';
  const current = await stores.statusStore.getTask(instance.connector, instance.taskId);
  // The task's own FAILED report carries the real stack trace: keep it.
  if (current?.state !== 'FAILED' || current.generation !== instance.generation) {
    await stores.statusStore.putTask(instance.connector, instance.taskId, {
      state: 'FAILED',
      trace: detectedTrace('TaskInstanceStopped', describeExit(instance)),
      workerId: RECONCILER_WORKER_ID,
      generation: instance.generation,
      updatedAt: now,
    });
  }
  return 'failure';
}
