/** `ValueToKey`: the record key becomes a struct (or map) of some fields of the value. */
import { ConfigDef, ValidList } from '../connect/config-def';
import { DataException } from '../connect/errors';
import { SchemaBuilder, schemaField } from '../connect/schema';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  REPLACE_NULL_WITH_DEFAULT_DOC,
  SchemaCache,
  fieldValue,
  mapGet,
  newRecord,
  requireMap,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'fields',
    type: 'LIST',
    validator: ValidList.anyNonDuplicateValues(false, false),
    importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

export class ValueToKey<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.ValueToKey`;
  private fields: readonly string[] = [];
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.fields = config.getList('fields') ?? [];
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  apply(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = new Map<string, unknown>(this.fields.map((f) => [f, mapGet(value, f) ?? null]));
      return newRecord(record, { keySchema: null, key });
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.schemaCache.getOrCompute(value.schema, (s) => {
      const builder = SchemaBuilder.struct();
      for (const f of this.fields) {
        const field = schemaField(s, f);
        if (field === undefined) throw new DataException(`Field does not exist: ${f}`);
        builder.field(f, field.schema);
      }
      return builder.build();
    });
    const key = new Struct(keySchema);
    for (const f of this.fields) key.put(f, fieldValue(value, f, this.replaceNullWithDefault));
    return newRecord(record, { keySchema, key, valueSchema: value.schema, value });
  }
}
