import type { BigDecimal } from './big-decimal';
import { DataException } from './errors';
import {
  STRUCT_BRAND,
  schemaEquals,
  schemaField,
  schemaFields,
  schemaToString,
  typeName,
  validateValue,
  valuesEqual,
} from './schema';
import type { Field, Schema, SchemaType } from './schema-types';

/**
 * `org.apache.kafka.connect.data.Struct`: a value of a struct schema. `put` validates each value against its
 * field's schema; `get` falls back to the field's default.
 */
export class Struct {
  static readonly javaClassName = 'org.apache.kafka.connect.data.Struct';
  readonly [STRUCT_BRAND] = true as const;
  private readonly values: unknown[];

  constructor(readonly schema: Schema) {
    if (schema.type !== 'struct') throw new DataException(`Not a struct schema: ${schemaToString(schema)}`);
    this.values = new Array<unknown>(schemaFields(schema).length).fill(null);
  }

  /** The field's value, or its schema's default when the value is null. */
  get(field: string | Field): unknown {
    const f = this.lookup(field);
    const value = this.values[f.index];
    return value === null && f.schema.defaultValue !== undefined ? f.schema.defaultValue : value;
  }

  getWithoutDefault(field: string | Field): unknown {
    return this.values[this.lookup(field).index];
  }

  getInt8(field: string): number | null {
    return this.getCheckType(field, 'int8') as number | null;
  }
  getInt16(field: string): number | null {
    return this.getCheckType(field, 'int16') as number | null;
  }
  getInt32(field: string): number | null {
    return this.getCheckType(field, 'int32') as number | null;
  }
  getInt64(field: string): number | bigint | null {
    return this.getCheckType(field, 'int64') as number | bigint | null;
  }
  getFloat32(field: string): number | null {
    return this.getCheckType(field, 'float32') as number | null;
  }
  getFloat64(field: string): number | null {
    return this.getCheckType(field, 'float64') as number | null;
  }
  getBoolean(field: string): boolean | null {
    return this.getCheckType(field, 'boolean') as boolean | null;
  }
  getString(field: string): string | null {
    return this.getCheckType(field, 'string') as string | null;
  }
  getBytes(field: string): Uint8Array | null {
    return this.getCheckType(field, 'bytes') as Uint8Array | null;
  }
  getDecimal(field: string): BigDecimal | null {
    return this.getCheckType(field, 'bytes') as BigDecimal | null;
  }
  getArray<T = unknown>(field: string): T[] | null {
    return this.getCheckType(field, 'array') as T[] | null;
  }
  getMap<K = unknown, V = unknown>(field: string): Map<K, V> | Record<string, V> | null {
    return this.getCheckType(field, 'map') as Map<K, V> | Record<string, V> | null;
  }
  getStruct(field: string): Struct | null {
    return this.getCheckType(field, 'struct') as Struct | null;
  }

  /** Sets a field after validating the value against the field's schema. */
  put(field: string | Field, value: unknown): this {
    const f = typeof field === 'string' ? this.lookup(field) : field;
    if (f === null || f === undefined) throw new DataException('field cannot be null.');
    validateValue(f.schema, value, f.name);
    this.values[f.index] = value ?? null;
    return this;
  }

  /** Checks every required field without a default has a value. */
  validate(): void {
    for (const field of schemaFields(this.schema)) {
      const value = this.values[field.index];
      if (value === null && (field.schema.optional || field.schema.defaultValue !== undefined)) continue;
      validateValue(field.schema, value, field.name);
    }
  }

  equals(other: unknown): boolean {
    if (this === other) return true;
    if (!(other instanceof Struct) || !schemaEquals(this.schema, other.schema)) return false;
    return this.values.every((v, i) => valuesEqual(v, other.values[i]));
  }

  /** `Struct{a=1,b=x}`: non-null fields only, as Apache prints. */
  toString(): string {
    const parts: string[] = [];
    schemaFields(this.schema).forEach((field, i) => {
      const value = this.values[i];
      if (value !== null) parts.push(`${field.name}=${String(value)}`);
    });
    return `Struct{${parts.join(',')}}`;
  }

  private lookup(field: string | Field): Field {
    if (typeof field !== 'string') return field;
    const f = schemaField(this.schema, field);
    if (f === undefined) throw new DataException(`${field} is not a valid field name`);
    return f;
  }

  private getCheckType(fieldName: string, type: SchemaType): unknown {
    const field = this.lookup(fieldName);
    if (field.schema.type !== type) throw new DataException(`Field '${fieldName}' is not of type ${typeName(type)}`);
    return this.values[field.index];
  }
}
