/**
 * `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: cast fields (or the whole key/value) to another
 * primitive type with Java's conversions (narrowing by truncation, parse of strings, base64 of bytes).
 */
import { BigDecimal } from '../connect/big-decimal';
import { ConfigDef, LambdaValidator, javaTrim } from '../connect/config-def';
import { ConfigException, DataException } from '../connect/errors';
import { javaDoubleToString, javaFloatToString } from '../connect/java-text';
import { ConnectDate, Time, Timestamp } from '../connect/logical-types';
import { SchemaBuilder, inferSchemaType, schemaField, schemaFields, typeName } from '../connect/schema';
import type { Schema, SchemaType } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import { convertToString } from '../connect/values';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  SchemaCache,
  VALUE,
  copySchemaBasics,
  fieldValue,
  javaTypeName,
  mapCopy,
  mapGet,
  mapPut,
  requireMap,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const INPUT_TYPES: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
];
const OUTPUT_TYPES: readonly SchemaType[] = INPUT_TYPES.filter((t) => t !== 'bytes');
const ALL_TYPES: readonly SchemaType[] = [...INPUT_TYPES, 'array', 'map', 'struct'];
const enumSet = (types: readonly SchemaType[]): string => `[${types.map(typeName).join(', ')}]`;

/** `String.split(":")`: trailing empty strings dropped, as Java does. */
const javaSplitColon = (s: string): string[] => {
  const parts = s.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

const WHOLE_VALUE = '';

function parseType(text: string): SchemaType {
  const type = ALL_TYPES.find((t) => t.toUpperCase() === text.trim().toUpperCase());
  if (type === undefined) {
    // Apache passes the enum lookup's exception as the "value" of a ConfigException(name, value), hence this text.
    throw new ConfigException(
      undefined,
      undefined,
      `Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.${text.trim().toUpperCase()} ` +
        `for configuration Invalid type found in casting spec: ${text.trim()}`,
    );
  }
  if (!OUTPUT_TYPES.includes(type)) {
    throw new ConfigException(
      undefined,
      undefined,
      `Cast transformation does not support casting to ${typeName(type)}; supported types are ${enumSet(OUTPUT_TYPES)}`,
    );
  }
  return type;
}

/** `parseFieldTypes`: `field:type,…` or a single type for the whole value. */
function parseFieldTypes(mappings: readonly string[]): Map<string, SchemaType> {
  const m = new Map<string, SchemaType>();
  let whole = false;
  for (const mapping of mappings) {
    const parts = javaSplitColon(mapping);
    if (parts.length > 2) {
      throw new ConfigException(
        'renames',
        mappings,
        `Invalid value [${mappings.join(', ')}] for configuration renames: Invalid rename mapping: ${mapping}`,
      );
    }
    if (parts.length <= 1) {
      m.set(WHOLE_VALUE, parseType(parts[0] ?? ''));
      whole = true;
    } else {
      m.set((parts[0] as string).trim(), parseType(parts[1] as string));
    }
  }
  if (whole && mappings.length > 1) {
    throw new ConfigException(
      undefined,
      undefined,
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    );
  }
  return m;
}

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'spec',
    type: 'LIST',
    validator: LambdaValidator.with(
      (_name, value) => {
        const list = value as readonly string[] | null;
        if (list === null || list.length === 0) {
          throw new ConfigException(undefined, undefined, 'Must specify at least one field to cast.');
        }
        parseFieldTypes(list);
      },
      () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    ),
    importance: 'HIGH',
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of ' +
      'Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, ' +
      'int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

// ---- Java's numeric conversions ------------------------------------------------------------------------

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `(long) d` for a double: NaN → 0, saturating, truncating. */
const doubleToLong = (d: number): bigint => {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return INT64_MAX;
  if (d <= -9.223372036854776e18) return INT64_MIN;
  return BigInt(Math.trunc(d));
};

/** `(int) d` for a double. */
const doubleToInt = (d: number): bigint => {
  if (Number.isNaN(d)) return 0n;
  if (d >= 2147483647) return 2147483647n;
  if (d <= -2147483648) return -2147483648n;
  return BigInt(Math.trunc(d));
};

/** A Java `Number` as the source of a cast: its `longValue()` / `intValue()` / `doubleValue()` … */
interface JavaNumber {
  readonly isFloating: boolean;
  long(): bigint;
  int(): bigint;
  double(): number;
}

function javaNumber(value: unknown, sourceType: SchemaType | null): JavaNumber | null {
  if (value instanceof BigDecimal) {
    return {
      isFloating: false,
      long: () => BigInt.asIntN(64, value.toBigInteger()),
      int: () => BigInt.asIntN(32, value.toBigInteger()),
      double: () => Number(value.toString()),
    };
  }
  if (typeof value === 'bigint') {
    return { isFloating: false, long: () => value, int: () => BigInt.asIntN(32, value), double: () => Number(value) };
  }
  if (typeof value !== 'number') return null;
  const floating = sourceType === 'float32' || sourceType === 'float64' || !Number.isInteger(value);
  if (floating) {
    return { isFloating: true, long: () => doubleToLong(value), int: () => doubleToInt(value), double: () => value };
  }
  const big = BigInt(value);
  return { isFloating: false, long: () => big, int: () => BigInt.asIntN(32, big), double: () => value };
}

const int64Value = (n: bigint): number | bigint =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;

class NumberFormatError extends Error {}

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;

function parseInteger(text: string, bits: number): bigint {
  if (!INTEGER_TEXT.test(text)) throw new NumberFormatError(text);
  const n = BigInt(text);
  const max = 2n ** BigInt(bits - 1);
  if (n < -max || n >= max) throw new NumberFormatError(text);
  return n;
}

/** `Double.parseDouble`: Java trims whitespace and accepts a trailing type suffix. */
function parseDouble(text: string): number {
  const t = javaTrim(text);
  if (!FLOAT_TEXT.test(t)) throw new NumberFormatError(text);
  return Number(t.replace(/[fFdD]$/, ''));
}

const unexpected = (value: unknown): DataException =>
  new DataException(`Unexpected type in Cast transformation: class ${javaTypeName(value)}`);

function castTo(target: SchemaType, value: unknown, sourceType: SchemaType | null): unknown {
  const num = javaNumber(value, sourceType);
  const narrow = (bits: number): number => {
    if (num) return Number(BigInt.asIntN(bits, bits === 64 ? num.long() : num.int()));
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') return Number(parseInteger(value, bits));
    throw unexpected(value);
  };
  switch (target) {
    case 'int8':
      return narrow(8);
    case 'int16':
      return narrow(16);
    case 'int32':
      return narrow(32);
    case 'int64':
      if (num) return int64Value(num.long());
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return int64Value(parseInteger(value, 64));
      throw unexpected(value);
    case 'float32':
    case 'float64': {
      const round = target === 'float32' ? Math.fround : (x: number) => x;
      if (num) return round(num.double());
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return round(parseDouble(value));
      throw unexpected(value);
    }
    case 'boolean':
      if (num) return num.long() !== 0n;
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') return value.toLowerCase() === 'true';
      throw unexpected(value);
    case 'string':
      return castToString(value, sourceType);
    default:
      throw new DataException(`${typeName(target)} is not supported in the Cast transformation.`);
  }
}

function castToString(value: unknown, sourceType: SchemaType | null): string {
  if (value instanceof Date) return convertToString(null, value) ?? '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'number') {
    if (sourceType === 'float32') return javaFloatToString(value);
    if (sourceType === 'float64' || !Number.isInteger(value)) return javaDoubleToString(value);
    return String(value);
  }
  return String(value);
}

/** Date/Time/Timestamp values become their int32/int64 encoding before a numeric cast. */
function encodeLogicalType(schema: Schema, value: unknown): unknown {
  switch (schema.name) {
    case ConnectDate.LOGICAL_NAME:
      return ConnectDate.fromLogical(schema, value as Date);
    case Time.LOGICAL_NAME:
      return Time.fromLogical(schema, value as Date);
    case Timestamp.LOGICAL_NAME:
      return Timestamp.fromLogical(schema, value as Date);
    default:
      return value;
  }
}

function castValueToType(schema: Schema | null, value: unknown, target: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema === null ? inferSchemaType(value) : schema.type;
  if (inferred === null) {
    throw new DataException(
      `Cast transformation was passed a value of type class ${javaTypeName(value)} which is not supported by Connect's data API`,
    );
  }
  if (!INPUT_TYPES.includes(inferred)) {
    throw new DataException(
      `Cast transformation does not support casting from ${typeName(inferred)}; supported types are ${enumSet(INPUT_TYPES)}`,
    );
  }
  let v: unknown = value;
  if (schema !== null && schema.name !== undefined && target !== 'string') v = encodeLogicalType(schema, v);
  try {
    return castTo(target, v, inferred);
  } catch (e) {
    if (e instanceof NumberFormatError) {
      throw new DataException(`Value (${String(v)}) was out of range for requested data type`, { cause: e });
    }
    throw e;
  }
}

export abstract class Cast<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  private casts = new Map<string, SchemaType>();
  private wholeValueCastType: SchemaType | undefined;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.casts = parseFieldTypes(config.getList('spec') ?? []);
    this.wholeValueCastType = this.casts.get(WHOLE_VALUE);
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  apply(record: R): R {
    const value = this.side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.side.schema(record);
    return schema === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, schema, value);
  }

  private applySchemaless(record: R, value: unknown): R {
    if (this.wholeValueCastType !== undefined) {
      return this.side.with(record, null, castValueToType(null, value, this.wholeValueCastType));
    }
    const map = requireMap(value, 'cast types');
    const updated = mapCopy(map);
    for (const [field, type] of this.casts)
      mapPut(updated, field, castValueToType(null, mapGet(map, field) ?? null, type));
    return this.side.with(record, null, updated);
  }

  private applyWithSchema(record: R, schema: Schema, value: unknown): R {
    const updatedSchema = this.schemaCache.getOrCompute(schema, (s) => this.buildSchema(s));
    if (this.wholeValueCastType !== undefined) {
      return this.side.with(record, updatedSchema, castValueToType(schema, value, this.wholeValueCastType));
    }
    const struct = requireStruct(value, 'cast types');
    const updated = new Struct(updatedSchema);
    for (const field of schemaFields(struct.schema)) {
      const orig = fieldValue(struct, field.name, this.replaceNullWithDefault);
      const target = this.casts.get(field.name);
      const cast = target !== undefined ? castValueToType(field.schema, orig, target) : orig;
      updated.put(schemaField(updatedSchema, field.name) ?? field.name, cast);
    }
    return this.side.with(record, updatedSchema, updated);
  }

  private buildSchema(schema: Schema): Schema {
    let builder: SchemaBuilder;
    if (this.wholeValueCastType !== undefined) {
      builder = copySchemaBasics(schema, SchemaBuilder.type(this.wholeValueCastType));
    } else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of schemaFields(schema)) {
        const target = this.casts.get(field.name);
        if (target === undefined) {
          builder.field(field.name, field.schema);
          continue;
        }
        const fieldBuilder = SchemaBuilder.type(target);
        if (field.schema.optional) fieldBuilder.optional();
        if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
          fieldBuilder.defaultValue(castValueToType(field.schema, field.schema.defaultValue, target));
        }
        builder.field(field.name, fieldBuilder.build());
      }
    }
    if (schema.optional) builder.optional();
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      builder.defaultValue(castValueToType(schema, schema.defaultValue, builder.type));
    }
    return builder.build();
  }
}

export class CastKey<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.Cast$Key`;
  constructor() {
    super(KEY);
  }
}

export class CastValue<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.Cast$Value`;
  constructor() {
    super(VALUE);
  }
}
