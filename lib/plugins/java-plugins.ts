/**
 * Java connector plug-ins (docs/java-plugins.md): the port through which the control plane reaches Apache's own
 * code running in a JVM (lib/adapters/jvm), and the rule that decides, for a class name, whether the JavaScript
 * registry or the JVM runs it.
 *
 * Rule for a class both offer (Apache's FileStream connectors are JavaScript built-ins and a Java jar): the Java
 * plug-in found on `plugin.path` wins, as in Apache, where what a user installs is what runs. A
 * `connector.plugin.version` (KIP-891) that the built-in satisfies selects the built-in explicitly.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { ConfigInfos, ConfigKeyInfo } from '../connect/config-def';
import { rangeContains, versionRequirement } from '../config/plugin-version';
import type { Connector } from '../connect/connector';
import type { ConfigStore } from '../storage/ports';
import { type PluginDesc, type PluginRegistry, type PluginType, simpleName } from './registry';

/** One plug-in Apache's `Plugins` found (class path and plugin.path). */
export interface JavaPluginDesc {
  readonly className: string;
  readonly type: PluginType;
  readonly version: string;
  /** Apache's `location`: `classpath` or `file:<path>` */
  readonly location: string;
  /** Apache's `PluginDesc.toString()`, for its "Failed to find any class …" messages */
  readonly desc: string;
}

export interface JavaTaskConfigs {
  readonly type: 'source' | 'sink';
  readonly version: string | null;
  /** `task.class` (and `topics`/`topics.regex` of sinks) added, as Apache's `Worker.connectorTaskConfigs` does */
  readonly taskConfigs: Record<string, string>[];
}

/** The warm JVM that answers plug-in questions with Apache's code (one per stack). */
export interface JavaPluginCatalog {
  readonly plugins: readonly JavaPluginDesc[];
  /** what Apache's scanner could not load, as it logged it (plug-in, directory, cause) */
  readonly scanProblems: readonly string[];
  /**
   * plugin.path locations with Java archives that gave no plug-in (a corrupt archive, a directory of library jars
   * only), each with why: Apache only logs or ignores them; the unknown-class message names them
   */
  readonly idleLocations?: readonly string[];
  /** `GET /connector-plugins/{p}/config` */
  pluginConfig(plugin: string, version?: string): Promise<ConfigKeyInfo[]>;
  /** `PUT /connector-plugins/{p}/config/validate` (and the validation of create/update) */
  validate(config: Readonly<Record<string, string>>): Promise<ConfigInfos>;
  /**
   * `taskConfigs(tasks.max)` of the connector, which keeps running in the catalog (as on an Apache worker) so its
   * `requestTaskReconfiguration()` is heard; asked again with the same config, the running instance answers
   */
  taskConfigs(connector: string, config: Readonly<Record<string, string>>): Promise<JavaTaskConfigs>;
  /** the connector was deleted or stopped: stop its instance */
  releaseConnector(connector: string): Promise<void>;
  /** a running connector asked for new task configs (Apache's `ConnectorContext.requestTaskReconfiguration`) */
  onReconfigurationRequested(listener: (connector: string) => void): void;
  /**
   * true: no connector keeps running between requests (the catalog Lambda), so no reconfiguration request is
   * ever heard, and the reconciler's schedule asks for the task configs of running Java connectors instead
   */
  readonly stateless?: boolean;
  close(): Promise<void>;
}

/** Apache's `connector.class` resolution: the class name, its simple name, or the simple name minus `Connector`. */
export const matchesClassOrAlias = (className: string, classOrAlias: string): boolean => {
  if (className === classOrAlias) return true;
  const simple = simpleName(className);
  return simple === classOrAlias || simple === `${classOrAlias}Connector`;
};

export const isConnectorType = (type: PluginType): type is 'source' | 'sink' => type === 'source' || type === 'sink';

/** The Java connector named by `classOrAlias`, if exactly one matches. */
export function findJavaConnector(
  plugins: readonly JavaPluginDesc[],
  classOrAlias: string,
): JavaPluginDesc | undefined {
  const connectors = plugins.filter((p) => isConnectorType(p.type));
  const exact = connectors.filter((p) => p.className === classOrAlias);
  const matches = exact.length > 0 ? exact : connectors.filter((p) => matchesClassOrAlias(p.className, classOrAlias));
  const classes = new Set(matches.map((m) => m.className));
  return classes.size === 1 ? matches[0] : undefined;
}

/**
 * Whether a connector config runs in the JVM: `javaHas` says whether a Java plug-in offers the class, `builtin`
 * is the JavaScript plug-in of that class, if any. See the rule at the top of this file.
 */
export function runsInJvm(
  config: Readonly<Record<string, string>>,
  builtin: PluginDesc | undefined,
  javaHas: boolean,
): boolean {
  if (!javaHas) return false;
  if (!builtin) return true;
  try {
    const range = versionRequirement(config['connector.plugin.version']);
    return range === null || !rangeContains(range, builtin.version);
  } catch {
    return true; // an invalid requirement is reported by Apache's validation
  }
}

/**
 * The Java connector that runs a connector of class `connectorClass` (config: for `connector.plugin.version`), or
 * undefined when the JavaScript registry runs it.
 */
export function javaConnectorFor(
  registry: PluginRegistry,
  plugins: readonly JavaPluginDesc[],
  connectorClass: string,
  config: Readonly<Record<string, string>> = {},
): JavaPluginDesc | undefined {
  const desc = findJavaConnector(plugins, connectorClass);
  if (!desc) return undefined;
  let builtin: PluginDesc | undefined;
  try {
    builtin = registry.connectorDesc(connectorClass);
  } catch {
    builtin = undefined;
  }
  // The alias names another class in JavaScript: that one (Apache's ambiguity rules are per class name).
  if (builtin && builtin.className !== desc.className) return undefined;
  return runsInJvm(config, builtin, true) ? desc : undefined;
}

/** Apache's plugin.path entries: archives (`.jar`, `.zip`), class-file directories, or directories of these. */
const isJavaArchive = (path: string): boolean => ['.jar', '.zip'].includes(extname(path).toLowerCase());

/** The Java archives a plugin.path holds (entries and their subdirectories, as Apache's `pluginUrls`). */
export function javaArchives(pluginPath: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (path: string, depth: number): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isFile()) {
      if (isJavaArchive(path)) out.push(path);
      return;
    }
    // node_modules holds JavaScript plug-ins' dependencies, never Java ones; skipping it keeps the scan short.
    if (!stat.isDirectory() || depth > 4 || path.endsWith('node_modules')) return;
    for (const name of readdirSync(path).sort()) walk(join(path, name), depth + 1);
  };
  for (const entry of pluginPath) if (entry.trim() !== '') walk(resolve(entry.trim()), 0);
  return out;
}

const ZIP_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/** Whether a file starts as a zip archive does (a jar is one); a truncated or mislabelled file does not. */
function looksLikeArchive(path: string): boolean {
  try {
    const head = readFileSync(path).subarray(0, 4);
    return ZIP_MAGIC.some((m) => head.equals(m));
  } catch {
    return false;
  }
}

/**
 * The plugin.path locations (Apache's unit of isolation: each archive or directory directly in a plugin.path
 * directory, or an archive named in plugin.path itself) that hold Java archives but gave no plug-in, with why.
 * JavaScript plug-in directories (no Java archive) are not Java locations and are left out.
 */
export function idlePluginLocations(pluginPath: readonly string[], plugins: readonly JavaPluginDesc[]): string[] {
  const used = plugins
    .map((p) => p.location.replace(/^file:/, '').replace(/\/+$/, ''))
    .filter((l) => l !== 'classpath' && l !== '');
  const out: string[] = [];
  for (const entry of pluginPath.map((e) => resolve(e.trim())).filter((e) => existsSync(e))) {
    const locations = statSync(entry).isDirectory()
      ? readdirSync(entry)
          .sort()
          .map((name) => join(entry, name))
      : [entry];
    for (const location of locations) {
      const archives = javaArchives([location]);
      if (archives.length === 0) continue;
      if (used.some((u) => u === location || u.startsWith(`${location}/`))) continue;
      const broken = archives.filter((a) => !looksLikeArchive(a));
      out.push(
        broken.length > 0
          ? `${location} (${broken.join(', ')}: not a readable jar or zip archive)`
          : `${location} (no plug-in found in its archives)`,
      );
    }
  }
  return out;
}

/** True when plugin.path holds anything Java (so a catalog JVM is worth starting). */
export const hasJavaPlugins = (pluginPath: readonly string[]): boolean => javaArchives(pluginPath).length > 0;

/**
 * Whether an archive on plugin.path holds the class: its entry name (`a/b/C.class`) is stored uncompressed in
 * the archive's directory, so a byte search finds it without unzipping. Used by the task-runner, which must
 * decide where a task runs without starting a JVM.
 */
export function javaClassOnPluginPath(pluginPath: readonly string[], className: string): boolean {
  const entry = Buffer.from(`${className.replace(/\./g, '/')}.class`);
  return javaArchives(pluginPath).some((archive) => readFileSync(archive).includes(entry));
}

/**
 * The reconciler's plugins (lib/scheduler/task-configs `ConnectorPlugins`): JavaScript connectors from the
 * registry, task configs of Java connectors from the catalog JVM.
 */
export function withJavaTaskConfigs(
  registry: PluginRegistry,
  catalog: JavaPluginCatalog,
  options: {
    /**
     * A stateless catalog's Java connectors run in connector tasks of their own (AWS; lib/scheduler/connector-task)
     * that hear their reconfiguration requests, instead of being polled by the schedule
     */
    readonly connectorTasks?: boolean;
  } = {},
): {
  newConnector(connectorClass: string): Connector;
  javaTaskConfigs(name: string, config: Readonly<Record<string, string>>): Promise<JavaTaskConfigs> | undefined;
  releaseConnector(name: string): Promise<void>;
  pollsTaskConfigs(config: Readonly<Record<string, string>>): boolean;
  runsConnectorTask(config: Readonly<Record<string, string>>): boolean;
} {
  // The connectors this reconciler started in the catalog: only those are worth a release.
  const running = new Set<string>();
  const release = async (name: string): Promise<void> => {
    if (running.delete(name)) await catalog.releaseConnector(name);
  };
  return {
    newConnector: (connectorClass) => registry.newConnector(connectorClass),
    releaseConnector: release,
    pollsTaskConfigs: (config) =>
      catalog.stateless === true &&
      options.connectorTasks !== true &&
      javaConnectorFor(registry, catalog.plugins, config['connector.class'] ?? '', config) !== undefined,
    runsConnectorTask: (config) =>
      catalog.stateless === true &&
      options.connectorTasks === true &&
      javaConnectorFor(registry, catalog.plugins, config['connector.class'] ?? '', config) !== undefined,
    javaTaskConfigs(name, config) {
      const java = javaConnectorFor(registry, catalog.plugins, config['connector.class'] ?? '', config);
      if (!java) {
        void release(name).catch(() => undefined); // its class now runs in JavaScript
        return undefined;
      }
      running.add(name);
      return catalog.taskConfigs(name, config);
    },
  };
}

/**
 * Whether the task-runner hands a connector's task to the JVM task host, decided without a JVM: a class the
 * JavaScript registry does not know can only be Java; a class it knows runs in the JVM when an archive on
 * plugin.path holds it and `connector.plugin.version` does not select the built-in (`runsInJvm`).
 */
export function taskRunsInJvm(
  registry: PluginRegistry,
  pluginPath: readonly string[],
  connectorConfig: Readonly<Record<string, string>>,
): boolean {
  let builtin: PluginDesc | undefined;
  try {
    builtin = registry.connectorDesc(connectorConfig['connector.class'] ?? '');
  } catch {
    return hasJavaPlugins(pluginPath);
  }
  return runsInJvm(connectorConfig, builtin, javaClassOnPluginPath(pluginPath, builtin.className));
}

/**
 * The stored connectors whose instance belongs in the catalog JVM (a Java plug-in, not STOPPED). The instance
 * lives only in that JVM, so a new one (the stack restarted with existing state) must get them back: the caller
 * asks the reconciler to regenerate their task configs (`requestTaskReconfiguration`), which starts each
 * instance again and changes no generation when its task configs are unchanged. A PAUSED connector gets its
 * instance back on resume (the reconciler takes the request then), as Apache's paused connector.
 */
export async function javaConnectorsToRestore(
  configStore: Pick<ConfigStore, 'list' | 'get'>,
  registry: PluginRegistry,
  catalog: Pick<JavaPluginCatalog, 'plugins'>,
): Promise<string[]> {
  const out: string[] = [];
  for (const name of await configStore.list()) {
    const state = await configStore.get(name);
    if (!state || state.targetState === 'STOPPED') continue;
    if (javaConnectorFor(registry, catalog.plugins, state.config['connector.class'] ?? '', state.config))
      out.push(name);
  }
  return out;
}
