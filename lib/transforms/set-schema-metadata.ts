/** `SetSchemaMetadata$Key` / `$Value`: set the key/value schema's name and/or version. */
import { ConfigDef } from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { ConnectSchema, isStruct, schemaFields } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  VALUE,
  fieldValue,
  requireSchema,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'schema.name',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Schema name to set.',
  })
  .define({
    name: 'schema.version',
    type: 'INT',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Schema version to set.',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

export abstract class SetSchemaMetadata<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;
  private replaceNullWithDefault = true;

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.schemaName = config.getString('schema.name');
    this.schemaVersion = config.getInt('schema.version');
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
    if (this.schemaName === null && this.schemaVersion === null) {
      throw new ConfigException(undefined, undefined, 'Neither schema name nor version configured');
    }
  }

  apply(record: R): R {
    const value = this.side.value(record);
    const original = this.side.schema(record);
    if ((value === null || value === undefined) && original === null) return record;
    const schema = requireSchema(original, 'updating schema metadata');
    const isMap = schema.type === 'map';
    const isArray = schema.type === 'array';
    // Apache copies `schema.fields()`, which fails on any non-struct schema ("Cannot list fields on non-struct type").
    const fields = schemaFields(schema);
    const updatedSchema = new ConnectSchema({
      type: schema.type,
      optional: schema.optional,
      defaultValue: schema.defaultValue,
      name: this.schemaName ?? schema.name,
      version: this.schemaVersion ?? schema.version,
      doc: schema.doc,
      parameters: schema.parameters,
      fields,
      keySchema: isMap ? schema.keySchema : undefined,
      valueSchema: isMap || isArray ? schema.valueSchema : undefined,
    });
    return this.side.with(record, updatedSchema, this.updateSchemaIn(value, updatedSchema));
  }

  private updateSchemaIn(value: unknown, updatedSchema: Schema): unknown {
    if (!isStruct(value)) return value;
    const original = value as unknown as Struct;
    const updated = new Struct(updatedSchema);
    for (const field of schemaFields(updatedSchema)) {
      updated.put(field, fieldValue(original, field.name, this.replaceNullWithDefault));
    }
    return updated;
  }
}

export class SetSchemaMetadataKey<R extends ConnectRecord = ConnectRecord> extends SetSchemaMetadata<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.SetSchemaMetadata$Key`;
  constructor() {
    super(KEY);
  }
}

export class SetSchemaMetadataValue<R extends ConnectRecord = ConnectRecord> extends SetSchemaMetadata<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.SetSchemaMetadata$Value`;
  constructor() {
    super(VALUE);
  }
}
