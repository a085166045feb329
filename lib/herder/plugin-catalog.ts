/**
 * The production `ConnectorPlugins`: the plugin registry (lib/plugins) plus connector config validation.
 * Validation is injected (`ConnectorValidation`) so the herder does not depend on how lib/config composes the
 * framework keys; `basicValidation` (the connector's own ConfigDef plus `name`/`connector.class`/`tasks.max`)
 * stands in where the full validation is not wired.
 */
import type { Connector } from '../connect/connector';
import {
  ConfigDef,
  configKeyInfos,
  generateResult,
  NonEmptyStringWithoutControlChars,
  Range,
} from '../connect/config-def';
import { pluginDescString, type PluginDesc, type PluginRegistry, UNDEFINED_VERSION } from '../plugins/registry';
import type { ConfigInfos, ConfigKeyInfo, PluginInfo, PluginType } from './entities';
import type { ConnectorPlugins } from './plugins';

export interface ConnectorValidation {
  /** ConfigInfos of a connector config: framework keys + the connector's own + converter/override keys */
  validate(
    connector: Connector,
    connectorType: 'source' | 'sink',
    config: Readonly<Record<string, string>>,
  ): ConfigInfos;
  /** `GET /connector-plugins/{p}/config` of a connector: its own keys, then the framework keys */
  pluginConfig(connectorDef: ConfigDef, connectorType: 'source' | 'sink', className?: string): ConfigKeyInfo[];
}

/** Minimal framework keys, used only when lib/config's full validation is not wired. */
const basicFramework = (): ConfigDef =>
  new ConfigDef()
    .define({
      name: 'name',
      type: 'STRING',
      validator: NonEmptyStringWithoutControlChars,
      importance: 'HIGH',
      documentation: 'Globally unique name to use for this connector.',
      group: 'Common',
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Connector name',
    })
    .define({
      name: 'connector.class',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Name or alias of the class for this connector.',
      group: 'Common',
      orderInGroup: 2,
      width: 'LONG',
      displayName: 'Connector class',
    })
    .define({
      name: 'tasks.max',
      type: 'INT',
      defaultValue: 1,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: 'Common',
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Tasks max',
    });

export const basicValidation: ConnectorValidation = {
  validate(connector, _type, config) {
    const framework = basicFramework();
    const all = new ConfigDef(framework).merge(connector.config());
    return generateResult(config['connector.class'] ?? '', all.configKeys(), all.validate(config), all.groups());
  },
  pluginConfig: (def) => [...configKeyInfos(def), ...configKeyInfos(basicFramework())],
};

/** Apache's `GET /connector-plugins` order. */
const TYPE_ORDER: readonly PluginType[] = [
  'sink',
  'source',
  'transformation',
  'predicate',
  'converter',
  'header_converter',
];

const pluginInfo = (desc: PluginDesc): PluginInfo => ({
  class: desc.className,
  type: desc.type,
  ...(desc.version !== UNDEFINED_VERSION ? { version: desc.version } : {}),
});

export class RegistryPlugins implements ConnectorPlugins {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly validation: ConnectorValidation = basicValidation,
  ) {}

  list(connectorsOnly: boolean): PluginInfo[] {
    const types = connectorsOnly ? TYPE_ORDER.slice(0, 2) : TYPE_ORDER;
    return types.flatMap((type) => this.registry.list(type).map(pluginInfo));
  }

  connectorType(connectorClass: string): 'source' | 'sink' | undefined {
    try {
      return this.registry.connectorType(connectorClass);
    } catch {
      return undefined;
    }
  }

  unknownConnectorMessage(connectorClass: string): string {
    const available = this.registry
      .list()
      .filter((d) => d.type === 'source' || d.type === 'sink')
      .map(pluginDescString)
      .join(', ');
    return `Failed to find any class that implements Connector and which name matches ${connectorClass}, available connectors are: ${available}`;
  }

  newConnector(connectorClass: string): Connector {
    return this.registry.newConnector(connectorClass);
  }

  async validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos> {
    const connectorClass = config['connector.class'] ?? '';
    const connector = this.registry.newConnector(connectorClass);
    return this.validation.validate(connector, this.registry.connectorType(connectorClass), config);
  }

  configKeys(classOrAlias: string): ConfigKeyInfo[] | undefined {
    const desc = this.registry.find(classOrAlias);
    if (!desc) return undefined;
    const plugin = desc.create() as { config?: () => ConfigDef };
    const def = typeof plugin.config === 'function' ? plugin.config() : new ConfigDef();
    if (desc.type === 'source' || desc.type === 'sink')
      return this.validation.pluginConfig(def, desc.type, desc.className);
    return configKeyInfos(def);
  }
}
