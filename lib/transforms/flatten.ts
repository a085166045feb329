/**
 * `Flatten$Key` / `$Value`: nested structs (with schema) or maps (schemaless) become one level, field names
 * joined by `delimiter`; arrays are kept as they are; with schemas, nested optionality and defaults carry over.
 */
import { ConfigDef } from '../connect/config-def';
import { DataException } from '../connect/errors';
import { SchemaBuilder, inferSchemaType, schemaFields, typeName } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  KEY,
  type MapValue,
  type RecordSide,
  SchemaCache,
  VALUE,
  copySchemaBasics,
  emptyMapLike,
  javaTypeName,
  mapEntries,
  mapPut,
  requireMap,
  requireStructOrNull,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const PURPOSE = 'flattening';

const CONFIG_DEF = new ConfigDef().define({
  name: 'delimiter',
  type: 'STRING',
  defaultValue: '.',
  importance: 'MEDIUM',
  documentation:
    'Delimiter to insert between field names from the input record when generating field names for the output record',
});

const unsupported = (type: string, fieldName: string): DataException =>
  new DataException(
    `Flatten transformation does not support ${type} for record with schemas (for field ${fieldName}).`,
  );

export abstract class Flatten<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private delimiter = '.';
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    this.delimiter = simpleConfig(CONFIG_DEF, props).getString('delimiter') ?? '.';
  }

  apply(record: R): R {
    const value = this.side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.side.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const out = emptyMapLike(map);
      this.flattenMap(map, '', out);
      return this.side.with(record, null, out);
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(schema, (s) => {
      const builder = copySchemaBasics(s, SchemaBuilder.struct());
      this.buildSchema(s, '', builder, s.optional, (s.defaultValue as Struct | undefined) ?? null);
      return builder.build();
    });
    if (struct === null) return this.side.with(record, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    this.flattenStruct(struct, '', updated);
    return this.side.with(record, updatedSchema, updated);
  }

  private fieldName(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.delimiter}${name}`;
  }

  private flattenMap(map: MapValue, prefix: string, out: MapValue): void {
    for (const [key, value] of mapEntries(map)) {
      const name = this.fieldName(prefix, String(key));
      if (value === null || value === undefined) {
        mapPut(out, name, null);
        continue;
      }
      const type = inferSchemaType(value);
      if (type === null) {
        throw new DataException(
          `Flatten transformation was passed a value of type class ${javaTypeName(value)} which is not supported by Connect's data API`,
        );
      }
      if (type === 'map') this.flattenMap(requireMap(value, PURPOSE), name, out);
      else if (type === 'struct') {
        throw new DataException(
          `Flatten transformation does not support class ${javaTypeName(value)} for record without schemas (for field ${name}).`,
        );
      } else mapPut(out, name, value);
    }
  }

  private buildSchema(
    schema: Schema,
    prefix: string,
    builder: SchemaBuilder,
    optional: boolean,
    defaultFromParent: Struct | null,
  ): void {
    for (const field of schemaFields(schema)) {
      const name = this.fieldName(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
        fieldDefault = field.schema.defaultValue;
      } else if (defaultFromParent !== null) {
        fieldDefault = defaultFromParent.get(field.name);
      }
      switch (field.schema.type) {
        case 'map':
          throw unsupported(typeName(field.schema.type), name);
        case 'struct':
          this.buildSchema(field.schema, name, builder, fieldOptional, (fieldDefault as Struct | null) ?? null);
          break;
        default: {
          const fieldBuilder = copySchemaBasics(field.schema);
          if (fieldOptional) fieldBuilder.optional();
          if (fieldDefault !== null && fieldDefault !== undefined) fieldBuilder.defaultValue(fieldDefault);
          builder.field(name, fieldBuilder.build());
        }
      }
    }
  }

  private flattenStruct(struct: Struct | null, prefix: string, out: Struct): void {
    if (struct === null) return;
    for (const field of schemaFields(struct.schema)) {
      const name = this.fieldName(prefix, field.name);
      switch (field.schema.type) {
        case 'map':
          throw unsupported(typeName(field.schema.type), name);
        case 'struct':
          this.flattenStruct(struct.getStruct(field.name), name, out);
          break;
        default:
          out.put(name, struct.get(field.name));
      }
    }
  }
}

export class FlattenKey<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.Flatten$Key`;
  constructor() {
    super(KEY);
  }
}

export class FlattenValue<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.Flatten$Value`;
  constructor() {
    super(VALUE);
  }
}
