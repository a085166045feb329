/**
 * The corpus of the transforms' differential test: records (schema'd and schemaless, nested structs, arrays,
 * maps, logical types, tombstones, headers, source and sink records) and, per built-in transformation and
 * predicate, its main options plus bad configs. Each case runs through Apache's connect-transforms and ours.
 */
import { LOGICAL, type SchemaSpec, type ValueSpec } from '../../converters/support/spec';
import type { RecordSpec, TransformCase } from './transforms-oracle';

const T = 'org.apache.kafka.connect.transforms';
const P = `${T}.predicates`;

// ---- value notation shorthands -------------------------------------------------------------------------
const i8 = (v: number): ValueSpec => ({ t: 'int8', v });
const i16 = (v: number): ValueSpec => ({ t: 'int16', v });
const i32 = (v: number): ValueSpec => ({ t: 'int32', v });
const i64 = (v: number | string): ValueSpec => ({ t: 'int64', v: String(v) });
const f32 = (v: number | string): ValueSpec => ({ t: 'float32', v: String(v) });
const f64 = (v: number | string): ValueSpec => ({ t: 'float64', v: String(v) });
const bool = (v: boolean): ValueSpec => ({ t: 'boolean', v });
const str = (v: string): ValueSpec => ({ t: 'string', v });
const bytes = (b64: string): ValueSpec => ({ t: 'bytes', v: b64 });
const dec = (v: string): ValueSpec => ({ t: 'decimal', v });
const date = (ms: number): ValueSpec => ({ t: 'date', v: String(ms) });
const arr = (...v: ValueSpec[]): ValueSpec => ({ t: 'array', v });
const map = (...v: [ValueSpec, ValueSpec][]): ValueSpec => ({ t: 'map', v });
const smap = (o: Record<string, ValueSpec>): ValueSpec =>
  map(...Object.entries(o).map(([k, v]) => [str(k), v] as [ValueSpec, ValueSpec]));
const struct = (v: Record<string, ValueSpec>): ValueSpec => ({ t: 'struct', v });

const s = (type: SchemaSpec['type'], extra: Partial<SchemaSpec> = {}): SchemaSpec => ({ type, ...extra });
const opt = (type: SchemaSpec['type'], extra: Partial<SchemaSpec> = {}): SchemaSpec => ({
  type,
  optional: true,
  ...extra,
});

// ---- schemas -------------------------------------------------------------------------------------------
const INNER: SchemaSpec = s('struct', {
  name: 'com.example.Inner',
  fields: [
    ['c', s('string')],
    ['d', opt('int16')],
  ],
});
const NESTED: SchemaSpec = s('struct', {
  optional: true,
  fields: [
    ['a', s('int64')],
    ['b', INNER],
  ],
});

/** A value schema touching every type, logical types and a field default. */
const ORDER: SchemaSpec = s('struct', {
  name: 'com.example.Order',
  version: 2,
  doc: 'an order',
  fields: [
    ['id', s('int32')],
    ['name', opt('string')],
    ['amount', LOGICAL.decimal(2)],
    ['day', LOGICAL.date()],
    ['at', LOGICAL.timestamp()],
    ['t', LOGICAL.time()],
    ['tags', s('array', { items: s('string') })],
    ['attrs', s('map', { keys: s('string'), values: s('int32') })],
    ['nested', NESTED],
    ['flag', s('boolean')],
    ['score', s('float64')],
    ['ratio', s('float32')],
    ['data', s('bytes')],
    ['small', s('int8')],
    ['mid', s('int16')],
    ['big', s('int64')],
    ['withDefault', opt('int32', { default: i32(42) })],
    ['text', opt('string')],
  ],
});

const ORDER_VALUE = struct({
  id: i32(7),
  name: str('widget'),
  amount: dec('1234.56'),
  day: date(19_000 * 86_400_000),
  at: date(1_700_000_000_123),
  t: date(3_723_004),
  tags: arr(str('a'), str('b')),
  attrs: map([str('x'), i32(1)], [str('y'), i32(2)]),
  nested: struct({ a: i64(9_000_000_000), b: struct({ c: str('deep'), d: i16(-3) }) }),
  flag: bool(true),
  score: f64('98.25'),
  ratio: f32('0.5'),
  data: bytes('AQID'),
  small: i8(-5),
  mid: i16(300),
  big: i64('-9223372036854775808'),
  withDefault: null,
  text: str('123'),
});

/** An order before the epoch: SimpleDateFormat and the Date/Time cuts on negative instants. */
const EARLY_ORDER = struct({
  id: i32(1),
  name: null,
  amount: dec('0.01'),
  day: date(-86_400_000),
  at: date(-1_234_567_890_123),
  t: date(0),
  tags: arr(),
  attrs: map(),
  nested: null,
  flag: bool(false),
  score: f64('-0.0'),
  ratio: f32('1.0E-10'),
  data: bytes(''),
  small: i8(127),
  mid: i16(-32768),
  big: i64(0),
  withDefault: i32(-1),
  text: null,
});

/** A flattenable schema: structs in structs, an array, no map. */
const FLAT: SchemaSpec = s('struct', {
  name: 'com.example.Flat',
  fields: [
    ['id', s('int32')],
    ['nested', NESTED],
    ['list', s('array', { items: s('int32') })],
    [
      'maybe',
      opt('struct', {
        fields: [
          ['x', opt('string', { default: str('dx') })],
          ['y', s('int32')],
        ],
      }),
    ],
  ],
});
const FLAT_VALUE = struct({
  id: i32(1),
  nested: struct({ a: i64(2), b: struct({ c: str('three'), d: null }) }),
  list: arr(i32(4), i32(5)),
  maybe: null,
});

const KEY_SCHEMA: SchemaSpec = s('struct', {
  name: 'com.example.Key',
  fields: [
    ['id', s('int32')],
    ['region', opt('string')],
  ],
});
const KEY_VALUE = struct({ id: i32(7), region: str('eu') });

const HEADERS: [string, SchemaSpec | null, ValueSpec][] = [
  ['h1', s('string'), str('v1')],
  ['h2', s('int32'), i32(5)],
  ['h1', null, str('again')],
];

const SCHEMALESS_VALUE = smap({
  id: i64(7),
  name: str('widget'),
  score: f64('98.25'),
  flag: bool(false),
  count: i32(12),
  text: str('42'),
  ts: str('2024-02-29 13:14:15.678'),
  unix: i64(1_700_000_000_123),
  tags: arr(str('a'), str('b')),
  nested: smap({ a: i64(1), b: smap({ c: str('x') }) }),
  nothing: null,
});

// ---- records -------------------------------------------------------------------------------------------
const base = { topic: 'shop-orders', partition: 3, timestamp: 1_700_000_000_123, headers: HEADERS };

const SCHEMAD: RecordSpec = { ...base, keySchema: KEY_SCHEMA, key: KEY_VALUE, valueSchema: ORDER, value: ORDER_VALUE };
const SCHEMAD_SINK: RecordSpec = { ...SCHEMAD, offset: 42 };
const SCHEMALESS: RecordSpec = {
  ...base,
  keySchema: null,
  key: smap({ id: i64(7) }),
  valueSchema: null,
  value: SCHEMALESS_VALUE,
};
const SCHEMALESS_SINK: RecordSpec = { ...SCHEMALESS, offset: 43 };
const TOMBSTONE: RecordSpec = {
  ...base,
  keySchema: KEY_SCHEMA,
  key: KEY_VALUE,
  valueSchema: { ...ORDER, optional: true },
  value: null,
};
const TOMBSTONE_SCHEMALESS: RecordSpec = { ...base, keySchema: null, key: str('k'), valueSchema: null, value: null };
const FLAT_RECORD: RecordSpec = { ...base, keySchema: FLAT, key: FLAT_VALUE, valueSchema: FLAT, value: FLAT_VALUE };
const NO_TIMESTAMP: RecordSpec = { ...SCHEMALESS, timestamp: null, partition: null };
const PRIMITIVE = (schema: SchemaSpec | null, value: ValueSpec): RecordSpec => ({
  ...base,
  keySchema: schema,
  key: value,
  valueSchema: schema,
  value,
});

const ALL = [SCHEMAD, SCHEMAD_SINK, SCHEMALESS, TOMBSTONE, TOMBSTONE_SCHEMALESS];

let n = 0;
const c = (
  cls: string,
  config: Record<string, string>,
  records: RecordSpec[],
  extra: Partial<TransformCase> = {},
): TransformCase => ({
  id: `${cls.replace(`${T}.`, '')} #${++n} ${JSON.stringify(config)}`,
  class: cls,
  config,
  records,
  validate: true,
  ...extra,
});
const kv = (name: string): [string, string] => [`${T}.${name}$Key`, `${T}.${name}$Value`];

export const TRANSFORMS_CORPUS: TransformCase[] = [
  // Cast
  ...kv('Cast').flatMap((cls) => [
    c(
      cls,
      { spec: 'id:int64,name:string,score:int32,ratio:float64,flag:int8,small:string,mid:int8,big:int32,text:int16' },
      [SCHEMAD, TOMBSTONE],
    ),
    c(cls, { spec: 'amount:float64,day:int32,at:int64,t:string,data:string,withDefault:string' }, [SCHEMAD]),
    c(cls, { spec: 'amount:int32,at:string,day:string,flag:float32,score:boolean' }, [SCHEMAD]),
    c(cls, { spec: 'id:float32,score:int16,big:float64', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { spec: 'id:string,score:int32,flag:int8,count:boolean,text:int64,missing:int32' }, [
      SCHEMALESS,
      TOMBSTONE_SCHEMALESS,
    ]),
    c(cls, { spec: 'name:int32' }, [SCHEMALESS, SCHEMAD]),
    c(cls, { spec: 'tags:string' }, [SCHEMAD]),
    c(cls, { spec: 'int8' }, [
      PRIMITIVE(s('int32'), i32(300)),
      PRIMITIVE(s('string'), str('12')),
      PRIMITIVE(s('string'), str('x')),
    ]),
    c(cls, { spec: 'string' }, [
      PRIMITIVE(s('boolean'), bool(true)),
      PRIMITIVE(s('float64'), f64('1.0E10')),
      PRIMITIVE(s('bytes'), bytes('AQID')),
      PRIMITIVE(LOGICAL.timestamp(), date(86_400_000)),
      PRIMITIVE(opt('int64', { default: i64(5) }), i64(6)),
      PRIMITIVE(s('string'), str('x')),
    ]),
    c(cls, { spec: 'int64' }, [
      PRIMITIVE(s('float64'), f64('-1.0E30')),
      PRIMITIVE(s('string'), str(' 5')),
      PRIMITIVE(null, str('77')),
    ]),
    c(cls, { spec: 'boolean' }, [
      PRIMITIVE(s('float64'), f64('0.5')),
      PRIMITIVE(s('string'), str('TRUE')),
      PRIMITIVE(s('int16'), i16(-1)),
    ]),
    c(cls, { spec: 'float32' }, [PRIMITIVE(s('string'), str('1e3')), PRIMITIVE(s('int64'), i64('9007199254740993'))]),
    c(cls, { spec: 'int32' }, [PRIMITIVE(s('struct', { fields: [['a', s('int32')]] }), struct({ a: i32(1) }))]),
  ]),
  c(`${T}.Cast$Value`, {}, [], { records: [] }),
  c(`${T}.Cast$Value`, { spec: '' }, []),
  c(`${T}.Cast$Value`, { spec: 'a:struct' }, []),
  c(`${T}.Cast$Value`, { spec: 'a:b:c' }, []),
  c(`${T}.Cast$Value`, { spec: 'a:blah' }, []),
  c(`${T}.Cast$Value`, { spec: 'int8,a:int16' }, []),
  c(`${T}.Cast$Value`, { spec: 'a:bytes' }, []),
  c(`${T}.Cast$Value`, { spec: 'a:int8', 'replace.null.with.default': 'maybe' }, []),

  // DropHeaders
  c(`${T}.DropHeaders`, { headers: 'h1' }, ALL),
  c(`${T}.DropHeaders`, { headers: 'h2,zz' }, [SCHEMALESS]),
  c(`${T}.DropHeaders`, {}, []),
  c(`${T}.DropHeaders`, { headers: '' }, []),
  c(`${T}.DropHeaders`, { headers: 'a,a' }, []),

  // ExtractField
  ...kv('ExtractField').flatMap((cls) => [
    c(cls, { field: 'id' }, ALL),
    c(cls, { field: 'withDefault' }, [SCHEMAD]),
    c(cls, { field: 'withDefault', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { field: 'nested.b.c', 'field.syntax.version': 'v2' }, [SCHEMAD, SCHEMALESS, TOMBSTONE]),
    c(cls, { field: 'nested.b', 'field.syntax.version': 'V2' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { field: 'nested.b.c' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { field: 'nope' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { field: 'name.x', 'field.syntax.version': 'V2' }, [SCHEMALESS]),
    c(cls, { field: 'id' }, [PRIMITIVE(s('int32'), i32(1)), PRIMITIVE(null, str('x'))]),
  ]),
  c(`${T}.ExtractField$Value`, {}, []),
  c(`${T}.ExtractField$Value`, { field: 'a', 'field.syntax.version': 'V3' }, []),

  // Filter
  c(`${T}.Filter`, {}, ALL),

  // Flatten
  ...kv('Flatten').flatMap((cls) => [
    c(cls, {}, [FLAT_RECORD, SCHEMALESS, TOMBSTONE_SCHEMALESS]),
    c(cls, { delimiter: '_' }, [FLAT_RECORD, SCHEMALESS]),
    c(cls, {}, [SCHEMAD]),
    c(cls, {}, [PRIMITIVE(null, arr(i32(1)))]),
  ]),
  c(`${T}.Flatten$Value`, {}, [{ ...FLAT_RECORD, value: null, valueSchema: { ...FLAT, optional: true } }]),

  // HeaderFrom
  ...kv('HeaderFrom').flatMap((cls) => [
    c(cls, { fields: 'id,name', headers: 'hid,hname', operation: 'copy' }, [SCHEMAD, SCHEMALESS, KEYED_ONLY()]),
    c(cls, { fields: 'id,withDefault,nested', headers: 'hid,hdef,hn', operation: 'move' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { fields: 'withDefault', headers: 'hdef', operation: 'move', 'replace.null.with.default': 'false' }, [
      SCHEMAD,
    ]),
    c(cls, { fields: 'missing', headers: 'hm', operation: 'copy' }, [SCHEMALESS]),
    c(cls, { fields: 'name', headers: 'h', operation: 'copy' }, [TOMBSTONE_SCHEMALESS]),
  ]),
  c(`${T}.HeaderFrom$Value`, { fields: 'a,b', headers: 'x', operation: 'copy' }, []),
  c(`${T}.HeaderFrom$Value`, { fields: 'a', headers: 'x', operation: 'swap' }, []),
  c(`${T}.HeaderFrom$Value`, { fields: '', headers: '' }, []),

  // HoistField
  ...kv('HoistField').flatMap((cls) => [
    c(cls, { field: 'wrapped' }, [...ALL, PRIMITIVE(s('int64'), i64(5)), PRIMITIVE(null, str('x'))]),
  ]),
  c(`${T}.HoistField$Value`, {}, []),

  // InsertField
  ...kv('InsertField').flatMap((cls) => [
    c(
      cls,
      {
        'topic.field': 'topic',
        'partition.field': 'part!',
        'timestamp.field': 'ts',
        'static.field': 'src?',
        'static.value': 'pg',
      },
      [SCHEMAD, SCHEMALESS, TOMBSTONE, NO_TIMESTAMP],
    ),
    c(cls, { 'offset.field': 'off', 'topic.field': 'topic!' }, [SCHEMAD_SINK, SCHEMALESS_SINK, SCHEMAD]),
    c(cls, { 'timestamp.field': 'ts!', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { 'topic.field': 't' }, [PRIMITIVE(s('string'), str('x'))]),
  ]),
  c(`${T}.InsertField$Value`, {}, [SCHEMAD]),
  c(`${T}.InsertField$Value`, { 'topic.field': 'x', 'replace.null.with.default': '1' }, []),

  // InsertHeader
  ...['42', 'hello', 'true', '3.5', '[1,2]', '{"a":1}', '', 'null', '2024-01-02'].map((literal) =>
    c(`${T}.InsertHeader`, { header: 'x', 'value.literal': literal }, [SCHEMALESS]),
  ),
  c(`${T}.InsertHeader`, {}, []),

  // MaskField
  ...kv('MaskField').flatMap((cls) => [
    c(cls, { fields: 'id,name,amount,day,at,flag,score,ratio,small,mid,big,tags,attrs,withDefault' }, [
      SCHEMAD,
      SCHEMALESS,
    ]),
    c(cls, { fields: 'name,text', replacement: '***' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { fields: 'id,small,score,amount,count', replacement: '12' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { fields: 'id', replacement: 'abc' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { fields: 'amount', replacement: 'abc' }, [SCHEMAD]),
    c(cls, { fields: 'flag', replacement: 'x' }, [SCHEMAD]),
    c(cls, { fields: 'data' }, [SCHEMAD]),
    c(cls, { fields: 'nested' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { fields: 'withDefault', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { fields: 'id' }, [TOMBSTONE, TOMBSTONE_SCHEMALESS]),
  ]),
  c(`${T}.MaskField$Value`, { fields: 'a', replacement: '' }, []),
  c(`${T}.MaskField$Value`, {}, []),

  // RegexRouter
  c(`${T}.RegexRouter`, { regex: '(.*)-orders', replacement: '$1_v2' }, ALL),
  c(`${T}.RegexRouter`, { regex: 'shop-(?<kind>[a-z]+)', replacement: 'x.${kind}.\\$' }, [SCHEMALESS]),
  c(`${T}.RegexRouter`, { regex: 'nomatch.*', replacement: 'x' }, [SCHEMALESS]),
  c(`${T}.RegexRouter`, { regex: '[a-z]+-orders', replacement: 'all' }, [SCHEMALESS]),
  c(`${T}.RegexRouter`, { regex: '(shop)-(orders)', replacement: '$2.$1.$12' }, [SCHEMALESS]),
  c(`${T}.RegexRouter`, { regex: '(abc', replacement: 'x' }, []),
  c(`${T}.RegexRouter`, { regex: '*abc', replacement: 'x' }, []),
  c(`${T}.RegexRouter`, { regex: '[abc', replacement: 'x' }, []),
  c(`${T}.RegexRouter`, { regex: 'abc)', replacement: 'x' }, []),
  c(`${T}.RegexRouter`, {}, []),

  // ReplaceField
  ...kv('ReplaceField').flatMap((cls) => [
    c(cls, { exclude: 'name,data', renames: 'id:order_id,score:points' }, [SCHEMAD, SCHEMALESS, TOMBSTONE]),
    c(cls, { include: 'id,withDefault,nested', renames: 'withDefault:wd' }, [SCHEMAD, SCHEMALESS]),
    c(cls, { include: 'withDefault', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { include: 'id' }, [PRIMITIVE(s('int32'), i32(1))]),
  ]),
  c(`${T}.ReplaceField$Value`, { renames: 'a:b:c' }, []),
  c(`${T}.ReplaceField$Value`, { renames: 'a' }, []),
  c(`${T}.ReplaceField$Value`, { include: 'a,a' }, []),

  // SetSchemaMetadata
  ...kv('SetSchemaMetadata').flatMap((cls) => [
    c(cls, { 'schema.name': 'com.example.Renamed', 'schema.version': '3' }, [
      SCHEMAD,
      TOMBSTONE,
      TOMBSTONE_SCHEMALESS,
      SCHEMALESS,
    ]),
    c(cls, { 'schema.version': '9', 'replace.null.with.default': 'false' }, [SCHEMAD]),
    c(cls, { 'schema.name': 'x' }, [
      PRIMITIVE(s('array', { items: s('int32') }), arr(i32(1))),
      PRIMITIVE(s('map', { keys: s('string'), values: s('int32') }), map([str('a'), i32(1)])),
    ]),
  ]),
  c(`${T}.SetSchemaMetadata$Value`, {}, [SCHEMAD]),
  c(`${T}.SetSchemaMetadata$Value`, { 'schema.version': 'x' }, []),

  // TimestampConverter
  ...kv('TimestampConverter').flatMap((cls) => [
    c(cls, { field: 'at', 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSZ" }, [SCHEMAD, TOMBSTONE]),
    c(cls, { field: 'at', 'target.type': 'unix', 'unix.precision': 'seconds' }, [SCHEMAD]),
    c(cls, { field: 'at', 'target.type': 'unix', 'unix.precision': 'microseconds' }, [SCHEMAD]),
    c(cls, { field: 'at', 'target.type': 'Date' }, [SCHEMAD]),
    c(cls, { field: 'at', 'target.type': 'Time' }, [SCHEMAD]),
    c(cls, { field: 'day', 'target.type': 'Timestamp' }, [SCHEMAD]),
    c(cls, { field: 'big', 'target.type': 'Timestamp', 'unix.precision': 'nanoseconds' }, [SCHEMAD]),
    c(cls, { field: 'name', 'target.type': 'Date' }, [SCHEMAD]),
    c(cls, { field: 'id', 'target.type': 'Date' }, [SCHEMAD]),
    c(cls, { field: 'ts', 'target.type': 'Timestamp', format: 'yyyy-MM-dd HH:mm:ss.SSS' }, [
      SCHEMALESS,
      TOMBSTONE_SCHEMALESS,
    ]),
    c(cls, { field: 'ts', 'target.type': 'unix', format: 'yyyy-MM-dd' }, [SCHEMALESS]),
    c(cls, { field: 'ts', 'target.type': 'Date', format: 'dd/MM/yyyy' }, [SCHEMALESS]),
    c(cls, { field: 'unix', 'target.type': 'string', format: 'EEE, d MMM yyyy hh:mm a' }, [SCHEMALESS]),
    c(cls, { field: 'unix', 'target.type': 'Date' }, [SCHEMALESS]),
    c(cls, { field: 'name', 'target.type': 'unix' }, [SCHEMALESS]),
    c(cls, { 'target.type': 'string', format: 'yyyyMMddHHmmss' }, [
      PRIMITIVE(s('int64'), i64(1_700_000_000_123)),
      PRIMITIVE(LOGICAL.date(), date(86_400_000 * 3)),
      PRIMITIVE(null, i64(-1)),
      PRIMITIVE(opt('int64'), null),
    ]),
    c(cls, { 'target.type': 'Timestamp', format: 'yyyyMMddHHmmss' }, [
      PRIMITIVE(s('string'), str('20240229131415')),
      PRIMITIVE(null, str('nope')),
    ]),
    c(cls, { 'target.type': 'unix', 'unix.precision': 'nanoseconds' }, [PRIMITIVE(LOGICAL.time(), date(1234))]),
    c(cls, { 'target.type': 'Time' }, [PRIMITIVE(s('int32'), i32(5))]),
  ]),
  ...[
    "EEEE, MMMM d, yyyy G 'at' h:mm:ss.S a z",
    'yy-M-d H:m:s.SSS X',
    "D 'day' w 'week' W F u k K Z zzzz ''",
    'yyyy-MM-dd HH:mm:ss.SSSXXX',
  ].map((format) =>
    c(`${T}.TimestampConverter$Value`, { field: 'at', 'target.type': 'string', format }, [
      SCHEMAD,
      { ...SCHEMAD, value: EARLY_ORDER },
    ]),
  ),
  ...[
    '2024-02-30 25:61:61.999',
    '2024-02-29 13:14:15.678 trailing',
    '2024-2-9 1:2:3.4',
    'x2024-02-29 13:14:15.678',
  ].map((ts) =>
    c(`${T}.TimestampConverter$Value`, { field: 'ts', 'target.type': 'unix', format: 'yyyy-MM-dd HH:mm:ss.SSS' }, [
      { ...SCHEMALESS, value: smap({ ts: str(ts) }) },
    ]),
  ),
  c(`${T}.TimestampConverter$Value`, { field: 'ts', 'target.type': 'Timestamp', format: 'dd MMM yyyy hh:mm a' }, [
    { ...SCHEMALESS, value: smap({ ts: str('05 Mar 2021 07:08 PM') }) },
    { ...SCHEMALESS, value: smap({ ts: str('05 march 2021 12:08 am') }) },
  ]),
  c(`${T}.TimestampConverter$Value`, { field: 'ts', 'target.type': 'Timestamp', format: "yyyy-MM-dd'T'HH:mm:ssZ" }, [
    { ...SCHEMALESS, value: smap({ ts: str('2021-03-05T19:08:00+0130') }) },
    { ...SCHEMALESS, value: smap({ ts: str('2021-03-05T19:08:00-0800') }) },
  ]),
  c(`${T}.TimestampConverter$Value`, { 'target.type': 'string' }, [SCHEMAD]),
  c(`${T}.TimestampConverter$Value`, { 'target.type': 'string', format: 'yyyy-qq' }, [SCHEMAD]),
  c(`${T}.TimestampConverter$Value`, { 'target.type': 'epoch' }, []),
  c(`${T}.TimestampConverter$Value`, { 'target.type': 'unix', 'unix.precision': 'hours' }, []),
  c(`${T}.TimestampConverter$Value`, {}, []),

  // Cast: decimals, logical types and widths as a whole value
  ...['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'].map((spec) =>
    c(`${T}.Cast$Value`, { spec }, [
      PRIMITIVE(LOGICAL.decimal(3), dec('-129.999')),
      PRIMITIVE(LOGICAL.date(), date(86_400_000 * 20_000)),
      PRIMITIVE(LOGICAL.time(), date(45_296_789)),
      PRIMITIVE(s('float32'), f32('3.4028235E38')),
      PRIMITIVE(s('float64'), f64('NaN')),
      PRIMITIVE(s('int64'), i64('-9223372036854775808')),
      PRIMITIVE(s('string'), str('-128')),
      PRIMITIVE(s('string'), str('1.5e2')),
    ]),
  ),

  // TimestampRouter
  // (A record without timestamp fails in both, with Java's toString of the whole record in the message: not compared.)
  c(`${T}.TimestampRouter`, {}, ALL),
  c(
    `${T}.TimestampRouter`,
    { 'topic.format': 'archive.${topic}.${timestamp}.${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH" },
    [SCHEMALESS],
  ),
  c(`${T}.TimestampRouter`, { 'timestamp.format': 'yyyy-qq' }, [SCHEMALESS]),

  // ValueToKey
  c(`${T}.ValueToKey`, { fields: 'id,name' }, [SCHEMAD, SCHEMALESS, SCHEMAD_SINK]),
  c(`${T}.ValueToKey`, { fields: 'withDefault,nested' }, [SCHEMAD]),
  c(`${T}.ValueToKey`, { fields: 'withDefault', 'replace.null.with.default': 'false' }, [SCHEMAD]),
  c(`${T}.ValueToKey`, { fields: 'nope' }, [SCHEMAD, SCHEMALESS, TOMBSTONE, TOMBSTONE_SCHEMALESS]),
  c(`${T}.ValueToKey`, {}, []),
  c(`${T}.ValueToKey`, { fields: 'a,,b' }, []),

  // Predicates
  ...['h1', 'h2', 'zz'].map((name) => c(`${P}.HasHeaderKey`, { name }, ALL, { predicate: true })),
  c(`${P}.HasHeaderKey`, { name: '' }, [], { predicate: true }),
  c(`${P}.HasHeaderKey`, {}, [], { predicate: true }),
  c(`${P}.RecordIsTombstone`, {}, [...ALL, PRIMITIVE(null, null)], { predicate: true }),
  ...['shop-.*', 'shop', '.*orders$', '(?i)SHOP-ORDERS', 'x|shop-orders'].map((pattern) =>
    c(`${P}.TopicNameMatches`, { pattern }, [SCHEMALESS, { ...SCHEMALESS, topic: 'other' }], { predicate: true }),
  ),
  c(`${P}.TopicNameMatches`, { pattern: '(oops' }, [], { predicate: true }),
  c(`${P}.TopicNameMatches`, { pattern: '' }, [], { predicate: true }),
  c(`${P}.TopicNameMatches`, {}, [], { predicate: true }),
];

/** A record whose value is a primitive: HeaderFrom on it fails the struct/map requirement. */
function KEYED_ONLY(): RecordSpec {
  return PRIMITIVE(s('string'), str('plain'));
}
