/** Corpus of the JsonConverter differential test: each case runs through Apache's converter and ours. */
import type { OracleCase } from './oracle';
import { LOGICAL } from './spec';
import type { SchemaSpec, ValueSpec } from './spec';

const w = (
  id: string,
  schema: SchemaSpec | null,
  value: ValueSpec,
  config: Record<string, string> = {},
  isKey = false,
): OracleCase => ({ id, config, isKey, write: { schema, value } });

const r = (id: string, text: string, config: Record<string, string> = {}): OracleCase => ({
  id,
  config,
  read: Buffer.from(text, 'utf8').toString('base64'),
});

const rBytes = (id: string, bytes: number[] | null, config: Record<string, string> = {}): OracleCase => ({
  id,
  config,
  read: bytes === null ? null : Buffer.from(bytes).toString('base64'),
});

const v = (t: string, value: unknown): ValueSpec => ({ t, v: value });
const s = (type: SchemaSpec['type'], extra: Partial<SchemaSpec> = {}): SchemaSpec => ({ type, ...extra });
const NO_SCHEMAS = { 'schemas.enable': 'false' };
const NUMERIC = { 'decimal.format': 'NUMERIC' };

const person: SchemaSpec = s('struct', {
  name: 'com.example.Person',
  version: 2,
  doc: 'A person',
  fields: [
    ['id', s('int64')],
    ['name', s('string')],
    ['email', s('string', { optional: true })],
    ['age', s('int32', { optional: true, default: v('int32', 18) })],
    ['tags', s('array', { items: s('string') })],
    ['scores', s('map', { keys: s('string'), values: s('float64') })],
    [
      'address',
      s('struct', {
        optional: true,
        fields: [
          ['city', s('string')],
          ['zip', s('int32', { optional: true })],
        ],
      }),
    ],
  ],
});

const personValue = (email: ValueSpec, age: ValueSpec): ValueSpec =>
  v('struct', {
    id: v('int64', '42'),
    name: v('string', 'Zoë'),
    email,
    age,
    tags: v('array', [v('string', 'a'), v('string', 'b')]),
    scores: v('map', [
      [v('string', 'math'), v('float64', '9.5')],
      [v('string', 'art'), v('float64', '7')],
    ]),
    address: null,
  });

const envelope = (schema: string, payload: string): string => `{"schema":${schema},"payload":${payload}}`;

export const JSON_CORPUS: OracleCase[] = [
  // --- primitives with schemas ---
  w('boolean', s('boolean'), v('boolean', true)),
  w('int8 min', s('int8'), v('int8', -128)),
  w('int16 max', s('int16'), v('int16', 32767)),
  w('int32 min', s('int32'), v('int32', -2147483648)),
  w('int64 max', s('int64'), v('int64', '9223372036854775807')),
  w('int64 min', s('int64'), v('int64', '-9223372036854775808')),
  w('int64 2^53+1', s('int64'), v('int64', '9007199254740993')),
  w('float32 3.14', s('float32'), v('float32', '3.14')),
  w('float32 small', s('float32'), v('float32', '1e-10')),
  w('float32 2^24', s('float32'), v('float32', '16777216')),
  w('float32 max', s('float32'), v('float32', '3.4028235E38')),
  w('float32 min subnormal', s('float32'), v('float32', '1.4E-45')),
  w('float32 NaN', s('float32'), v('float32', 'NaN')),
  w('float64 0.1', s('float64'), v('float64', '0.1')),
  w('float64 1e21', s('float64'), v('float64', '1e21')),
  w('float64 -0', s('float64'), v('float64', '-0.0')),
  w('float64 plain', s('float64'), v('float64', '123456.789')),
  w('float64 1e7 boundary', s('float64'), v('float64', '1e7')),
  w('float64 below 1e7', s('float64'), v('float64', '9999999.999')),
  w('float64 0.001 boundary', s('float64'), v('float64', '0.001')),
  w('float64 below 0.001', s('float64'), v('float64', '0.00099')),
  w('float64 min', s('float64'), v('float64', '4.9E-324')),
  w('float64 max', s('float64'), v('float64', '1.7976931348623157E308')),
  w('float64 NaN', s('float64'), v('float64', 'NaN')),
  w('float64 -Infinity', s('float64'), v('float64', '-Infinity')),
  w('string empty', s('string'), v('string', '')),
  w('string unicode', s('string'), v('string', 'héllo wörld ✓ 😀 中文 \u00a0')),
  w('string escapes', s('string'), v('string', 'q"b\\s/ \n\t\r\b\f \u0001\u001f\u007f\u2028 end')),
  w('string lone surrogate', s('string'), v('string', 'a\ud800b\udc00')),
  w('float64 1e-5', s('float64'), v('float64', '1e-5')),
  w('float32 0.3', s('float32'), v('float32', '0.3')),
  w('bytes', s('bytes'), v('bytes', 'AAECAwT/')),
  w('bytes empty', s('bytes'), v('bytes', '')),
  // --- optional, defaults, nulls ---
  w('optional null', s('string', { optional: true }), null),
  w('required null uses default', s('string', { default: v('string', 'dflt') }), null),
  w('optional with default, replace off', s('int32', { optional: true, default: v('int32', 7) }), null, {
    'replace.null.with.default': 'false',
  }),
  w('required null no default', s('int32'), null),
  w(
    'schema metadata',
    s('string', { name: 'com.example.Name', version: 3, doc: 'doc "quoted"', params: { b: '2', a: '1' } }),
    v('string', 'x'),
  ),
  // --- containers ---
  w('array int32', s('array', { items: s('int32') }), v('array', [v('int32', 1), v('int32', -2), v('int32', 3)])),
  w(
    'array optional strings',
    s('array', { items: s('string', { optional: true }) }),
    v('array', [v('string', 'a'), null]),
  ),
  w('array empty', s('array', { items: s('int64') }), v('array', [])),
  w(
    'map string keys',
    s('map', { keys: s('string'), values: s('int64') }),
    v('map', [
      [v('string', 'b'), v('int64', '2')],
      [v('string', 'a'), v('int64', '-9007199254740993')],
    ]),
  ),
  w(
    'map int keys',
    s('map', { keys: s('int32'), values: s('string') }),
    v('map', [
      [v('int32', 2), v('string', 'two')],
      [v('int32', 1), v('string', 'one')],
    ]),
  ),
  w(
    'map null and "null" keys collide',
    s('map', { keys: s('string', { optional: true }), values: s('int32') }),
    v('map', [
      [null, v('int32', 1)],
      [v('string', 'a'), v('int32', 2)],
      [v('string', 'null'), v('int32', 3)],
    ]),
  ),
  w(
    'map struct values',
    s('map', { keys: s('string'), values: s('struct', { fields: [['x', s('int32')]] }) }),
    v('map', [[v('string', 'k'), v('struct', { x: v('int32', 1) })]]),
  ),
  w('struct nested', person, personValue(v('string', 'z@example.com'), v('int32', 30))),
  w('struct null field uses default', person, personValue(null, null)),
  w('struct null field, replace off', person, personValue(null, null), { 'replace.null.with.default': 'false' }),
  w('struct optional null', s('struct', { optional: true, fields: [['a', s('int32')]] }), null),
  w(
    'struct int default in schema',
    s('struct', { fields: [['n', s('int32', { default: v('int32', 42) })]] }),
    v('struct', { n: v('int32', 1) }),
  ),
  // --- logical types ---
  w('decimal base64', LOGICAL.decimal(2), v('decimal', '12.34')),
  w('decimal base64 negative', LOGICAL.decimal(2), v('decimal', '-0.01')),
  w('decimal base64 zero', LOGICAL.decimal(0), v('decimal', '0')),
  w('decimal base64 -128', LOGICAL.decimal(0), v('decimal', '-128')),
  w('decimal base64 big', LOGICAL.decimal(5), v('decimal', '123456789012345678901234567890.12345')),
  w('decimal numeric', LOGICAL.decimal(2), v('decimal', '12.34'), NUMERIC),
  w('decimal numeric tiny', LOGICAL.decimal(8), v('decimal', '0.00000001'), NUMERIC),
  w('decimal numeric scale 0', LOGICAL.decimal(0), v('decimal', '-9223372036854775809'), NUMERIC),
  w('decimal numeric lowercase config', LOGICAL.decimal(3), v('decimal', '1.500'), { 'decimal.format': 'numeric' }),
  w('decimal scale mismatch', LOGICAL.decimal(2), v('decimal', '1.5')),
  w('decimal default in schema', LOGICAL.decimal(2, { default: v('decimal', '1.00') }), null),
  w('date', LOGICAL.date(), v('date', String(Date.UTC(2024, 2, 15)))),
  w('date before epoch', LOGICAL.date(), v('date', String(-86400000))),
  w('date with time part', LOGICAL.date(), v('date', String(Date.UTC(2024, 2, 15, 1)))),
  w('date default in schema', LOGICAL.date({ optional: true, default: v('date', '0') }), null),
  w('time', LOGICAL.time(), v('date', String(((13 * 60 + 45) * 60 + 30) * 1000 + 123))),
  w('timestamp', LOGICAL.timestamp(), v('date', '1700000000123')),
  w('timestamp before epoch', LOGICAL.timestamp(), v('date', '-1')),
  // --- schemas.enable=false, schemaless, tombstones, keys ---
  w('no envelope string', s('string'), v('string', 'plain'), NO_SCHEMAS),
  w('no envelope struct', person, personValue(v('string', 'e'), v('int32', 1)), NO_SCHEMAS),
  w('no envelope optional null', s('string', { optional: true }), null, NO_SCHEMAS),
  w(
    'schemaless map',
    null,
    v('map', [
      [v('string', 'list'), v('array', [v('int64', '1'), v('string', 'x'), v('boolean', false), null])],
      [v('string', 'n'), v('int64', '9223372036854775807')],
    ]),
    NO_SCHEMAS,
  ),
  w('schemaless in envelope', null, v('int64', '5')),
  w('schemaless map non-string keys', null, v('map', [[v('int64', '1'), v('string', 'one')]])),
  w('tombstone', null, null),
  w('tombstone no envelope', null, null, NO_SCHEMAS),
  w('key converter', s('string'), v('string', 'k'), {}, true),
  // --- Struct/Schema validation (Apache fails while building the value, as we must) ---
  w('struct wrong field type', s('struct', { fields: [['a', s('int32')]] }), v('struct', { a: v('string', 'x') })),
  w('struct null for required field', s('struct', { fields: [['a', s('int32')]] }), v('struct', { a: null })),
  w(
    'struct wrong array element',
    s('struct', { fields: [['a', s('array', { items: s('int64') })]] }),
    v('struct', { a: v('array', [v('string', 'x')]) }),
  ),
  w(
    'struct wrong map key',
    s('struct', { fields: [['m', s('map', { keys: s('string'), values: s('string') })]] }),
    v('struct', { m: v('map', [[v('boolean', true), v('string', 'x')]]) }),
  ),
  w(
    'struct decimal given a string',
    s('struct', { fields: [['d', LOGICAL.decimal(2)]] }),
    v('struct', { d: v('string', '1.00') }),
  ),
  w('struct date given a number', s('struct', { fields: [['d', LOGICAL.date()]] }), v('struct', { d: v('int32', 5) })),
  w(
    'struct default via builder',
    s('struct', { optional: true, fields: [['a', s('int32')]], default: v('struct', { a: v('int32', 1) }) }),
    null,
  ),
  w('invalid default', s('int32', { default: v('string', 'x') }), v('int32', 1)),
  w(
    'struct missing required field',
    s('struct', {
      fields: [
        ['a', s('int32')],
        ['b', s('string')],
      ],
    }),
    v('struct', { a: v('int32', 1) }),
  ),
  w('struct in map of struct schema mismatch', s('array', { items: s('int32') }), v('array', [v('boolean', true)])),
  // --- reading bytes produced elsewhere ---
  r('read schemaless envelope', envelope('null', '{"a":1,"b":[1.5,"x",true,null],"c":12345678901234567890}')),
  r('read plain object', '{"a": 1.0, "b": 10000000000000000000000, "c": {"d": -0.0}}', NO_SCHEMAS),
  r('read plain number', '42', NO_SCHEMAS),
  r('read leading zeros', '[007, -0012.50]', NO_SCHEMAS),
  r('read invalid json', '{', NO_SCHEMAS),
  r('read missing payload', '{"schema":null}'),
  r('read extra field', '{"schema":null,"payload":1,"x":1}'),
  r('read not an object', '[1,2]'),
  r('read unknown schema type', envelope('{"type":"foo"}', '1')),
  r('read schema without type', envelope('{"optional":true}', '1')),
  r('read missing struct field', envelope('{"type":"struct","fields":[{"type":"int32","field":"a"}]}', '{}')),
  r('read int32 overflow', envelope('{"type":"int32"}', '2147483648')),
  r('read int8 wrap', envelope('{"type":"int8"}', '300')),
  r('read int32 from fraction', envelope('{"type":"int32"}', '-7.9')),
  r('read invalid base64', envelope('{"type":"bytes"}', '"!!!"')),
  r('read decimal numeric', envelope(JSON.stringify(LOGICAL.decimal(2)).replace('"params"', '"parameters"'), '12.340')),
  r(
    'read decimal exponent',
    envelope('{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"0"}}', '1E+3'),
  ),
  r(
    'read decimal bad type',
    envelope('{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"0"}}', 'true'),
  ),
  r('read date from long', envelope('{"type":"int32","name":"org.apache.kafka.connect.data.Date"}', '3000000000')),
  r('read time out of range', envelope('{"type":"int32","name":"org.apache.kafka.connect.data.Time"}', '90000000')),
  r(
    'read timestamp from fraction',
    envelope('{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"}', '1.5'),
  ),
  r('read map keys as object', envelope('{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}}', '{"1":2}')),
  r('read map bad tuple', envelope('{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}}', '[[1,2,3]]')),
  r('read struct as array', envelope('{"type":"struct","fields":[]}', '[]')),
  r('read float32', envelope('{"type":"float"}', '0.1')),
  r('read float64 negative zero', envelope('{"type":"double"}', '-0.0')),
  r('read boolean from string', envelope('{"type":"boolean"}', '"true"')),
  r('read string from number', envelope('{"type":"string"}', '5')),
  r('read array from object', envelope('{"type":"array","items":{"type":"int32"}}', '{"a":1,"b":2}')),
  r('read object closed after schema', '{"schema":{"type":"int32"}},"payload":1}'),
  r(
    'read struct default',
    envelope('{"type":"struct","optional":true,"fields":[{"type":"int32","field":"a"}],"default":{"a":1}}', 'null'),
  ),
  r('read array default', envelope('{"type":"array","items":{"type":"int32"},"default":[1,2]}', 'null')),
  r('read trailing garbage', ` ${envelope('null', '1')} xyz`),
  rBytes('read BOM', [0xef, 0xbb, 0xbf, ...Buffer.from(envelope('null', '"bom"'))]),
  rBytes('read invalid utf-8', [0x22, 0xff, 0x22], NO_SCHEMAS),
  rBytes('read empty no envelope', [], NO_SCHEMAS),
  rBytes('read empty envelope', []),
  rBytes('read null bytes', null),
  r('read non-string parameter', envelope('{"type":"int32","parameters":{"a":1}}', '1')),
  r('read duplicate keys', envelope('null', '{"a":1,"b":2,"a":3}')),
  r('read unescaped control char', `"a\u0001b"`, NO_SCHEMAS),
  r(
    'read schema metadata',
    envelope(
      '{"type":"string","optional":true,"name":"n","version":7,"doc":"d","parameters":{"z":"1","a":"2"},"default":"x"}',
      'null',
    ),
  ),
  r(
    'read optional missing in struct',
    envelope(
      '{"type":"struct","fields":[{"type":"int32","optional":true,"field":"a"},{"type":"int32","default":5,"field":"b"}]}',
      '{}',
    ),
  ),
  r('read with schema.content', '{"a":1,"b":"x"}', {
    'schema.content':
      '{"type":"struct","fields":[{"type":"int32","field":"a"},{"type":"string","optional":true,"field":"b"}]}',
  }),
  r('read invalid decimal.format config', '1', { 'decimal.format': 'HEX' }),
];
