/**
 * `TimestampConverter$Key` / `$Value`: convert a timestamp field (or the whole key/value) between Unix epoch
 * numbers (`unix.precision`), formatted strings (`format`, SimpleDateFormat in UTC) and Connect's
 * Date/Time/Timestamp logical types.
 */
import { ConfigDef, ValidString } from '../connect/config-def';
import { ConfigException, ConnectException, DataException } from '../connect/errors';
import { ConnectDate, Time, Timestamp } from '../connect/logical-types';
import { SchemaBuilder, Schemas, schemaFields, schemaToString } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import { IllegalPatternError, SimpleDateFormat } from './simple-date-format';
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
  requireStructOrNull,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type Precision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const PURPOSE = 'converting timestamp formats';
const MILLIS_PER_DAY = 86_400_000;

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'field',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
  })
  .define({
    name: 'target.type',
    type: 'STRING',
    validator: ValidString.in('string', 'unix', 'Date', 'Time', 'Timestamp'),
    importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  })
  .define({
    name: 'format',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    documentation:
      'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string ' +
      'or used to parse the input if the input is a string.',
  })
  .define({
    name: 'unix.precision',
    type: 'STRING',
    defaultValue: 'milliseconds',
    validator: ValidString.in('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
    importance: 'LOW',
    documentation:
      'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. ' +
      'Used to generate the output when type=unix or used to parse the input if the input is a Long.' +
      'Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const saturate = (n: bigint): bigint => (n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : n);
const asLong = (n: bigint): number | bigint => (Number.isSafeInteger(Number(n)) ? Number(n) : n);

const OPTIONAL_DATE_SCHEMA = ConnectDate.builder().optional().build();
const OPTIONAL_TIME_SCHEMA = Time.builder().optional().build();
const OPTIONAL_TIMESTAMP_SCHEMA = Timestamp.builder().optional().build();

interface Settings {
  readonly type: TimestampType;
  readonly format: SimpleDateFormat | null;
  readonly precision: Precision;
}

function typeSchema(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schemas.OPTIONAL_STRING_SCHEMA : Schemas.STRING_SCHEMA;
    case 'unix':
      return optional ? Schemas.OPTIONAL_INT64_SCHEMA : Schemas.INT64_SCHEMA;
    case 'Date':
      return optional ? OPTIONAL_DATE_SCHEMA : ConnectDate.SCHEMA;
    case 'Time':
      return optional ? OPTIONAL_TIME_SCHEMA : Time.SCHEMA;
    case 'Timestamp':
      return optional ? OPTIONAL_TIMESTAMP_SCHEMA : Timestamp.SCHEMA;
  }
}

const isLong = (v: unknown): v is number | bigint =>
  typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));

function toRaw(s: Settings, type: TimestampType, orig: unknown): Date {
  switch (type) {
    case 'string': {
      if (typeof orig !== 'string') {
        throw new DataException(`Expected string timestamp to be a String, but found class ${javaTypeName(orig)}`);
      }
      if (s.format === null) {
        // Apache dereferences the missing format here (a string input without `format`).
        throw new TypeError('Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null');
      }
      const parsed = s.format.parse(orig);
      if (parsed === null) {
        throw new DataException(
          `Could not parse timestamp: value (${orig}) does not match pattern (${s.format.toPattern()})`,
        );
      }
      return parsed;
    }
    case 'unix': {
      if (!isLong(orig)) {
        throw new DataException(`Expected Unix timestamp to be a Long, but found class ${javaTypeName(orig)}`);
      }
      const n = BigInt(orig);
      const millis =
        s.precision === 'seconds'
          ? saturate(n * 1000n)
          : s.precision === 'microseconds'
            ? n / 1000n
            : s.precision === 'nanoseconds'
              ? n / 1_000_000n
              : n;
      return Timestamp.toLogical(Timestamp.SCHEMA, Number(millis));
    }
    default:
      if (!(orig instanceof Date)) {
        throw new DataException(`Expected ${type} to be a java.util.Date, but found class ${javaTypeName(orig)}`);
      }
      return orig;
  }
}

function toType(s: Settings, raw: Date): unknown {
  const millis = raw.getTime();
  switch (s.type) {
    case 'string':
      return s.format?.format(raw) ?? null;
    case 'unix': {
      const n = BigInt(millis);
      if (s.precision === 'seconds') return asLong(n / 1000n);
      if (s.precision === 'microseconds') return asLong(saturate(n * 1000n));
      if (s.precision === 'nanoseconds') return asLong(saturate(n * 1_000_000n));
      return millis;
    }
    case 'Date':
      return new Date(Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
    case 'Time':
      return new Date(millis - Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
    case 'Timestamp':
      return raw;
  }
}

function typeFromSchema(schema: Schema): TimestampType {
  if (schema.name === Timestamp.LOGICAL_NAME) return 'Timestamp';
  if (schema.name === ConnectDate.LOGICAL_NAME) return 'Date';
  if (schema.name === Time.LOGICAL_NAME) return 'Time';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'int64') return 'unix';
  throw new ConnectException(`Schema ${schemaToString(schema)} does not correspond to a known timestamp type format`);
}

function inferType(value: unknown): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (isLong(value)) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataException(`TimestampConverter does not support class ${javaTypeName(value)} objects as timestamps`);
}

export abstract class TimestampConverter<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private field = '';
  private settings: Settings = { type: 'Timestamp', format: null, precision: 'milliseconds' };
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
    this.field = config.getString('field') ?? '';
    const type = config.getString('target.type') as TimestampType;
    const pattern = config.getString('format') ?? '';
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
    const blank = pattern.trim() === '';
    if (type === 'string' && blank) {
      throw new ConfigException(
        undefined,
        undefined,
        'TimestampConverter requires format option to be specified when using string timestamps',
      );
    }
    let format: SimpleDateFormat | null = null;
    if (!blank) {
      try {
        format = new SimpleDateFormat(pattern);
      } catch (e) {
        if (!(e instanceof IllegalPatternError)) throw e;
        // Apache passes the IllegalArgumentException as the "value" of a ConfigException(name, value), hence this text.
        throw new ConfigException(
          undefined,
          undefined,
          `Invalid value java.lang.IllegalArgumentException: ${e.message} for configuration ` +
            `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`,
        );
      }
    }
    this.settings = { type, format, precision: (config.getString('unix.precision') ?? 'milliseconds') as Precision };
  }

  apply(record: R): R {
    return this.side.schema(record) === null ? this.applySchemaless(record) : this.applyWithSchema(record);
  }

  private convert(timestamp: unknown, type?: TimestampType): unknown {
    if (timestamp === null || timestamp === undefined) return null;
    return toType(this.settings, toRaw(this.settings, type ?? inferType(timestamp), timestamp));
  }

  private applyWithSchema(record: R): R {
    const schema = this.side.schema(record) as Schema;
    if (this.field === '') {
      const updatedSchema = typeSchema(this.settings.type, schema.optional);
      return this.side.with(record, updatedSchema, this.convert(this.side.value(record), typeFromSchema(schema)));
    }
    const struct = requireStructOrNull(this.side.value(record), PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(schema, (s) => {
      const builder = copySchemaBasics(s, SchemaBuilder.struct());
      for (const field of schemaFields(s)) {
        builder.field(
          field.name,
          field.name === this.field ? typeSchema(this.settings.type, field.schema.optional) : field.schema,
        );
      }
      if (s.optional) builder.optional();
      if (s.defaultValue !== undefined && s.defaultValue !== null) {
        builder.defaultValue(this.convertStruct(s.defaultValue as Struct, builder.build()));
      }
      return builder.build();
    });
    return this.side.with(record, updatedSchema, this.convertStruct(struct, updatedSchema));
  }

  private convertStruct(value: Struct | null, updatedSchema: Schema): Struct | null {
    if (value === null) return null;
    const updated = new Struct(updatedSchema);
    for (const field of schemaFields(value.schema)) {
      const v = fieldValue(value, field.name, this.replaceNullWithDefault);
      updated.put(field.name, field.name === this.field ? this.convert(v, typeFromSchema(field.schema)) : v);
    }
    return updated;
  }

  private applySchemaless(record: R): R {
    const raw = this.side.value(record);
    if (raw === null || raw === undefined || this.field === '') return this.side.with(record, null, this.convert(raw));
    const map = requireMap(raw, PURPOSE);
    const updated = mapCopy(map);
    mapPut(updated, this.field, this.convert(mapGet(map, this.field)));
    return this.side.with(record, null, updated);
  }
}

export class TimestampConverterKey<R extends ConnectRecord = ConnectRecord> extends TimestampConverter<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.TimestampConverter$Key`;
  constructor() {
    super(KEY);
  }
}

export class TimestampConverterValue<R extends ConnectRecord = ConnectRecord> extends TimestampConverter<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.TimestampConverter$Value`;
  constructor() {
    super(VALUE);
  }
}
