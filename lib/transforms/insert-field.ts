/**
 * `InsertField$Key` / `$Value`: add the record's topic, partition, offset (sinks), timestamp and/or a static
 * string as fields; a trailing `!` makes the field required, `?` (the default) optional.
 */
import { ConfigDef } from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { Timestamp } from '../connect/logical-types';
import { SchemaBuilder, Schemas, schemaFields } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  SchemaCache,
  VALUE,
  copySchemaBasics,
  fieldValue,
  mapCopy,
  mapPut,
  requireMap,
  requireSinkRecord,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const OPTIONALITY_DOC =
  'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';
const PURPOSE = 'field insertion';

const stringKey = (name: string, documentation: string) =>
  ({ name, type: 'STRING', defaultValue: null, importance: 'MEDIUM', documentation }) as const;

const CONFIG_DEF = new ConfigDef()
  .define(stringKey('topic.field', `Field name for Kafka topic. ${OPTIONALITY_DOC}`))
  .define(stringKey('partition.field', `Field name for Kafka partition. ${OPTIONALITY_DOC}`))
  .define(
    stringKey(
      'offset.field',
      `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`,
    ),
  )
  .define(stringKey('timestamp.field', `Field name for record timestamp. ${OPTIONALITY_DOC}`))
  .define(stringKey('static.field', `Field name for static data field. ${OPTIONALITY_DOC}`))
  .define(stringKey('static.value', 'Static field value, if field name configured.'))
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

const OPTIONAL_TIMESTAMP_SCHEMA = Timestamp.builder().optional().build();

export abstract class InsertField<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
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
    this.topicField = parseSpec(config.getString('topic.field'));
    this.partitionField = parseSpec(config.getString('partition.field'));
    this.offsetField = parseSpec(config.getString('offset.field'));
    this.timestampField = parseSpec(config.getString('timestamp.field'));
    this.staticField = parseSpec(config.getString('static.field'));
    this.staticValue = config.getString('static.value');
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
    if (!this.topicField && !this.partitionField && !this.offsetField && !this.timestampField && !this.staticField) {
      throw new ConfigException(undefined, undefined, 'No field insertion configured');
    }
    if (this.staticField !== null && this.staticValue === null) {
      // Apache prints the InsertionSpec object itself here (its default Object.toString()).
      throw new ConfigException(
        'static.value',
        null,
        `Invalid value null for configuration static.value: No value specified for static field: ${this.staticField.name}`,
      );
    }
  }

  apply(record: R): R {
    const value = this.side.value(record);
    if (value === null || value === undefined) return record;
    return this.side.schema(record) === null
      ? this.applySchemaless(record, value)
      : this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, value: unknown): R {
    const updated = mapCopy(requireMap(value, PURPOSE));
    if (this.topicField) mapPut(updated, this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null) {
      mapPut(updated, this.partitionField.name, record.kafkaPartition);
    }
    if (this.offsetField) mapPut(updated, this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) mapPut(updated, this.timestampField.name, record.timestamp);
    if (this.staticField && this.staticValue !== null) mapPut(updated, this.staticField.name, this.staticValue);
    return this.side.with(record, null, updated);
  }

  private applyWithSchema(record: R, value: unknown): R {
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(struct.schema, (s) => this.makeUpdatedSchema(s));
    const updated = new Struct(updatedSchema);
    for (const field of schemaFields(struct.schema)) {
      updated.put(field.name, fieldValue(struct, field.name, this.replaceNullWithDefault));
    }
    if (this.topicField) updated.put(this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null)
      updated.put(this.partitionField.name, record.kafkaPartition);
    if (this.offsetField) updated.put(this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) {
      updated.put(this.timestampField.name, new Date(record.timestamp));
    }
    if (this.staticField && this.staticValue !== null) updated.put(this.staticField.name, this.staticValue);
    return this.side.with(record, updatedSchema, updated);
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schemaFields(schema)) builder.field(field.name, field.schema);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema): void => {
      if (spec) builder.field(spec.name, spec.optional ? optional : required);
    };
    add(this.topicField, Schemas.OPTIONAL_STRING_SCHEMA, Schemas.STRING_SCHEMA);
    add(this.partitionField, Schemas.OPTIONAL_INT32_SCHEMA, Schemas.INT32_SCHEMA);
    add(this.offsetField, Schemas.OPTIONAL_INT64_SCHEMA, Schemas.INT64_SCHEMA);
    add(this.timestampField, OPTIONAL_TIMESTAMP_SCHEMA, Timestamp.SCHEMA);
    add(this.staticField, Schemas.OPTIONAL_STRING_SCHEMA, Schemas.STRING_SCHEMA);
    return builder.build();
  }
}

export class InsertFieldKey<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.InsertField$Key`;
  constructor() {
    super(KEY);
  }
}

export class InsertFieldValue<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.InsertField$Value`;
  constructor() {
    super(VALUE);
  }
}
