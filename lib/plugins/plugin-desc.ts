/** What the registry knows of a plugin, in its own module so the built-ins list and the registry share it. */
export type PluginType = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

export interface PluginDesc {
  /** Java's fully-qualified class name; for JS plugins the class name (or the class's static `className`). */
  readonly className: string;
  readonly type: PluginType;
  readonly version: string;
  /** aliases that resolve to this class (computed over all registered plugins; ambiguous ones are dropped) */
  readonly aliases: string[];
  /** `classpath` for built-ins, `file:<path>` for plugins loaded from plugin.path (Apache's `location`). */
  readonly location: string;
  create(): unknown;
}

/** What a plugin source contributes before aliases are computed. */
export type PluginRegistration = Omit<PluginDesc, 'aliases' | 'location'> & {
  readonly location?: string;
  /** names that resolve to this class besides the computed ones (e.g. another vendor's class name it stands in for) */
  readonly extraAliases?: readonly string[];
};
