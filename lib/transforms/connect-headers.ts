/**
 * Header additions as `ConnectHeaders.add(key, value, schema)` does them: a value with a schema must fit it
 * (Apache's `checkSchemaMatches` messages); a null value without schema is the null header.
 */
import { BigDecimal } from '../connect/big-decimal';
import { DataException } from '../connect/errors';
import { ConnectDate, Decimal, Time, Timestamp } from '../connect/logical-types';
import { isPlainObject, isStruct, schemaToString } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { Header } from '../connect/records';
import { javaValueToString } from '../connect/java-text';

function fits(schema: Schema, value: unknown): boolean {
  const isInt = (min: number, max: number): boolean =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  switch (schema.type) {
    case 'bytes':
      return value instanceof Uint8Array || (value instanceof BigDecimal && schema.name === Decimal.LOGICAL_NAME);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int8':
      return isInt(-128, 127);
    case 'int16':
      return isInt(-32768, 32767);
    case 'int32':
      return (
        isInt(-2147483648, 2147483647) ||
        (value instanceof Date && (schema.name === ConnectDate.LOGICAL_NAME || schema.name === Time.LOGICAL_NAME))
      );
    case 'int64':
      return (
        typeof value === 'bigint' ||
        (typeof value === 'number' && Number.isInteger(value)) ||
        (value instanceof Date && schema.name === Timestamp.LOGICAL_NAME)
      );
    case 'float32':
    case 'float64':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map || isPlainObject(value);
    case 'struct':
      return isStruct(value);
  }
}

/** The header `ConnectHeaders.add(key, value, schema)` appends; throws DataException when they do not match. */
export function connectHeader(key: string, value: unknown, schema: Schema | null): Header {
  const v = value ?? null;
  if (schema !== null) {
    if (v === null && !schema.optional) {
      throw new DataException(`A null value requires an optional schema but was ${schemaToString(schema)}`);
    }
    if (v !== null && !fits(schema, v)) {
      throw new DataException(
        `The value ${javaValueToString(v, schema.type)} is not compatible with the schema ${schemaToString(schema)}`,
      );
    }
  }
  return { key, schema, value: v };
}
