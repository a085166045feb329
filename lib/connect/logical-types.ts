import { BigDecimal, bigintToTwosComplement, twosComplementToBigint } from './big-decimal';
import { DataException } from './errors';
import { SchemaBuilder } from './schema';
import type { ConnectSchema } from './schema';
import type { Schema } from './schema-types';

/**
 * Connect's logical types (`org.apache.kafka.connect.data.{Decimal,Date,Time,Timestamp}`): a named, versioned
 * primitive schema plus conversions between the logical value and its primitive form.
 */

const MILLIS_PER_DAY = 24 * 60 * 60 * 1000;

/** Decimal: bytes holding the big-endian two's-complement unscaled value; `scale` is a schema parameter. */
export const Decimal = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Decimal',
  SCALE_FIELD: 'scale',
  builder(scale: number): SchemaBuilder {
    return SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).parameter(Decimal.SCALE_FIELD, String(scale)).version(1);
  },
  schema(scale: number): ConnectSchema {
    return Decimal.builder(scale).build();
  },
  scale(schema: Schema): number {
    const scale = schema.parameters?.[Decimal.SCALE_FIELD];
    if (scale === undefined) throw new DataException('Invalid Decimal schema: scale parameter not found.');
    // Integer.parseInt: optional sign and decimal digits only, within int32.
    const n = /^[+-]?\d+$/.test(scale) ? Number(scale) : NaN;
    if (!Number.isSafeInteger(n) || n < -2147483648 || n > 2147483647) {
      throw new DataException('Invalid scale parameter found in Decimal schema: ');
    }
    return n;
  },
  fromLogical(schema: Schema, value: BigDecimal): Uint8Array {
    const schemaScale = Decimal.scale(schema);
    if (value.scale !== schemaScale) {
      throw new DataException(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${schemaScale}, value has scale ${value.scale}.`,
      );
    }
    return bigintToTwosComplement(value.unscaled);
  },
  toLogical(schema: Schema, value: Uint8Array): BigDecimal {
    return new BigDecimal(twosComplementToBigint(value), Decimal.scale(schema));
  },
} as const;

function checkName(schema: Schema, name: string, what: string): void {
  if (schema.name !== name) {
    throw new DataException(`Requested conversion of ${what} object but the schema does not match.`);
  }
}

/**
 * Date (Apache's `org.apache.kafka.connect.data.Date`, renamed so it does not shadow the global `Date`):
 * int32 days since the epoch; the value is a JS Date at UTC midnight.
 */
export const ConnectDate = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Date',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(ConnectDate.LOGICAL_NAME).version(1);
  },
  get SCHEMA(): ConnectSchema {
    return DATE_SCHEMA;
  },
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, ConnectDate.LOGICAL_NAME, 'Date');
    const millis = value.getTime();
    if (millis % MILLIS_PER_DAY !== 0) {
      throw new DataException('Kafka Connect Date type should not have any time fields set to non-zero values.');
    }
    return Math.trunc(millis / MILLIS_PER_DAY) | 0;
  },
  toLogical(schema: Schema, value: number): Date {
    checkName(schema, ConnectDate.LOGICAL_NAME, 'Date');
    return new Date(value * MILLIS_PER_DAY);
  },
} as const;

/** Time: int32 milliseconds since midnight; the value is a JS Date on 1970-01-01 UTC. */
export const Time = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Time',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(Time.LOGICAL_NAME).version(1);
  },
  get SCHEMA(): ConnectSchema {
    return TIME_SCHEMA;
  },
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, Time.LOGICAL_NAME, 'Time');
    const millis = value.getTime();
    if (millis < 0 || millis > MILLIS_PER_DAY) {
      throw new DataException('Kafka Connect Time type should not have any date fields set to non-zero values.');
    }
    return millis;
  },
  toLogical(schema: Schema, value: number): Date {
    // Apache's message here says "Date" too.
    checkName(schema, Time.LOGICAL_NAME, 'Date');
    if (value < 0 || value > MILLIS_PER_DAY) {
      throw new DataException('Time values must use number of milliseconds greater than 0 and less than 86400000');
    }
    return new Date(value);
  },
} as const;

/** Timestamp: int64 milliseconds since the epoch; the value is a JS Date. */
export const Timestamp = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Timestamp',
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(Timestamp.LOGICAL_NAME).version(1);
  },
  get SCHEMA(): ConnectSchema {
    return TIMESTAMP_SCHEMA;
  },
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, Timestamp.LOGICAL_NAME, 'Timestamp');
    return value.getTime();
  },
  toLogical(schema: Schema, value: number): Date {
    checkName(schema, Timestamp.LOGICAL_NAME, 'Timestamp');
    return new Date(value);
  },
} as const;

const DATE_SCHEMA = ConnectDate.builder().build();
const TIME_SCHEMA = Time.builder().build();
const TIMESTAMP_SCHEMA = Timestamp.builder().build();

export { BigDecimal };
