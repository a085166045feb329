/**
 * The neutral schema/value notation shared with test/java/JsonConverterOracle.java: corpus cases are written
 * in it, both sides build Connect data from it, and both describe their results in it for comparison.
 */
import { BigDecimal } from '../../../lib/connect/big-decimal';
import { javaDoubleToString, javaFloatToString } from '../../../lib/connect/java-text';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../lib/connect/logical-types';
import { SchemaBuilder, asMap, isStruct } from '../../../lib/connect/schema';
import type { Schema, SchemaType } from '../../../lib/connect/schema-types';
import { Struct } from '../../../lib/connect/struct';

export interface SchemaSpec {
  type: SchemaType;
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  params?: Record<string, string>;
  default?: ValueSpec;
  items?: SchemaSpec | null;
  keys?: SchemaSpec | null;
  values?: SchemaSpec | null;
  fields?: [string, SchemaSpec][];
}

export type ValueSpec = null | { t: string; v: unknown; schema?: SchemaSpec | null };

export function schemaFromSpec(spec: SchemaSpec | null | undefined): Schema | null {
  if (!spec) return null;
  let b: SchemaBuilder;
  if (spec.type === 'array') b = SchemaBuilder.array(schemaFromSpec(spec.items) as Schema);
  else if (spec.type === 'map')
    b = SchemaBuilder.map(schemaFromSpec(spec.keys) as Schema, schemaFromSpec(spec.values) as Schema);
  else if (spec.type === 'struct') {
    b = SchemaBuilder.struct();
    for (const [name, fs] of spec.fields ?? []) b.field(name, schemaFromSpec(fs) as Schema);
  } else b = SchemaBuilder.type(spec.type);
  if (spec.optional) b.optional();
  if (spec.name !== undefined) b.name(spec.name);
  if (spec.version !== undefined) b.version(spec.version);
  if (spec.doc !== undefined) b.doc(spec.doc);
  if (spec.params) for (const [k, v] of Object.entries(spec.params)) b.parameter(k, v);
  if (spec.default !== undefined) b.defaultValue(valueFromSpec(b.build(), spec.default));
  return b.build();
}

export function valueFromSpec(schema: Schema | null, spec: ValueSpec): unknown {
  if (spec === null) return null;
  const v = spec.v;
  switch (spec.t) {
    case 'int8':
    case 'int16':
    case 'int32':
      return v as number;
    case 'int64': {
      const big = BigInt(v as string);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'float32':
      return Math.fround(Number(v));
    case 'float64':
      return Number(v);
    case 'boolean':
    case 'string':
      return v;
    case 'bytes':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    case 'decimal':
      return BigDecimal.parse(v as string);
    case 'date':
      return new Date(Number(v));
    case 'array':
      return (v as ValueSpec[]).map((e) => valueFromSpec(schema?.valueSchema ?? null, e));
    case 'map':
      return new Map(
        (v as [ValueSpec, ValueSpec][]).map(([k, val]) => [
          valueFromSpec(schema?.keySchema ?? null, k),
          valueFromSpec(schema?.valueSchema ?? null, val),
        ]),
      );
    case 'struct': {
      const struct = new Struct(schema as Schema);
      for (const [name, fv] of Object.entries(v as Record<string, ValueSpec>)) {
        const field = (schema as Schema).fields?.find((f) => f.name === name);
        struct.put(name, valueFromSpec(field?.schema ?? null, fv));
      }
      return struct;
    }
    default:
      throw new Error(`unknown value type ${spec.t}`);
  }
}

export function describeSchema(schema: Schema | null | undefined): SchemaSpec | null {
  if (!schema) return null;
  const out: SchemaSpec = { type: schema.type };
  if (schema.type === 'array') out.items = describeSchema(schema.valueSchema);
  if (schema.type === 'map') {
    out.keys = describeSchema(schema.keySchema);
    out.values = describeSchema(schema.valueSchema);
  }
  if (schema.type === 'struct')
    out.fields = (schema.fields ?? []).map((f) => [f.name, describeSchema(f.schema) as SchemaSpec]);
  out.optional = schema.optional;
  if (schema.name !== undefined) out.name = schema.name;
  if (schema.version !== undefined) out.version = schema.version;
  if (schema.doc !== undefined) out.doc = schema.doc;
  if (schema.parameters !== undefined) out.params = { ...schema.parameters };
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    out.default = describeValue(schema, schema.defaultValue);
  }
  return out;
}

/** Describes a value as the oracle does from its Java class; the schema (when known) stands in for the class. */
export function describeValue(schema: Schema | null | undefined, value: unknown): ValueSpec {
  if (value === null || value === undefined) return null;
  if (value instanceof BigDecimal) return { t: 'decimal', v: `${value.unscaled}e-${value.scale}` };
  if (value instanceof Date) return { t: 'date', v: String(value.getTime()) };
  if (isStruct(value)) {
    const struct = value as Struct;
    const fields: Record<string, ValueSpec> = {};
    for (const f of struct.schema.fields ?? []) fields[f.name] = describeValue(f.schema, struct.getWithoutDefault(f));
    return { t: 'struct', schema: describeSchema(struct.schema), v: fields };
  }
  // The schema stands in for the Java class only where it fits the value (Apache's parsers are not always consistent).
  const numeric = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'];
  const fits = typeof value === 'number' || typeof value === 'bigint' ? numeric.includes(schema?.type ?? '') : true;
  const type = schema && fits ? schema.type : inferType(value);
  switch (type) {
    case 'int8':
    case 'int16':
    case 'int32':
      return { t: type, v: value };
    case 'int64':
      return { t: 'int64', v: String(value) };
    case 'float32':
      return { t: 'float32', v: javaFloatToString(value as number) };
    case 'float64':
      return { t: 'float64', v: javaDoubleToString(value as number) };
    case 'bytes':
      return { t: 'bytes', v: Buffer.from(value as Uint8Array).toString('base64') };
    case 'array':
      return { t: 'array', v: (value as unknown[]).map((e) => describeValue(schema?.valueSchema, e)) };
    case 'map':
      return {
        t: 'map',
        v: [...(asMap(value) ?? [])].map(([k, val]) => [
          describeValue(schema?.keySchema, k),
          describeValue(schema?.valueSchema, val),
        ]),
      };
    default:
      return { t: type, v: value };
  }
}

function inferType(value: unknown): string {
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  return typeof value;
}

/**
 * Canonical form for comparison: map entries sorted (Java's HashMap order is arbitrary), and integers of any
 * width, including integral doubles, as one kind (a JavaScript number does not carry Java's class; schemas are
 * compared separately and strictly).
 */
export function normalize(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(normalize);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  if (
    o.t === 'float64' &&
    typeof o.v === 'string' &&
    Number.isInteger(Number(o.v)) &&
    Math.abs(Number(o.v)) < 2 ** 63
  ) {
    return { t: 'integer', v: BigInt(Number(o.v)).toString() };
  }
  if (o.t === 'int8' || o.t === 'int16' || o.t === 'int32' || o.t === 'int64') return { t: 'integer', v: String(o.v) };
  if (o.t === 'map' && Array.isArray(o.v)) {
    const entries = (o.v as unknown[]).map(normalize);
    entries.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return { t: 'map', v: entries };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalize(v)]));
}

/** Checks the names the spec uses for logical types are Apache's (guards typos in the corpus). */
export const LOGICAL = {
  decimal: (scale: number, extra: Partial<SchemaSpec> = {}): SchemaSpec => ({
    type: 'bytes',
    name: Decimal.LOGICAL_NAME,
    version: 1,
    params: { scale: String(scale) },
    ...extra,
  }),
  date: (extra: Partial<SchemaSpec> = {}): SchemaSpec => ({
    type: 'int32',
    name: ConnectDate.LOGICAL_NAME,
    version: 1,
    ...extra,
  }),
  time: (extra: Partial<SchemaSpec> = {}): SchemaSpec => ({
    type: 'int32',
    name: Time.LOGICAL_NAME,
    version: 1,
    ...extra,
  }),
  timestamp: (extra: Partial<SchemaSpec> = {}): SchemaSpec => ({
    type: 'int64',
    name: Timestamp.LOGICAL_NAME,
    version: 1,
    ...extra,
  }),
};
