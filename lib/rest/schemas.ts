/**
 * zod schemas of every REST entity, shaped as Apache Kafka Connect 4.3's Jackson output. Requests are parsed
 * with them (lenient where Jackson is: scalar config values become strings); responses are described by them
 * in the OpenAPI document (`.meta({ id })` names the component).
 */
import * as z from 'zod';
import type * as E from '../herder/entities';

// ---- requests ----

/** Jackson maps a JSON number/boolean to a Java String; objects and arrays are rejected. null is kept. */
const configValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const ConfigMapRequest = z
  .record(z.string(), configValue)
  .meta({ id: 'ConnectorConfigRequest', description: 'Flat connector configuration: string keys to string values' });

/** PATCH: a JSON null removes the key (KIP-477); Create/PUT also accept null values and reject them in validation. */
export const ConfigPatchRequest = z
  .record(z.string(), configValue.nullable())
  .meta({ id: 'ConnectorConfigPatch', description: 'Keys to set; a null value removes the key' });

export const InitialState = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['RUNNING', 'PAUSED', 'STOPPED']));

export const CreateConnectorRequest = z
  .strictObject({
    name: z.string().nullable().optional(),
    config: ConfigPatchRequest,
    initial_state: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'RUNNING (default), PAUSED or STOPPED, case-insensitive' }),
  })
  .meta({ id: 'CreateConnectorRequest' });

const offsetMap = z.record(z.string(), z.unknown());
export const ConnectorOffset = z
  .strictObject({ partition: offsetMap.nullable().optional(), offset: offsetMap.nullable().optional() })
  .meta({ id: 'ConnectorOffset' });
export const ConnectorOffsetsRequest = z
  .strictObject({ offsets: z.array(ConnectorOffset).nullable().optional() })
  .meta({ id: 'ConnectorOffsetsRequest' });

export const LoggerLevelRequest = z
  .object({ level: z.string().nullable().optional() })
  .meta({ id: 'LoggerLevelRequest' });

// ---- responses ----

export const ConfigMap = z.record(z.string(), z.string()).meta({ id: 'ConnectorConfig' });
export const ConnectorType = z.enum(['source', 'sink', 'unknown']);
export const ConnectorTaskId = z.object({ connector: z.string(), task: z.int() }).meta({ id: 'ConnectorTaskId' });

export const ConnectorInfo = z
  .object({ name: z.string(), config: ConfigMap, tasks: z.array(ConnectorTaskId), type: ConnectorType })
  .meta({ id: 'ConnectorInfo' });

const ConnectorState = z.enum(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED']);
const TaskStateEnum = z.enum(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING']);

export const ConnectorStatus = z
  .object({
    state: ConnectorState,
    worker_id: z.string(),
    trace: z.string().optional(),
    version: z.string().optional(),
  })
  .meta({ id: 'ConnectorStatus' });
export const TaskState = z
  .object({
    id: z.int(),
    state: TaskStateEnum,
    worker_id: z.string(),
    trace: z.string().optional(),
    version: z.string().optional(),
  })
  .meta({ id: 'TaskState' });
export const ConnectorStateInfo = z
  .object({ name: z.string(), connector: ConnectorStatus, tasks: z.array(TaskState), type: ConnectorType })
  .meta({ id: 'ConnectorStateInfo' });

export const ConnectorNames = z.array(z.string()).meta({ id: 'ConnectorNames' });
const PartitionLag = z.object({
  topic: z.string(),
  partition: z.number().int(),
  position: z.number().nullable(),
  end: z.number(),
  lag: z.number(),
});

/** Ours: `GET /connectors/{name}/metrics` (Apache has no such path; it exposes these over JMX). */
export const ConnectorMetrics = z
  .object({
    name: z.string(),
    type: z.enum(['source', 'sink', 'unknown']),
    lag: z.number().nullable(),
    stalled: z.boolean(),
    tasks: z.array(
      z.object({
        id: z.number().int(),
        state: z.string(),
        worker_id: z.string(),
        reported_at: z.number(),
        reporting: z.boolean(),
        records_in: z.number(),
        records_out: z.number(),
        records_active: z.number(),
        last_poll_time: z.number().nullable(),
        last_put_time: z.number().nullable(),
        last_commit_time: z.number().nullable(),
        lag: z.array(PartitionLag),
        stalled: z.boolean(),
        stalled_reason: z.string().optional(),
        stalled_since: z.number().optional(),
        metrics: z.record(z.string(), z.number()),
      }),
    ),
  })
  .meta({ id: 'ConnectorMetrics' });

export const ConnectorsExpanded = z
  .record(
    z.string(),
    z.object({
      status: ConnectorStateInfo.optional(),
      info: ConnectorInfo.optional(),
      metrics: ConnectorMetrics.optional(),
    }),
  )
  .meta({ id: 'ConnectorsExpanded' });

export const TaskInfo = z.object({ id: ConnectorTaskId, config: ConfigMap }).meta({ id: 'TaskInfo' });
export const TaskInfos = z.array(TaskInfo);

export const ConnectorOffsets = z
  .object({ offsets: z.array(z.object({ partition: offsetMap, offset: offsetMap.nullable() })) })
  .meta({ id: 'ConnectorOffsets' });

export const Message = z.object({ message: z.string() }).meta({ id: 'Message' });

export const ActiveTopics = z
  .record(z.string(), z.object({ topics: z.array(z.string()) }))
  .meta({ id: 'ActiveTopics' });

export const PluginInfo = z
  .object({
    class: z.string(),
    type: z.enum(['source', 'sink', 'converter', 'header_converter', 'transformation', 'predicate']),
    version: z.string().optional(),
  })
  .meta({ id: 'PluginInfo' });
export const PluginInfos = z.array(PluginInfo);

export const ConfigKeyInfo = z
  .object({
    name: z.string(),
    type: z.string(),
    required: z.boolean(),
    default_value: z.string().nullable(),
    importance: z.string(),
    documentation: z.string().nullable(),
    group: z.string().nullable(),
    order_in_group: z.int(),
    width: z.string(),
    display_name: z.string().nullable(),
    dependents: z.array(z.string()),
  })
  .meta({ id: 'ConfigKeyInfo' });
export const ConfigKeyInfos = z.array(ConfigKeyInfo);

export const ConfigValueInfo = z
  .object({
    name: z.string(),
    value: z.string().nullable(),
    recommended_values: z.array(z.string()),
    errors: z.array(z.string()),
    visible: z.boolean(),
  })
  .meta({ id: 'ConfigValueInfo' });

export const ConfigInfos = z
  .object({
    name: z.string(),
    error_count: z.int(),
    groups: z.array(z.string()),
    configs: z.array(z.object({ definition: ConfigKeyInfo.nullable(), value: ConfigValueInfo.nullable() })),
  })
  .meta({ id: 'ConfigInfos' });

export const LoggerLevel = z
  .object({ level: z.string(), last_modified: z.int().nullable() })
  .meta({ id: 'LoggerLevel' });
export const LoggerLevels = z.record(z.string(), LoggerLevel).meta({ id: 'LoggerLevels' });
export const LoggerNames = z.array(z.string());

export const ServerInfo = z
  .object({ version: z.string(), commit: z.string(), kafka_cluster_id: z.string().nullable() })
  .meta({ id: 'ServerInfo' });

export const HealthInfo = z
  .object({ status: z.enum(['healthy', 'starting', 'unhealthy']), message: z.string() })
  .meta({ id: 'HealthInfo' });

export const ErrorMessage = z
  .object({ error_code: z.int(), message: z.string().nullable() })
  .meta({ id: 'ErrorMessage', description: 'Every error: error_code equals the HTTP status' });

// Compile-time check that the herder's entity types fit the schemas the OpenAPI document publishes.
type Fits<Actual, Schema extends z.ZodType> = Actual extends z.output<Schema> ? true : never;
export const entitiesFitSchemas: [
  Fits<E.ConnectorInfo, typeof ConnectorInfo>,
  Fits<E.ConnectorStateInfo, typeof ConnectorStateInfo>,
  Fits<E.TaskInfo, typeof TaskInfo>,
  Fits<E.ConnectorOffsets, typeof ConnectorOffsets>,
  Fits<E.PluginInfo, typeof PluginInfo>,
  Fits<E.ConfigKeyInfo, typeof ConfigKeyInfo>,
  Fits<E.ConfigInfos, typeof ConfigInfos>,
  Fits<E.LoggerLevel, typeof LoggerLevel>,
  Fits<E.ServerInfo, typeof ServerInfo>,
  Fits<E.HealthInfo, typeof HealthInfo>,
  Fits<Record<string, E.ConnectorExpansion>, typeof ConnectorsExpanded>,
  Fits<NonNullable<E.ConnectorExpansion['metrics']>, typeof ConnectorMetrics>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];

// ---- query parameters and unions used by the route table ----

export const BooleanQuery = z.string().meta({ description: 'true (case-insensitive) or anything else for false' });
export const ExpandQuery = z.array(z.string());
export const ScopeQuery = z.string();
export const ConnectorList = z.union([ConnectorNames, ConnectorsExpanded]);
