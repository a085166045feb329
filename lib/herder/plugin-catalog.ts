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
import { InternalServerError } from '../errors';
import {
  isConnectorType,
  type JavaPluginCatalog,
  javaClassOnPluginPath,
  javaConnectorFor,
  type JavaPluginDesc,
} from '../plugins/java-plugins';
import {
  pluginDescString,
  type PluginDesc,
  type PluginRegistry,
  simpleName,
  UNDEFINED_VERSION,
} from '../plugins/registry';
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

const javaPluginInfo = (desc: JavaPluginDesc): PluginInfo => ({
  class: desc.className,
  type: desc.type,
  ...(desc.version !== UNDEFINED_VERSION ? { version: desc.version } : {}),
});

const byClassName = <T extends { readonly class: string }>(a: T, b: T): number =>
  a.class < b.class ? -1 : a.class > b.class ? 1 : 0;

/**
 * The JavaScript registry, and Java plug-ins through the catalog JVM when one runs (docs/java-plugins.md). Where
 * both offer a class, `runsInJvm` decides (the Java plug-in on plugin.path, unless `connector.plugin.version`
 * selects the built-in).
 */
export class RegistryPlugins implements ConnectorPlugins {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly validation: ConnectorValidation = basicValidation,
    private readonly java?: JavaPluginCatalog,
  ) {}

  /** The Java connector that runs `config` (or the class alone), when the JVM runs it. */
  private javaConnector(
    connectorClass: string,
    config: Readonly<Record<string, string>> = {},
  ): JavaPluginDesc | undefined {
    return this.java ? javaConnectorFor(this.registry, this.java.plugins, connectorClass, config) : undefined;
  }

  list(connectorsOnly: boolean): PluginInfo[] {
    const types = connectorsOnly ? TYPE_ORDER.slice(0, 2) : TYPE_ORDER;
    return types.flatMap((type) => {
      const java = (this.java?.plugins ?? []).filter((p) => p.type === type).map(javaPluginInfo);
      const javaKeys = new Set(java.map((p) => `${p.class}@${p.version ?? ''}`));
      // A class both offer at the same version is listed once (Apache lists one entry per class and version).
      const js = this.registry
        .list(type)
        .map(pluginInfo)
        .filter((p) => !javaKeys.has(`${p.class}@${p.version ?? ''}`));
      return [...js, ...java].sort(byClassName);
    });
  }

  connectorType(connectorClass: string): 'source' | 'sink' | undefined {
    const java = this.javaConnector(connectorClass);
    if (java && isConnectorType(java.type)) return java.type;
    try {
      return this.registry.connectorType(connectorClass);
    } catch {
      return undefined;
    }
  }

  unknownConnectorMessage(connectorClass: string): string {
    const java = (this.java?.plugins ?? [])
      .filter((d) => isConnectorType(d.type))
      .map((d) => ({ class: d.className, version: d.version, text: d.desc }));
    const shadowed = new Set(java.map((d) => `${d.class}@${d.version}`));
    const js = this.registry
      .list()
      .filter((d) => (d.type === 'source' || d.type === 'sink') && !shadowed.has(`${d.className}@${d.version}`))
      .map((d) => ({ class: d.className, text: pluginDescString(d) }));
    const available = [...js, ...java]
      .sort(byClassName)
      .map((d) => d.text)
      .join(', ');
    const message = `Failed to find any class that implements Connector and which name matches ${connectorClass}, available connectors are: ${available}`;
    // Apache only logs why a plug-in on plugin.path did not load; saying it here names the plug-in and directory.
    const why = (this.java?.scanProblems ?? []).filter((p) => scanProblemConcerns(p, connectorClass));
    if (why.length > 0) return `${message}. A plug-in of that name failed to load: ${why.join('; ')}`;
    // A class copied in a corrupt jar, or a plug-in directory without its connector jar: say where to look.
    const idle = this.java?.idleLocations ?? [];
    return idle.length > 0 ? `${message}. plugin.path locations that gave no plug-in: ${idle.join('; ')}` : message;
  }

  newConnector(connectorClass: string): Connector {
    const java = this.javaConnector(connectorClass);
    if (java) {
      // The instance lives in the JVM. Offsets of a stopped connector are altered in the offsets topic (or the
      // sink's group) by the herder; the connector's own `alterOffsets` hook is not consulted (Apache's default
      // answer, "framework-managed offsets altered", is what the herder reports).
      return javaConnectorStandIn(java) as unknown as Connector;
    }
    return this.registry.newConnector(connectorClass);
  }

  async validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos> {
    const connectorClass = config['connector.class'] ?? '';
    if (this.java && this.javaConnector(connectorClass, config)) return this.java.validate(config);
    const connector = this.registry.newConnector(connectorClass);
    return this.validation.validate(connector, this.registry.connectorType(connectorClass), config);
  }

  async configKeys(classOrAlias: string): Promise<ConfigKeyInfo[] | undefined> {
    const desc = this.registry.find(classOrAlias);
    if (this.java && (this.javaConnector(classOrAlias) || (!desc && this.javaPlugin(classOrAlias)))) {
      return this.java.pluginConfig(classOrAlias);
    }
    if (!desc) return undefined;
    const plugin = desc.create() as { config?: () => ConfigDef };
    const def = typeof plugin.config === 'function' ? plugin.config() : new ConfigDef();
    if (desc.type === 'source' || desc.type === 'sink')
      return this.validation.pluginConfig(def, desc.type, desc.className);
    return configKeyInfos(def);
  }

  private javaPlugin(classOrAlias: string): JavaPluginDesc | undefined {
    return this.java?.plugins.find(
      (p) => p.className === classOrAlias || p.className.slice(p.className.lastIndexOf('.') + 1) === classOrAlias,
    );
  }
}

/**
 * Whether a problem Apache's scanner logged ("Failed to discover SourceConnector in <dir>: Unable to instantiate
 * X …") concerns a class: it names the class, or its directory holds an archive with the class in it.
 */
function scanProblemConcerns(problem: string, connectorClass: string): boolean {
  if (problem.includes(simpleName(connectorClass))) return true;
  const dir = / in (\/\S+?)(?::| \(|$)/.exec(problem)?.[1];
  return dir !== undefined && connectorClass.includes('.') && javaClassOnPluginPath([dir], connectorClass);
}

/** What the herder calls on a connector of a stopped Java connector (its offsets endpoints). */
function javaConnectorStandIn(desc: JavaPluginDesc): Record<string, unknown> {
  return {
    type: desc.type,
    version: () => desc.version,
    alterOffsets: () => Promise.resolve(false),
    config: () => {
      throw new InternalServerError(`${desc.className} runs in the JVM task host`);
    },
  };
}
