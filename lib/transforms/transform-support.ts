/**
 * What Apache's transforms share (`org.apache.kafka.connect.transforms.util`): the `Requirements` checks with
 * their messages, `SchemaUtil.copySchemaBasics`, `SimpleConfig`, and the `$Key` / `$Value` split — one side of a
 * record a transformation operates on and how a new record is made from it (Apache's `newRecord`, which keeps
 * every other attribute: headers, source partition/offset, sink offset and originals).
 */
import { AbstractConfig, type ConfigDef } from '../connect/config-def';
import { DataException } from '../connect/errors';
import { javaClassName } from '../connect/java-text';
import { SchemaBuilder, isPlainObject, isStruct } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord, Header, SinkRecord } from '../connect/records';
import type { Struct } from '../connect/struct';

/** `Class.getName()` of a value (`java.lang.Integer`, `[B` …), as `Requirements` prints it. */
export const javaTypeName = (value: unknown): string =>
  value === null || value === undefined ? 'null' : javaClassName(value).replace(/^class /, '');

/** A schemaless map value: a `Map`, or a plain object standing for a string-keyed map. */
export type MapValue = Map<unknown, unknown> | Record<string, unknown>;

export const isMapValue = (value: unknown): value is MapValue => value instanceof Map || isPlainObject(value);

export function requireMap(value: unknown, purpose: string): MapValue {
  if (!isMapValue(value)) {
    throw new DataException(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${javaTypeName(value)}`,
    );
  }
  return value;
}

export const requireMapOrNull = (value: unknown, purpose: string): MapValue | null =>
  value === null || value === undefined ? null : requireMap(value, purpose);

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!isStruct(value)) {
    throw new DataException(`Only Struct objects supported for [${purpose}], found: ${javaTypeName(value)}`);
  }
  return value as unknown as Struct;
}

export const requireStructOrNull = (value: unknown, purpose: string): Struct | null =>
  value === null || value === undefined ? null : requireStruct(value, purpose);

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

const isSinkRecord = (record: ConnectRecord): record is SinkRecord =>
  typeof (record as Partial<SinkRecord>).kafkaOffset === 'number';

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!isSinkRecord(record)) {
    throw new DataException(
      `Only SinkRecord supported for [${purpose}], found: org.apache.kafka.connect.source.SourceRecord`,
    );
  }
  return record;
}

/** Reads of a schemaless map, whichever JavaScript form it has. */
export const mapGet = (map: MapValue, key: string): unknown =>
  map instanceof Map ? map.get(key) : Object.hasOwn(map, key) ? map[key] : undefined;

export const mapEntries = (map: MapValue): [unknown, unknown][] =>
  map instanceof Map ? [...map.entries()] : Object.entries(map);

/** A copy of a map in the same JavaScript form (Java's `new HashMap<>(value)`). */
export const mapCopy = (map: MapValue): MapValue => (map instanceof Map ? new Map(map) : { ...map });

export function mapPut(map: MapValue, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else map[key] = value;
}

export function mapDelete(map: MapValue, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

/** An empty map of the same JavaScript form as `like`. */
export const emptyMapLike = (like: MapValue): MapValue => (like instanceof Map ? new Map() : {});

/** `SchemaUtil.copySchemaBasics(source, builder)`: name, version, doc and parameters. */
export function copySchemaBasics(source: Schema, builder?: SchemaBuilder): SchemaBuilder {
  const b =
    builder ??
    (source.type === 'array' ? SchemaBuilder.array(source.valueSchema as Schema) : SchemaBuilder.type(source.type));
  if (source.name !== undefined) b.name(source.name);
  if (source.version !== undefined) b.version(source.version);
  if (source.doc !== undefined) b.doc(source.doc);
  if (source.parameters !== undefined) b.parameters(source.parameters);
  return b;
}

/** Apache's `SimpleConfig`: parse (and validate) a transformation's own keys; throws `ConfigException`. */
export const simpleConfig = (def: ConfigDef, props: Readonly<Record<string, unknown>>): AbstractConfig =>
  new AbstractConfig(def, stringProps(props));

/** Transform configs arrive as strings from connector configs; tests may pass other scalars. */
const stringProps = (props: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
};

/** `record.newRecord(...)`: the same record (of the same kind) with some of its attributes replaced. */
export const newRecord = <R extends ConnectRecord>(
  record: R,
  changes: Partial<Pick<ConnectRecord, 'topic' | 'keySchema' | 'key' | 'valueSchema' | 'value' | 'headers'>>,
): R => ({ ...record, ...changes });

/** The side of a record a `$Key` or `$Value` transformation operates on. */
export interface RecordSide {
  readonly name: 'Key' | 'Value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  with<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers?: readonly Header[]): R;
}

export const KEY: RecordSide = {
  name: 'Key',
  schema: (r) => r.keySchema,
  value: (r) => r.key,
  with: (r, keySchema, key, headers) => newRecord(r, headers ? { keySchema, key, headers } : { keySchema, key }),
};

export const VALUE: RecordSide = {
  name: 'Value',
  schema: (r) => r.valueSchema,
  value: (r) => r.value,
  with: (r, valueSchema, value, headers) =>
    newRecord(r, headers ? { valueSchema, value, headers } : { valueSchema, value }),
};

/** The doc line every transform with `replace.null.with.default` shares. */
export const REPLACE_NULL_WITH_DEFAULT_DOC =
  'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.';

/** `value.get(field)` or `value.getWithoutDefault(field)`, as `replace.null.with.default` says. */
export const fieldValue = (struct: Struct, fieldName: string, replaceNullWithDefault: boolean): unknown =>
  replaceNullWithDefault ? struct.get(fieldName) : struct.getWithoutDefault(fieldName);

/** A cache of derived schemas per input schema (Apache keeps an LRU keyed by schema equality). */
export class SchemaCache {
  private readonly cache = new WeakMap<Schema, Schema>();
  getOrCompute(schema: Schema, compute: (schema: Schema) => Schema): Schema {
    let updated = this.cache.get(schema);
    if (updated === undefined) {
      updated = compute(schema);
      this.cache.set(schema, updated);
    }
    return updated;
  }
}

/** The Kafka version Apache's built-in transformations report (`AppInfoParser.getVersion()`). */
export { KAFKA_VERSION } from '../plugins/kafka-version';
