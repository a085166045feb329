/**
 * What the herder needs from plugins and config validation, as one small port. The production implementation
 * (`plugin-catalog.ts`) combines the plugin registry (lib/plugins) with connector config validation
 * (lib/config); tests may pass a fake.
 */
import type { Connector } from '../connect/connector';
import type { ConfigInfos, ConfigKeyInfo, PluginInfo } from './entities';

export interface ConnectorPlugins {
  /** every plugin of the listable types, in Apache's order (sinks, sources, transformations, predicates, converters, header converters) */
  list(connectorsOnly: boolean): PluginInfo[];
  /** 'source' | 'sink' for a known connector class or alias, undefined otherwise */
  connectorType(connectorClass: string): 'source' | 'sink' | undefined;
  /** Apache's message for an unknown connector class (`Failed to find any class that implements Connector …`) */
  unknownConnectorMessage(connectorClass: string): string;
  /** a fresh, unstarted connector instance (for `alterOffsets`); the class must be known */
  newConnector(connectorClass: string): Connector;
  /** full validation: framework keys + the connector's own keys + converter/override keys; the class must be known */
  validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos>;
  /** the plugin's config keys (connectors: own keys then framework keys); undefined for an unknown plugin */
  configKeys(classOrAlias: string): ConfigKeyInfo[] | undefined | Promise<ConfigKeyInfo[] | undefined>;
}
