import { ConfigException } from './errors';

/**
 * `org.apache.kafka.common.config.ConfigDef` and friends: typed config keys, Java-compatible parsing,
 * validators with Apache's messages, validation into `ConfigValue`s, and the REST shapes
 * (`ConfigKeyInfo`, `ConfigInfos`) that `/connector-plugins/{p}/config[/validate]` return.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** A secret value; prints as `[hidden]` everywhere (logs, errors, REST), as Kafka's `Password` does. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  constructor(readonly value: string) {}
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  equals(other: unknown): boolean {
    return other instanceof Password && other.value === this.value;
  }
}

/** Parsed value of a key: BOOLEAN→boolean, STRING/CLASS→string, INT/SHORT/LONG/DOUBLE→number, LIST→string[]. */
export type ParsedValue = boolean | string | number | readonly string[] | Password | null;
export type ParsedConfig = Record<string, ParsedValue>;

/** Apache's `ConfigDef.NO_DEFAULT_VALUE`: the key is required. */
export const NO_DEFAULT_VALUE: unique symbol = Symbol('NO_DEFAULT_VALUE');

export interface Validator {
  /** Throw a `ConfigException` if the (parsed) value is not valid. */
  ensureValid(name: string, value: unknown): void;
  /** Shown in docs, like Apache's `Validator.toString()`. */
  toString(): string;
}

export interface Recommender {
  validValues(name: string, parsedConfig: Readonly<Record<string, unknown>>): unknown[];
  visible(name: string, parsedConfig: Readonly<Record<string, unknown>>): boolean;
}

/** Argument of `ConfigDef.define`. Omit `defaultValue` for a required key; `null` is a valid default. */
export interface ConfigKeyDefinition {
  name: string;
  type: ConfigType;
  defaultValue?: unknown;
  validator?: Validator | null;
  importance: Importance;
  documentation: string | null;
  group?: string | null;
  orderInGroup?: number;
  width?: Width;
  displayName?: string | null;
  dependents?: readonly string[];
  recommender?: Recommender | null;
  internalConfig?: boolean;
}

/** A defined key (Apache's `ConfigDef.ConfigKey`); `defaultValue` is parsed, or `NO_DEFAULT_VALUE`. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: ParsedValue | typeof NO_DEFAULT_VALUE;
  readonly validator: Validator | null;
  readonly importance: Importance;
  readonly documentation: string | null;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string;
  readonly dependents: readonly string[];
  readonly recommender: Recommender | null;
  readonly internalConfig: boolean;
}

export const hasDefault = (key: ConfigKey): boolean => key.defaultValue !== NO_DEFAULT_VALUE;

/** Result of validating one key (Apache's `org.apache.kafka.common.config.ConfigValue`). */
export class ConfigValue {
  constructor(
    readonly name: string,
    public value: unknown = null,
    public recommendedValues: unknown[] = [],
    readonly errorMessages: string[] = [],
    public visible = true,
  ) {}
  addErrorMessage(message: string): void {
    this.errorMessages.push(message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Java-compatible value rendering and parsing
// ---------------------------------------------------------------------------------------------------------

/** Java's `String.trim()`: strips chars <= U+0020 only (not NBSP and other Unicode spaces). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Java's `Double.toString` for finite doubles: `1.0`, `0.5`, `1.0E7`, `1.0E-4`. */
export function javaDoubleToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** `Object.toString()` as Java would print a config value inside an error message. */
export function javaToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (value instanceof Password) return Password.HIDDEN;
  if (value instanceof RegExp) return value.source;
  return String(value);
}

/** Apache's `ConfigException(name, value, message)` text. */
export function invalidValue(name: string, value: unknown, message?: string | null): ConfigException {
  const text = `Invalid value ${javaToString(value)} for configuration ${name}${message == null ? '' : `: ${message}`}`;
  return new ConfigException(name, value, text);
}

const INT_PATTERN = /^[+-]?\d+$/;
const DOUBLE_PATTERN = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;
const RANGES: Record<'SHORT' | 'INT' | 'LONG', [bigint, bigint]> = {
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  LONG: [-9223372036854775808n, 9223372036854775807n],
};

function parseInteger(name: string, raw: unknown, trimmed: string, type: 'SHORT' | 'INT' | 'LONG'): number {
  const [min, max] = RANGES[type];
  if (!INT_PATTERN.test(trimmed)) throw invalidValue(name, raw, `Not a number of type ${type}`);
  const big = BigInt(trimmed);
  if (big < min || big > max) throw invalidValue(name, raw, `Not a number of type ${type}`);
  return Number(big);
}

const JAVA_TYPE_NAMES: Record<ConfigType, string> = {
  BOOLEAN: 'Expected value to be either true or false',
  STRING: 'Expected value to be a string, but it was a',
  PASSWORD: 'Expected value to be a string, but it was a',
  INT: 'Expected value to be a 32-bit integer, but it was a',
  SHORT: 'Expected value to be a 16-bit integer (short), but it was a',
  LONG: 'Expected value to be a 64-bit integer (long), but it was a',
  DOUBLE: 'Expected value to be a double, but it was a',
  LIST: 'Expected a comma separated list.',
  CLASS: 'Expected a Class instance or class name.',
};

function wrongType(name: string, value: unknown, type: ConfigType): ConfigException {
  const prefix = JAVA_TYPE_NAMES[type];
  if (type === 'BOOLEAN' || type === 'LIST' || type === 'CLASS') return invalidValue(name, value, prefix);
  return invalidValue(name, value, `${prefix} ${Array.isArray(value) ? 'java.util.List' : typeof value}`);
}

/**
 * Apache's `ConfigDef.parseType`: strings are trimmed then parsed like Java; already-typed values pass
 * through (so defaults may be given typed). `null` stays `null`.
 */
export function parseType(name: string, value: unknown, type: ConfigType): ParsedValue {
  if (value === null || value === undefined) return null;
  const trimmed = typeof value === 'string' ? javaTrim(value) : undefined;
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (trimmed !== undefined) {
        if (trimmed.toLowerCase() === 'true') return true;
        if (trimmed.toLowerCase() === 'false') return false;
      }
      throw wrongType(name, value, type);
    case 'PASSWORD':
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw wrongType(name, value, type);
    case 'STRING':
    case 'CLASS':
      if (trimmed !== undefined) return trimmed;
      if (type === 'CLASS' && typeof value === 'function' && value.name) return value.name;
      throw wrongType(name, value, type);
    case 'SHORT':
    case 'INT':
    case 'LONG':
      if (typeof value === 'number' && Number.isInteger(value)) {
        const [min, max] = RANGES[type];
        if (BigInt(value) >= min && BigInt(value) <= max) return value;
      }
      if (trimmed !== undefined) return parseInteger(name, value, trimmed, type);
      throw wrongType(name, value, type);
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (trimmed !== undefined) {
        if (!DOUBLE_PATTERN.test(trimmed)) throw invalidValue(name, value, `Not a number of type ${type}`);
        return Number(trimmed.replace(/[fFdD]$/, ''));
      }
      throw wrongType(name, value, type);
    case 'LIST':
      if (Array.isArray(value)) return value.map((v) => String(v));
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
      throw wrongType(name, value, type);
  }
}

/** Apache's `ConfigDef.convertToString`: how values and defaults appear in REST responses. */
export function convertToString(value: unknown, type: ConfigType | null): string | null {
  if (value === null || value === undefined || value === NO_DEFAULT_VALUE) return null;
  if (type === 'LIST' && Array.isArray(value)) return value.map((v) => javaToString(v)).join(',');
  if (type === 'DOUBLE' && typeof value === 'number') return javaDoubleToString(value);
  return javaToString(value);
}

// ---------------------------------------------------------------------------------------------------------
// ConfigDef
// ---------------------------------------------------------------------------------------------------------

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();
  private readonly groupList: string[] = [];

  /** A copy of `base` (Apache's `new ConfigDef(base)`), or an empty definition. */
  constructor(base?: ConfigDef) {
    if (base) {
      for (const key of base.keys.values()) this.keys.set(key.name, key);
      this.groupList.push(...base.groupList);
    }
  }

  define(def: ConfigKeyDefinition): this {
    const required = !Object.prototype.hasOwnProperty.call(def, 'defaultValue');
    const defaultValue = required ? NO_DEFAULT_VALUE : parseType(def.name, def.defaultValue, def.type);
    const validator = def.validator ?? null;
    // Apache rejects a definition whose own default is invalid, at define time.
    if (validator && !required) validator.ensureValid(def.name, defaultValue);
    return this.defineKey({
      name: def.name,
      type: def.type,
      defaultValue,
      validator,
      importance: def.importance,
      documentation: def.documentation,
      group: def.group ?? null,
      orderInGroup: def.orderInGroup ?? -1,
      width: def.width ?? 'NONE',
      displayName: def.displayName ?? def.name,
      dependents: [...(def.dependents ?? [])],
      recommender: def.recommender ?? null,
      internalConfig: def.internalConfig ?? false,
    });
  }

  /** Define an already-built key (used by copy/merge/embed). */
  defineKey(key: ConfigKey): this {
    if (this.keys.has(key.name)) {
      throw new ConfigException(key.name, undefined, `Configuration ${key.name} is defined twice.`);
    }
    if (key.group !== null && !this.groupList.includes(key.group)) this.groupList.push(key.group);
    this.keys.set(key.name, key);
    return this;
  }

  /** Keys in definition order. */
  configKeys(): ReadonlyMap<string, ConfigKey> {
    return this.keys;
  }

  names(): ReadonlySet<string> {
    return new Set(this.keys.keys());
  }

  /** Group names in first-definition order. */
  groups(): readonly string[] {
    return this.groupList;
  }

  /** Add every key of `other` (a key defined in both throws, as `define` does). */
  merge(other: ConfigDef): this {
    for (const key of other.keys.values()) this.defineKey(key);
    return this;
  }

  /**
   * Apache's `embed`: define `child`'s keys under `keyPrefix`, in group `groupPrefix[: childGroup]`, numbered
   * from `startingOrd`. Validators see the unprefixed name, so their messages name the child's key, as in Apache.
   */
  embed(keyPrefix: string, groupPrefix: string, startingOrd: number, child: ConfigDef): this {
    let order = startingOrd;
    for (const key of child.sortedConfigs()) {
      this.defineKey({
        ...key,
        name: keyPrefix + key.name,
        validator: key.validator ? embeddedValidator(keyPrefix, key.validator) : null,
        group: groupPrefix + (key.group === null ? '' : `: ${key.group}`),
        orderInGroup: order++,
        dependents: key.dependents.map((d) => keyPrefix + d),
        recommender: key.recommender ? embeddedRecommender(keyPrefix, key.recommender) : null,
      });
    }
    return this;
  }

  /** Keys sorted as Apache's `sortedConfigs()`: group, order in group, required first, importance, name. */
  sortedConfigs(): ConfigKey[] {
    const groupOrd = new Map(this.groupList.map((g, i) => [g, i]));
    const importanceOrd: Record<Importance, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };
    return [...this.keys.values()].sort((a, b) => {
      let cmp =
        a.group === null
          ? b.group === null
            ? 0
            : -1
          : b.group === null
            ? 1
            : (groupOrd.get(a.group) ?? 0) - (groupOrd.get(b.group) ?? 0);
      if (cmp !== 0) return cmp;
      cmp = a.orderInGroup - b.orderInGroup;
      if (cmp !== 0) return cmp;
      if (!hasDefault(a) && hasDefault(b)) return -1;
      if (!hasDefault(b) && hasDefault(a)) return 1;
      cmp = importanceOrd[a.importance] - importanceOrd[b.importance];
      if (cmp !== 0) return cmp;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  /**
   * Parse and validate every defined key (Apache's `ConfigDef.parse`). Throws `ConfigException` with
   * Apache's message at the first problem. Unknown keys in `props` are ignored.
   */
  parse(props: Readonly<Record<string, unknown>>): ParsedConfig {
    const undefinedKeys = this.undefinedDependentConfigs();
    if (undefinedKeys.length > 0) {
      throw new ConfigException(
        undefined,
        undefined,
        `Some configurations in are referred in the dependents, but not defined: ${undefinedKeys.join(',')}`,
      );
    }
    const values: ParsedConfig = {};
    for (const key of this.keys.values()) {
      values[key.name] = this.parseValue(key, props[key.name], Object.prototype.hasOwnProperty.call(props, key.name));
    }
    return values;
  }

  /** Apache's `parseValue`: type-parse if set, else default (or "missing required"), then the validator. */
  parseValue(key: ConfigKey, value: unknown, isSet: boolean): ParsedValue {
    let parsed: ParsedValue;
    if (isSet) parsed = parseType(key.name, value, key.type);
    else if (key.defaultValue === NO_DEFAULT_VALUE) throw missingRequired(key.name);
    else parsed = key.defaultValue;
    // Apache 4.x removes duplicates of a ValidList-validated list when parsing (with a warning); `validate`
    // still reports them.
    if (key.validator !== null && VALID_LIST in key.validator && Array.isArray(parsed)) {
      parsed = [...new Set(parsed as readonly string[])];
    }
    key.validator?.ensureValid(key.name, parsed);
    return parsed;
  }

  /** Validate without throwing: one `ConfigValue` per defined key, in definition order (Apache's `validate`). */
  validate(props: Readonly<Record<string, string | null | undefined>>): ConfigValue[] {
    return [...this.validateAll(props).values()];
  }

  validateAll(props: Readonly<Record<string, string | null | undefined>>): Map<string, ConfigValue> {
    const values = new Map<string, ConfigValue>();
    for (const name of this.keys.keys()) values.set(name, new ConfigValue(name));
    for (const name of this.undefinedDependentConfigs()) {
      const value = new ConfigValue(name);
      value.addErrorMessage(`${name} is referred in the dependents, but not defined.`);
      value.visible = false;
      values.set(name, value);
    }
    const parsed: Record<string, unknown> = {};
    const roots = this.configsWithNoParent();
    for (const name of roots) this.parseForValidate(name, props, parsed, values, new Set());
    for (const name of roots) this.validateRecommended(name, parsed, values, new Set());
    return values;
  }

  private parseForValidate(
    name: string,
    props: Readonly<Record<string, string | null | undefined>>,
    parsed: Record<string, unknown>,
    values: Map<string, ConfigValue>,
    seen: Set<string>,
  ): void {
    const key = this.keys.get(name);
    const config = values.get(name);
    if (!key || !config || seen.has(name)) return;
    seen.add(name);
    let value: ParsedValue = null;
    if (Object.prototype.hasOwnProperty.call(props, name)) {
      try {
        value = parseType(name, props[name], key.type);
      } catch (e) {
        if (!(e instanceof ConfigException)) throw e;
        config.addErrorMessage(e.message);
      }
    } else if (key.defaultValue === NO_DEFAULT_VALUE) {
      config.addErrorMessage(missingRequired(name).message);
    } else {
      value = key.defaultValue;
    }
    if (key.validator) {
      try {
        key.validator.ensureValid(name, value);
      } catch (e) {
        if (!(e instanceof ConfigException)) throw e;
        config.addErrorMessage(e.message);
      }
    }
    config.value = value;
    parsed[name] = value;
    for (const dependent of key.dependents) this.parseForValidate(dependent, props, parsed, values, seen);
  }

  private validateRecommended(
    name: string,
    parsed: Record<string, unknown>,
    values: Map<string, ConfigValue>,
    seen: Set<string>,
  ): void {
    const key = this.keys.get(name);
    const config = values.get(name);
    if (!key || !config || seen.has(name)) return;
    seen.add(name);
    if (key.recommender) {
      try {
        let recommended = key.recommender.validValues(name, parsed);
        if (config.recommendedValues.length > 0) {
          const original = new Set(config.recommendedValues);
          recommended = recommended.filter((v) => original.has(v));
        }
        config.recommendedValues = recommended;
        config.visible = key.recommender.visible(name, parsed);
      } catch (e) {
        if (!(e instanceof ConfigException)) throw e;
        config.addErrorMessage(e.message);
      }
    }
    for (const dependent of key.dependents) this.validateRecommended(dependent, parsed, values, seen);
  }

  private undefinedDependentConfigs(): string[] {
    const missing = new Set<string>();
    for (const key of this.keys.values()) {
      for (const d of key.dependents) if (!this.keys.has(d)) missing.add(d);
    }
    return [...missing];
  }

  private configsWithNoParent(): string[] {
    const dependents = new Set<string>();
    for (const key of this.keys.values()) for (const d of key.dependents) dependents.add(d);
    return [...this.keys.keys()].filter((n) => !dependents.has(n));
  }
}

export function missingRequired(name: string): ConfigException {
  return new ConfigException(name, undefined, `Missing required configuration "${name}" which has no default value.`);
}

function embeddedValidator(prefix: string, base: Validator): Validator {
  return {
    ensureValid: (name, value) => base.ensureValid(name.slice(prefix.length), value),
    toString: () => base.toString(),
  };
}

function embeddedRecommender(prefix: string, base: Recommender): Recommender {
  const unprefixed = (parsed: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  };
  return {
    validValues: (name, parsed) => base.validValues(name.slice(prefix.length), unprefixed(parsed)),
    visible: (name, parsed) => base.visible(name.slice(prefix.length), unprefixed(parsed)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Validators (Apache's ConfigDef.* inner classes, same messages and toString)
// ---------------------------------------------------------------------------------------------------------

/** Apache's `ConfigDef.LambdaValidator.with(ensureValid, toString)`. */
export const LambdaValidator = {
  with(ensureValid: (name: string, value: unknown) => void, toString: () => string): Validator {
    return { ensureValid, toString };
  },
};

const formatBound = (n: number): string => String(n);

export const Range = {
  atLeast(min: number): Validator {
    return Range.between(min, null);
  },
  atMost(max: number): Validator {
    return Range.between(null, max);
  },
  between(min: number | null, max: number | null): Validator {
    return {
      ensureValid(name, value) {
        if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null');
        const n = Number(value);
        if (min !== null && n < min) throw invalidValue(name, value, `Value must be at least ${formatBound(min)}`);
        if (max !== null && n > max) throw invalidValue(name, value, `Value must be no more than ${formatBound(max)}`);
      },
      toString() {
        if (min === null && max === null) return '[...]';
        if (min === null) return `[...,${formatBound(max ?? 0)}]`;
        if (max === null) return `[${formatBound(min)},...]`;
        return `[${formatBound(min)},...,${formatBound(max)}]`;
      },
    };
  },
};

export const ValidString = {
  in(...validStrings: string[]): Validator {
    return {
      ensureValid(name, value) {
        if (typeof value !== 'string' || !validStrings.includes(value)) {
          throw invalidValue(name, value, `String must be one of: ${validStrings.join(', ')}`);
        }
      },
      toString: () => `[${validStrings.join(', ')}]`,
    };
  },
};

/** Java's `String.hashCode` (UTF-16 units, int32 overflow). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Iteration order of a `java.util.HashSet` built by adding `values` in order (default capacity 16, load factor
 * 0.75): Apache prints some sets (e.g. `CaseInsensitiveValidString`) in this order, so messages match byte for byte.
 */
export function javaHashSetOrder(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const bucket = (s: string) => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((s, i) => ({ s, i, b: bucket(s) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.s);
}

/** Apache's `CaseInsensitiveValidString`: accepted values are compared upper-cased (`Locale.ROOT`). */
export const CaseInsensitiveValidString = {
  in(...validStrings: string[]): Validator {
    const upper = javaHashSetOrder(validStrings.map((s) => s.toUpperCase()));
    return {
      ensureValid(name, value) {
        if (typeof value !== 'string' || !upper.includes(value.toUpperCase())) {
          throw invalidValue(name, value, `String must be one of (case insensitive): ${upper.join(', ')}`);
        }
      },
      toString: () => `(case insensitive) [${upper.join(', ')}]`,
    };
  },
};

/**
 * Apache 4.x's `ValidList` (KIP-1161): null rejected unless allowed, `[]` rejected unless allowed, duplicates and
 * empty elements always rejected, and each element must be one of `validStrings` when any are given.
 */
export const ValidList = {
  in(...validStrings: string[]): Validator {
    return validList(validStrings, true, false);
  },
  /** Apache's `ValidList.in(isEmptyAllowed, validStrings...)`. */
  inAllowingEmpty(isEmptyAllowed: boolean, ...validStrings: string[]): Validator {
    if (!isEmptyAllowed && validStrings.length === 0) {
      throw new Error('At least one valid string must be provided when empty values are not allowed');
    }
    return validList(validStrings, isEmptyAllowed, false);
  },
  anyNonDuplicateValues(isEmptyAllowed: boolean, isNullAllowed: boolean): Validator {
    return validList([], isEmptyAllowed, isNullAllowed);
  },
};

/** Marks the validators of `ValidList`, whose parsed lists are de-duplicated (see `parseValue`). */
const VALID_LIST: unique symbol = Symbol('ValidList');

function validList(validStrings: string[], isEmptyAllowed: boolean, isNullAllowed: boolean): Validator {
  const element = validStrings.length > 0 ? ValidString.in(...validStrings) : null;
  const plain = (name: string, message: string) => new ConfigException(name, undefined, message);
  const validator: Validator & { readonly [VALID_LIST]: true } = {
    [VALID_LIST]: true,
    ensureValid(name: string, value: unknown) {
      if (value === null || value === undefined) {
        if (isNullAllowed) return;
        throw plain(name, `Configuration '${name}' values must not be null.`);
      }
      const list = value as readonly unknown[];
      if (!isEmptyAllowed && list.length === 0) {
        const valid = element ? element.toString() : 'any non-empty value';
        throw plain(name, `Configuration '${name}' must not be empty. Valid values include: ${valid}`);
      }
      if (new Set(list).size !== list.length)
        throw plain(name, `Configuration '${name}' values must not be duplicated.`);
      for (const s of list) {
        if (typeof s !== 'string') continue;
        if (s === '') throw plain(name, `Configuration '${name}' values must not be empty.`);
        element?.ensureValid(name, s);
      }
    },
    toString: () => (element ? element.toString() : ''),
  };
  return validator;
}

export const NonNullValidator: Validator = {
  ensureValid(name, value) {
    if (value === null || value === undefined) throw invalidValue(name, 'null', 'entry must be non null');
  },
  toString: () => 'non-null string',
};

export const NonEmptyString: Validator = {
  ensureValid(name, value) {
    if (value === '') throw invalidValue(name, value, 'String must be non-empty');
  },
  toString: () => 'non-empty string',
};

/** Control characters as Java's `Character.isISOControl`: U+0000–U+001F and U+007F–U+009F. */
const isIsoControl = (cp: number): boolean => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);

export const NonEmptyStringWithoutControlChars: Validator = {
  ensureValid(name, value) {
    // null is allowed: a missing required key is reported by the "Missing required configuration" check.
    if (value === null || value === undefined) return;
    const s = String(value);
    if (s === '') throw invalidValue(name, value, 'String may not be empty');
    const found: number[] = [];
    // Java iterates UTF-16 indices with codePointAt, so a surrogate pair is visited twice; controls never are.
    for (let i = 0; i < s.length; i++) {
      const cp = s.codePointAt(i) ?? 0;
      if (isIsoControl(cp)) found.push(cp);
    }
    if (found.length > 0) {
      throw invalidValue(
        name,
        value,
        `String may not contain control sequences but had the following ASCII chars: ${found.join(', ')}`,
      );
    }
  },
  toString: () => 'non-empty string without ISO control characters',
};

/** Apache's `CompositeValidator.of(...)`. */
export const CompositeValidator = {
  of(...validators: Validator[]): Validator {
    return {
      ensureValid(name, value) {
        for (const v of validators) v.ensureValid(name, value);
      },
      toString: () => validators.map((v) => v.toString()).join(', '),
    };
  },
};

// ---------------------------------------------------------------------------------------------------------
// AbstractConfig: typed access to a parsed config
// ---------------------------------------------------------------------------------------------------------

/** Apache's `AbstractConfig`: parses `originals` with `definition` (throws `ConfigException`) and offers getters. */
export class AbstractConfig {
  readonly values: ParsedConfig;
  private readonly originalProps: Readonly<Record<string, string>>;

  constructor(
    readonly definition: ConfigDef,
    originals: Readonly<Record<string, string>>,
  ) {
    this.originalProps = { ...originals };
    this.values = definition.parse(originals);
  }

  get(key: string): ParsedValue {
    if (!Object.prototype.hasOwnProperty.call(this.values, key)) {
      throw new ConfigException(key, undefined, `Unknown configuration '${key}'`);
    }
    return this.values[key] ?? null;
  }
  getString(key: string): string | null {
    return this.get(key) as string | null;
  }
  getClass(key: string): string | null {
    return this.get(key) as string | null;
  }
  getInt(key: string): number | null {
    return this.get(key) as number | null;
  }
  getShort(key: string): number | null {
    return this.get(key) as number | null;
  }
  getLong(key: string): number | null {
    return this.get(key) as number | null;
  }
  getDouble(key: string): number | null {
    return this.get(key) as number | null;
  }
  getBoolean(key: string): boolean | null {
    return this.get(key) as boolean | null;
  }
  getList(key: string): readonly string[] | null {
    return this.get(key) as readonly string[] | null;
  }
  getPassword(key: string): Password | null {
    return this.get(key) as Password | null;
  }
  originals(): Record<string, string> {
    return { ...this.originalProps };
  }
  /** Original keys starting with `prefix`, with the prefix stripped unless `strip` is false. */
  originalsWithPrefix(prefix: string, strip = true): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originalProps)) {
      if (k.startsWith(prefix) && k.length > prefix.length) out[strip ? k.slice(prefix.length) : k] = v;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// REST shapes (connect/runtime/.../rest/entities: ConfigKeyInfo, ConfigValueInfo, ConfigInfo, ConfigInfos)
// ---------------------------------------------------------------------------------------------------------

export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string | null;
  group: string | null;
  order_in_group: number;
  width: Width;
  display_name: string;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

/** Apache's `AbstractHerder.convertConfigKey`. */
export function convertConfigKey(key: ConfigKey): ConfigKeyInfo {
  const required = key.defaultValue === NO_DEFAULT_VALUE;
  return {
    name: key.name,
    type: key.type,
    required,
    default_value: required ? null : convertToString(key.defaultValue, key.type),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    order_in_group: key.orderInGroup,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
  };
}

/** Apache's `AbstractHerder.convertConfigValue`; `type` null for keys no definition knows. */
export function convertConfigValue(value: ConfigValue, type: ConfigType | null): ConfigValueInfo {
  const elementType = type === 'LIST' ? 'STRING' : type;
  return {
    name: value.name,
    value: convertToString(value.value, type),
    recommended_values: value.recommendedValues.map((v) => convertToString(v, elementType) ?? 'null'),
    errors: [...value.errorMessages],
    visible: value.visible,
  };
}

/**
 * Apache's `AbstractHerder.generateResult`: values without a definition first (definition null), then every
 * defined key in order with its value (or null). `error_count` sums the error messages.
 */
export function generateResult(
  connectorType: string,
  configKeys: ReadonlyMap<string, ConfigKey>,
  configValues: readonly ConfigValue[],
  groups: readonly string[],
): ConfigInfos {
  let errorCount = 0;
  const configs: ConfigInfo[] = [];
  const byName = new Map<string, ConfigValue>();
  for (const value of configValues) {
    byName.set(value.name, value);
    if (!configKeys.has(value.name)) {
      configs.push({ definition: null, value: convertConfigValue(value, null) });
      errorCount += value.errorMessages.length;
    }
  }
  for (const [name, key] of configKeys) {
    const value = byName.get(name);
    if (value) errorCount += value.errorMessages.length;
    configs.push({ definition: convertConfigKey(key), value: value ? convertConfigValue(value, key.type) : null });
  }
  return { name: connectorType, error_count: errorCount, groups: [...groups], configs };
}

/** `GET /connector-plugins/{p}/config` body for one ConfigDef. */
export function configKeyInfos(def: ConfigDef): ConfigKeyInfo[] {
  return [...def.configKeys().values()].map(convertConfigKey);
}
