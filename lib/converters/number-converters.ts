import type { ConfigDef } from '../connect/config-def';
import type { Converter, HeaderConverter, SchemaAndValue } from '../connect/converter';
import { DataException } from '../connect/errors';
import { javaClassName } from '../connect/java-text';
import { Schemas, isInt64, typeName } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import { newConverterConfigDef, parseConverterConfig } from './converter-config';

const CONFIG_DEF: ConfigDef = newConverterConfigDef();

/** How one of Kafka's primitive serializers lays a value out (big-endian, fixed size). */
interface NumberCodec {
  /** Apache's name in messages: `Failed to serialize to integer …`. */
  readonly typeName: string;
  readonly schema: Schema;
  readonly size: number;
  accepts(value: unknown): boolean;
  write(view: DataView, value: unknown): void;
  read(view: DataView): unknown;
}

/**
 * `NumberConverter`: the base of Apache's Short/Integer/Long/Float/DoubleConverter, which wrap Kafka's
 * primitive serializers. Values are written big-endian; reads return the optional schema of the type.
 */
abstract class NumberConverter implements Converter, HeaderConverter {
  protected abstract readonly codec: NumberCodec;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    parseConverterConfig(CONFIG_DEF, configs, isKey);
  }

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (!this.codec.accepts(value)) {
      throw new DataException(`Failed to serialize to ${this.codec.typeName} (was ${javaClassName(value)}): `);
    }
    const bytes = new Uint8Array(this.codec.size);
    this.codec.write(new DataView(bytes.buffer), value);
    return bytes;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: this.codec.schema, value: null };
    if (bytes.length !== this.codec.size) {
      throw new DataException(`Failed to deserialize ${this.codec.typeName}: `);
    }
    return {
      schema: this.codec.schema,
      value: this.codec.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.length)),
    };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

const isIntegerIn = (value: unknown, bound: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= -bound && value < bound;

export class ShortConverter extends NumberConverter {
  static readonly className = 'org.apache.kafka.connect.converters.ShortConverter';
  protected readonly codec: NumberCodec = {
    typeName: 'short',
    schema: Schemas.OPTIONAL_INT16_SCHEMA,
    size: 2,
    accepts: (v) => isIntegerIn(v, 32768),
    write: (view, v) => view.setInt16(0, v as number),
    read: (view) => view.getInt16(0),
  };
}

export class IntegerConverter extends NumberConverter {
  static readonly className = 'org.apache.kafka.connect.converters.IntegerConverter';
  protected readonly codec: NumberCodec = {
    typeName: 'integer',
    schema: Schemas.OPTIONAL_INT32_SCHEMA,
    size: 4,
    accepts: (v) => isIntegerIn(v, 2147483648),
    write: (view, v) => view.setInt32(0, v as number),
    read: (view) => view.getInt32(0),
  };
}

export class LongConverter extends NumberConverter {
  static readonly className = 'org.apache.kafka.connect.converters.LongConverter';
  protected readonly codec: NumberCodec = {
    typeName: 'long',
    schema: Schemas.OPTIONAL_INT64_SCHEMA,
    size: 8,
    accepts: (v) => isInt64(v),
    write: (view, v) => view.setBigInt64(0, BigInt(v as number | bigint)),
    read: (view) => {
      const v = view.getBigInt64(0);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    },
  };
}

export class FloatConverter extends NumberConverter {
  static readonly className = 'org.apache.kafka.connect.converters.FloatConverter';
  protected readonly codec: NumberCodec = {
    typeName: 'float',
    schema: Schemas.OPTIONAL_FLOAT32_SCHEMA,
    size: 4,
    accepts: (v) => typeof v === 'number',
    write: (view, v) => view.setFloat32(0, v as number),
    read: (view) => view.getFloat32(0),
  };
}

export class DoubleConverter extends NumberConverter {
  static readonly className = 'org.apache.kafka.connect.converters.DoubleConverter';
  protected readonly codec: NumberCodec = {
    typeName: 'double',
    schema: Schemas.OPTIONAL_FLOAT64_SCHEMA,
    size: 8,
    accepts: (v) => typeof v === 'number',
    write: (view, v) => view.setFloat64(0, v as number),
    read: (view) => view.getFloat64(0),
  };
}

/** `org.apache.kafka.connect.converters.BooleanConverter`: one byte, 0x01 true and 0x00 false. */
export class BooleanConverter implements Converter, HeaderConverter {
  static readonly className = 'org.apache.kafka.connect.converters.BooleanConverter';

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    parseConverterConfig(CONFIG_DEF, configs, isKey);
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema && schema.type !== 'boolean') {
      throw new DataException(`Invalid schema type for BooleanConverter: ${typeName(schema.type)}`);
    }
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean') {
      throw new DataException(`BooleanConverter is not compatible with objects of type ${javaClassName(value)}`);
    }
    return Uint8Array.of(value ? 1 : 0);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: Schemas.OPTIONAL_BOOLEAN_SCHEMA, value: null };
    if (bytes.length !== 1 || (bytes[0] !== 0 && bytes[0] !== 1)) {
      throw new DataException('Failed to deserialize boolean: ');
    }
    return { schema: Schemas.OPTIONAL_BOOLEAN_SCHEMA, value: bytes[0] === 1 };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
