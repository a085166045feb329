/**
 * The REST entities the herder returns, shaped exactly as Apache's Jackson output (`RT/rest/entities/*.java`).
 * lib/rest holds the zod schemas of the same shapes (and checks they agree at compile time).
 */
import type { ConnectorStatusState, TaskStatusState } from '../storage/ports';
import type { ConnectorMetricsInfo } from './connector-metrics';

export type ConnectorType = 'source' | 'sink' | 'unknown';
export type ConfigMap = Record<string, string>;

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

export interface ConnectorInfo {
  name: string;
  config: ConfigMap;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface ConnectorStatusInfo {
  state: ConnectorStatusState;
  worker_id: string;
  trace?: string;
  version?: string;
}

export interface TaskStateInfo {
  id: number;
  state: TaskStatusState;
  worker_id: string;
  trace?: string;
  version?: string;
}

export interface ConnectorStateInfo {
  name: string;
  connector: ConnectorStatusInfo;
  tasks: TaskStateInfo[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: ConnectorTaskId;
  config: ConfigMap;
}

export interface ConnectorExpansion {
  status?: ConnectorStateInfo;
  info?: ConnectorInfo;
  /** ours (`expand=metrics`): what `GET /connectors/{name}/metrics` returns */
  metrics?: ConnectorMetricsInfo;
}

export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface ConnectorOffsets {
  offsets: ConnectorOffset[];
}

export interface Message {
  message: string;
}

export type PluginType = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

export interface PluginInfo {
  class: string;
  type: PluginType;
  version?: string;
}

// The REST shapes of plugin configs are defined once, beside ConfigDef.
export type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from '../connect/config-def';

export interface LoggerLevel {
  level: string;
  last_modified: number | null;
}

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string | null;
}

export interface HealthInfo {
  status: 'healthy' | 'starting' | 'unhealthy';
  message: string;
}

export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface CreateConnectorRequest {
  name?: string | null | undefined;
  config?: Record<string, string | null> | null | undefined;
  /** RUNNING | PAUSED | STOPPED, case-insensitive */
  initial_state?: string | null | undefined;
}
