/**
 * The connector task (docs/java-plugins.md, "Java connectors in AWS: the connector task"): where the connector
 * instance does not keep running in the control plane (the stateless catalog Lambda of AWS), the reconciler runs
 * one more instance per started Java connector, task id {@link CONNECTOR_TASK_ID}, that keeps Apache's connector
 * running as a worker would and reports what it hears: its status, and the new task configs its
 * `requestTaskReconfiguration()` leads to ({@link TaskConfigsRequest}). The reconciler stores those as a new
 * generation only while they apply to what is stored ({@link acceptableRequest}).
 */
import { createHash } from 'node:crypto';
import type { ConnectorConfig, ConnectorState, TaskConfigsRequest, TaskInstance } from '../storage/ports';
import { sameTaskConfigs } from './task-configs';

/** The task id of a connector's connector task (ECS tag `skc:task`, `SKC_TASK_ID`): never a real task's. */
export const CONNECTOR_TASK_ID = -1;

export const isConnectorInstance = (instance: Pick<TaskInstance, 'taskId'>): boolean =>
  instance.taskId === CONNECTOR_TASK_ID;

/** A digest of the raw connector config (keys sorted): which config a request's task configs came from. */
export function configFingerprint(config: ConnectorConfig): string {
  const sorted = Object.keys(config)
    .sort()
    .map((key) => [key, config[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * The request's task configs, when they should replace the stored ones: made for the stored generation (a request
 * of a connector instance that had not seen the latest task configs, or a late one of a zombie instance, is
 * refused: generation fencing as for tasks) from the stored config (a config change restarts the connector; its
 * answer comes with the new config), and different from what is stored.
 */
export function acceptableRequest(
  state: ConnectorState,
  request: TaskConfigsRequest | undefined,
): TaskConfigsRequest | undefined {
  if (!request || state.targetState !== 'STARTED') return undefined;
  if (request.generation !== state.generation) return undefined;
  if (request.configFingerprint !== configFingerprint(state.config)) return undefined;
  if (sameTaskConfigs(request.taskConfigs, state.taskConfigs)) return undefined;
  return request;
}
