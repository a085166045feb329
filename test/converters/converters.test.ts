/** Converter behaviour beyond the differential corpus: configuration, JS representations, caches, registry table. */
import { BigDecimal } from '../../lib/connect/big-decimal';
import { ConfigException, DataException } from '../../lib/connect/errors';
import { Decimal } from '../../lib/connect/logical-types';
import { SchemaBuilder, Schemas } from '../../lib/connect/schema';
import { Struct } from '../../lib/connect/struct';
import {
  BUILTIN_CONVERTERS,
  ByteArrayConverter,
  JsonConverter,
  LongConverter,
  SimpleHeaderConverter,
  StringConverter,
  createBuiltinConverter,
} from '../../lib/converters';

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));
const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

function json(configs: Record<string, string> = {}, isKey = false): JsonConverter {
  const converter = new JsonConverter();
  converter.configure(configs, isKey);
  return converter;
}

describe('JsonConverter', () => {
  test('config() defines Apache’s keys and defaults', () => {
    const parsed = new JsonConverter().config().parse({ 'converter.type': 'value' });
    expect(parsed).toEqual({
      'converter.type': 'value',
      'schemas.enable': true,
      'schemas.cache.size': 1000,
      'schema.content': null,
      'decimal.format': 'BASE64',
      'replace.null.with.default': true,
    });
  });

  test('rejects invalid configs with ConfigException', () => {
    expect(() => json({ 'decimal.format': 'HEX' })).toThrow(
      new ConfigException(
        'decimal.format',
        'HEX',
        'Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): NUMERIC, BASE64',
      ),
    );
    expect(() => json({ 'schemas.enable': 'maybe' })).toThrow(ConfigException);
  });

  test('int64 keeps full precision both ways', () => {
    const converter = json();
    const big = 2n ** 63n - 1n;
    const bytes = converter.fromConnectData('t', Schemas.INT64_SCHEMA, big);
    expect(text(bytes)).toBe('{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}');
    expect(converter.toConnectData('t', bytes).value).toBe(big);
    expect(converter.toConnectData('t', utf8('{"schema":{"type":"int64"},"payload":42}')).value).toBe(42);
    const schemaless = json({ 'schemas.enable': 'false' }).toConnectData('t', utf8('[9007199254740993, 1]'));
    expect(schemaless.value).toEqual([9007199254740993n, 1]);
  });

  test('schemaless writes accept plain objects, bigints and nested values', () => {
    const converter = json({ 'schemas.enable': 'false' });
    const value = { a: 1, b: [true, null, 'x'], c: 2n ** 60n, d: 1.5, e: { f: Buffer.from('hi') } };
    expect(text(converter.fromConnectData('t', null, value))).toBe(
      '{"a":1,"b":[true,null,"x"],"c":1152921504606846976,"d":1.5,"e":{"f":"aGk="}}',
    );
  });

  test('write errors carry Apache’s messages', () => {
    const converter = json();
    expect(() => converter.fromConnectData('t', Schemas.INT32_SCHEMA, 'x')).toThrow(
      new DataException('Invalid type for INT32: class java.lang.String'),
    );
    expect(() => converter.fromConnectData('t', Decimal.schema(2), 1.5)).toThrow(
      'Invalid type for Decimal, expected BigDecimal but was class java.lang.Double',
    );
    expect(() => converter.fromConnectData('t', null, new Date())).toThrow(
      'Java class class java.util.Date does not have corresponding schema type.',
    );
    const struct = new Struct(SchemaBuilder.struct().field('a', Schemas.INT32_SCHEMA).build()).put('a', 1);
    expect(() => converter.fromConnectData('t', SchemaBuilder.struct().build(), struct)).toThrow('Mismatching schema.');
  });

  test('reads reuse the cached schema for identical schema text', () => {
    const converter = json();
    const bytes = utf8('{"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"payload":{"a":1}}');
    const first = converter.toConnectData('t', bytes);
    const second = converter.toConnectData('t', bytes);
    expect(second.schema).toBe(first.schema);
    expect((second.value as Struct).get('a')).toBe(1);
    const uncached = json({ 'schemas.cache.size': '0' });
    expect(uncached.toConnectData('t', bytes).schema).not.toBe(uncached.toConnectData('t', bytes).schema);
  });

  test('alternating schemas and a malformed schema after a cached one read correctly', () => {
    const converter = json();
    const a = utf8('{"schema":{"type":"int32"},"payload":1}');
    const b = utf8('{"schema":{"type":"string"},"payload":"x"}');
    const prefixOfA = utf8('{"schema":{"type":"int32"}},"payload":1}');
    expect([a, b, a, b].map((bytes) => converter.toConnectData('t', bytes).value)).toEqual([1, 'x', 1, 'x']);
    // The root object ends after the schema; like Jackson, the rest is trailing content.
    expect(() => converter.toConnectData('t', prefixOfA)).toThrow('requires "schema" and "payload" fields');
    expect(() => converter.toConnectData('t', utf8('{"schema":{"type":"int32",},"payload":1}'))).toThrow(DataException);
  });

  test('a record after one with the same schema text reads as a fresh converter reads it (envelope fast path)', () => {
    const schema = '{"type":"struct","fields":[{"type":"string","optional":true,"field":"s"}],"optional":false}';
    const warm = json();
    warm.toConnectData('t', utf8(`{"schema":${schema},"payload":{"s":"first"}}`));
    const cases = [
      `{"schema":${schema},"payload":{"s":"x"}}`,
      `{"schema":${schema},"payload":{"s":null} }trailing content`,
      `{"schema":${schema},"payload": {"s":"spaced"}\n}`,
      // a repeated payload key: the last one wins, as in Jackson
      `{"schema":${schema},"payload":{"s":"a"},"payload":{"s":"b"}}`,
      // a third key, a missing close, invalid payload JSON, a payload of the wrong type: errors as without the fast path
      `{"schema":${schema},"payload":{"s":"a"},"extra":1}`,
      `{"schema":${schema},"payload":{"s":"a"}`,
      `{"schema":${schema},"payload":{"s":"a",}}`,
      `{"schema":${schema},"payload":42}`,
      `{"schema":${schema},"payload":{"s":"\u00e9\ud83d\ude00"}}`,
    ];
    const outcome = (converter: JsonConverter, input: string) => {
      try {
        const { schema: s, value } = converter.toConnectData('t', utf8(input));
        return { schema: s, value: value instanceof Struct ? value.get('s') : value };
      } catch (e) {
        return { error: `${(e as Error).message} ${String((e as Error).cause ?? '')}` };
      }
    };
    for (const input of cases) {
      const fresh = json();
      expect([input, outcome(warm, input)]).toEqual([input, outcome(fresh, input)]);
      // after an error or another shape the fast path still answers for the next record
      expect(outcome(warm, cases[0]!)).toMatchObject({ value: 'x' });
    }
  });

  test('decimals round-trip exactly in both formats', () => {
    const schema = Decimal.schema(20);
    const value = BigDecimal.parse('-12345678901234567890.12345678901234567890');
    for (const format of ['BASE64', 'NUMERIC']) {
      const converter = json({ 'decimal.format': format });
      const back = converter.toConnectData('t', converter.fromConnectData('t', schema, value)).value as BigDecimal;
      expect(back.equals(value)).toBe(true);
    }
  });

  test('works as a header converter (configured without isKey)', () => {
    const converter = new JsonConverter();
    converter.configure({ 'schemas.enable': 'false' });
    const bytes = converter.fromConnectHeader('t', 'h', Schemas.STRING_SCHEMA, 'v');
    expect(text(bytes)).toBe('"v"');
    expect(converter.toConnectHeader('t', 'h', bytes)).toEqual({ schema: null, value: 'v' });
  });
});

describe('other converters', () => {
  test('StringConverter writes toString() and reads optional strings', () => {
    const converter = new StringConverter();
    converter.configure({}, false);
    expect(text(converter.fromConnectData('t', Schemas.FLOAT64_SCHEMA, 2))).toBe('2.0');
    expect(converter.fromConnectData('t', null, null)).toBeNull();
    expect(converter.toConnectData('t', utf8('ü'))).toEqual({ schema: Schemas.OPTIONAL_STRING_SCHEMA, value: 'ü' });
    expect(() => converter.configure({ 'converter.encoding': 'EBCDIC-XYZ' }, false)).toThrow(
      'Unsupported encoding EBCDIC-XYZ',
    );
  });

  test('ByteArrayConverter passes bytes through and checks types', () => {
    const converter = new ByteArrayConverter();
    const bytes = Uint8Array.of(1, 2);
    expect(converter.fromConnectData('t', null, bytes)).toBe(bytes);
    expect(() => converter.fromConnectData('t', Schemas.STRING_SCHEMA, bytes)).toThrow(
      'Invalid schema type for ByteArrayConverter: STRING',
    );
    expect(() => converter.fromConnectData('t', null, 'x')).toThrow(
      'ByteArrayConverter is not compatible with objects of type class java.lang.String',
    );
  });

  test('LongConverter is big-endian and exact beyond 2^53', () => {
    const converter = new LongConverter();
    converter.configure({}, true);
    const bytes = converter.fromConnectData('t', null, -2n);
    expect([...(bytes ?? [])]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    expect(converter.toConnectData('t', Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).value).toBe(
      2n ** 63n - 1n,
    );
    expect(() => converter.toConnectData('t', Uint8Array.of(1))).toThrow('Failed to deserialize long: ');
  });

  test('SimpleHeaderConverter infers types and falls back to bytes', () => {
    const converter = new SimpleHeaderConverter();
    converter.configure({});
    const list = converter.toConnectHeader('t', 'h', utf8('[1,2,3]'));
    expect(list.value).toEqual([1, 2, 3]);
    expect(list.schema?.valueSchema).toMatchObject({ type: 'int8' });
    expect(text(converter.fromConnectHeader('t', 'h', null, new Map([['a', 'b']])))).toBe('{"a":"b"}');
    expect(converter.toConnectHeader('t', 'h', utf8('2024-03-15')).value).toEqual(new Date(Date.UTC(2024, 2, 15)));
  });
});

describe('BUILTIN_CONVERTERS', () => {
  test('lists Apache’s class names with their roles', () => {
    const table = Object.fromEntries(BUILTIN_CONVERTERS.map((c) => [c.className, c.type]));
    expect(table).toEqual({
      'org.apache.kafka.connect.json.JsonConverter': 'both',
      'org.apache.kafka.connect.storage.StringConverter': 'both',
      'org.apache.kafka.connect.converters.ByteArrayConverter': 'both',
      'org.apache.kafka.connect.converters.ShortConverter': 'both',
      'org.apache.kafka.connect.converters.IntegerConverter': 'both',
      'org.apache.kafka.connect.converters.LongConverter': 'both',
      'org.apache.kafka.connect.converters.FloatConverter': 'both',
      'org.apache.kafka.connect.converters.DoubleConverter': 'both',
      'org.apache.kafka.connect.converters.BooleanConverter': 'both',
      'org.apache.kafka.connect.storage.SimpleHeaderConverter': 'header_converter',
    });
  });

  test('creates fresh instances by class name', () => {
    const a = createBuiltinConverter('org.apache.kafka.connect.json.JsonConverter');
    expect(a).toBeInstanceOf(JsonConverter);
    expect(createBuiltinConverter('org.apache.kafka.connect.json.JsonConverter')).not.toBe(a);
    expect(createBuiltinConverter('com.example.Nope')).toBeUndefined();
  });
});
