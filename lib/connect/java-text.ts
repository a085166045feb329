/**
 * Java's text forms of numbers and class names, which leak into Kafka Connect's wire formats (Jackson writes
 * doubles with `Double.toString`, decimals with `BigDecimal.toString`) and into its error messages
 * (`class java.lang.String`).
 */

/** Shortest round-trip digits and decimal exponent of a finite non-zero number, as `d.ddd × 10^exp`. */
function digitsOf(text: string): { digits: string; exp: number } {
  const [mantissa = '0', exponent = '0'] = text.split('e');
  return { digits: mantissa.replace('-', '').replace('.', ''), exp: Number(exponent) };
}

/** Java's layout: plain between 10^-3 and 10^7, else computerized scientific `1.0E10`; always a fraction digit. */
function javaLayout(negative: boolean, digits: string, exp: number): string {
  const sign = negative ? '-' : '';
  if (exp >= -3 && exp < 7) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0] ?? '0'}.${frac === '' ? '0' : frac}E${exp}`;
}

function special(n: number): string | null {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  return null;
}

/** `Double.toString(d)` (JDK 19+ shortest-digits algorithm, which JavaScript shares). */
export function javaDoubleToString(n: number): string {
  const s = special(n);
  if (s !== null) return s;
  let { digits, exp } = digitsOf(n.toExponential());
  // Java renders at least two significant digits, choosing the closest 2-digit decimal (4.9E-324, not 5E-324).
  if (digits.length === 1) ({ digits, exp } = digitsOf(n.toExponential(1)));
  return javaLayout(n < 0, stripZeros(digits), exp);
}

const stripZeros = (digits: string): string => digits.replace(/(?<=.)0+$/, '');

/**
 * `Float.toString(f)` of `Math.fround(n)` (JDK 19+): the fewest digits (at least two) that read back as the
 * same float, choosing the closest such decimal and, between two equally close, the one with an even last digit.
 */
export function javaFloatToString(n: number): string {
  const f = Math.fround(n);
  const s = special(f);
  if (s !== null) return s;
  const exact = exactDecimal(f);
  for (let precision = 2; precision <= 9; precision++) {
    const { digits, exp } = roundHalfEven(exact.digits, exact.exp, precision);
    if (Math.fround(Number(`${digits[0]}.${digits.slice(1)}e${exp}`)) === Math.abs(f)) {
      return javaLayout(f < 0, stripZeros(digits), exp);
    }
  }
  return javaDoubleToString(f);
}

/** The exact decimal expansion of a finite non-zero double: significant digits and the exponent of the first. */
function exactDecimal(x: number): { digits: string; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  if (e >= 0) {
    const digits = (mantissa << BigInt(e)).toString();
    return { digits: digits.replace(/0+$/, ''), exp: digits.length - 1 };
  }
  // m·2^e = m·5^-e / 10^-e
  const digits = (mantissa * 5n ** BigInt(-e)).toString();
  return { digits: digits.replace(/0+$/, ''), exp: digits.length - 1 + e };
}

function roundHalfEven(digits: string, exp: number, precision: number): { digits: string; exp: number } {
  if (digits.length <= precision) return { digits: digits.padEnd(precision, '0'), exp };
  const head = digits.slice(0, precision);
  const rest = digits.slice(precision);
  const first = rest.charCodeAt(0) - 48;
  const tie = first === 5 && /^50*$/.test(rest);
  const up = first > 5 || (first === 5 && !tie) || (tie && (head.charCodeAt(precision - 1) - 48) % 2 === 1);
  if (!up) return { digits: head, exp };
  const bumped = (BigInt(head) + 1n).toString();
  return bumped.length > precision ? { digits: bumped.slice(0, precision), exp: exp + 1 } : { digits: bumped, exp };
}

/**
 * The Java class a JavaScript value stands for, as `value.getClass()` prints it in Apache's messages.
 * Numbers are ambiguous in JavaScript: integers print as Integer (or Long beyond 32 bits), others as Double.
 */
export function javaClassName(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'class java.lang.String';
    case 'boolean':
      return 'class java.lang.Boolean';
    case 'bigint':
      return 'class java.lang.Long';
    case 'number':
      if (!Number.isInteger(value)) return 'class java.lang.Double';
      return value >= -2147483648 && value <= 2147483647 ? 'class java.lang.Integer' : 'class java.lang.Long';
    case 'object':
      break;
    default:
      return `class ${typeof value}`;
  }
  if (value instanceof Uint8Array) return 'class [B';
  if (Array.isArray(value)) return 'class java.util.ArrayList';
  if (value instanceof Map) return 'class java.util.HashMap';
  if (value instanceof Date) return 'class java.util.Date';
  const ctor = (value as { constructor?: { javaClassName?: string; name?: string } }).constructor;
  if (ctor?.javaClassName) return `class ${ctor.javaClassName}`;
  if (ctor === undefined || ctor === Object) return 'class java.util.HashMap';
  return `class ${ctor.name ?? 'java.lang.Object'}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `java.util.Date.toString()` in a UTC JVM: `Thu Jan 01 00:00:00 UTC 1970`. */
export function javaDateToString(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/**
 * `String.valueOf(value)` for a Connect value, as converters that call `toString()` print it. `type` (the
 * schema type, when known) picks Float/Double formatting for numbers, which JavaScript cannot tell apart.
 */
export function javaValueToString(value: unknown, type?: string): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      if (type === 'float32') return javaFloatToString(value);
      if (type === 'float64' || !Number.isInteger(value)) return javaDoubleToString(value);
      return String(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return `[B@${identityHash(value)}`;
  if (value instanceof Date) return javaDateToString(value);
  if (Array.isArray(value)) return `[${value.map((v) => javaValueToString(v)).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${javaValueToString(k)}=${javaValueToString(v)}`).join(', ')}}`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${k}=${javaValueToString(v)}`).join(', ')}}`;
  }
  return String(value);
}

const hashes = new WeakMap<object, string>();
let nextHash = 0x1b6d3586;

/** Stand-in for Java's identity hash code (stable per object), as printed by `Object.toString()`. */
function identityHash(o: object): string {
  let h = hashes.get(o);
  if (h === undefined) {
    nextHash = (Math.imul(nextHash, 1103515245) + 12345) >>> 0;
    h = nextHash.toString(16);
    hashes.set(o, h);
  }
  return h;
}
