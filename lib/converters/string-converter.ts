import type { ConfigDef } from '../connect/config-def';
import type { Converter, HeaderConverter, SchemaAndValue } from '../connect/converter';
import { ConnectException } from '../connect/errors';
import { javaValueToString } from '../connect/java-text';
import { Schemas } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import { newConverterConfigDef, parseConverterConfig } from './converter-config';

/** Java charsets we can encode and decode, by their canonical name. */
type Charset = 'UTF-8' | 'UTF-16' | 'UTF-16BE' | 'UTF-16LE' | 'ISO-8859-1' | 'US-ASCII';

/** Java's names and aliases (case-insensitive) of the supported charsets. */
const CHARSET_ALIASES: Record<string, Charset> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  'unicode-1-1-utf-8': 'UTF-8',
  'utf-16': 'UTF-16',
  utf16: 'UTF-16',
  'utf-16be': 'UTF-16BE',
  utf_16be: 'UTF-16BE',
  'iso-10646-ucs-2': 'UTF-16BE',
  'utf-16le': 'UTF-16LE',
  utf_16le: 'UTF-16LE',
  'iso-8859-1': 'ISO-8859-1',
  iso8859_1: 'ISO-8859-1',
  'iso_8859-1': 'ISO-8859-1',
  latin1: 'ISO-8859-1',
  l1: 'ISO-8859-1',
  'us-ascii': 'US-ASCII',
  ascii: 'US-ASCII',
  ascii7: 'US-ASCII',
  '646': 'US-ASCII',
};

const swap16 = (b: Buffer): Buffer => Buffer.from(b).swap16();

function encode(text: string, charset: Charset): Uint8Array {
  switch (charset) {
    case 'UTF-8':
      return Buffer.from(text, 'utf8');
    case 'UTF-16LE':
      return Buffer.from(text, 'utf16le');
    case 'UTF-16BE':
      return swap16(Buffer.from(text, 'utf16le'));
    case 'UTF-16':
      // Java writes a big-endian byte-order mark first.
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(text, 'utf16le'))]);
    case 'ISO-8859-1':
      return Buffer.from(text.replace(/[^\p{ASCII}\u0080-\u00ff]/gu, '?'), 'latin1');
    case 'US-ASCII':
      return Buffer.from(text.replace(/[^\p{ASCII}]/gu, '?'), 'latin1');
  }
}

function decode(bytes: Uint8Array, charset: Charset): string {
  // Hot path of every sink record: consumers hand us Buffers already, so no new view object per record; a
  // zero-argument toString() is Node's shortest UTF-8 path (straight to utf8Slice).
  const b = bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (charset) {
    case 'UTF-8':
      return b.toString();
    case 'UTF-16LE':
      return b.toString('utf16le');
    case 'UTF-16BE':
      return swap16(b.subarray(0, b.length & ~1)).toString('utf16le') + (b.length & 1 ? '\ufffd' : '');
    case 'UTF-16':
      // Byte-order mark decides; big-endian without one.
      if (b[0] === 0xff && b[1] === 0xfe) return decode(b.subarray(2), 'UTF-16LE');
      return decode(b[0] === 0xfe && b[1] === 0xff ? b.subarray(2) : b, 'UTF-16BE');
    case 'ISO-8859-1':
      return b.toString('latin1');
    case 'US-ASCII':
      return b.toString('latin1').replace(/[\u0080-\u00ff]/g, '\ufffd');
  }
}

export function charsetFor(name: string): Charset {
  const charset = CHARSET_ALIASES[name.toLowerCase()];
  if (charset === undefined) throw new ConnectException(`Unsupported encoding ${name}`);
  return charset;
}

const CONFIG_DEF: ConfigDef = newConverterConfigDef().define({
  name: 'converter.encoding',
  type: 'STRING',
  defaultValue: 'UTF-8',
  importance: 'HIGH',
  documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
  group: null,
  orderInGroup: -1,
  width: 'MEDIUM',
  displayName: 'Encoding',
});

const NULL_STRING: SchemaAndValue = Object.freeze({ schema: Schemas.OPTIONAL_STRING_SCHEMA, value: null });

/**
 * `org.apache.kafka.connect.storage.StringConverter`: writes `value.toString()` in `converter.encoding`
 * (UTF-8 by default), reads every value as an optional string.
 */
export class StringConverter implements Converter, HeaderConverter {
  static readonly className = 'org.apache.kafka.connect.storage.StringConverter';
  private charset: Charset = 'UTF-8';

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    const parsed = parseConverterConfig(CONFIG_DEF, configs, isKey);
    this.charset = charsetFor(parsed['converter.encoding'] as string);
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return encode(javaValueToString(value, schema?.type), this.charset);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    // A null (most keys) needs no object of its own per record: one shared, frozen answer.
    if (bytes === null) return NULL_STRING;
    return { schema: Schemas.OPTIONAL_STRING_SCHEMA, value: decode(bytes, this.charset) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
