/**
 * The REST entities the herder returns, shaped exactly as Apache's Jackson output (`RT/rest/entities/*.java`).
 * lib/rest holds the zod schemas of the same shapes (and checks they agree at compile time).
 */
import type { ConnectorStatusState, TaskStatusState } from '../storage/ports';

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

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string | null;
  group: string | null;
  order_in_group: number;
  width: string;
  display_name: string | null;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

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
