/**
 * `MaskField$Key` / `$Value`: replace fields with the "empty" value of their type (0, false, "", epoch …) or
 * with a configured replacement converted to the field's type.
 */
import { BigDecimal } from '../connect/big-decimal';
import { ConfigDef, NonEmptyString, ValidList } from '../connect/config-def';
import { DataException } from '../connect/errors';
import { javaClassName } from '../connect/java-text';
import { Decimal } from '../connect/logical-types';
import { isPlainObject, schemaFields } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  VALUE,
  fieldValue,
  mapCopy,
  mapGet,
  mapPut,
  requireMap,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'fields',
    type: 'LIST',
    validator: ValidList.anyNonDuplicateValues(false, false),
    importance: 'HIGH',
    documentation: 'Names of fields to mask.',
  })
  .define({
    name: 'replacement',
    type: 'STRING',
    defaultValue: null,
    validator: NonEmptyString,
    importance: 'LOW',
    documentation:
      "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** The Java class of a field value: from its schema when there is one, else inferred from the JavaScript value. */
function javaClassOf(schema: Schema | null, value: unknown): string {
  if (schema !== null) {
    if (schema.name === Decimal.LOGICAL_NAME) return 'java.math.BigDecimal';
    switch (schema.type) {
      case 'int8':
        return 'java.lang.Byte';
      case 'int16':
        return 'java.lang.Short';
      case 'int32':
        return value instanceof Date ? 'java.util.Date' : 'java.lang.Integer';
      case 'int64':
        return value instanceof Date ? 'java.util.Date' : 'java.lang.Long';
      case 'float32':
        return 'java.lang.Float';
      case 'float64':
        return 'java.lang.Double';
      default:
        break;
    }
  }
  if (isPlainObject(value)) return 'java.util.HashMap';
  return javaClassName(value).replace(/^class /, '');
}

const INTEGER_BITS: Record<string, number> = {
  'java.lang.Byte': 8,
  'java.lang.Short': 16,
  'java.lang.Integer': 32,
  'java.lang.Long': 64,
};

/** `Values.asLong(String)`: `new BigDecimal(s).longValue()`. */
function replacementAsLong(replacement: string): bigint {
  try {
    return BigInt.asIntN(64, BigDecimal.parse(replacement).toBigInteger());
  } catch {
    throw new DataException(`Unable to convert ${replacement} (class java.lang.String) to a number`);
  }
}

function replacementAsDouble(replacement: string): number {
  try {
    return Number(BigDecimal.parse(replacement).toString());
  } catch {
    throw new DataException(`Unable to convert ${replacement} (class java.lang.String) to a number`);
  }
}

function maskWithReplacement(cls: string, replacement: string): unknown {
  const bits = INTEGER_BITS[cls];
  if (bits !== undefined) {
    const n = BigInt.asIntN(bits, replacementAsLong(replacement));
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  if (cls === 'java.lang.Float') return Math.fround(replacementAsDouble(replacement));
  if (cls === 'java.lang.Double') return replacementAsDouble(replacement);
  if (cls === 'java.lang.String') return replacement;
  if (cls === 'java.math.BigDecimal') {
    try {
      return BigDecimal.parse(replacement);
    } catch (e) {
      throw new DataException(`Unable to convert ${replacement} (class java.lang.String) to number`, { cause: e });
    }
  }
  throw new DataException(`Cannot mask value of type class ${cls} with custom replacement.`);
}

function maskWithNull(cls: string, value: unknown): unknown {
  switch (cls) {
    case 'java.lang.Boolean':
      return false;
    case 'java.lang.Byte':
    case 'java.lang.Short':
    case 'java.lang.Integer':
    case 'java.lang.Long':
    case 'java.lang.Float':
    case 'java.lang.Double':
      return 0;
    case 'java.math.BigDecimal':
      return new BigDecimal(0n, 0);
    case 'java.util.Date':
      return new Date(0);
    case 'java.lang.String':
      return '';
    default:
      if (Array.isArray(value)) return [];
      if (value instanceof Map) return new Map();
      if (isPlainObject(value)) return {};
      throw new DataException(`Cannot mask value of type: class ${cls}`);
  }
}

export abstract class MaskField<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private maskedFields = new Set<string>();
  private replacement: string | null = null;
  private replaceNullWithDefault = true;

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.maskedFields = new Set(config.getList('fields') ?? []);
    this.replacement = config.getString('replacement');
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  apply(record: R): R {
    return this.side.schema(record) === null ? this.applySchemaless(record) : this.applyWithSchema(record);
  }

  private masked(schema: Schema | null, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    const cls = javaClassOf(schema, value);
    return this.replacement === null ? maskWithNull(cls, value) : maskWithReplacement(cls, this.replacement);
  }

  private applySchemaless(record: R): R {
    const map = requireMap(this.side.value(record), 'mask fields');
    const updated = mapCopy(map);
    for (const field of this.maskedFields) mapPut(updated, field, this.masked(null, mapGet(map, field)));
    return this.side.with(record, null, updated);
  }

  private applyWithSchema(record: R): R {
    const struct = requireStruct(this.side.value(record), 'mask fields');
    const updated = new Struct(struct.schema);
    for (const field of schemaFields(struct.schema)) {
      const orig = fieldValue(struct, field.name, this.replaceNullWithDefault);
      updated.put(field, this.maskedFields.has(field.name) ? this.masked(field.schema, orig) : orig);
    }
    return this.side.with(record, this.side.schema(record), updated);
  }
}

export class MaskFieldKey<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.MaskField$Key`;
  constructor() {
    super(KEY);
  }
}

export class MaskFieldValue<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.MaskField$Value`;
  constructor() {
    super(VALUE);
  }
}
