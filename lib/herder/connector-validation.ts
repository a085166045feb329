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

export function connectorValidation(registry: PluginRegistry): ConnectorValidation {
  const plugins = registryResolver(registry);
  return {
    validate(connector: Connector, connectorType, config) {
      // A plugin that duck-types the SPI may have no ConfigDef: then only the framework keys are checked.
      const own = connector.config() as ConfigDef | undefined;
      return validateConnectorConfig({
        connectorDef: typeof own?.configKeys === 'function' ? own : new ConfigDef(),
        connectorType,
        config,
        plugins,
        ...(connectorType === 'source'
          ? {
              exactlyOnceSupport: (c: Readonly<Record<string, string>>) =>
                (connector as SourceConnector).exactlyOnceSupport(c),
            }
          : {}),
      });
    },
    pluginConfig: (def, type) => connectorPluginConfig(def, type),
  };
}
