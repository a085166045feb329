/**
 * Connect schema → Avro schema, and Connect value → the value avsc encodes, after Confluent's `AvroData`:
 * int8/int16 → int (with `connect.type`), optional → union [null, T] with default null, Decimal → bytes/decimal,
 * Date → int/date, Time → int/time-millis, Timestamp → long/timestamp-millis, maps with string keys → map, other maps
 * → array of {key, value} records; struct names from the Connect schema name (`ConnectDefault` when unnamed).
 */
import { BigDecimal } from '../../../connect/big-decimal';
import { DataException } from '../../../connect/errors';
import { isStruct, schemaFields } from '../../../connect/schema';
import type { Schema } from '../../../connect/schema-types';
import type { Struct } from '../../../connect/struct';

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
const NAMESPACE = 'io.confluent.connect.avro';
const MS_PER_DAY = 86_400_000;

export type AvroSchema = string | Record<string, unknown> | AvroSchema[];

/** Converts one Connect schema and values of it. */
export class AvroData {
  private defaultNames = 0;
  readonly schema: AvroSchema;

  constructor(
    readonly connectSchema: Schema,
    private readonly connectMetaData: boolean,
  ) {
    const root = this.fromConnect(connectSchema, true);
    this.schema = root;
  }

  private fullName(schema: Schema): { name: string; namespace?: string } {
    const name = schema.name;
    if (!name) {
      this.defaultNames++;
      return {
        name: this.defaultNames === 1 ? 'ConnectDefault' : `ConnectDefault${this.defaultNames}`,
        namespace: NAMESPACE,
      };
    }
    const dot = name.lastIndexOf('.');
    const simple = name.slice(dot + 1).replace(/[^A-Za-z0-9_]/g, '_');
    return dot > 0 ? { name: simple, namespace: name.slice(0, dot) } : { name: simple };
  }

  private meta(schema: Schema): Record<string, unknown> {
    if (!this.connectMetaData) return {};
    const out: Record<string, unknown> = {};
    if (schema.doc) out['connect.doc'] = schema.doc;
    if (schema.version !== undefined) out['connect.version'] = schema.version;
    if (schema.parameters && Object.keys(schema.parameters).length > 0)
      out['connect.parameters'] = { ...schema.parameters };
    if (schema.name) out['connect.name'] = schema.name;
    return out;
  }

  private fromConnect(schema: Schema, root = false): AvroSchema {
    const base = this.nonOptional(schema);
    if (!schema.optional || root) return base;
    return ['null', base];
  }

  private nonOptional(schema: Schema): AvroSchema {
    switch (schema.name) {
      case DECIMAL: {
        const scale = Number(schema.parameters?.['scale'] ?? 0);
        const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? 64);
        return { type: 'bytes', logicalType: 'decimal', precision, scale, ...this.meta(schema) };
      }
      case DATE:
        return { type: 'int', logicalType: 'date', ...this.meta(schema) };
      case TIME:
        return { type: 'int', logicalType: 'time-millis', ...this.meta(schema) };
      case TIMESTAMP:
        return { type: 'long', logicalType: 'timestamp-millis', ...this.meta(schema) };
    }
    const withMeta = (type: string, extra: Record<string, unknown> = {}): AvroSchema => {
      const m = { ...this.meta(schema), ...extra };
      return Object.keys(m).length === 0 ? type : { type, ...m };
    };
    switch (schema.type) {
      case 'boolean':
        return withMeta('boolean');
      case 'int8':
        return withMeta('int', this.connectMetaData ? { 'connect.type': 'int8' } : {});
      case 'int16':
        return withMeta('int', this.connectMetaData ? { 'connect.type': 'int16' } : {});
      case 'int32':
        return withMeta('int');
      case 'int64':
        return withMeta('long');
      case 'float32':
        return withMeta('float');
      case 'float64':
        return withMeta('double');
      case 'string':
        return withMeta('string');
      case 'bytes':
        return withMeta('bytes');
      case 'array':
        return { type: 'array', items: this.fromConnect(required(schema.valueSchema, schema)), ...this.meta(schema) };
      case 'map': {
        const key = required(schema.keySchema, schema);
        const value = required(schema.valueSchema, schema);
        if (key.type === 'string' && !key.optional) {
          return { type: 'map', values: this.fromConnect(value), ...this.meta(schema) };
        }
        this.defaultNames++;
        return {
          type: 'array',
          items: {
            type: 'record',
            name: this.defaultNames === 1 ? 'MapEntry' : `MapEntry${this.defaultNames}`,
            namespace: NAMESPACE,
            fields: [
              { name: 'key', type: this.fromConnect(key) },
              { name: 'value', type: this.fromConnect(value) },
            ],
          },
        };
      }
      case 'struct': {
        const { name, namespace } = this.fullName(schema);
        return {
          type: 'record',
          name,
          ...(namespace ? { namespace } : {}),
          ...(schema.doc ? { doc: schema.doc } : {}),
          fields: schemaFields(schema).map((f) => ({
            name: f.name,
            type: this.fromConnect(f.schema),
            ...(f.schema.optional ? { default: null } : {}),
          })),
          ...this.meta(schema),
        };
      }
    }
  }

  /** The value avsc writes for `value` of `schema` (unions of [null, T] take the bare value). */
  toAvro(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) {
      if (schema.defaultValue !== undefined && schema.defaultValue !== null)
        return this.toAvro(schema, schema.defaultValue);
      if (schema.optional) return null;
      throw new DataException(`A null value is not allowed by the non-optional schema ${schema.name ?? schema.type}`);
    }
    switch (schema.name) {
      case DECIMAL: {
        const scale = Number(schema.parameters?.['scale'] ?? 0);
        const d = value instanceof BigDecimal ? value.setScale(scale) : BigDecimal.parse(String(value)).setScale(scale);
        return twosComplement(d.unscaled);
      }
      case DATE:
        return Math.floor(toMillis(value) / MS_PER_DAY);
      case TIME:
        return ((toMillis(value) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
      case TIMESTAMP:
        return toMillis(value);
    }
    switch (schema.type) {
      case 'int64':
        if (typeof value === 'bigint') {
          if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
            throw new DataException(
              `int64 value ${value} is outside the range this Avro writer encodes exactly (±2^53)`,
            );
          }
          return Number(value);
        }
        return value;
      case 'bytes':
        return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
      case 'array': {
        const items = required(schema.valueSchema, schema);
        return (value as unknown[]).map((v) => this.toAvro(items, v));
      }
      case 'map': {
        const key = required(schema.keySchema, schema);
        const valueSchema = required(schema.valueSchema, schema);
        const entries: [unknown, unknown][] =
          value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
        if (key.type === 'string' && !key.optional) {
          const out: Record<string, unknown> = {};
          for (const [k, v] of entries) out[String(k)] = this.toAvro(valueSchema, v);
          return out;
        }
        return entries.map(([k, v]) => ({ key: this.toAvro(key, k), value: this.toAvro(valueSchema, v) }));
      }
      case 'struct': {
        if (!isStruct(value)) throw new DataException(`Expected a Struct for schema ${schema.name ?? 'struct'}`);
        const struct = value as unknown as Struct;
        const out: Record<string, unknown> = {};
        for (const f of schemaFields(schema)) out[f.name] = this.toAvro(f.schema, struct.get(f.name));
        return out;
      }
      default:
        return value;
    }
  }
}

const required = (s: Schema | undefined, parent: Schema): Schema => {
  if (!s) throw new DataException(`Schema ${parent.type} has no element schema`);
  return s;
};

const toMillis = (v: unknown): number => (v instanceof Date ? v.getTime() : Number(v));

/** Big-endian two's complement, minimal length (Java's BigInteger.toByteArray). */
export function twosComplement(n: bigint): Buffer {
  let hex = (n < 0n ? -n : n).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (n >= 0n) {
    if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return bytes;
  }
  // negative: invert + 1 over enough bytes
  let len = bytes.length;
  const min = -(1n << BigInt(len * 8 - 1));
  if (n < min) len++;
  const out = Buffer.alloc(len);
  let v = (1n << BigInt(len * 8)) + n;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
