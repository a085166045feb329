/**
 * Connector-state rules every ConfigStore adapter shares (in-memory, file, DynamoDB): the errors of a create or
 * update that cannot apply, the state of a new connector and the state after one update. Kept here, next to the
 * ports, so the adapters agree without importing one another.
 */
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors';
import type { ConnectorConfig, ConnectorState, ConnectorStateChanges, TargetState } from './ports';

export const alreadyExists = (name: string): AlreadyExistsError =>
  new AlreadyExistsError(`Connector ${name} already exists`);
export const connectorNotFound = (name: string): NotFoundError => new NotFoundError(`Connector ${name} not found`);
export const versionConflict = (name: string, expected: number, actual: number): ConflictError =>
  new ConflictError(
    `Connector ${name} was modified concurrently (expected version ${expected}, found ${actual}); retry with fresh state`,
  );

/** A freshly created connector: version 1, no task configs yet (generation 0). */
export function newConnectorState(
  name: string,
  config: ConnectorConfig,
  targetState: TargetState,
  now = new Date(),
): ConnectorState {
  const at = now.toISOString();
  return {
    name,
    config: { ...config },
    targetState,
    version: 1,
    taskConfigs: [],
    generation: 0,
    taskConfigsFromVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
}

/** The state after one update: `changes` applied, version incremented. Pure; the caller checks the version. */
export function applyConnectorChanges(
  current: ConnectorState,
  changes: ConnectorStateChanges,
  now = new Date(),
): ConnectorState {
  const { clearRestartRequest, ...fields } = changes;
  const next: { -readonly [K in keyof ConnectorState]: ConnectorState[K] } = {
    ...current,
    ...(structuredClone(fields) as Partial<ConnectorState>),
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  if (clearRestartRequest) delete next.restartRequest;
  return next;
}
