import { javaDoubleToString } from './java-text';

/**
 * An exact decimal: `unscaled × 10^-scale`, as `java.math.BigDecimal`. The value of Connect's Decimal logical
 * type; kept exact (no float) so that BASE64 and NUMERIC wire forms round-trip byte for byte.
 */
export class BigDecimal {
  /** Shown as the value's class in Apache-compatible error messages. */
  static readonly javaClassName = 'java.math.BigDecimal';

  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {
    if (!Number.isInteger(scale)) throw new RangeError(`Invalid scale: ${scale}`);
  }

  /** `new BigDecimal(String)`: `-12.50`, `1E+3`, `1.5e-7` … Throws `SyntaxError` on anything else. */
  static parse(text: string): BigDecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    const intDigits = m?.[2] ?? '';
    const fracDigits = m?.[3] ?? '';
    if (!m || intDigits.length + fracDigits.length === 0) throw new SyntaxError(`Invalid decimal: ${text}`);
    const unscaled = BigInt(`${m[1] === '-' ? '-' : ''}${intDigits}${fracDigits}`);
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    return new BigDecimal(unscaled, fracDigits.length - exponent);
  }

  /** `BigDecimal.valueOf(double)`: the digits of `Double.toString`, e.g. 1 → `1.0` (scale 1). */
  static fromNumber(n: number): BigDecimal {
    if (!Number.isFinite(n)) throw new RangeError(`Not a finite number: ${n}`);
    return BigDecimal.parse(javaDoubleToString(n));
  }

  /** Same value with another scale; throws `RangeError` when that would need rounding. */
  setScale(newScale: number): BigDecimal {
    if (newScale === this.scale) return this;
    if (newScale > this.scale) return new BigDecimal(this.unscaled * 10n ** BigInt(newScale - this.scale), newScale);
    const divisor = 10n ** BigInt(this.scale - newScale);
    if (this.unscaled % divisor !== 0n) throw new RangeError('Rounding necessary');
    return new BigDecimal(this.unscaled / divisor, newScale);
  }

  /** Java's `equals`: same unscaled value AND same scale (1.0 ≠ 1.00), as Apache compares decimals. */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** Numeric comparison ignoring scale (`compareTo`). */
  compareTo(other: BigDecimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.setScale(scale).unscaled;
    const b = other.setScale(scale).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** `toBigInteger()`: the integer part, truncated toward zero. */
  toBigInteger(): bigint {
    if (this.scale <= 0) return this.unscaled * 10n ** BigInt(-this.scale);
    return this.unscaled / 10n ** BigInt(this.scale);
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** `BigDecimal.toString()`: plain unless the scale is negative or the adjusted exponent is below -6. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    const adjusted = -this.scale + (digits.length - 1);
    if (this.scale >= 0 && adjusted >= -6) return sign + plain(digits, this.scale);
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }

  /** `BigDecimal.toPlainString()`. */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    if (this.scale <= 0) return sign + digits + '0'.repeat(-this.scale);
    return sign + plain(digits, this.scale);
  }

  toJSON(): string {
    return this.toString();
  }
}

function plain(digits: string, scale: number): string {
  if (scale === 0) return digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/** `BigInteger.toByteArray()`: minimal big-endian two's complement (0 → [0x00]). */
export function bigintToTwosComplement(value: bigint): Uint8Array {
  const bytesNeeded = Math.ceil((bitLength(value) + 1) / 8);
  const hex = BigInt.asUintN(bytesNeeded * 8, value)
    .toString(16)
    .padStart(bytesNeeded * 2, '0');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** `new BigInteger(byte[])`; throws `RangeError` on zero length, as Java does (`Zero length BigInteger`). */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new RangeError('Zero length BigInteger');
  const unsigned = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`);
  return BigInt.asIntN(bytes.length * 8, unsigned);
}

/** Bits needed for the magnitude, excluding sign (Java's `BigInteger.bitLength`). */
function bitLength(value: bigint): number {
  const v = value < 0n ? -value - 1n : value;
  return v === 0n ? 0 : v.toString(2).length;
}
