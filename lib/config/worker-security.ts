/**
 * The worker keys that limit what a REST caller can make a connector do (docs/security.md): Apache's
 * `connector.client.config.override.policy` / `…allowlist`, and this project's own `skc.*` keys, which have no
 * Apache equivalent — a cap on `tasks.max` and the FileStream confinement. One parse for every composition root
 * (API, reconciler, task-runner, standalone), so validation and run time apply the same rules.
 */
import { AbstractConfig, ConfigDef, Range } from '../connect/config-def';
import { overridePolicy, type ConnectorClientConfigOverridePolicy } from './override-policy';

export const CONNECTOR_CLIENT_POLICY_CLASS_CONFIG = 'connector.client.config.override.policy';
export const CONNECTOR_CLIENT_ALLOWLIST_CONFIG = 'connector.client.config.override.allowlist';
/** Largest `tasks.max` a connector may ask for (ours; Apache has no cap). */
export const TASKS_MAX_LIMIT_CONFIG = 'skc.tasks.max.limit';
export const TASKS_MAX_LIMIT_DEFAULT = 1000;
/** `false` removes the FileStream connectors from the plug-ins (ours; Apache 3.2+ leaves them off its classpath). */
export const FILESTREAM_ENABLE_CONFIG = 'skc.filestream.enable';
/** Absolute directories the FileStream connectors' `file` must lie in (ours; unset = anywhere, as in Apache). */
export const FILESTREAM_ALLOWED_PATHS_CONFIG = 'skc.filestream.allowed.paths';

/** The definitions, merged into the worker ConfigDefs (worker-config.ts) so a bad value fails at startup. */
export function defineWorkerSecurityKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: TASKS_MAX_LIMIT_CONFIG,
      type: 'INT',
      defaultValue: TASKS_MAX_LIMIT_DEFAULT,
      validator: Range.atLeast(1),
      importance: 'MEDIUM',
      documentation: 'The largest tasks.max a connector may set; larger values fail validation (not an Apache key).',
    })
    .define({
      name: FILESTREAM_ENABLE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'MEDIUM',
      documentation: 'Whether the FileStreamSource/FileStreamSink connectors are available (not an Apache key).',
    })
    .define({
      name: FILESTREAM_ALLOWED_PATHS_CONFIG,
      type: 'LIST',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation:
        'Absolute directories the FileStream connectors may read or write; unset allows every path (not an Apache key).',
    });
}

export interface FileStreamSettings {
  readonly enabled: boolean;
  /** null: every path allowed */
  readonly allowedPaths: readonly string[] | null;
}

export interface WorkerSecuritySettings {
  readonly overridePolicy: ConnectorClientConfigOverridePolicy;
  readonly tasksMaxLimit: number;
  readonly fileStream: FileStreamSettings;
}

/** Apache's defaults: policy `All`, FileStream on and unconfined; our `tasks.max` cap. */
export const DEFAULT_WORKER_SECURITY: WorkerSecuritySettings = {
  overridePolicy: overridePolicy('All'),
  tasksMaxLimit: TASKS_MAX_LIMIT_DEFAULT,
  fileStream: { enabled: true, allowedPaths: null },
};

const securityDef = (): ConfigDef =>
  defineWorkerSecurityKeys(
    new ConfigDef()
      .define({
        name: CONNECTOR_CLIENT_POLICY_CLASS_CONFIG,
        type: 'STRING',
        defaultValue: 'All',
        importance: 'MEDIUM',
        documentation: 'See worker-config.ts.',
      })
      .define({
        name: CONNECTOR_CLIENT_ALLOWLIST_CONFIG,
        type: 'LIST',
        defaultValue: [],
        importance: 'MEDIUM',
        documentation: 'See worker-config.ts.',
      }),
  );

/** The settings of worker properties (raw or resolved; these keys take no placeholders). Throws ConfigException. */
export function workerSecuritySettings(props: Readonly<Record<string, string>>): WorkerSecuritySettings {
  const config = new AbstractConfig(securityDef(), props);
  const allowed = config.getList(FILESTREAM_ALLOWED_PATHS_CONFIG);
  return {
    overridePolicy: overridePolicy(
      config.getString(CONNECTOR_CLIENT_POLICY_CLASS_CONFIG) ?? 'All',
      config.getList(CONNECTOR_CLIENT_ALLOWLIST_CONFIG) ?? [],
    ),
    tasksMaxLimit: config.getInt(TASKS_MAX_LIMIT_CONFIG) ?? TASKS_MAX_LIMIT_DEFAULT,
    fileStream: {
      enabled: config.getBoolean(FILESTREAM_ENABLE_CONFIG) ?? true,
      allowedPaths: allowed === null ? null : allowed.filter((p) => p.trim() !== ''),
    },
  };
}

/** The validation error of a `tasks.max` above the cap, or null (Apache's `Range` wording plus the key to change). */
export function tasksMaxLimitError(tasksMax: string | undefined, limit: number): string | null {
  if (tasksMax === undefined) return null;
  const n = Number(tasksMax.trim());
  if (!Number.isFinite(n) || n <= limit) return null;
  return (
    `Invalid value ${tasksMax.trim()} for configuration tasks.max: Value must be no more than ${limit} ` +
    `(the worker's '${TASKS_MAX_LIMIT_CONFIG}')`
  );
}
