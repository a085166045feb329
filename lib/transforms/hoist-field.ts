/** `HoistField$Key` / `$Value`: wrap the key/value in a struct (with schema) or a map (schemaless) of one field. */
import { ConfigDef } from '../connect/config-def';
import { SchemaBuilder } from '../connect/schema';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import { KEY, type RecordSide, SchemaCache, VALUE, simpleConfig } from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const CONFIG_DEF = new ConfigDef().define({
  name: 'field',
  type: 'STRING',
  importance: 'MEDIUM',
  documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
});

export abstract class HoistField<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private fieldName = '';
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    this.fieldName = simpleConfig(CONFIG_DEF, props).getString('field') ?? '';
  }

  apply(record: R): R {
    const schema = this.side.schema(record);
    const value = this.side.value(record);
    if (schema === null) return this.side.with(record, null, new Map([[this.fieldName, value ?? null]]));
    const updatedSchema = this.schemaCache.getOrCompute(schema, (s) =>
      SchemaBuilder.struct().field(this.fieldName, s).build(),
    );
    return this.side.with(record, updatedSchema, new Struct(updatedSchema).put(this.fieldName, value));
  }
}

export class HoistFieldKey<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.HoistField$Key`;
  constructor() {
    super(KEY);
  }
}

export class HoistFieldValue<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.HoistField$Value`;
  constructor() {
    super(VALUE);
  }
}
