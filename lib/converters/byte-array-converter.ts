import type { ConfigDef } from '../connect/config-def';
import type { Converter, HeaderConverter, SchemaAndValue } from '../connect/converter';
import { DataException } from '../connect/errors';
import { javaClassName } from '../connect/java-text';
import { Schemas, typeName } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import { newConverterConfigDef } from './converter-config';

const CONFIG_DEF: ConfigDef = newConverterConfigDef();
const NULL_BYTES: SchemaAndValue = Object.freeze({ schema: Schemas.OPTIONAL_BYTES_SCHEMA, value: null });

/** `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through untouched. */
export class ByteArrayConverter implements Converter, HeaderConverter {
  static readonly className = 'org.apache.kafka.connect.converters.ByteArrayConverter';

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  /** Apache's ignores its configs entirely (no validation either). */
  configure(_configs: Readonly<Record<string, string>>, _isKey?: boolean): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema && schema.type !== 'bytes') {
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${typeName(schema.type)}`);
    }
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      throw new DataException(`ByteArrayConverter is not compatible with objects of type ${javaClassName(value)}`);
    }
    return value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    // A null (most keys) needs no object of its own per record: one shared, frozen answer.
    if (bytes === null) return NULL_BYTES;
    return { schema: Schemas.OPTIONAL_BYTES_SCHEMA, value: bytes };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
