/**
 * The connector config validation the herder uses in production: lib/config's `validateConnectorConfig`
 * (framework keys of Apache's ConnectorConfig/SinkConnectorConfig/SourceConnectorConfig, transforms and
 * predicates, converter sub-configs, client overrides) with plugin classes resolved through the registry.
 */
import type { Connector, SourceConnector } from '../connect/connector';
import { ConfigDef } from '../connect/config-def';
import {
  connectorPluginConfig,
  type PluginKind,
  type PluginResolver,
  validateConnectorConfig,
} from '../config/connector-config';
import { DEFAULT_WORKER_SECURITY, tasksMaxLimitError, type WorkerSecuritySettings } from '../config/worker-security';
import type { ConfigInfos } from '../connect/config-def';
import { hasPlaceholders } from '../config/config-providers';
import { FILESTREAM_CONNECTOR_CLASSES, fileStreamPathError } from '../plugins/filestream/file-access';
import type { PluginRegistry } from '../plugins/registry';
import type { ConnectorValidation } from './plugin-catalog';

/** The registry as lib/config's PluginResolver: a class name or alias → every type it implements. */
export function registryResolver(registry: PluginRegistry): PluginResolver {
  return {
    resolve(classOrAlias) {
      const className = registry.resolveClassName(classOrAlias);
      const descs = registry.list().filter((d) => d.className === className);
      const first = descs[0];
      if (!first) return null;
      return {
        className,
        kinds: descs.map((d) => d.type as PluginKind),
        version: first.version,
        config: () => {
          const plugin = first.create() as { config?: () => ConfigDef };
          if (typeof plugin.config === 'function') return plugin.config();
          // A JavaScript plug-in that duck-types the SPI may declare no keys: it gets its own config as given.
          return first.location === 'classpath' ? null : new ConfigDef();
        },
      };
    },
    classNames: (kind) => registry.list(kind).map((d) => d.className),
  };
}

/** Add a validation error to `key` in `infos` (a new entry without definition when the key is not listed). */
export function addError(infos: ConfigInfos, key: string, value: string | null, message: string): void {
  let info = infos.configs.find((c) => c.value?.name === key);
  if (!info?.value) {
    info = {
      definition: null,
      value: { name: key, value, recommended_values: [], errors: [], visible: true },
    };
    infos.configs.push(info);
  }
  const configValue = info.value!;
  if (configValue.errors.length === 0) infos.error_count++;
  configValue.errors.push(message);
}

/** The worker's `key.converter`, `value.converter` and `header.converter` (Apache's default header converter). */
export type WorkerConverters = Partial<
  Record<'key.converter' | 'value.converter' | 'header.converter', string | undefined>
>;

const DEFAULT_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

export interface ConnectorValidationOptions {
  /**
   * Distributed mode: whether the worker runs with `exactly.once.source.support=enabled`. Set, it turns on
   * Apache's DistributedHerder preflight checks of `exactly.once.support` and `transaction.boundary`; left
   * undefined (standalone), neither is checked, as in Apache's StandaloneHerder.
   */
  readonly exactlyOnceSourceEnabled?: boolean;
}

/**
 * `security`: the worker's override policy, `tasks.max` cap and FileStream confinement (lib/config/worker-security),
 * Apache's defaults when absent. `workerConverters`: the worker's converters: Apache's `config/validate` shows them
 * as the `default_value` and `value` of the converter keys (with the installed converters recommended) and their
 * versions as those of the `*.plugin.version` keys.
 */
export function connectorValidation(
  registry: PluginRegistry,
  security: WorkerSecuritySettings = DEFAULT_WORKER_SECURITY,
  workerConverters?: WorkerConverters,
  validationOptions: ConnectorValidationOptions = {},
): ConnectorValidation {
  const plugins = registryResolver(registry);
  const converters =
    workerConverters === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries({ 'header.converter': DEFAULT_HEADER_CONVERTER, ...workerConverters })
            .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '')
            .map(([key, name]) => [key, registry.resolveClassName(name.trim())]),
        );
  const { exactlyOnceSourceEnabled } = validationOptions;
  return {
    validate(connector: Connector, connectorType, config) {
      // A plugin that duck-types the SPI may have no ConfigDef: then only the framework keys are checked.
      const own = connector.config() as ConfigDef | undefined;
      const infos = validateConnectorConfig({
        connectorDef: typeof own?.configKeys === 'function' ? own : new ConfigDef(),
        connectorType,
        config,
        plugins,
        overridePolicy: security.overridePolicy,
        ...(converters ? { workerConverters: converters } : {}),
        ...(connectorType === 'source'
          ? {
              exactlyOnceSupport: (c: Readonly<Record<string, string>>) =>
                (connector as SourceConnector).exactlyOnceSupport(c),
              // A plug-in that duck-types the SPI may lack the hook: Apache's default answer, UNSUPPORTED.
              canDefineTransactionBoundaries: (c: Readonly<Record<string, string>>) =>
                typeof (connector as Partial<SourceConnector>).canDefineTransactionBoundaries === 'function'
                  ? (connector as SourceConnector).canDefineTransactionBoundaries(c)
                  : 'UNSUPPORTED',
              ...(exactlyOnceSourceEnabled === undefined ? {} : { exactlyOnceSourceEnabled }),
            }
          : {}),
      });
      const tooMany = tasksMaxLimitError(config['tasks.max'], security.tasksMaxLimit);
      if (tooMany) addError(infos, 'tasks.max', config['tasks.max'] ?? null, tooMany);
      const className = registry.resolveClassName(config['connector.class'] ?? '');
      if (FILESTREAM_CONNECTOR_CLASSES.has(className)) {
        // A `${provider:…}` reference is checked where it is resolved: by the task, before it opens the file.
        const file = config['file'];
        const pathError =
          file !== undefined && hasPlaceholders(file)
            ? null
            : fileStreamPathError(file, security.fileStream.allowedPaths);
        if (pathError) addError(infos, 'file', config['file'] ?? null, pathError);
      }
      return infos;
    },
    // Apache 4.3 shows the connector's version as the default of connector.plugin.version.
    pluginConfig: (def, type, className) =>
      connectorPluginConfig(def, type, className === undefined ? undefined : { className, plugins }),
  };
}
