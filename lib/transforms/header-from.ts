/** `HeaderFrom$Key` / `$Value`: copy or move fields of the key/value into headers. */
import { ConfigDef, ValidString } from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { SchemaBuilder, schemaField, schemaFields } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord, Header } from '../connect/records';
import { Struct } from '../connect/struct';
import { connectHeader } from './connect-headers';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  SchemaCache,
  VALUE,
  copySchemaBasics,
  fieldValue,
  mapCopy,
  mapDelete,
  mapGet,
  requireMap,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';
import { NonEmptyListValidator } from './validators';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'fields',
    type: 'LIST',
    validator: NonEmptyListValidator,
    importance: 'HIGH',
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
  })
  .define({
    name: 'headers',
    type: 'LIST',
    validator: NonEmptyListValidator,
    importance: 'HIGH',
    documentation: 'Header names, in the same order as the field names listed in the fields configuration property.',
  })
  .define({
    name: 'operation',
    type: 'STRING',
    validator: ValidString.in('move', 'copy'),
    importance: 'HIGH',
    documentation:
      'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), ' +
      'or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

export abstract class HeaderFrom<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private fields: readonly string[] = [];
  private headers: readonly string[] = [];
  private operation: 'move' | 'copy' = 'copy';
  private replaceNullWithDefault = true;
  private readonly moveSchemaCache = new SchemaCache();

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.fields = config.getList('fields') ?? [];
    this.headers = config.getList('headers') ?? [];
    if (this.headers.length !== this.fields.length) {
      throw new ConfigException(
        undefined,
        undefined,
        "'fields' config must have the same number of elements as 'headers' config.",
      );
    }
    this.operation = config.getString('operation') === 'move' ? 'move' : 'copy';
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  apply(record: R): R {
    const schema = this.side.schema(record);
    const value = this.side.value(record);
    return schema === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, value, schema);
  }

  private applyWithSchema(record: R, value: unknown, schema: Schema): R {
    const headers: Header[] = [...record.headers];
    const struct = requireStruct(value, `header ${this.operation}`);
    let updatedSchema = schema;
    let updatedValue: Struct = struct;
    if (this.operation === 'move') {
      updatedSchema = this.moveSchemaCache.getOrCompute(schema, (s) => {
        const builder = copySchemaBasics(s, SchemaBuilder.struct());
        for (const field of schemaFields(s))
          if (!this.fields.includes(field.name)) builder.field(field.name, field.schema);
        return builder.build();
      });
      updatedValue = new Struct(updatedSchema);
      for (const field of schemaFields(updatedSchema)) {
        updatedValue.put(field, fieldValue(struct, field.name, this.replaceNullWithDefault));
      }
    }
    this.fields.forEach((fieldName, i) => {
      const exists = schemaField(struct.schema, fieldName) !== undefined;
      const v = exists ? fieldValue(struct, fieldName, this.replaceNullWithDefault) : null;
      const field = schemaField(schema, fieldName);
      // Apache dereferences the missing field's schema here and fails with a NullPointerException.
      if (field === undefined) {
        throw new TypeError(
          'Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of ' +
            '"org.apache.kafka.connect.data.Schema.field(String)" is null',
        );
      }
      headers.push(connectHeader(this.headers[i] as string, v, field.schema));
    });
    return this.side.with(record, updatedSchema, updatedValue, headers);
  }

  private applySchemaless(record: R, value: unknown): R {
    const headers: Header[] = [...record.headers];
    const map = requireMap(value, `header ${this.operation}`);
    const updated = mapCopy(map);
    this.fields.forEach((fieldName, i) => {
      const v = mapGet(map, fieldName);
      if (this.operation === 'move') mapDelete(updated, fieldName);
      headers.push(connectHeader(this.headers[i] as string, v, null));
    });
    return this.side.with(record, null, updated, headers);
  }
}

export class HeaderFromKey<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.HeaderFrom$Key`;
  constructor() {
    super(KEY);
  }
}

export class HeaderFromValue<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.HeaderFrom$Value`;
  constructor() {
    super(VALUE);
  }
}
