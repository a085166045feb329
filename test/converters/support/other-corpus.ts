/** Corpus of the differential test of SimpleHeaderConverter, StringConverter, ByteArrayConverter and the number converters. */
import type { OracleCase } from './oracle';
import { LOGICAL } from './spec';
import type { SchemaSpec, ValueSpec } from './spec';

const v = (t: string, value: unknown): ValueSpec => ({ t, v: value });
const s = (type: SchemaSpec['type'], extra: Partial<SchemaSpec> = {}): SchemaSpec => ({ type, ...extra });

const HEADER = 'simple-header';
const STRING = 'org.apache.kafka.connect.storage.StringConverter';
const BYTES = 'org.apache.kafka.connect.converters.ByteArrayConverter';
const conv = (name: string): string => `org.apache.kafka.connect.converters.${name}Converter`;

const w = (
  converter: string,
  id: string,
  schema: SchemaSpec | null,
  value: ValueSpec,
  config: Record<string, string> = {},
): OracleCase => ({ id: `${converter.replace(/.*\./, '')}: ${id}`, converter, config, write: { schema, value } });

const r = (
  converter: string,
  id: string,
  bytes: Uint8Array | null,
  config: Record<string, string> = {},
): OracleCase => ({
  id: `${converter.replace(/.*\./, '')}: ${id}`,
  converter,
  config,
  read: bytes === null ? null : Buffer.from(bytes).toString('base64'),
});

const text = (t: string): Uint8Array => Buffer.from(t, 'utf8');
const hw = (id: string, schema: SchemaSpec | null, value: ValueSpec): OracleCase => w(HEADER, id, schema, value);
const hr = (id: string, t: string): OracleCase => r(HEADER, id, text(t));

const struct: SchemaSpec = s('struct', {
  fields: [
    ['name', s('string')],
    ['age', s('int32', { optional: true, default: v('int32', 3) })],
  ],
});

export const OTHER_CORPUS: OracleCase[] = [
  // --- SimpleHeaderConverter: write, then Apache's bytes read back ---
  hw('string', s('string'), v('string', 'hello world')),
  hw('empty string', s('string'), v('string', '')),
  hw('string that looks like a boolean', s('string'), v('string', 'true')),
  hw('string with digits first', s('string'), v('string', '12abc')),
  hw('int8', s('int8'), v('int8', 5)),
  hw('int32', s('int32'), v('int32', 100000)),
  hw('int64 beyond 2^53', s('int64'), v('int64', '9007199254740993')),
  hw('float32', s('float32'), v('float32', '3.14')),
  hw('float64 becomes float32', s('float64'), v('float64', '0.1')),
  hw('float64 large', s('float64'), v('float64', '1e21')),
  hw('boolean', s('boolean'), v('boolean', false)),
  hw('bytes', s('bytes'), v('bytes', 'AAECAw==')),
  hw('array of ints', s('array', { items: s('int32') }), v('array', [v('int32', 1), v('int32', 1000), v('int32', 3)])),
  hw(
    'array of strings',
    s('array', { items: s('string') }),
    v('array', [v('string', 'a'), v('string', 'b c'), v('string', 'q"b\\s')]),
  ),
  hw('array with null', s('array', { items: s('int32', { optional: true }) }), v('array', [v('int32', 1), null])),
  hw(
    'nested arrays',
    s('array', { items: s('array', { items: s('int64') }) }),
    v('array', [v('array', [v('int64', '1'), v('int64', '2')]), v('array', [v('int64', '3')])]),
  ),
  hw(
    'map string to int',
    s('map', { keys: s('string'), values: s('int32') }),
    v('map', [
      [v('string', 'a'), v('int32', 1)],
      [v('string', 'b'), v('int32', 2)],
    ]),
  ),
  hw(
    'map int to string',
    s('map', { keys: s('int32'), values: s('string') }),
    v('map', [[v('int32', 1), v('string', 'x')]]),
  ),
  hw('struct', struct, v('struct', { name: v('string', 'x'), age: null })),
  hw('date', LOGICAL.date(), v('date', String(Date.UTC(2024, 2, 15)))),
  hw('time', LOGICAL.time(), v('date', String(((13 * 60 + 45) * 60 + 30) * 1000 + 123))),
  hw('timestamp', LOGICAL.timestamp(), v('date', String(Date.UTC(2024, 2, 15, 13, 45, 30, 123)))),
  hw('decimal', LOGICAL.decimal(2), v('decimal', '12.34')),
  hw('null', s('string', { optional: true }), null),
  // --- SimpleHeaderConverter: reading text ---
  hr('literal null', 'null'),
  hr('blank', '   '),
  hr('trailing tokens ignored', '1,2'),
  hr('unterminated array', '[1,2'),
  hr('lone brace', '{'),
  hr('map missing value', '{"a":}'),
  hr('beyond long', '12345678901234567890'),
  hr('huge exponent', '1e400'),
  hr('negative fraction', '-0.5'),
  hr('plus sign', '+7'),
  hr('hex is a string', '0x10'),
  hr('lenient date', '2024-13-45'),
  hr('quoted dates and strings', '["2024-01-01", "x"]'),
  hr('widening numbers', '[1, 2.5, 100000]'),
  hr('int keys map', '{1:"a", 2:"b"}'),
  hr('empty array', '[]'),
  hr('empty map', '{}'),
  hr('booleans', '[true,false]'),
  hr('timestamp text', '2024-03-15T13:45:30.123Z'),
  hr('time text', '12:34:56.789Z'),
  hr('arrays of different types', '[[1],["a"]]'),
  hr('unquoted string in array', '[a]'),
  hr('whitespace in quotes', '["  ", " a "]'),
  hr('escaped colon', 'a\\:b'),
  r(HEADER, 'invalid utf-8', Uint8Array.of(0x61, 0xff, 0x62)),
  r(HEADER, 'null bytes', null),
  // --- StringConverter ---
  w(STRING, 'utf-8', s('string'), v('string', 'héllo €')),
  w(STRING, 'utf-16', s('string'), v('string', 'héllo €'), { 'converter.encoding': 'UTF-16' }),
  w(STRING, 'utf-16le', s('string'), v('string', 'héllo'), { 'converter.encoding': 'utf-16le' }),
  w(STRING, 'latin1 unmappable', s('string'), v('string', 'héllo €'), { 'converter.encoding': 'ISO-8859-1' }),
  w(STRING, 'ascii', s('string'), v('string', 'héllo'), { 'converter.encoding': 'US-ASCII' }),
  w(STRING, 'int32', s('int32'), v('int32', 5)),
  w(STRING, 'float64 integral', s('float64'), v('float64', '2')),
  w(STRING, 'float32', s('float32'), v('float32', '0.1')),
  w(STRING, 'boolean', null, v('boolean', true)),
  w(STRING, 'list', null, v('array', [v('int64', '1'), v('string', 'a'), null])),
  w(STRING, 'null', null, null),
  r(STRING, 'read utf-8', text('grüß')),
  r(STRING, 'read invalid utf-8', Uint8Array.of(0x61, 0xc3, 0x28)),
  r(STRING, 'read utf-16 with BOM', Uint8Array.of(0xfe, 0xff, 0x00, 0x41, 0x20, 0xac), {
    'converter.encoding': 'UTF-16',
  }),
  r(STRING, 'read null', null),
  r(STRING, 'unknown encoding', text('x'), { 'converter.encoding': 'bogus' }),
  // --- ByteArrayConverter ---
  w(BYTES, 'bytes', s('bytes'), v('bytes', 'AP8=')),
  w(BYTES, 'no schema', null, v('bytes', 'AQ==')),
  w(BYTES, 'wrong schema', s('string'), v('string', 'x')),
  w(BYTES, 'wrong value', null, v('string', 'x')),
  w(BYTES, 'null', null, null),
  r(BYTES, 'read', Uint8Array.of(1, 2, 3)),
  // --- number converters ---
  w(conv('Short'), 'write', null, v('int16', -2)),
  w(conv('Integer'), 'write', s('int32'), v('int32', -1)),
  w(conv('Integer'), 'write string', null, v('string', '1')),
  w(conv('Long'), 'write max', null, v('int64', '9223372036854775807')),
  w(conv('Float'), 'write', null, v('float32', '3.14')),
  w(conv('Double'), 'write', null, v('float64', '0.1')),
  w(conv('Boolean'), 'write', null, v('boolean', true)),
  w(conv('Boolean'), 'wrong schema', s('int32'), v('int32', 1)),
  r(conv('Integer'), 'read', Uint8Array.of(0x7f, 0xff, 0xff, 0xff)),
  r(conv('Integer'), 'read short input', Uint8Array.of(1, 2, 3)),
  r(conv('Long'), 'read min', Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0)),
  r(conv('Double'), 'read', Uint8Array.of(0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18)),
  r(conv('Boolean'), 'read false', Uint8Array.of(0)),
  r(conv('Boolean'), 'read bad byte', Uint8Array.of(2)),
  r(conv('Short'), 'read null', null),
];
