import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { ConfigException } from '../connect/errors';
import { invalidValue } from '../connect/config-def';
import {
  type AwsSecretReaders,
  SECRETS_MANAGER_PROVIDER_CLASS,
  SecretsManagerConfigProvider,
  SSM_PROVIDER_CLASS,
  SsmParamStoreConfigProvider,
} from './aws-config-providers';
import { parseProperties } from './properties';

/**
 * Config providers (`org.apache.kafka.common.config.provider.*`) and Apache's `ConfigTransformer`: resolves
 * `${provider:[path:]key}` placeholders. Providers are enabled only by worker config:
 * `config.providers=file,env`, `config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider`,
 * `config.providers.file.param.allowed.paths=/etc/secrets`. An unknown provider or a missing key leaves the
 * placeholder unchanged, as in Apache.
 */

export interface ConfigData {
  data: Record<string, string>;
  /** Milliseconds until the values expire (drives `config.action.reload=restart`); null = never. */
  ttl: number | null;
}

export interface ConfigProvider {
  configure(params: Readonly<Record<string, string>>): void;
  /** The values of `keys` under `path`; keys that do not exist are simply absent. */
  get(path: string, keys: ReadonlySet<string>): ConfigData | Promise<ConfigData>;
  /**
   * True for providers that call a secret store (Secrets Manager, SSM): only `resolve()` in a task process asks
   * them; the synchronous `transform()` refuses them, or leaves their placeholders with `deferTaskOnly`.
   */
  readonly resolvesInTaskOnly?: boolean;
}

/** Apache's `AllowedPaths`: absolute, existing prefixes; null = every path allowed. */
class AllowedPaths {
  private readonly allowed: string[] | null;

  constructor(configValue: string | undefined) {
    if (!configValue) {
      this.allowed = null;
      return;
    }
    this.allowed = configValue.split(',').map((p) => {
      const normalised = normalize(p);
      if (!isAbsolute(normalised))
        throw new ConfigException(undefined, undefined, `Path ${normalised} is not absolute`);
      if (!existsSync(normalised)) throw new ConfigException(undefined, undefined, `Path ${normalised} does not exist`);
      return normalised;
    });
  }

  /** The path to read, or null when it lies outside every allowed path (`Path.startsWith` is per segment). */
  parseUntrustedPath(path: string): string | null {
    if (this.allowed === null) return path;
    const normalised = normalize(path);
    const inside = this.allowed.some((base) => {
      const rel = relative(base, normalised);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
    });
    return inside ? normalised : null;
  }
}

/** `FileConfigProvider`: `${file:/path/to/file.properties:key}`. */
export class FileConfigProvider implements ConfigProvider {
  private allowedPaths: AllowedPaths | null = null;

  configure(params: Readonly<Record<string, string>>): void {
    this.allowedPaths = new AllowedPaths(params['allowed.paths']);
  }

  get(path: string, keys: ReadonlySet<string>): ConfigData {
    if (!this.allowedPaths) throw new Error('The provider has not been configured yet.');
    const data: Record<string, string> = {};
    if (!path) return { data, ttl: null };
    const filePath = this.allowedPaths.parseUntrustedPath(path);
    if (filePath === null) return { data, ttl: null }; // Apache logs "not allowed" and returns nothing
    let props: Record<string, string>;
    try {
      props = parseProperties(readFileSync(filePath), filePath);
    } catch {
      throw new ConfigException(undefined, undefined, `Could not read properties from file ${path}`);
    }
    for (const key of keys) {
      const value = props[key];
      if (value !== undefined) data[key] = value;
    }
    return { data, ttl: null };
  }
}

/** `DirectoryConfigProvider`: `${directory:/mnt/secrets:db-password}` = content of file `db-password`. */
export class DirectoryConfigProvider implements ConfigProvider {
  private allowedPaths: AllowedPaths | null = null;

  configure(params: Readonly<Record<string, string>>): void {
    this.allowedPaths = new AllowedPaths(params['allowed.paths']);
  }

  get(path: string, keys: ReadonlySet<string>): ConfigData {
    if (!this.allowedPaths) throw new Error('The provider has not been configured yet.');
    const data: Record<string, string> = {};
    if (!path) return { data, ttl: null };
    const dir = this.allowedPaths.parseUntrustedPath(path);
    if (dir === null) return { data, ttl: null };
    let isDirectory = false;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {
      isDirectory = false;
    }
    if (!isDirectory) return { data, ttl: null }; // Apache: warning "is not a directory"
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      throw new ConfigException(undefined, undefined, `Could not list directory ${dir}`);
    }
    for (const name of entries) {
      if (!keys.has(name)) continue;
      const file = join(dir, name);
      try {
        if (!statSync(file).isFile()) continue;
        data[name] = readFileSync(file, 'utf8');
      } catch {
        throw new ConfigException(undefined, undefined, `Could not read file ${file} for property ${name}`);
      }
    }
    return { data, ttl: null };
  }
}

/** `EnvVarConfigProvider`: `${env:NAME}`; `allowlist.pattern` (a regex, full match) limits what can be read. */
export class EnvVarConfigProvider implements ConfigProvider {
  private filtered: Record<string, string> = {};

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  configure(params: Readonly<Record<string, string>>): void {
    const pattern = new RegExp(`^(?:${params['allowlist.pattern'] ?? '.*'})$`, 's');
    this.filtered = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined && pattern.test(k)) this.filtered[k] = v;
  }

  get(path: string, keys: ReadonlySet<string>): ConfigData {
    if (path) {
      throw new ConfigException(
        undefined,
        path,
        `Path is not supported for EnvVarConfigProvider, invalid value '${path}'`,
      );
    }
    const data: Record<string, string> = {};
    for (const key of keys) {
      const value = this.filtered[key];
      if (value !== undefined) data[key] = value;
    }
    return { data, ttl: null };
  }
}

/** `readers`: the AWS clients, given only where secrets may be resolved (task processes). */
export type ConfigProviderFactory = (readers?: AwsSecretReaders | null) => ConfigProvider;

const PROVIDER_PACKAGE = 'org.apache.kafka.common.config.provider.';

/** Built-in providers by FQCN, simple class name and alias (simple name minus `ConfigProvider`), as Apache's plugin aliases. */
export const BUILT_IN_CONFIG_PROVIDERS: ReadonlyMap<string, ConfigProviderFactory> = new Map(
  (
    [
      ['FileConfigProvider', () => new FileConfigProvider()],
      ['DirectoryConfigProvider', () => new DirectoryConfigProvider()],
      ['EnvVarConfigProvider', () => new EnvVarConfigProvider()],
    ] as const
  )
    .flatMap(([simple, factory]): [string, ConfigProviderFactory][] => [
      [PROVIDER_PACKAGE + simple, factory],
      [simple, factory],
      [simple.replace(/ConfigProvider$/, ''), factory],
    ])
    .concat(
      (
        [
          [SECRETS_MANAGER_PROVIDER_CLASS, (readers) => new SecretsManagerConfigProvider(readers ?? null)],
          [SSM_PROVIDER_CLASS, (readers) => new SsmParamStoreConfigProvider(readers ?? null)],
        ] as [string, ConfigProviderFactory][]
      ).flatMap(([fqcn, factory]): [string, ConfigProviderFactory][] => {
        const simple = fqcn.slice(fqcn.lastIndexOf('.') + 1);
        return [
          [fqcn, factory],
          [simple, factory],
          [simple.replace(/ConfigProvider$/, ''), factory],
        ];
      }),
    ),
);

/** `${provider:[path:]key}` exactly as Apache's `ConfigTransformer.DEFAULT_PATTERN` (lazy groups). */
const VARIABLE_PATTERN = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g;

export interface ConfigTransformerResult {
  data: Record<string, string>;
  /** TTL by path, for paths whose provider reported one. */
  ttls: Record<string, number>;
}

/** The providers a worker config enables, and Apache's `ConfigTransformer` over them. */
export class ConfigProviders {
  constructor(private readonly providers: ReadonlyMap<string, ConfigProvider>) {}

  static none(): ConfigProviders {
    return new ConfigProviders(new Map());
  }

  /**
   * Instantiate the providers named in `config.providers` (split on `,` untrimmed, as Apache does), each with
   * `config.providers.<name>.class` and the `config.providers.<name>.param.*` params. A name without a class is
   * skipped; an unknown class fails with Apache's message.
   */
  static fromWorkerConfig(
    workerProps: Readonly<Record<string, string>>,
    extra: ReadonlyMap<string, ConfigProviderFactory> = new Map(),
    readers: AwsSecretReaders | null = null,
  ): ConfigProviders {
    const names = workerProps['config.providers'];
    const providers = new Map<string, ConfigProvider>();
    if (!names) return new ConfigProviders(providers);
    for (const name of names.split(',')) {
      const classKey = `config.providers.${name}.class`;
      const className = workerProps[classKey];
      if (className === undefined) continue;
      const factory = extra.get(className.trim()) ?? BUILT_IN_CONFIG_PROVIDERS.get(className.trim());
      if (!factory)
        throw invalidValue(classKey, className, 'Could not load config provider class or one of its dependencies');
      const prefix = `config.providers.${name}.param.`;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(workerProps)) if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
      const provider = factory(readers);
      provider.configure(params);
      providers.set(name, provider);
    }
    return new ConfigProviders(providers);
  }

  names(): string[] {
    return [...this.providers.keys()];
  }

  /**
   * Resolve every placeholder in `configs` with the synchronous providers (file, directory, env). Placeholders of
   * task-only providers (Secrets Manager, SSM) fail with a ConfigException, or are left in place with
   * `deferTaskOnly` (the reconciler: the task resolves them). Provider errors propagate as ConfigException.
   */
  transform(
    configs: Readonly<Record<string, string>>,
    options: { readonly deferTaskOnly?: boolean } = {},
  ): ConfigTransformerResult {
    const wanted = this.wanted(configs);
    const lookups = new Map<string, Map<string, Record<string, string>>>();
    const ttls: Record<string, number> = {};
    for (const [providerName, byPath] of wanted) {
      const provider = this.providers.get(providerName);
      if (!provider) continue;
      if (provider.resolvesInTaskOnly) {
        if (options.deferTaskOnly) continue;
        throw new ConfigException(
          undefined,
          undefined,
          `Config provider '${providerName}' resolves values only in task processes, not here`,
        );
      }
      const results = new Map<string, Record<string, string>>();
      for (const [path, keys] of byPath) {
        const result = provider.get(path, keys);
        if (result instanceof Promise) {
          void result.catch(() => undefined);
          throw new ConfigException(undefined, undefined, `Config provider '${providerName}' is asynchronous`);
        }
        if (result.ttl !== null && result.ttl >= 0) ttls[path] = result.ttl;
        results.set(path, result.data);
      }
      lookups.set(providerName, results);
    }
    return { data: substitute(configs, lookups), ttls };
  }

  /** Resolve every placeholder in `configs` with every provider: what a task process does before it starts. */
  async resolve(configs: Readonly<Record<string, string>>): Promise<ConfigTransformerResult> {
    const wanted = this.wanted(configs);
    const lookups = new Map<string, Map<string, Record<string, string>>>();
    const ttls: Record<string, number> = {};
    for (const [providerName, byPath] of wanted) {
      const provider = this.providers.get(providerName);
      if (!provider) continue;
      const results = new Map<string, Record<string, string>>();
      for (const [path, keys] of byPath) {
        const { data, ttl } = await provider.get(path, keys);
        if (ttl !== null && ttl >= 0) ttls[path] = ttl;
        results.set(path, data);
      }
      lookups.set(providerName, results);
    }
    return { data: substitute(configs, lookups), ttls };
  }

  /** Keys per provider and path, so each provider is asked once per path (as Apache does). */
  private wanted(configs: Readonly<Record<string, string>>): Map<string, Map<string, Set<string>>> {
    const wanted = new Map<string, Map<string, Set<string>>>();
    for (const value of Object.values(configs)) {
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(VARIABLE_PATTERN)) {
        const [, provider = '', , path = '', key = ''] = m;
        const byPath = wanted.get(provider) ?? new Map<string, Set<string>>();
        wanted.set(provider, byPath);
        const keys = byPath.get(path) ?? new Set<string>();
        byPath.set(path, keys);
        keys.add(key);
      }
    }
    return wanted;
  }
}

/** Replace each placeholder found in `lookups`; the others stay as written (Apache's `ConfigTransformer`). */
function substitute(
  configs: Readonly<Record<string, string>>,
  lookups: ReadonlyMap<string, ReadonlyMap<string, Record<string, string>>>,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs)) {
    data[name] =
      typeof value !== 'string'
        ? value
        : value.replace(VARIABLE_PATTERN, (whole, provider: string, _p, path: string | undefined, key: string) => {
            const byPath = lookups.get(provider);
            if (!byPath) return whole;
            return byPath.get(path ?? '')?.[key] ?? whole;
          });
  }
  return data;
}

/** True if `value` contains at least one `${provider:…}` placeholder. */
export function hasPlaceholders(value: string): boolean {
  VARIABLE_PATTERN.lastIndex = 0;
  return new RegExp(VARIABLE_PATTERN.source).test(value);
}

/**
 * Apache's `AbstractHerder.reverseTransform`: in task configs, put back the raw placeholder for every key whose
 * raw connector value contains one, so secrets resolved by providers are never stored.
 */
export function reverseTransform(
  rawConnectorConfig: Readonly<Record<string, string>>,
  taskConfigs: readonly Readonly<Record<string, string>>[],
): Record<string, string>[] {
  const keysWithVariables = Object.keys(rawConnectorConfig).filter((k) => {
    const v = rawConnectorConfig[k];
    return v !== undefined && hasPlaceholders(v);
  });
  return taskConfigs.map((config) => {
    const copy = { ...config };
    for (const key of keysWithVariables) {
      const raw = rawConnectorConfig[key];
      if (key in copy && raw !== undefined) copy[key] = raw;
    }
    return copy;
  });
}
