/** Schema, SchemaBuilder, Struct, validation and logical types (Apache's behaviour and messages). */
import { BigDecimal, bigintToTwosComplement, twosComplementToBigint } from '../../lib/connect/big-decimal';
import { DataException } from '../../lib/connect/errors';
import { javaDoubleToString, javaFloatToString, javaValueToString } from '../../lib/connect/java-text';
import { ConnectDate, Decimal, Time, Timestamp } from '../../lib/connect/logical-types';
import {
  SchemaBuilder,
  SchemaBuilderException,
  Schemas,
  schemaEquals,
  schemaToString,
  validateValue,
  valuesEqual,
} from '../../lib/connect/schema';
import type { Schema } from '../../lib/connect/schema-types';
import { Struct } from '../../lib/connect/struct';

const person = SchemaBuilder.struct()
  .name('com.example.Person')
  .field('name', Schemas.STRING_SCHEMA)
  .field('age', SchemaBuilder.int32().optional().defaultValue(18).build())
  .field('tags', SchemaBuilder.array(Schemas.STRING_SCHEMA).optional().build())
  .build();

describe('SchemaBuilder', () => {
  test('builds an immutable schema with every attribute', () => {
    const schema = SchemaBuilder.string()
      .name('n')
      .version(2)
      .doc('d')
      .parameter('a', '1')
      .optional()
      .defaultValue('x')
      .build();
    expect(schema).toMatchObject({
      type: 'string',
      optional: true,
      name: 'n',
      version: 2,
      doc: 'd',
      defaultValue: 'x',
    });
    expect(schema.parameters).toEqual({ a: '1' });
    expect(Object.isFrozen(schema)).toBe(true);
  });

  test('fields keep declaration order and indexes', () => {
    expect(person.fields?.map((f) => [f.name, f.index])).toEqual([
      ['name', 0],
      ['age', 1],
      ['tags', 2],
    ]);
    expect(person.field('age')?.schema.defaultValue).toBe(18);
    expect(person.field('nope')).toBeUndefined();
  });

  test.each([
    [() => SchemaBuilder.int32().optional().required(), 'Invalid SchemaBuilder call: optional has already been set.'],
    [() => SchemaBuilder.int32().name('a').name('b'), 'Invalid SchemaBuilder call: name has already been set.'],
    [() => SchemaBuilder.int32().field('a', Schemas.INT32_SCHEMA), 'Cannot create fields on type INT32'],
    [
      () => SchemaBuilder.struct().field('a', Schemas.INT32_SCHEMA).field('a', Schemas.INT32_SCHEMA),
      'Cannot create field because of field name duplication a',
    ],
    [() => SchemaBuilder.struct().field('', Schemas.INT32_SCHEMA), 'fieldName cannot be null.'],
    [() => SchemaBuilder.int32().defaultValue('x'), 'Invalid default value'],
  ])('rejects misuse with Apache messages (%#)', (build, message) => {
    expect(build).toThrow(SchemaBuilderException);
    expect(build).toThrow(message);
  });

  test('an empty parameters map leaves parameters unset', () => {
    expect(SchemaBuilder.string().parameters({}).build().parameters).toBeUndefined();
  });

  test('equality is structural; toString is Apache-shaped', () => {
    const again = SchemaBuilder.struct()
      .name('com.example.Person')
      .field('name', Schemas.STRING_SCHEMA)
      .field('age', SchemaBuilder.int32().optional().defaultValue(18).build())
      .field('tags', SchemaBuilder.array(Schemas.STRING_SCHEMA).optional().build())
      .build();
    expect(schemaEquals(person, again)).toBe(true);
    expect(schemaEquals(person, SchemaBuilder.struct().name('com.example.Person').build())).toBe(false);
    expect(schemaToString(person)).toBe('Schema{com.example.Person:STRUCT}');
    expect(schemaToString(Schemas.OPTIONAL_INT64_SCHEMA)).toBe('Schema{INT64}');
  });

  test('plain objects implementing Schema are accepted', () => {
    const plain: Schema = {
      type: 'struct',
      optional: false,
      fields: [{ name: 'a', index: 0, schema: { type: 'int32', optional: false } }],
    };
    const struct = new Struct(plain).put('a', 1);
    expect(struct.get('a')).toBe(1);
    expect(() => struct.put('a', 'x')).toThrow('Invalid Java object for schema with type INT32');
  });
});

describe('validateValue', () => {
  test.each<[Schema, unknown, string]>([
    [Schemas.INT32_SCHEMA, null, 'Invalid value: null used for required value, schema type: INT32'],
    [Schemas.INT8_SCHEMA, 200, 'Invalid Java object for schema with type INT8: class java.lang.Integer for value'],
    [Schemas.INT32_SCHEMA, 1.5, 'Invalid Java object for schema with type INT32: class java.lang.Double for value'],
    [Schemas.INT64_SCHEMA, 2n ** 63n, 'Invalid Java object for schema with type INT64: class java.lang.Long for value'],
    [Schemas.STRING_SCHEMA, new Uint8Array(1), 'Invalid Java object for schema with type STRING: class [B for value'],
    [
      Decimal.schema(2),
      1.5,
      'Invalid Java object for schema "org.apache.kafka.connect.data.Decimal" with type BYTES: class java.lang.Double for value',
    ],
    [
      SchemaBuilder.map(Schemas.STRING_SCHEMA, Schemas.INT32_SCHEMA).build(),
      new Map([['a', 'b']]),
      'Invalid Java object for schema with type INT32: class java.lang.String for value of map value',
    ],
    [person, new Struct(SchemaBuilder.struct().build()), 'Struct schemas do not match.'],
  ])('%# rejects with Apache message', (schema, value, message) => {
    expect(() => validateValue(schema, value)).toThrow(new DataException(message));
  });

  test.each<[Schema, unknown]>([
    [Schemas.INT64_SCHEMA, 2n ** 63n - 1n],
    [Schemas.INT64_SCHEMA, Number.MAX_SAFE_INTEGER],
    [Schemas.FLOAT32_SCHEMA, NaN],
    [Schemas.BYTES_SCHEMA, Buffer.from('x')],
    [SchemaBuilder.map(Schemas.STRING_SCHEMA, Schemas.INT32_SCHEMA).build(), { a: 1 }],
    [Timestamp.SCHEMA, new Date(0)],
    [Decimal.schema(0), new BigDecimal(1n, 0)],
    [Schemas.OPTIONAL_STRING_SCHEMA, undefined],
  ])('%# accepts the JavaScript representation', (schema, value) => {
    expect(() => validateValue(schema, value)).not.toThrow();
  });
});

describe('Struct', () => {
  test('put validates, get falls back to defaults, validate checks required fields', () => {
    const struct = new Struct(person);
    expect(() => struct.validate()).toThrow('Invalid value: null used for required field: "name", schema type: STRING');
    struct.put('name', 'Ada');
    expect(struct.get('age')).toBe(18);
    expect(struct.getWithoutDefault('age')).toBeNull();
    expect(() => struct.validate()).not.toThrow();
    expect(() => struct.put('nope', 1)).toThrow('nope is not a valid field name');
    expect(() => struct.getInt64('name')).toThrow("Field 'name' is not of type INT64");
    expect(struct.toString()).toBe('Struct{name=Ada}');
  });

  test('equality compares schema and values deeply', () => {
    const a = new Struct(person).put('name', 'x').put('tags', ['a']);
    const b = new Struct(person).put('name', 'x').put('tags', ['a']);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(new Struct(person).put('name', 'y'))).toBe(false);
    expect(valuesEqual(new Uint8Array([1, 2]), Buffer.from([1, 2]))).toBe(true);
    expect(valuesEqual(5n, 5)).toBe(true);
    expect(valuesEqual(new BigDecimal(10n, 1), new BigDecimal(1n, 0))).toBe(false);
  });

  test('rejects non-struct schemas', () => {
    expect(() => new Struct(Schemas.INT32_SCHEMA)).toThrow('Not a struct schema: Schema{INT32}');
  });
});

describe('logical types', () => {
  test('Decimal uses Apache name, scale parameter and two’s-complement bytes', () => {
    const schema = Decimal.schema(2);
    expect(schema).toMatchObject({ type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', version: 1 });
    expect(schema.parameters).toEqual({ scale: '2' });
    expect([...Decimal.fromLogical(schema, BigDecimal.parse('-1.28'))]).toEqual([0x80]);
    expect(Decimal.toLogical(schema, Uint8Array.of(0x00, 0x80)).toString()).toBe('1.28');
    expect(() => Decimal.fromLogical(schema, BigDecimal.parse('1.5'))).toThrow(
      'Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1.',
    );
  });

  test('Date, Time and Timestamp convert like Apache', () => {
    expect(ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Date.UTC(1970, 0, 11)))).toBe(10);
    expect(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(1))).toThrow(
      'Kafka Connect Date type should not have any time fields set to non-zero values.',
    );
    expect(Time.fromLogical(Time.SCHEMA, new Date(3_600_000))).toBe(3_600_000);
    expect(() => Time.toLogical(Time.SCHEMA, -1)).toThrow(
      'Time values must use number of milliseconds greater than 0 and less than 86400000',
    );
    expect(Timestamp.toLogical(Timestamp.SCHEMA, 1700000000123).toISOString()).toBe('2023-11-14T22:13:20.123Z');
    expect(() => Timestamp.fromLogical(Schemas.INT64_SCHEMA, new Date())).toThrow(
      'Requested conversion of Timestamp object but the schema does not match.',
    );
  });
});

describe('BigDecimal', () => {
  test.each([
    ['12.34', 1234n, 2, '12.34'],
    ['-0.01', -1n, 2, '-0.01'],
    ['1E+3', 1n, -3, '1E+3'],
    ['0.00000001', 1n, 8, '1E-8'],
    ['123.4500', 1234500n, 4, '123.4500'],
    ['-007', -7n, 0, '-7'],
  ])('parse(%s) keeps unscaled value and scale; toString is Java’s', (text, unscaled, scale, printed) => {
    const d = BigDecimal.parse(text);
    expect([d.unscaled, d.scale]).toEqual([unscaled, scale]);
    expect(d.toString()).toBe(printed);
  });

  test('two’s complement matches BigInteger.toByteArray', () => {
    for (const [value, bytes] of [
      [0n, [0]],
      [127n, [0x7f]],
      [128n, [0x00, 0x80]],
      [-1n, [0xff]],
      [-129n, [0xff, 0x7f]],
    ] as const) {
      expect([...bigintToTwosComplement(value)]).toEqual(bytes);
      expect(twosComplementToBigint(Uint8Array.from(bytes))).toBe(value);
    }
    expect(() => twosComplementToBigint(new Uint8Array())).toThrow('Zero length BigInteger');
  });

  test('setScale, compareTo and fromNumber', () => {
    expect(BigDecimal.parse('1.5').setScale(3).toString()).toBe('1.500');
    expect(() => BigDecimal.parse('1.55').setScale(1)).toThrow('Rounding necessary');
    expect(BigDecimal.parse('1.50').compareTo(BigDecimal.parse('1.5'))).toBe(0);
    expect(BigDecimal.fromNumber(1).toString()).toBe('1.0');
    expect(BigDecimal.fromNumber(1e7).toString()).toBe('1.0E+7');
  });
});

describe('Java text forms', () => {
  test.each([
    [1, '1.0'],
    [0.1, '0.1'],
    [1e7, '1.0E7'],
    [1e-4, '1.0E-4'],
    [-0, '-0.0'],
    [2e23, '2.0E23'],
    [5e-324, '4.9E-324'],
    [NaN, 'NaN'],
  ])('Double.toString(%p) = %s', (n, text) => {
    expect(javaDoubleToString(n)).toBe(text);
  });

  test.each([
    [3.14, '3.14'],
    [0.1, '0.1'],
    [16777216, '1.6777216E7'],
    [1.4e-45, '1.4E-45'],
    [1, '1.0'],
  ])('Float.toString(%p) = %s', (n, text) => {
    expect(javaFloatToString(n)).toBe(text);
  });

  test('String.valueOf of Connect values', () => {
    expect(javaValueToString([1, 'a', null])).toBe('[1, a, null]');
    expect(javaValueToString(new Map([['k', 2.5]]))).toBe('{k=2.5}');
    expect(javaValueToString(2, 'float64')).toBe('2.0');
    expect(javaValueToString(new Date(0))).toBe('Thu Jan 01 00:00:00 UTC 1970');
  });
});
