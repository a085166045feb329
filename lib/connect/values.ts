import { BigDecimal, twosComplementToBigint } from './big-decimal';
import type { SchemaAndValue } from './converter';
import { DataException } from './errors';
import { javaClassName, javaDoubleToString, javaFloatToString } from './java-text';
import { ConnectDate, Decimal, Time, Timestamp } from './logical-types';
import { ConnectSchema, Schemas, asMap, isStruct, schemaEquals, schemaFields, schemaToString } from './schema';
import type { Schema, SchemaType } from './schema-types';
import type { Struct } from './struct';

/**
 * `org.apache.kafka.connect.data.Values`: the text form of Connect values that SimpleHeaderConverter writes
 * (`convertToString`) and the type-inferring parser that reads it back (`parseString`), with Apache's quirks.
 */

const MILLIS_PER_DAY = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------------
// convertToString
// ---------------------------------------------------------------------------------------------------------

/** `Values.convertToString`: null for null; strings raw; containers in a JSON-like form. */
export function convertToString(schema: Schema | null | undefined, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(value, false, schema ?? undefined);
}

function append(value: unknown, embedded: boolean, schema: Schema | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      if (schema?.type === 'float32') return javaFloatToString(value);
      if (schema?.type === 'float64' || !Number.isInteger(value)) return javaDoubleToString(value);
      return String(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'string':
      return embedded ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
    default:
      break;
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
    return embedded ? `"${text}"` : text;
  }
  if (Array.isArray(value)) return `[${value.map((e) => append(e, true, schema?.valueSchema)).join(',')}]`;
  if (isStruct(value)) {
    const struct = value as unknown as Struct;
    const fields = schemaFields(struct.schema).map(
      (f) => `${append(f.name, true, undefined)}:${append(struct.get(f), true, f.schema)}`,
    );
    return `{${fields.join(',')}}`;
  }
  const map = asMap(value);
  if (map !== null) {
    const entries = [...map].map(
      ([k, v]) => `${append(k, true, schema?.keySchema)}:${append(v, true, schema?.valueSchema)}`,
    );
    return `{${entries.join(',')}}`;
  }
  if (value instanceof Date) return formatDate(value);
  throw new DataException(
    `Failed to serialize unexpected value type ${javaClassName(value).replace(/^class /, '')}: ${String(value)}`,
  );
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `Values.dateFormatFor(d).format(d)` in a UTC JVM: time of day, a date, or a full timestamp. */
function formatDate(d: Date): string {
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
  if (d.getTime() < MILLIS_PER_DAY) return time;
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return d.getTime() % MILLIS_PER_DAY === 0 ? date : `${date}T${time}`;
}

// ---------------------------------------------------------------------------------------------------------
// parseString
// ---------------------------------------------------------------------------------------------------------

/** Java's `String.trim()` and `Utils.isBlank`. */
const trim = (s: string): string => {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
};
const isBlank = (s: string | null): boolean => s === null || trim(s) === '';

/** `Values.Parser`: a tokenizer splitting at unescaped `: , { } [ ] "`, each delimiter its own token. */
class Parser {
  private index = 0;
  private nextToken: string | null = null;
  private previousToken: string | null = null;

  constructor(readonly original: string) {}

  position(): number {
    return this.index;
  }

  mark(): number {
    return this.index - (this.nextToken !== null ? this.nextToken.length : 0);
  }

  rewindTo(position: number): void {
    this.index = position;
    this.nextToken = null;
    this.previousToken = null;
  }

  hasNext(): boolean {
    return this.nextToken !== null || this.canConsumeNextToken();
  }

  private canConsumeNextToken(): boolean {
    return this.original.length > this.index;
  }

  next(): string {
    if (this.nextToken !== null) {
      this.previousToken = this.nextToken;
      this.nextToken = null;
    } else {
      this.previousToken = this.consumeNextToken();
    }
    return this.previousToken;
  }

  nextN(n: number): string | null {
    const current = this.mark();
    const start = this.mark();
    for (let i = 0; i !== n; ++i) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.substring(current, this.position());
  }

  private consumeNextToken(): string {
    let escaped = false;
    const start = this.index;
    const s = this.original;
    while (this.canConsumeNextToken()) {
      const c = s[this.index];
      switch (c) {
        case '\\':
          escaped = !escaped;
          break;
        case ':':
        case ',':
        case '{':
        case '}':
        case '[':
        case ']':
        case '"':
          if (!escaped) {
            if (start < this.index) return s.substring(start, this.index);
            this.index++;
            return s.substring(start, start + 1);
          }
          escaped = false;
          break;
        default:
          escaped = false;
          break;
      }
      this.index++;
    }
    return s.substring(start, this.index);
  }

  previous(): string | null {
    return this.previousToken;
  }

  /** Consumes the next non-blank token if it is `expected` (surrounding whitespace ignored). */
  canConsume(expected: string): boolean {
    if (this.nextToken === null) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (isBlank(this.nextToken) && this.canConsumeNextToken()) this.nextToken = this.consumeNextToken();
    if (trim(this.nextToken) === expected) {
      this.nextToken = null;
      return true;
    }
    return false;
  }
}

type Parsed = SchemaAndValue | null;

const sv = (schema: Schema | null, value: unknown): SchemaAndValue => ({ schema, value });

/** `Values.parseString`: infers the schema of a header's text (booleans, numbers, temporals, lists, maps). */
export function parseString(value: string | null): SchemaAndValue | null {
  if (value === null) return sv(null, null);
  if (value === '') return sv(Schemas.STRING_SCHEMA, value);
  return new ValueParser(new Parser(value)).parse(false);
}

class ValueParser {
  constructor(private readonly parser: Parser) {}

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): Parsed {
    const p = this.parser;
    if (!p.hasNext()) return null;
    if (embedded && p.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, 'null')) return null;
    if (this.canParseSingleTokenLiteral(embedded, 'true')) return sv(Schemas.BOOLEAN_SCHEMA, true);
    if (this.canParseSingleTokenLiteral(embedded, 'false')) return sv(Schemas.BOOLEAN_SCHEMA, false);
    const start = p.mark();
    try {
      if (p.canConsume('[')) return this.parseArray();
      if (p.canConsume('{')) return this.parseMap();
    } catch (e) {
      if (!(e instanceof DataException)) throw e;
      // Not a well-formed list or map: the text is read as a plain token instead.
      p.rewindTo(start);
    }
    const token = p.next();
    if (isBlank(token)) return sv(Schemas.STRING_SCHEMA, token);
    return this.parseNextToken(embedded, trim(token));
  }

  private parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charAt(0);
    const firstIsDigit = /^\p{Nd}$/u.test(first);
    if (firstIsDigit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal !== null) return temporal;
    }
    if (firstIsDigit || first === '+' || first === '-') {
      const number = parseAsNumber(token);
      if (number !== null) return number;
    }
    if (embedded) throw new DataException('Failed to parse embedded value');
    return sv(Schemas.STRING_SCHEMA, this.parser.original);
  }

  private parseQuotedString(): SchemaAndValue {
    let content = '';
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return parseAsTemporal(content) ?? sv(Schemas.STRING_SCHEMA, content);
  }

  private parseArray(): SchemaAndValue {
    const p = this.parser;
    let result: unknown[] = [];
    const elementSchema = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume(']')) {
        const common = elementSchema.schema();
        if (common !== null) {
          const listSchema = new ConnectSchema({ type: 'array', valueSchema: common });
          result = result.map((v) => convertTo(common, v));
          return sv(listSchema, result);
        }
        return sv(new ConnectSchema({ type: 'array' }), result);
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse an empty array element: ${p.original}`);
      const element = this.parse(true);
      elementSchema.merge(element);
      result.push(element !== null ? element.value : null);
      const current = p.mark();
      if (p.canConsume(']')) p.rewindTo(current);
      else if (!p.canConsume(',')) throw new DataException("Array elements missing ',' delimiter");
    }
    if (p.previous() === ',') throw new DataException(`Array is missing element after ',': ${p.original}`);
    throw new DataException(`Array is missing terminating ']': ${p.original}`);
  }

  private parseMap(): SchemaAndValue {
    const p = this.parser;
    let result = new Map<unknown, unknown>();
    const keySchema = new SchemaMerger();
    const valueSchema = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume('}')) {
        const keys = keySchema.schema();
        const values = valueSchema.schema();
        if (keys !== null && values !== null) {
          result = new Map([...result].map(([k, v]) => [convertTo(keys, k), convertTo(values, v)]));
          return sv(new ConnectSchema({ type: 'map', keySchema: keys, valueSchema: values }), result);
        }
        if (keys !== null) {
          result = new Map([...result].map(([k, v]) => [convertTo(keys, k), v]));
          return sv(new ConnectSchema({ type: 'map', keySchema: keys }), result);
        }
        return sv(new ConnectSchema({ type: 'map' }), result);
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse a map entry with no key or value: ${p.original}`);
      const key = this.parse(true);
      if (key === null || key.value === null)
        throw new DataException(`Map entry may not have a null key: ${p.original}`);
      if (!p.canConsume(':')) throw new DataException(`Map entry is missing ':' at ${p.position()} in ${p.original}`);
      const value = this.parse(true);
      result.set(key.value, value !== null ? value.value : null);
      p.canConsume(',');
      keySchema.merge(key);
      valueSchema.merge(value);
    }
    if (p.previous() === ',') throw new DataException(`Map is missing element after ',': ${p.original}`);
    throw new DataException(`Map is missing terminating '}': ${p.original}`);
  }

  private parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    const position = this.parser.mark();
    const remainder = this.parser.nextN(4);
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal !== null) return temporal;
    }
    this.parser.rewindTo(position);
    return parseAsTemporal(token);
  }
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const BIGGER_THAN_LONG = 10n ** 19n;

/** `ValueParser.parseAsNumber`: the narrowest integer type, else float32, float64, or a Decimal. */
function parseAsNumber(token: string): SchemaAndValue | null {
  let decimal: BigDecimal;
  try {
    decimal = BigDecimal.parse(token);
  } catch {
    return null;
  }
  const exact = parseAsExactDecimal(decimal);
  if (exact !== null) return exact;
  const d = Number(decimal.toString());
  const f = Math.fround(d);
  if (Number.isFinite(f) && decimal.scale !== 0) return sv(Schemas.FLOAT32_SCHEMA, f);
  if (Number.isFinite(d) && decimal.scale !== 0) return sv(Schemas.FLOAT64_SCHEMA, d);
  return sv(Decimal.schema(decimal.scale), decimal);
}

function parseAsExactDecimal(decimal: BigDecimal): SchemaAndValue | null {
  const abs = decimal.unscaled < 0n ? new BigDecimal(-decimal.unscaled, decimal.scale) : decimal;
  const zero = decimal.unscaled === 0n;
  if (abs.compareTo(new BigDecimal(BIGGER_THAN_LONG, 0)) > 0 || (!zero && abs.compareTo(new BigDecimal(1n, 0)) < 0)) {
    return null;
  }
  let integral: bigint;
  if (zero || decimal.scale <= 0) integral = decimal.setScale(0).unscaled;
  else if (decimal.unscaled % 10n ** BigInt(decimal.scale) === 0n)
    integral = decimal.unscaled / 10n ** BigInt(decimal.scale);
  else return null;
  if (integral < LONG_MIN || integral > LONG_MAX) return null;
  const n = Number(integral);
  if (n >= -128 && n <= 127) return sv(Schemas.INT8_SCHEMA, n);
  if (n >= -32768 && n <= 32767) return sv(Schemas.INT16_SCHEMA, n);
  if (n >= -2147483648 && n <= 2147483647) return sv(Schemas.INT32_SCHEMA, n);
  return sv(Schemas.INT64_SCHEMA, Number.isSafeInteger(n) ? n : integral);
}

const TIME = /^(\d+):(\d+):(\d+)\.(\d+)Z/;
const DATE = /^(\d+)-(\d+)-(\d+)/;
const TIMESTAMP = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z/;

/**
 * `ValueParser.parseAsTemporal`: by length, ISO time `HH:mm:ss.SSSZ` (13), date `yyyy-MM-dd` (10) or
 * timestamp (24), read in UTC; out-of-range fields roll over as in Java's lenient SimpleDateFormat.
 */
function parseAsTemporal(text: string): SchemaAndValue | null {
  const token = text.replaceAll('\\:', ':');
  const num = (m: RegExpExecArray, i: number): number => Number(m[i]);
  if (token.length === 13) {
    const m = TIME.exec(token);
    if (!m) return null;
    return sv(Time.SCHEMA, new Date(Date.UTC(1970, 0, 1, num(m, 1), num(m, 2), num(m, 3), num(m, 4))));
  }
  if (token.length === 24) {
    const m = TIMESTAMP.exec(token);
    if (!m) return null;
    return sv(Timestamp.SCHEMA, utc(num(m, 1), num(m, 2) - 1, num(m, 3), num(m, 4), num(m, 5), num(m, 6), num(m, 7)));
  }
  if (token.length === 10) {
    const m = DATE.exec(token);
    if (!m) return null;
    return sv(ConnectDate.SCHEMA, utc(num(m, 1), num(m, 2) - 1, num(m, 3), 0, 0, 0, 0));
  }
  return null;
}

/** Date.UTC without its two-digit-year mapping (years 0-99 are literal years in Java). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const date = new Date(Date.UTC(2000, mo, d, h, mi, s, ms));
  date.setUTCFullYear(date.getUTCFullYear() - 2000 + y);
  return date;
}

/** `Values.SchemaMerger`: the common schema of a list's elements (or a map's keys/values), if any. */
class SchemaMerger {
  private common: Schema | null = null;
  private compatible = true;

  merge(latest: Parsed): void {
    if (latest !== null && latest.schema !== null && this.compatible) {
      if (this.common === null) {
        this.common = latest.schema;
      } else {
        this.common = mergeSchemas(this.common, latest.schema);
        this.compatible = this.common !== null;
      }
    }
  }

  schema(): Schema | null {
    return this.common;
  }
}

const NUMERIC_RANK: Partial<Record<SchemaType, number>> = {
  int8: 0,
  int16: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

function mergeSchemas(previous: Schema, latest: Schema): Schema | null {
  if (previous.type !== latest.type) {
    const a = NUMERIC_RANK[previous.type];
    const b = NUMERIC_RANK[latest.type];
    if (a === undefined || b === undefined) return null;
    return b > a ? latest : previous;
  }
  if (previous.optional === latest.optional) return previous.optional ? previous : latest;
  return schemaEquals(previous, latest) ? previous : null;
}

/** `Values.convertTo(toSchema, null, value)`, for the schemas the parser infers. */
function convertTo(toSchema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (toSchema.optional) return null;
    throw new DataException('Unable to convert a null value to a schema that requires a value');
  }
  const unable = (): DataException =>
    new DataException(`Unable to convert ${String(value)} (${javaClassName(value)}) to ${schemaToString(toSchema)}`);
  switch (toSchema.type) {
    case 'bytes':
      if (toSchema.name === Decimal.LOGICAL_NAME) {
        if (value instanceof BigDecimal) return value;
        if (value instanceof Uint8Array) return new BigDecimal(twosComplementToBigint(value), Decimal.scale(toSchema));
        if (typeof value === 'number') return BigDecimal.fromNumber(value);
        if (typeof value === 'bigint') return BigDecimal.fromNumber(Number(value));
        if (typeof value === 'string') return BigDecimal.parse(value);
        throw unable();
      }
      if (value instanceof Uint8Array) return value;
      throw unable();
    case 'string':
      return convertToString(null, value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return asLong(value) !== 0n;
    case 'int8':
      return Number(BigInt.asIntN(8, asLong(value)));
    case 'int16':
      return Number(BigInt.asIntN(16, asLong(value)));
    case 'int32':
      if (toSchema.name === ConnectDate.LOGICAL_NAME || toSchema.name === Time.LOGICAL_NAME) {
        if (value instanceof Date) return value;
        const n = Number(BigInt.asIntN(32, asLong(value)));
        return toSchema.name === Time.LOGICAL_NAME ? Time.toLogical(toSchema, n) : ConnectDate.toLogical(toSchema, n);
      }
      return Number(BigInt.asIntN(32, asLong(value)));
    case 'int64': {
      if (toSchema.name === Timestamp.LOGICAL_NAME) {
        return value instanceof Date ? value : Timestamp.toLogical(toSchema, Number(asLong(value)));
      }
      const long = asLong(value);
      return Number.isSafeInteger(Number(long)) ? Number(long) : long;
    }
    case 'float32':
      return Math.fround(asDouble(value));
    case 'float64':
      return asDouble(value);
    case 'array':
      if (Array.isArray(value)) return value;
      throw unable();
    case 'map':
      if (value instanceof Map) return value;
      throw unable();
    case 'struct':
      if (isStruct(value)) return value;
      throw unable();
  }
}

/** `Values.asLong` for schemaless values: Java's `Number.longValue()` (truncating, saturating for doubles). */
function asLong(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 0n;
    if (value >= 2 ** 63) return LONG_MAX;
    if (value <= -(2 ** 63)) return LONG_MIN;
    return BigInt(Math.trunc(value));
  }
  if (value instanceof BigDecimal) return BigInt.asIntN(64, value.toBigInteger());
  throw new DataException(`Unable to convert ${String(value)} (${javaClassName(value)}) to a number`);
}

function asDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || value instanceof BigDecimal) return Number(value.toString());
  throw new DataException(`Unable to convert ${String(value)} (${javaClassName(value)}) to a number`);
}
