import { BigDecimal } from './big-decimal';
import { DataException } from './errors';
import { javaClassName } from './java-text';
import type { Field, Schema, SchemaType } from './schema-types';

/**
 * `org.apache.kafka.connect.data.{ConnectSchema, SchemaBuilder, Schema constants}`: immutable schemas, the fluent
 * builder, and value validation with Apache's DataException messages.
 *
 * JavaScript representation of values: int8/16/32 and float32/64 → number; int64 → number (safe integers) or
 * bigint; boolean; string; bytes → Uint8Array (Buffer); array → unknown[]; map → Map (or a plain object for
 * string keys); struct → Struct; Decimal → BigDecimal; Date/Time/Timestamp → Date.
 */

export class SchemaBuilderException extends DataException {}

/** Brand of `Struct` instances, so this module need not import struct.ts (which imports this one). */
export const STRUCT_BRAND: unique symbol = Symbol.for('serverless-kafka-connect.connect.Struct');

export interface StructLike {
  readonly [STRUCT_BRAND]: true;
  readonly schema: Schema;
  validate(): void;
  equals(other: unknown): boolean;
}

export const isStruct = (value: unknown): value is StructLike =>
  typeof value === 'object' && value !== null && (value as Partial<StructLike>)[STRUCT_BRAND] === true;

/** Logical type names, repeated here (see logical-types.ts) so validation needs no import cycle. */
const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const DATE_LOGICAL_NAMES = new Set([
  'org.apache.kafka.connect.data.Date',
  'org.apache.kafka.connect.data.Time',
  'org.apache.kafka.connect.data.Timestamp',
]);

/** `Schema.Type` as Java prints it (`INT32`, `FLOAT64` …). */
export const typeName = (type: SchemaType): string => type.toUpperCase();

export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

export interface ConnectSchemaInit {
  readonly type: SchemaType;
  readonly optional?: boolean;
  readonly defaultValue?: unknown;
  readonly name?: string | undefined;
  readonly version?: number | undefined;
  readonly doc?: string | undefined;
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  readonly fields?: readonly Field[] | undefined;
  readonly keySchema?: Schema | undefined;
  readonly valueSchema?: Schema | undefined;
}

/** An immutable schema. Plain objects implementing `Schema` are accepted everywhere too. */
export class ConnectSchema implements Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  declare readonly defaultValue?: unknown;
  declare readonly name?: string;
  declare readonly version?: number;
  declare readonly doc?: string;
  declare readonly parameters?: Readonly<Record<string, string>>;
  declare readonly fields?: readonly Field[];
  declare readonly keySchema?: Schema;
  declare readonly valueSchema?: Schema;
  private readonly fieldsByName: ReadonlyMap<string, Field> | undefined;

  constructor(init: ConnectSchemaInit) {
    this.type = init.type;
    this.optional = init.optional ?? false;
    const self = this as { -readonly [K in keyof Schema]: Schema[K] };
    if (init.defaultValue !== undefined && init.defaultValue !== null) self.defaultValue = init.defaultValue;
    if (init.name !== undefined) self.name = init.name;
    if (init.version !== undefined) self.version = init.version;
    if (init.doc !== undefined) self.doc = init.doc;
    if (init.parameters !== undefined) self.parameters = Object.freeze({ ...init.parameters });
    if (init.keySchema !== undefined) self.keySchema = init.keySchema;
    if (init.valueSchema !== undefined) self.valueSchema = init.valueSchema;
    if (init.type === 'struct') {
      const fields = Object.freeze([...(init.fields ?? [])]);
      self.fields = fields;
      this.fieldsByName = new Map(fields.map((f) => [f.name, f]));
    } else {
      this.fieldsByName = undefined;
    }
    Object.freeze(this);
  }

  /** The field of a struct schema by name (Apache's `field(name)`), or undefined. */
  field(fieldName: string): Field | undefined {
    if (this.fieldsByName === undefined) throw new DataException('Cannot look up fields on non-struct type');
    return this.fieldsByName.get(fieldName);
  }

  equals(other: unknown): boolean {
    return typeof other === 'object' && other !== null && schemaEquals(this, other as Schema);
  }

  toString(): string {
    return schemaToString(this);
  }
}

const fieldIndexCache = new WeakMap<Schema, ReadonlyMap<string, Field>>();

/** `schema.field(name)` for any `Schema` (class instance or plain object). */
export function schemaField(schema: Schema, fieldName: string): Field | undefined {
  if (schema instanceof ConnectSchema) return schema.field(fieldName);
  if (schema.type !== 'struct') throw new DataException('Cannot look up fields on non-struct type');
  let index = fieldIndexCache.get(schema);
  if (index === undefined) {
    index = new Map((schema.fields ?? []).map((f) => [f.name, f]));
    fieldIndexCache.set(schema, index);
  }
  return index.get(fieldName);
}

/** `schema.fields()`: throws on non-struct types as Apache does. */
export function schemaFields(schema: Schema): readonly Field[] {
  if (schema.type !== 'struct') throw new DataException('Cannot list fields on non-struct type');
  return schema.fields ?? [];
}

/** `ConnectSchema.toString()`: `Schema{INT32}` or `Schema{name:STRUCT}`. */
export function schemaToString(schema: Schema): string {
  return schema.name !== undefined
    ? `Schema{${schema.name}:${typeName(schema.type)}}`
    : `Schema{${typeName(schema.type)}}`;
}

/** `ConnectSchema.equals`: structural equality of every attribute, default values compared deeply. */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.type === b.type &&
    a.optional === b.optional &&
    a.version === b.version &&
    a.name === b.name &&
    a.doc === b.doc &&
    valuesEqual(a.defaultValue ?? null, b.defaultValue ?? null) &&
    fieldsEqual(a.fields, b.fields) &&
    schemaEquals(a.keySchema, b.keySchema) &&
    schemaEquals(a.valueSchema, b.valueSchema) &&
    parametersEqual(a.parameters, b.parameters)
  );
}

function fieldsEqual(a: readonly Field[] | undefined, b: readonly Field[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((f, i) => {
    const g = b[i];
    return g !== undefined && f.name === g.name && f.index === g.index && schemaEquals(f.schema, g.schema);
  });
}

function parametersEqual(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * Deep equality of Connect values, as Java's `Objects.deepEquals` over Connect's value classes: bytes by
 * content, int64 as number or bigint alike, decimals by value and scale, dates by instant.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
      ? // Loose equality compares a bigint with a number exactly.
        a == b
      : false;
  }
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof BigDecimal) return a.equals(b);
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (isStruct(a)) return a.equals(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  }
  const ma = asMap(a);
  const mb = asMap(b);
  if (ma && mb) {
    if (ma.size !== mb.size) return false;
    for (const [k, v] of ma) {
      const key = findKey(mb, k);
      if (key === NOT_FOUND || !valuesEqual(v, mb.get(key))) return false;
    }
    return true;
  }
  return false;
}

const NOT_FOUND = Symbol('not found');

function findKey(map: ReadonlyMap<unknown, unknown>, key: unknown): unknown {
  if (map.has(key)) return key;
  if (typeof key !== 'object' && typeof key !== 'bigint' && typeof key !== 'number') return NOT_FOUND;
  for (const k of map.keys()) if (valuesEqual(k, key)) return k;
  return NOT_FOUND;
}

/** A Connect map value as a Map (plain objects stand for string-keyed maps). */
export function asMap(value: unknown): ReadonlyMap<unknown, unknown> | null {
  if (value instanceof Map) return value;
  if (isPlainObject(value)) return new Map(Object.entries(value));
  return null;
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether `value` is a valid int64 representation (an integral number, or a bigint in range). */
export function isInt64(value: unknown): value is number | bigint {
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX;
  return typeof value === 'number' && Number.isInteger(value);
}

/** The class check of `ConnectSchema.validateValue`, for this module's JavaScript representation. */
function hasExpectedClass(schema: Schema, value: unknown): boolean {
  if (schema.name === DECIMAL) return value instanceof BigDecimal;
  if (schema.name !== undefined && DATE_LOGICAL_NAMES.has(schema.name)) return value instanceof Date;
  switch (schema.type) {
    case 'int8':
      return integerIn(value, -128, 127);
    case 'int16':
      return integerIn(value, -32768, 32767);
    case 'int32':
      return integerIn(value, -2147483648, 2147483647);
    case 'int64':
      return isInt64(value);
    case 'float32':
    case 'float64':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map || isPlainObject(value);
    case 'struct':
      return isStruct(value);
  }
}

/** `ConnectSchema.validateValue(schema, value)`; `field` names the struct field in messages. */
export function validateValue(schema: Schema, value: unknown, field?: string): void {
  validateAt(schema, value, field === undefined ? 'value' : `field: "${field}"`);
}

function validateAt(schema: Schema, value: unknown, location: string): void {
  if (value === null || value === undefined) {
    if (!schema.optional) {
      throw new DataException(
        `Invalid value: null used for required ${location}, schema type: ${typeName(schema.type)}`,
      );
    }
    return;
  }
  if (!hasExpectedClass(schema, value)) {
    const named = schema.name !== undefined ? ` "${schema.name}"` : '';
    throw new DataException(
      `Invalid Java object for schema${named} with type ${typeName(schema.type)}: ${javaClassName(value)} for ${location}`,
    );
  }
  switch (schema.type) {
    case 'struct': {
      const struct = value as StructLike;
      if (!schemaEquals(struct.schema, schema)) throw new DataException('Struct schemas do not match.');
      struct.validate();
      break;
    }
    case 'array': {
      const entryLocation = `element of array ${location}`;
      const elementSchema = requireSchema(schema.valueSchema, entryLocation);
      for (const entry of value as unknown[]) validateAt(elementSchema, entry, entryLocation);
      break;
    }
    case 'map': {
      const keyLocation = `key of map ${location}`;
      const valueLocation = `value of map ${location}`;
      const keySchema = requireSchema(schema.keySchema, keyLocation);
      const valueSchema = requireSchema(schema.valueSchema, valueLocation);
      for (const [k, v] of asMap(value) ?? []) {
        validateAt(keySchema, k, keyLocation);
        validateAt(valueSchema, v, valueLocation);
      }
      break;
    }
    default:
      break;
  }
}

function requireSchema(schema: Schema | undefined, location: string): Schema {
  if (schema === undefined) throw new DataException(`No schema defined for ${location}`);
  return schema;
}

/**
 * `ConnectSchema.schemaType(value.getClass())`: the type of a schemaless value, or null when none fits.
 * Integral numbers are int64 and other numbers float64 (JavaScript cannot tell 1 from 1.0).
 */
export function inferSchemaType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int64';
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? 'int64' : 'float64';
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return 'bytes';
      if (Array.isArray(value)) return 'array';
      if (value instanceof Map || isPlainObject(value)) return 'map';
      if (isStruct(value)) return 'struct';
      return null;
    default:
      return null;
  }
}

const NO_DEFAULT = Symbol('no default');

/** `org.apache.kafka.connect.data.SchemaBuilder`: fluent, each attribute settable once. */
export class SchemaBuilder {
  private optionalFlag: boolean | null = null;
  private defaultVal: unknown = NO_DEFAULT;
  private schemaName: string | undefined;
  private schemaVersion: number | undefined;
  private schemaDoc: string | undefined;
  private params: Record<string, string> | undefined;
  private readonly fieldMap: Map<string, Field> | undefined;
  private keySchemaValue: Schema | undefined;
  private valueSchemaValue: Schema | undefined;

  constructor(readonly type: SchemaType) {
    if (type === 'struct') this.fieldMap = new Map();
  }

  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }
  static int8(): SchemaBuilder {
    return new SchemaBuilder('int8');
  }
  static int16(): SchemaBuilder {
    return new SchemaBuilder('int16');
  }
  static int32(): SchemaBuilder {
    return new SchemaBuilder('int32');
  }
  static int64(): SchemaBuilder {
    return new SchemaBuilder('int64');
  }
  static float32(): SchemaBuilder {
    return new SchemaBuilder('float32');
  }
  static float64(): SchemaBuilder {
    return new SchemaBuilder('float64');
  }
  static bool(): SchemaBuilder {
    return new SchemaBuilder('boolean');
  }
  static string(): SchemaBuilder {
    return new SchemaBuilder('string');
  }
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('bytes');
  }
  static struct(): SchemaBuilder {
    return new SchemaBuilder('struct');
  }
  static array(valueSchema: Schema): SchemaBuilder {
    if (!valueSchema) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder('array');
    builder.valueSchemaValue = valueSchema;
    return builder;
  }
  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    if (!keySchema) throw new SchemaBuilderException('keySchema cannot be null.');
    if (!valueSchema) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder('map');
    builder.keySchemaValue = keySchema;
    builder.valueSchemaValue = valueSchema;
    return builder;
  }

  isOptional(): boolean {
    return this.optionalFlag === true;
  }

  optional(): this {
    checkCanSet('optional', this.optionalFlag, true);
    this.optionalFlag = true;
    return this;
  }

  required(): this {
    checkCanSet('optional', this.optionalFlag, false);
    this.optionalFlag = false;
    return this;
  }

  name(name: string): this {
    checkCanSet('name', this.schemaName, name);
    this.schemaName = name;
    return this;
  }

  version(version: number): this {
    checkCanSet('version', this.schemaVersion, version);
    this.schemaVersion = version;
    return this;
  }

  doc(doc: string): this {
    checkCanSet('doc', this.schemaDoc, doc);
    this.schemaDoc = doc;
    return this;
  }

  parameter(propertyName: string, propertyValue: string): this {
    this.params ??= {};
    this.params[propertyName] = propertyValue;
    return this;
  }

  /** Adds all parameters; an empty map leaves parameters unset, as Apache does. */
  parameters(props: Readonly<Record<string, string>>): this {
    if (Object.keys(props).length === 0) return this;
    this.params = { ...this.params, ...props };
    return this;
  }

  field(fieldName: string, fieldSchema: Schema): this {
    if (this.fieldMap === undefined) {
      throw new SchemaBuilderException(`Cannot create fields on type ${typeName(this.type)}`);
    }
    if (!fieldName) throw new SchemaBuilderException('fieldName cannot be null.');
    if (!fieldSchema) throw new SchemaBuilderException(`fieldSchema for field ${fieldName} cannot be null.`);
    if (this.fieldMap.has(fieldName)) {
      throw new SchemaBuilderException(`Cannot create field because of field name duplication ${fieldName}`);
    }
    this.fieldMap.set(fieldName, Object.freeze({ name: fieldName, index: this.fieldMap.size, schema: fieldSchema }));
    return this;
  }

  /** Sets the default, validated against the schema built so far (Apache: "Invalid default value"). */
  defaultValue(value: unknown): this {
    if (this.defaultVal !== NO_DEFAULT && this.defaultVal !== value) {
      throw new SchemaBuilderException('Invalid SchemaBuilder call: default has already been set.');
    }
    try {
      // Apache validates against the builder itself, which a Struct's schema never equals: struct defaults
      // cannot be set through a builder (construct a ConnectSchema directly for that).
      if (this.type === 'struct' && value !== null && value !== undefined && isStruct(value)) {
        throw new DataException('Struct schemas do not match.');
      }
      validateValue(this.buildWith(NO_DEFAULT), value);
    } catch (e) {
      if (e instanceof DataException) throw new SchemaBuilderException('Invalid default value', { cause: e });
      throw e;
    }
    this.defaultVal = value;
    return this;
  }

  build(): ConnectSchema {
    return this.buildWith(this.defaultVal);
  }

  /** Apache's `schema()` on a builder. */
  schema(): ConnectSchema {
    return this.build();
  }

  private buildWith(defaultValue: unknown): ConnectSchema {
    return new ConnectSchema({
      type: this.type,
      optional: this.isOptional(),
      ...(defaultValue === NO_DEFAULT ? {} : { defaultValue }),
      name: this.schemaName,
      version: this.schemaVersion,
      doc: this.schemaDoc,
      parameters: this.params,
      fields: this.fieldMap ? [...this.fieldMap.values()] : undefined,
      keySchema: this.keySchemaValue,
      valueSchema: this.valueSchemaValue,
    });
  }
}

function checkCanSet(fieldName: string, current: unknown, value: unknown): void {
  if (current !== null && current !== undefined && current !== value) {
    throw new SchemaBuilderException(`Invalid SchemaBuilder call: ${fieldName} has already been set.`);
  }
}

const primitive = (type: SchemaType, optional: boolean): ConnectSchema => new ConnectSchema({ type, optional });

/** Apache's `Schema.*_SCHEMA` constants. */
export const Schemas = Object.freeze({
  INT8_SCHEMA: primitive('int8', false),
  INT16_SCHEMA: primitive('int16', false),
  INT32_SCHEMA: primitive('int32', false),
  INT64_SCHEMA: primitive('int64', false),
  FLOAT32_SCHEMA: primitive('float32', false),
  FLOAT64_SCHEMA: primitive('float64', false),
  BOOLEAN_SCHEMA: primitive('boolean', false),
  STRING_SCHEMA: primitive('string', false),
  BYTES_SCHEMA: primitive('bytes', false),
  OPTIONAL_INT8_SCHEMA: primitive('int8', true),
  OPTIONAL_INT16_SCHEMA: primitive('int16', true),
  OPTIONAL_INT32_SCHEMA: primitive('int32', true),
  OPTIONAL_INT64_SCHEMA: primitive('int64', true),
  OPTIONAL_FLOAT32_SCHEMA: primitive('float32', true),
  OPTIONAL_FLOAT64_SCHEMA: primitive('float64', true),
  OPTIONAL_BOOLEAN_SCHEMA: primitive('boolean', true),
  OPTIONAL_STRING_SCHEMA: primitive('string', true),
  OPTIONAL_BYTES_SCHEMA: primitive('bytes', true),
});
