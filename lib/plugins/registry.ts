/**
 * The plugin registry: Apache's `Plugins` + `DelegatingClassLoader` for JavaScript plugins. It knows every
 * connector, converter, header converter, transformation and predicate by class name and by alias, and loads
 * third-party plugins from `plugin.path` directories.
 *
 * Alias rules (`PluginUtils.computeAliases`): every plugin gets its simple class name and its "pruned" name
 * (simple name cut at the last occurrence of the type suffix: `Connector` for connectors, `Converter`,
 * `HeaderConverter`, `Transformation`, `Predicate` for the others). An alias claimed by two different classes is
 * dropped. `connector.class` also falls back to "simple name equals X or X + 'Connector'" (`Plugins.connectorClass`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import type { Connector } from '../connect/connector';
import type { Converter, HeaderConverter } from '../connect/converter';
import { InternalServerError } from '../errors';
import { builtinPlugins } from './builtins';
import type { PluginDesc, PluginRegistration, PluginType } from './plugin-desc';
import { FILESTREAM_CONNECTOR_CLASSES } from './filestream/file-access';

export type { PluginDesc, PluginRegistration, PluginType } from './plugin-desc';

/** Apache's `PluginDesc.UNDEFINED_VERSION`, for plugins that do not report a version. */
export const UNDEFINED_VERSION = 'undefined';

const TYPE_SUFFIX: Record<PluginType, string> = {
  source: 'Connector',
  sink: 'Connector',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
  transformation: 'Transformation',
  predicate: 'Predicate',
};

/** Java's `Class.getSimpleName()` for a binary name: after the last `.` and the last `$`. */
export const simpleName = (className: string): string => {
  const afterDot = className.slice(className.lastIndexOf('.') + 1);
  return afterDot.slice(afterDot.lastIndexOf('$') + 1);
};

const prunedName = (className: string, type: PluginType): string => {
  const simple = simpleName(className);
  const pos = simple.lastIndexOf(TYPE_SUFFIX[type]);
  return pos > 0 ? simple.slice(0, pos) : simple;
};

/** Apache's `PluginDesc.toString()`, used verbatim in its "Failed to find any class …" messages. */
export const pluginDescString = (d: PluginDesc): string =>
  `PluginDesc{klass=class ${d.className}, name='${d.className}', version='${d.version}', encodedVersion=${d.version}, ` +
  `type=${d.type}, typeName='${d.type}', location='${d.location}'}`;

const isConnectorType = (t: PluginType): t is 'source' | 'sink' => t === 'source' || t === 'sink';

export class PluginRegistry {
  private readonly registrations: (PluginRegistration & { location: string })[] = [];
  private descs: PluginDesc[] = [];
  private aliases = new Map<string, string>();

  /**
   * A registry holding the built-in connectors and converters (what Apache has on its classpath).
   * `fileStream: false` (the worker's `skc.filestream.enable=false`) leaves the FileStream connectors out, so
   * they are unknown classes to validation and to the task-runner alike.
   */
  static withBuiltins(options: { readonly fileStream?: boolean } = {}): PluginRegistry {
    const registry = new PluginRegistry();
    for (const plugin of builtinPlugins()) {
      if (options.fileStream === false && FILESTREAM_CONNECTOR_CLASSES.has(plugin.className)) continue;
      registry.register(plugin);
    }
    return registry;
  }

  /** Add one plugin (built-in or loaded); aliases of all plugins are recomputed. */
  register(plugin: PluginRegistration): void {
    this.registrations.push({ ...plugin, location: plugin.location ?? 'classpath' });
    this.recompute();
  }

  /**
   * Load the JavaScript plugins found in `plugin.path` directories. Each entry of a listed directory is one
   * plugin: a directory with a package.json `main` (or an index.js), or a `.js`/`.cjs` file. A listed path that
   * is itself such a module is loaded directly. Missing directories are skipped, as Apache logs and continues.
   */
  async loadPluginPath(dirs: readonly string[]): Promise<void> {
    for (const raw of dirs) {
      const dir = resolve(raw.trim());
      if (raw.trim() === '' || !existsSync(dir)) continue;
      for (const location of pluginLocations(dir)) {
        for (const plugin of await loadModulePlugins(location)) this.registrations.push(plugin);
      }
    }
    this.recompute();
  }

  /** Plugins sorted by class name (Apache's TreeSet order), optionally of one type. */
  list(type?: PluginType): PluginDesc[] {
    return type === undefined ? [...this.descs] : this.descs.filter((d) => d.type === type);
  }

  /** The plugin named by class name or alias (first match by type order when a class has several types). */
  find(classOrAlias: string): PluginDesc | undefined {
    const className = this.resolveClassName(classOrAlias);
    return this.descs.find((d) => d.className === className);
  }

  /** Full class name for a class name or alias (the input when unknown), as `resolveFullClassName`. */
  resolveClassName(classOrAlias: string): string {
    return this.aliases.get(classOrAlias) ?? classOrAlias;
  }

  /** The connector plugin named `classOrAlias`; throws Apache's 500 when there is none or it is ambiguous. */
  connectorDesc(classOrAlias: string): PluginDesc {
    const connectors = this.descs.filter((d) => isConnectorType(d.type));
    const className = this.resolveClassName(classOrAlias);
    const exact = connectors.find((d) => d.className === className);
    if (exact) return exact;
    const matches = connectors.filter((d) => {
      const simple = simpleName(d.className);
      return simple === classOrAlias || simple === `${classOrAlias}Connector`;
    });
    const available = connectors.map(pluginDescString).join(', ');
    if (matches.length === 0) {
      throw new InternalServerError(
        `Failed to find any class that implements Connector and which name matches ${classOrAlias}, available connectors are: ${available}`,
      );
    }
    if (matches.length > 1) {
      throw new InternalServerError(
        `More than one connector matches alias ${classOrAlias}. Please use full package and class name instead. Classes found: ${available}`,
      );
    }
    return matches[0] as PluginDesc;
  }

  newConnector(classOrAlias: string): Connector {
    return this.connectorDesc(classOrAlias).create() as Connector;
  }

  connectorType(classOrAlias: string): 'source' | 'sink' {
    return this.connectorDesc(classOrAlias).type as 'source' | 'sink';
  }

  newConverter(classOrAlias: string): Converter {
    return this.newPlugin(classOrAlias, 'converter', 'Converter') as Converter;
  }

  newHeaderConverter(classOrAlias: string): HeaderConverter {
    return this.newPlugin(classOrAlias, 'header_converter', 'HeaderConverter') as HeaderConverter;
  }

  newTransformation(classOrAlias: string): unknown {
    return this.newPlugin(classOrAlias, 'transformation', 'Transformation');
  }

  newPredicate(classOrAlias: string): unknown {
    return this.newPlugin(classOrAlias, 'predicate', 'Predicate');
  }

  /** Instantiate a plugin of one type; Apache's `getVersionedPlugin` message when there is none. */
  newPlugin(classOrAlias: string, type: PluginType, interfaceName: string): unknown {
    const className = this.resolveClassName(classOrAlias);
    const desc = this.descs.find((d) => d.type === type && d.className === className);
    if (!desc) {
      throw new InternalServerError(
        `Failed to find any class that implements ${interfaceName} and which name matches ${classOrAlias}, ` +
          `available plugins are: ${this.list(type).map(pluginDescString).join(', ')}`,
      );
    }
    return desc.create();
  }

  private recompute(): void {
    const claims = new Map<string, Set<string>>();
    const claim = (alias: string, className: string): void => {
      const set = claims.get(alias) ?? new Set<string>();
      set.add(className);
      claims.set(alias, set);
    };
    for (const r of this.registrations) {
      claim(simpleName(r.className), r.className);
      claim(prunedName(r.className, r.type), r.className);
      for (const alias of r.extraAliases ?? []) claim(alias, r.className);
    }
    this.aliases = new Map();
    for (const [alias, classNames] of claims) {
      const [only] = classNames;
      // An alias equal to the class name itself adds nothing; an alias claimed twice is ambiguous and dropped.
      if (classNames.size === 1 && only !== undefined && only !== alias) this.aliases.set(alias, only);
    }
    const aliasesOf = (className: string): string[] =>
      [...this.aliases].filter(([, c]) => c === className).map(([a]) => a);
    this.descs = this.registrations
      .map((r) => ({ ...r, aliases: aliasesOf(r.className) }))
      .sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : a.type < b.type ? -1 : 1));
  }
}

/** The plugin locations inside one plugin.path entry. */
const pluginLocations = (entry: string): string[] => {
  if (statSync(entry).isFile()) return isModuleFile(entry) ? [entry] : [];
  if (existsSync(join(entry, 'package.json'))) return [entry];
  return readdirSync(entry)
    .sort()
    .map((name) => join(entry, name))
    .filter((p) => (statSync(p).isDirectory() ? moduleEntry(p) !== undefined : isModuleFile(p)));
};

const isModuleFile = (p: string): boolean => ['.js', '.cjs'].includes(extname(p));

/** The file a plugin directory's package.json `main` (or index.js) points to. */
const moduleEntry = (dir: string): string | undefined => {
  const pkgPath = join(dir, 'package.json');
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { main?: unknown };
    return join(dir, typeof pkg.main === 'string' ? pkg.main : 'index.js');
  }
  const index = join(dir, 'index.js');
  return existsSync(index) ? index : undefined;
};

type PluginClass = (new () => unknown) & { className?: unknown };

const loadModulePlugins = async (location: string): Promise<(PluginRegistration & { location: string })[]> => {
  const file = statSync(location).isDirectory() ? moduleEntry(location) : location;
  if (file === undefined) return [];
  // A require rooted at the plugin, so each plugin resolves its own node_modules (Apache's PluginClassLoader).
  const load = createRequire(join(location, basename(file)));
  const exported = load(file) as unknown;
  const candidates = new Set<PluginClass>();
  const collect = (value: unknown): void => {
    if (typeof value === 'function') candidates.add(value as PluginClass);
  };
  collect(exported);
  if (typeof exported === 'object' && exported !== null) Object.values(exported).forEach(collect);
  const out: (PluginRegistration & { location: string })[] = [];
  for (const cls of candidates) {
    for (const r of classify(cls)) out.push({ ...r, location: `file:${location}` });
  }
  return out;
};

/** Decide what a class is by duck typing one instance (plugins may not share our SPI module). */
const classify = (cls: PluginClass): PluginRegistration[] => {
  let instance: Record<string, unknown>;
  try {
    const made = new cls();
    if (typeof made !== 'object' || made === null) return [];
    instance = made as Record<string, unknown>;
  } catch {
    return [];
  }
  const className = typeof cls.className === 'string' ? cls.className : cls.name;
  if (className === '') return [];
  const has = (...methods: string[]): boolean => methods.every((m) => typeof instance[m] === 'function');
  const version = (): string => {
    try {
      return has('version') ? String((instance.version as () => unknown).call(instance)) : UNDEFINED_VERSION;
    } catch {
      return UNDEFINED_VERSION;
    }
  };
  const create = (): unknown => new cls();
  const types: PluginType[] = [];
  if ((instance.type === 'source' || instance.type === 'sink') && has('taskClass', 'taskConfigs', 'start')) {
    types.push(instance.type);
  }
  if (has('fromConnectData', 'toConnectData')) types.push('converter');
  if (has('fromConnectHeader', 'toConnectHeader')) types.push('header_converter');
  if (has('apply') && !types.length) types.push('transformation');
  if (has('test') && !types.length) types.push('predicate');
  return types.map((type) => ({ className, type, version: version(), create }));
};
