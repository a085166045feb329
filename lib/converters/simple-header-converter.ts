import { ConfigDef } from '../connect/config-def';
import type { HeaderConverter, SchemaAndValue } from '../connect/converter';
import { Schemas } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import { convertToString, parseString } from '../connect/values';

const CONFIG_DEF = new ConfigDef();
const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
const utf8 = new TextDecoder('utf-8');

/**
 * `org.apache.kafka.connect.storage.SimpleHeaderConverter` (the worker's default `header.converter`): writes a
 * value's text form as UTF-8 and reads text back with type inference (`Values.parseString`); text that does
 * not parse comes back as the raw bytes.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  static readonly className = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(_configs: Readonly<Record<string, string>>): void {}

  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(convertToString(schema, value) ?? '', 'utf8');
  }

  toConnectHeader(_topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return NULL_SCHEMA_AND_VALUE;
    try {
      // Apache returns a null SchemaAndValue for the text `null`; callers here always get an object.
      return parseString(utf8.decode(bytes)) ?? NULL_SCHEMA_AND_VALUE;
    } catch {
      // Apache catches any Throwable here and keeps the header as bytes.
      return { schema: Schemas.BYTES_SCHEMA, value: bytes };
    }
  }
}
