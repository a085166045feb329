/**
 * zod schemas of stored connector state and status records: every adapter validates what it reads back
 * (a hand-edited or half-migrated store fails loudly with the offending location instead of leaking bad data).
 */
import { z } from 'zod';
import type { ConnectorState, StatusRecord, TaskProgress, TaskStatusState } from './ports';

const stringMap = z.record(z.string(), z.string());

export const restartRequestSchema = z.object({
  requestId: z.string(),
  includeTasks: z.boolean(),
  onlyFailed: z.boolean(),
  requestedAt: z.string(),
});

export const targetStateSchema = z.enum(['STARTED', 'PAUSED', 'STOPPED']);

export const connectorStateSchema = z.object({
  name: z.string(),
  config: stringMap,
  targetState: targetStateSchema,
  version: z.number().int().positive(),
  taskConfigs: z.array(stringMap),
  generation: z.number().int().nonnegative(),
  taskConfigsFromVersion: z.number().int().nonnegative(),
  restartRequest: restartRequestSchema.optional(),
  taskRestartRequests: z.record(z.string(), z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Parsed state without `undefined` optional members (exactOptionalPropertyTypes). */
export function toConnectorState(parsed: z.infer<typeof connectorStateSchema>): ConnectorState {
  const { restartRequest, taskRestartRequests, ...rest } = parsed;
  return {
    ...rest,
    ...(restartRequest ? { restartRequest } : {}),
    ...(taskRestartRequests ? { taskRestartRequests } : {}),
  };
}

export const connectorStatusStateSchema = z.enum([
  'UNASSIGNED',
  'RUNNING',
  'PAUSED',
  'FAILED',
  'RESTARTING',
  'STOPPED',
]);
export const taskStatusStateSchema = z.enum(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING']);

const statusFields = {
  trace: z.string().nullable(),
  workerId: z.string(),
  generation: z.number().int(),
  updatedAt: z.number(),
  version: z.string().nullable().optional(),
};

const taskProgressSchema = z.object({
  kind: z.enum(['source', 'sink']),
  startedAt: z.number(),
  at: z.number(),
  recordsIn: z.number(),
  recordsOut: z.number(),
  recordsActive: z.number(),
  lastPollAt: z.number().nullable(),
  lastPutAt: z.number().nullable(),
  lastCommitAt: z.number().nullable(),
  metrics: z.record(z.string(), z.number()),
  lag: z
    .array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        position: z.number().nullable(),
        end: z.number(),
        lag: z.number(),
      }),
    )
    .optional(),
  groupLag: z.number().optional(),
  groupCommitMovedAt: z.number().optional(),
});

export const taskConfigsRequestSchema = z.object({
  generation: z.number().int().nonnegative(),
  configFingerprint: z.string(),
  taskConfigs: z.array(stringMap),
  version: z.string().nullable(),
  workerId: z.string(),
  requestedAt: z.number(),
});

export const connectorStatusSchema = z.object({ state: connectorStatusStateSchema, ...statusFields });
export const taskStatusSchema = z.object({
  state: taskStatusStateSchema,
  ...statusFields,
  progress: taskProgressSchema.optional(),
});

const withoutUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Parsed status without an `undefined` version member. */
export function toStatusRecord<S extends string>(parsed: {
  state: S;
  trace: string | null;
  workerId: string;
  generation: number;
  updatedAt: number;
  version?: string | null | undefined;
  progress?: z.infer<typeof taskProgressSchema> | undefined;
}): StatusRecord<S> {
  const { version, progress, ...rest } = parsed;
  return {
    ...rest,
    ...(version === undefined ? {} : { version }),
    ...(progress === undefined ? {} : { progress: withoutUndefined(progress) as TaskProgress }),
  };
}

export type ParsedTaskStatus = StatusRecord<TaskStatusState>;

/** Parses `text` as JSON against `schema`; the error names `where` (a file path or an item key). */
export function parseStored<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Corrupt store data in ${where}: ${(error as Error).message}`, { cause: error });
  }
  return validateStored(schema, json, where);
}

export function validateStored<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`Invalid store data in ${where}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** The `/admin/loggers` levels record (LoggerLevelStore). */
export const loggerLevelsSchema = z.record(
  z.string(),
  z.object({ level: z.string(), last_modified: z.number().nullable() }),
);
