import { BigDecimal } from '../../connect/big-decimal';
import { CaseInsensitiveValidString } from '../../connect/config-def';
import type { ConfigDef } from '../../connect/config-def';
import type { Converter, HeaderConverter, SchemaAndValue } from '../../connect/converter';
import { DataException } from '../../connect/errors';
import { javaClassName, javaDoubleToString, javaFloatToString } from '../../connect/java-text';
import { ConnectDate, Decimal, Time, Timestamp } from '../../connect/logical-types';
import {
  SchemaBuilder,
  asMap,
  inferSchemaType,
  isInt64,
  isStruct,
  schemaEquals,
  schemaFields,
  typeName,
} from '../../connect/schema';
import type { Schema, SchemaType } from '../../connect/schema-types';
import { Struct } from '../../connect/struct';
import { newConverterConfigDef, parseConverterConfig } from '../converter-config';
import { LruCache } from '../lru-cache';
import {
  JsonNumber,
  JsonParseError,
  NOT_THIS_ENVELOPE,
  RawJson,
  base64Decode,
  base64Encode,
  doubleValue,
  envelopePayload,
  intValue,
  isIntNode,
  isJsonObject,
  longValue,
  nodeType,
  parseJson,
  parseJsonText,
  quoteJson,
} from './json-node';
import type { JsonNode, JsonObject } from './json-node';

/** `JsonConverterConfig`: keys, defaults, docs and groups as Apache defines them. */
const CONFIG_DEF: ConfigDef = newConverterConfigDef()
  .define({
    name: 'schemas.enable',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'HIGH',
    documentation: 'Include schemas within each of the serialized values and keys.',
    group: 'Schemas',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Enable Schemas',
  })
  .define({
    name: 'schemas.cache.size',
    type: 'INT',
    defaultValue: 1000,
    importance: 'HIGH',
    documentation: 'The maximum number of schemas that can be cached in this converter instance.',
    group: 'Schemas',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Schema Cache Size',
  })
  .define({
    name: 'schema.content',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'When set, this is used as the schema for all messages, and the schemas within each of the message will be ignored.' +
      "Otherwise, the schema will be included in the content of each message. This configuration applies only 'schemas.enable' is true, and it exclusively affects the sink connector.",
    group: 'Schemas',
    orderInGroup: 2,
    width: 'MEDIUM',
    displayName: 'Schema Content',
  })
  .define({
    name: 'decimal.format',
    type: 'STRING',
    defaultValue: 'BASE64',
    validator: CaseInsensitiveValidString.in('BASE64', 'NUMERIC'),
    importance: 'LOW',
    documentation:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    group: 'Serialization',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Decimal Format',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    group: 'Serialization',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Replace null with default',
  });

export type DecimalFormat = 'BASE64' | 'NUMERIC';

const JSON_TYPE_NAMES: Record<SchemaType, string> = {
  boolean: 'boolean',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float32: 'float',
  float64: 'double',
  bytes: 'bytes',
  string: 'string',
  array: 'array',
  map: 'map',
  struct: 'struct',
};

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });

const toBytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * `org.apache.kafka.connect.json.JsonConverter`: Connect data as JSON, optionally in the
 * `{"schema":…,"payload":…}` envelope; output is byte-identical to Apache's (Jackson) for the same data.
 */
export class JsonConverter implements Converter, HeaderConverter {
  static readonly className = 'org.apache.kafka.connect.json.JsonConverter';

  private schemasEnabled = true;
  private decimalFormat: DecimalFormat = 'BASE64';
  private replaceNullWithDefault = true;
  /** `schema.content`: one schema for every message read (sink side). */
  private fixedSchema: Schema | null = null;
  private fromConnectSchemaCache = new LruCache<Schema, string>(1000);
  private toConnectSchemaCache = new LruCache<string, Schema | null>(1000);
  /** Schema text of the last record read, for a fast path when the next record repeats it. */
  private lastSchemaText: string | undefined;
  /** `{"schema":<lastSchemaText>,"payload":` and that schema: the next record of the same shape skips the envelope */
  private lastEnvelope: { readonly prefix: string; readonly schema: Schema | null } | undefined;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    const parsed = parseConverterConfig(CONFIG_DEF, configs, isKey);
    this.schemasEnabled = parsed['schemas.enable'] as boolean;
    this.decimalFormat = (parsed['decimal.format'] as string).toUpperCase() as DecimalFormat;
    this.replaceNullWithDefault = parsed['replace.null.with.default'] as boolean;
    const cacheSize = parsed['schemas.cache.size'] as number;
    this.fromConnectSchemaCache = new LruCache(cacheSize);
    this.toConnectSchemaCache = new LruCache(cacheSize);
    this.lastSchemaText = undefined;
    this.lastEnvelope = undefined;
    this.fixedSchema = null;
    const content = parsed['schema.content'] as string | null;
    if (content !== null && content !== '') {
      let node: JsonNode | undefined;
      try {
        node = parseJsonText(content);
      } catch (e) {
        throw new DataException('Failed to parse schema in converter config due to serialization error: ', {
          cause: e,
        });
      }
      this.fixedSchema = this.asConnectSchema(node ?? null);
    }
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema == null && value == null) return null;
    if (!this.schemasEnabled) return toBytes(this.convertToJson(schema, value));
    const schemaJson = schema == null ? 'null' : this.asJsonSchema(schema);
    return toBytes(`{"schema":${schemaJson},"payload":${this.convertToJson(schema, value)}}`);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return NULL_SCHEMA_AND_VALUE;
    const envelope = this.schemasEnabled && this.fixedSchema === null;
    const last = this.lastEnvelope;
    if (envelope && last !== undefined) {
      let payload: JsonNode | typeof NOT_THIS_ENVELOPE;
      try {
        payload = envelopePayload(bytes, last.prefix);
      } catch (e) {
        throw parseError(e);
      }
      if (payload !== NOT_THIS_ENVELOPE)
        return { schema: last.schema, value: this.convertToConnect(last.schema, payload) };
    }
    const node = parseOrThrow(() => parseJson(bytes, { rawSchema: envelope, schemaHint: this.lastSchemaText }));
    if (!this.schemasEnabled) return { schema: null, value: this.convertToConnect(null, node) };
    if (this.fixedSchema !== null) {
      return { schema: this.fixedSchema, value: this.convertToConnect(this.fixedSchema, node) };
    }
    if (!isJsonObject(node) || node.size !== 2 || !node.has('schema') || !node.has('payload')) {
      throw new DataException(ENVELOPE_ERROR);
    }
    const schemaNode = node.get('schema') ?? null;
    let schema: Schema | null;
    if (schemaNode instanceof RawJson) {
      // Same schema text, same schema: most records of a topic skip parsing and rebuilding it.
      const cached = this.toConnectSchemaCache.get(schemaNode.text);
      if (cached !== undefined) {
        schema = cached;
      } else {
        schema = this.asConnectSchema(parseOrThrow(() => parseJsonText(schemaNode.text)) ?? null);
        this.toConnectSchemaCache.set(schemaNode.text, schema);
      }
      if (this.toConnectSchemaCache.capacity > 0) {
        this.lastSchemaText = schemaNode.text;
        this.lastEnvelope = { prefix: `{"schema":${schemaNode.text},"payload":`, schema };
      }
    } else {
      schema = this.asConnectSchema(schemaNode);
    }
    return { schema, value: this.convertToConnect(schema, node.get('payload')) };
  }

  /** The schema's JSON form (`JsonConverter.asJsonSchema`), as text. */
  asJsonSchema(schema: Schema): string {
    const cached = this.fromConnectSchemaCache.get(schema);
    if (cached !== undefined) return cached;
    let json = `{"type":"${JSON_TYPE_NAMES[schema.type]}"`;
    switch (schema.type) {
      case 'array':
        json += `,"items":${this.optionalSchemaJson(schema.valueSchema)}`;
        break;
      case 'map':
        json += `,"keys":${this.optionalSchemaJson(schema.keySchema)}`;
        json += `,"values":${this.optionalSchemaJson(schema.valueSchema)}`;
        break;
      case 'struct':
        json += `,"fields":[${schemaFields(schema)
          .map((f) => `${this.asJsonSchema(f.schema).slice(0, -1)},"field":${quoteJson(f.name)}}`)
          .join(',')}]`;
        break;
      default:
        break;
    }
    json += `,"optional":${schema.optional}`;
    if (schema.name !== undefined) json += `,"name":${quoteJson(schema.name)}`;
    if (schema.version !== undefined) json += `,"version":${schema.version}`;
    if (schema.doc !== undefined) json += `,"doc":${quoteJson(schema.doc)}`;
    if (schema.parameters !== undefined) {
      const params = Object.entries(schema.parameters).map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`);
      json += `,"parameters":{${params.join(',')}}`;
    }
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      json += `,"default":${this.convertToJson(schema, schema.defaultValue)}`;
    }
    json += '}';
    this.fromConnectSchemaCache.set(schema, json);
    return json;
  }

  private optionalSchemaJson(schema: Schema | undefined): string {
    return schema === undefined ? 'null' : this.asJsonSchema(schema);
  }

  /** `JsonConverter.asConnectSchema`: a schema from its JSON form (null for JSON null). */
  asConnectSchema(node: JsonNode): Schema | null {
    if (node === null) return null;
    const get = (name: string): JsonNode | undefined => (isJsonObject(node) ? node.get(name) : undefined);
    const typeNode = get('type');
    if (typeof typeNode !== 'string') throw new DataException("Schema must contain 'type' field");
    let builder: SchemaBuilder;
    switch (typeNode) {
      case 'boolean':
        builder = SchemaBuilder.bool();
        break;
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
      case 'bytes':
      case 'string':
        builder = SchemaBuilder.type(typeNode);
        break;
      case 'float':
        builder = SchemaBuilder.float32();
        break;
      case 'double':
        builder = SchemaBuilder.float64();
        break;
      case 'array': {
        const items = get('items');
        if (items === undefined || items === null) {
          throw new DataException('Array schema did not specify the element type');
        }
        builder = SchemaBuilder.array(this.asConnectSchema(items) as Schema);
        break;
      }
      case 'map': {
        const keys = get('keys');
        if (keys === undefined) throw new DataException('Map schema did not specify the key type');
        const values = get('values');
        if (values === undefined) throw new DataException('Map schema did not specify the value type');
        builder = SchemaBuilder.map(this.asConnectSchema(keys) as Schema, this.asConnectSchema(values) as Schema);
        break;
      }
      case 'struct': {
        builder = SchemaBuilder.struct();
        const fields = get('fields');
        if (!Array.isArray(fields)) throw new DataException('Struct schema\'s "fields" argument is not an array.');
        for (const field of fields) {
          const fieldName = isJsonObject(field) ? field.get('field') : undefined;
          if (typeof fieldName !== 'string') {
            throw new DataException("Struct schema's field name not specified properly");
          }
          builder.field(fieldName, this.asConnectSchema(field) as Schema);
        }
        break;
      }
      default:
        throw new DataException(`Unknown schema type: ${typeNode}`);
    }
    if (get('optional') === true) builder.optional();
    else builder.required();
    const name = get('name');
    if (typeof name === 'string') builder.name(name);
    const version = get('version');
    if (version instanceof JsonNumber && version.integral) builder.version(intValue(version));
    const doc = get('doc');
    if (typeof doc === 'string') builder.doc(doc);
    const params = get('parameters');
    if (isJsonObject(params)) {
      for (const [key, value] of params) {
        if (typeof value !== 'string') throw new DataException('Schema parameters must have string values.');
        builder.parameter(key, value);
      }
    }
    const defaultNode = get('default');
    if (defaultNode !== undefined) builder.defaultValue(this.convertToConnect(builder.build(), defaultNode));
    return builder.build();
  }

  /** `convertToJson`: a Connect value as JSON text ('null' for null). */
  private convertToJson(schema: Schema | null | undefined, value: unknown): string {
    if (value === null || value === undefined) {
      if (!schema) return 'null';
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.replaceNullWithDefault) {
        return this.convertToJson(schema, schema.defaultValue);
      }
      if (schema.optional) return 'null';
      throw new DataException('Conversion error: null value for field that is required and has no default value');
    }
    if (schema?.name !== undefined) {
      const logical = this.logicalToJson(schema, value);
      if (logical !== undefined) return logical;
    }
    let type: SchemaType;
    if (schema) {
      type = schema.type;
    } else {
      const inferred = inferSchemaType(value);
      if (inferred === null) {
        throw new DataException(`Java class ${javaClassName(value)} does not have corresponding schema type.`);
      }
      type = inferred;
    }
    switch (type) {
      case 'int8':
        if (!isIntegerIn(value, 128)) throw invalidType(schema, value);
        return String(value);
      case 'int16':
        if (!isIntegerIn(value, 32768)) throw invalidType(schema, value);
        return String(value);
      case 'int32':
        if (!isIntegerIn(value, 2147483648)) throw invalidType(schema, value);
        return String(value);
      case 'int64':
        if (!isInt64(value)) throw invalidType(schema, value);
        return typeof value === 'number' && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value);
      case 'float32':
        if (typeof value !== 'number') throw invalidType(schema, value);
        return Number.isFinite(value) ? javaFloatToString(value) : `"${javaFloatToString(value)}"`;
      case 'float64':
        if (typeof value !== 'number') throw invalidType(schema, value);
        return Number.isFinite(value) ? javaDoubleToString(value) : `"${javaDoubleToString(value)}"`;
      case 'boolean':
        if (typeof value !== 'boolean') throw invalidType(schema, value);
        return value ? 'true' : 'false';
      case 'string':
        if (typeof value !== 'string') throw invalidType(schema, value);
        return quoteJson(value);
      case 'bytes':
        if (!(value instanceof Uint8Array)) {
          throw new DataException(`Invalid type for bytes type: ${javaClassName(value)}`);
        }
        return `"${base64Encode(value)}"`;
      case 'array': {
        if (!Array.isArray(value)) throw invalidType(schema, value);
        const elementSchema = schema?.valueSchema;
        return `[${value.map((e: unknown) => this.convertToJson(elementSchema, e)).join(',')}]`;
      }
      case 'map':
        return this.mapToJson(schema, value);
      case 'struct': {
        if (!isStruct(value)) throw invalidType(schema, value);
        if (!schema || !schemaEquals(value.schema, schema)) throw new DataException('Mismatching schema.');
        const struct = value as Struct;
        let json = '{';
        for (const f of schemaFields(schema)) {
          if (json.length > 1) json += ',';
          json += `${quoteJson(f.name)}:${this.convertToJson(f.schema, struct.getWithoutDefault(f))}`;
        }
        return `${json}}`;
      }
    }
  }

  private mapToJson(schema: Schema | null | undefined, value: unknown): string {
    const map = asMap(value);
    if (map === null) throw invalidType(schema, value);
    const keySchema = schema?.keySchema;
    const valueSchema = schema?.valueSchema;
    // String keys → JSON object; any other key type → array of [key, value] pairs.
    let objectMode: boolean;
    if (!schema) {
      objectMode = true;
      for (const k of map.keys()) {
        if (typeof k !== 'string') {
          objectMode = false;
          break;
        }
      }
    } else {
      objectMode = keySchema?.type === 'string';
    }
    if (objectMode) {
      let json = '{';
      let allStrings = true;
      for (const [k, v] of map) {
        if (typeof k !== 'string') {
          allStrings = false;
          break;
        }
        if (json.length > 1) json += ',';
        json += `${quoteJson(k)}:${this.convertToJson(valueSchema, v)}`;
      }
      if (allStrings) return `${json}}`;
      // Keys converted to text may collide (null and "null"): later ones replace earlier ones in place, as in
      // Jackson's ObjectNode.
      const entries = new Map<string, string>();
      for (const [k, v] of map) {
        const keyJson = this.convertToJson(keySchema, k);
        const keyText = keyJson.startsWith('"') ? (JSON.parse(keyJson) as string) : keyJson;
        entries.set(keyText, this.convertToJson(valueSchema, v));
      }
      return `{${[...entries].map(([k, v]) => `${quoteJson(k)}:${v}`).join(',')}}`;
    }
    const pairs: string[] = [];
    for (const [k, v] of map) {
      pairs.push(`[${this.convertToJson(keySchema, k)},${this.convertToJson(valueSchema, v)}]`);
    }
    return `[${pairs.join(',')}]`;
  }

  private logicalToJson(schema: Schema, value: unknown): string | undefined {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        if (!(value instanceof BigDecimal)) {
          throw new DataException(`Invalid type for Decimal, expected BigDecimal but was ${javaClassName(value)}`);
        }
        return this.decimalFormat === 'NUMERIC'
          ? value.toString()
          : `"${base64Encode(Decimal.fromLogical(schema, value))}"`;
      case ConnectDate.LOGICAL_NAME:
        return String(ConnectDate.fromLogical(schema, expectDate(value, 'Date')));
      case Time.LOGICAL_NAME:
        return String(Time.fromLogical(schema, expectDate(value, 'Time')));
      case Timestamp.LOGICAL_NAME:
        return String(Timestamp.fromLogical(schema, expectDate(value, 'Timestamp')));
      default:
        return undefined;
    }
  }

  /** `convertToConnect`: a JSON node as a Connect value of `schema` (types inferred when schema is null). */
  private convertToConnect(schema: Schema | null, node: JsonNode | undefined): unknown {
    let type: SchemaType;
    if (schema !== null) {
      type = schema.type;
      if (node === undefined || node === null) {
        if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.replaceNullWithDefault) {
          return schema.defaultValue;
        }
        if (schema.optional) return null;
        throw new DataException(`Invalid null value for required ${typeName(type)} field`);
      }
      if (schema.name !== undefined) {
        const logical = logicalToConnect(schema, node);
        if (logical !== undefined) return logical;
      }
    } else {
      if (node === undefined || node === null) return null;
      if (typeof node === 'boolean') type = 'boolean';
      else if (typeof node === 'string') type = 'string';
      else if (node instanceof JsonNumber) type = node.integral ? 'int64' : 'float64';
      else if (Array.isArray(node)) type = 'array';
      else type = 'map';
    }
    switch (type) {
      case 'boolean':
        return node === true;
      case 'int8':
        return (intValue(node) << 24) >> 24;
      case 'int16':
        return (intValue(node) << 16) >> 16;
      case 'int32':
        return intValue(node);
      case 'int64':
        return longValue(node);
      case 'float32':
        return Math.fround(doubleValue(node));
      case 'float64':
        return doubleValue(node);
      case 'bytes':
        if (typeof node !== 'string') return null;
        try {
          return base64Decode(node);
        } catch (e) {
          throw new DataException('Invalid bytes field', { cause: e });
        }
      case 'string':
        return typeof node === 'string' ? node : null;
      case 'array': {
        const elementSchema = schema?.valueSchema ?? null;
        const elements = Array.isArray(node) ? node : isJsonObject(node) ? [...node.values()] : [];
        return elements.map((e) => this.convertToConnect(elementSchema, e));
      }
      case 'map':
        return this.mapToConnect(schema, node);
      case 'struct': {
        if (!isJsonObject(node)) {
          throw new DataException(`Structs should be encoded as JSON objects, but found ${nodeType(node)}`);
        }
        const fieldsNode: JsonObject = node;
        const struct = new Struct(schema as Schema);
        for (const field of schemaFields(schema as Schema)) {
          struct.put(field, this.convertToConnect(field.schema, fieldsNode.get(field.name)));
        }
        return struct;
      }
    }
  }

  private mapToConnect(schema: Schema | null, node: JsonNode | undefined): Map<unknown, unknown> {
    const keySchema = schema?.keySchema ?? null;
    const valueSchema = schema?.valueSchema ?? null;
    const result = new Map<unknown, unknown>();
    if (schema === null || keySchema?.type === 'string') {
      if (!isJsonObject(node)) {
        throw new DataException(
          `Maps with string fields should be encoded as JSON objects, but found ${nodeType(node)}`,
        );
      }
      for (const [k, v] of node) result.set(k, this.convertToConnect(valueSchema, v));
      return result;
    }
    if (!Array.isArray(node)) {
      throw new DataException(
        `Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(node)}`,
      );
    }
    for (const entry of node) {
      if (!Array.isArray(entry)) {
        throw new DataException(`Found invalid map entry instead of array tuple: ${nodeType(entry)}`);
      }
      if (entry.length !== 2) {
        throw new DataException(`Found invalid map entry, expected length 2 but found :${entry.length}`);
      }
      result.set(this.convertToConnect(keySchema, entry[0]), this.convertToConnect(valueSchema, entry[1]));
    }
    return result;
  }
}

function parseOrThrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw parseError(e);
  }
}

function parseError(e: unknown): unknown {
  if (!(e instanceof JsonParseError)) return e;
  return new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ', {
    cause: e,
  });
}

/** The ClassCastException case of Apache's `convertToJson`. */
function invalidType(schema: Schema | null | undefined, value: unknown): DataException {
  return new DataException(
    `Invalid type for ${schema ? typeName(schema.type) : 'unknown schema'}: ${javaClassName(value)}`,
  );
}

function isIntegerIn(value: unknown, bound: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -bound && value < bound;
}

function expectDate(value: unknown, logicalName: string): Date {
  if (!(value instanceof Date)) {
    throw new DataException(`Invalid type for ${logicalName}, expected Date but was ${javaClassName(value)}`);
  }
  return value;
}

/** The logical-type half of `convertToConnect`; undefined when the schema name is not a logical type. */
function logicalToConnect(schema: Schema, node: JsonNode): unknown {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (node instanceof JsonNumber) return BigDecimal.parse(node.text);
      if (typeof node === 'string') {
        try {
          return Decimal.toLogical(schema, base64Decode(node));
        } catch (e) {
          throw new DataException('Invalid bytes for Decimal field', { cause: e });
        }
      }
      throw new DataException(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(node)}`,
      );
    case ConnectDate.LOGICAL_NAME:
      if (!isIntNode(node)) {
        throw new DataException(
          `Invalid type for Date, underlying representation should be integer but was ${nodeType(node)}`,
        );
      }
      return ConnectDate.toLogical(schema, intValue(node));
    case Time.LOGICAL_NAME:
      if (!isIntNode(node)) {
        throw new DataException(
          `Invalid type for Time, underlying representation should be integer but was ${nodeType(node)}`,
        );
      }
      return Time.toLogical(schema, intValue(node));
    case Timestamp.LOGICAL_NAME:
      if (!(node instanceof JsonNumber) || !node.integral) {
        throw new DataException(
          `Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(node)}`,
        );
      }
      return Timestamp.toLogical(schema, Number(longValue(node)));
    default:
      return undefined;
  }
}
