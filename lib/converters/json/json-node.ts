/**
 * A small JSON tree with Jackson's semantics, as Apache's JsonConverter sees JSON through `JsonNode`:
 * numbers keep their exact text (int64 beyond 2^53 and decimals stay exact), objects keep key order with
 * last-duplicate-wins, and the accessors (`intValue` …) convert the way Jackson's do, including for
 * mismatching node types. The writer escapes strings exactly as Jackson's generator does.
 */

/** A JSON number with its source text (`integral` = no fraction and no exponent, like Jackson's int nodes). */
export class JsonNumber {
  constructor(
    readonly text: string,
    readonly integral: boolean,
  ) {}
}

/** A JSON object: keys in document order, a repeated key replaces the earlier value in place (as Jackson). */
export type JsonObject = Map<string, JsonNode>;
export const isJsonObject = (node: JsonNode | undefined): node is JsonObject => node instanceof Map;

/**
 * An object left unparsed, as its source text: `parseJson(…, { rawSchema: true })` keeps the envelope's
 * `schema` this way, so a converter whose schema cache knows the text skips building it again.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `undefined` stands for Jackson's MissingNode (absent field, empty input). */
export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | JsonObject | RawJson;

export class JsonParseError extends Error {}

/** Jackson's `JsonNodeType` name of a node, as Apache's messages print it. */
export function nodeType(node: JsonNode | undefined): string {
  if (node === undefined) return 'MISSING';
  if (node === null) return 'NULL';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (typeof node === 'string') return 'STRING';
  if (node instanceof JsonNumber) return 'NUMBER';
  if (Array.isArray(node)) return 'ARRAY';
  return 'OBJECT';
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * `ObjectMapper.readTree(bytes)`: the first JSON value (trailing content ignored), undefined when empty.
 * With `rawSchema`, an object under the root's `schema` key is returned as `RawJson` (still checked for balance);
 * `schemaHint`, the previous record's schema text, makes that a single comparison when it repeats.
 */
export function parseJson(
  bytes: Uint8Array,
  options: { rawSchema?: boolean; schemaHint?: string | undefined } = {},
): JsonNode | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (e) {
    throw new JsonParseError('Invalid UTF-8 input', { cause: e });
  }
  return new Parser(text, options.rawSchema === true, options.schemaHint).parseRoot();
}

export function parseJsonText(text: string): JsonNode | undefined {
  return new Parser(text).parseRoot();
}

/** `envelopePayload`'s answer when the text is not that envelope (the caller parses it in full). */
export const NOT_THIS_ENVELOPE: unique symbol = Symbol('not this envelope');

/**
 * The JsonConverter's common case on the sink side, without building the envelope: `bytes` is
 * `<prefix><payload>}` (then anything, ignored as by `parseJson`), where `prefix` is `{"schema":<schema>,"payload":`
 * as the previous record had it. Returns the payload, parsed as `parseJson` would; NOT_THIS_ENVELOPE for any other
 * shape (other schema text, whitespace, other keys, a repeated key), for which `parseJson` decides. Saves the
 * envelope's Map, its key strings and the raw schema per record.
 */
export function envelopePayload(bytes: Uint8Array, prefix: string): JsonNode | typeof NOT_THIS_ENVELOPE {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (e) {
    throw new JsonParseError('Invalid UTF-8 input', { cause: e });
  }
  // slice+=== compares far faster than startsWith in V8
  if (text.slice(0, prefix.length) !== prefix) return NOT_THIS_ENVELOPE;
  return new Parser(text).envelopePayload(prefix.length);
}

const MAX_DEPTH = 1000;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly rawSchema = false,
    private readonly schemaHint: string | undefined = undefined,
  ) {}

  parseRoot(): JsonNode | undefined {
    this.skipWs();
    if (this.pos >= this.text.length) return undefined;
    return this.value();
  }

  /**
   * The payload of an envelope whose root object's text up to the payload's value ends at `start`; undefined
   * when the root object does not close right after it. An error in the payload is the error (and position) a
   * full parse reports, since everything before `start` is a valid prefix.
   */
  envelopePayload(start: number): JsonNode | typeof NOT_THIS_ENVELOPE {
    this.pos = start;
    this.depth = 1;
    this.skipWs();
    const payload = this.value();
    this.skipWs();
    return this.text.charCodeAt(this.pos) === 0x7d ? payload : NOT_THIS_ENVELOPE;
  }

  private fail(what: string): never {
    throw new JsonParseError(`${what} at position ${this.pos}`);
  }

  private skipWs(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(): JsonNode {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        return this.object();
      case 0x5b /* [ */:
        return this.array();
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal('true', true);
      case 0x66 /* f */:
        return this.literal('false', false);
      case 0x6e /* n */:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'Unexpected end-of-input' : `Unexpected character '${this.text[this.pos]}'`);
    }
  }

  private literal<T extends JsonNode>(word: string, result: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('Unrecognized token');
    this.pos += word.length;
    const next = this.text.charCodeAt(this.pos);
    // Jackson rejects `truex` but accepts `true]`, `true,` …
    if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || (next >= 0x30 && next <= 0x39)) {
      this.fail('Unrecognized token');
    }
    return result;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('Nesting depth exceeded');
  }

  private object(): JsonObject {
    this.enter();
    const obj: JsonObject = new Map();
    const root = this.depth === 1;
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
    } else {
      for (;;) {
        if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expected field name');
        const key = this.string();
        this.skipWs();
        if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':'");
        this.pos++;
        this.skipWs();
        const raw = root && this.rawSchema && key === 'schema' && this.text.charCodeAt(this.pos) === 0x7b;
        obj.set(key, raw ? this.rawObject() : this.value());
        this.skipWs();
        const c = this.text.charCodeAt(this.pos++);
        if (c === 0x7d) break;
        if (c !== 0x2c) this.fail("Expected ',' or '}'");
        this.skipWs();
      }
    }
    this.depth--;
    return obj;
  }

  /** Skips over an object, string-aware, and returns its text; full validation happens if it is ever parsed. */
  private rawObject(): RawJson {
    const t = this.text;
    const start = this.pos;
    // A balanced object that is a prefix here is exactly the object here. (slice+=== compares far faster than
    // startsWith in V8.)
    const hint = this.schemaHint;
    if (hint !== undefined && t.slice(start, start + hint.length) === hint) {
      this.pos += hint.length;
      return new RawJson(hint);
    }
    let depth = 0;
    let p = start;
    for (; p < t.length; p++) {
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        for (p++; p < t.length && t.charCodeAt(p) !== 0x22; p++) if (t.charCodeAt(p) === 0x5c) p++;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) break;
      }
    }
    if (p >= t.length) this.fail('Unexpected end-of-input in object');
    this.pos = p + 1;
    return new RawJson(t.slice(start, this.pos));
  }

  private array(): JsonNode[] {
    this.enter();
    const arr: JsonNode[] = [];
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
    } else {
      for (;;) {
        arr.push(this.value());
        this.skipWs();
        const c = this.text.charCodeAt(this.pos++);
        if (c === 0x5d) break;
        if (c !== 0x2c) this.fail("Expected ',' or ']'");
        this.skipWs();
      }
    }
    this.depth--;
    return arr;
  }

  private string(): string {
    const t = this.text;
    let p = this.pos + 1;
    let start = p;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (Number.isNaN(c)) this.fail('Unexpected end-of-input in string');
      if (c < 0x20) {
        this.pos = p;
        this.fail('Illegal unquoted character in string');
      }
      if (c === 0x5c) {
        out += t.slice(start, p);
        const e = t.charCodeAt(p + 1);
        p += 2;
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const hex = t.slice(p, p + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            p += 4;
            break;
          }
          default:
            this.pos = p;
            this.fail('Unrecognized character escape');
        }
        start = p;
        continue;
      }
      p++;
    }
    this.pos = p + 1;
    return out + t.slice(start, p);
  }

  private number(): JsonNumber {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === 0x2d) p++;
    const intStart = p;
    while (isDigit(t.charCodeAt(p))) p++;
    if (p === intStart) this.fail('Expected digit after minus sign');
    let integral = true;
    if (t.charCodeAt(p) === 0x2e) {
      integral = false;
      p++;
      const fracStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === fracStart) this.fail('Decimal point not followed by a digit');
    }
    const e = t.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      integral = false;
      p++;
      const s = t.charCodeAt(p);
      if (s === 0x2b || s === 0x2d) p++;
      const expStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === expStart) this.fail('Exponent indicator not followed by a digit');
    }
    this.pos = p;
    return new JsonNumber(t.slice(start, p), integral);
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

// ---------------------------------------------------------------------------------------------------------
// Jackson's JsonNode accessors
// ---------------------------------------------------------------------------------------------------------

/** Integer part of a number's exact value, truncated toward zero (Java's `BigDecimal.toBigInteger`). */
function integerPart(n: JsonNumber): bigint {
  if (n.integral) return BigInt(n.text);
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n.text);
  const digits = `${m?.[2] ?? ''}${m?.[3] ?? ''}`;
  const scale = (m?.[3] ?? '').length - Number(m?.[4] ?? '0');
  let v = BigInt(digits === '' ? '0' : digits);
  // Exponents far beyond int64 only matter modulo 2^64; cap the work (Java would also just truncate).
  if (scale < 0) v *= 10n ** BigInt(Math.min(-scale, 400));
  else if (scale > 0) v = scale > 400 ? 0n : v / 10n ** BigInt(scale);
  return m?.[1] === '-' ? -v : v;
}

/** Whether an integral number fits in int32 (Jackson's `isInt()`: it was read as an IntNode). */
export function isIntNode(node: JsonNode | undefined): boolean {
  if (!(node instanceof JsonNumber) || !node.integral) return false;
  if (node.text.length < 10) return true;
  const v = BigInt(node.text);
  return v >= -2147483648n && v <= 2147483647n;
}

/** `JsonNode.intValue()`: numbers truncated to 32 bits as Java's casts do; non-numbers give 0. */
export function intValue(node: JsonNode | undefined): number {
  if (!(node instanceof JsonNumber)) return 0;
  if (node.integral && node.text.length <= 15) return Number(node.text) | 0;
  return Number(BigInt.asIntN(32, integerPart(node)));
}

/** `JsonNode.longValue()` as a number when safe, else a bigint. */
export function longValue(node: JsonNode | undefined): number | bigint {
  if (!(node instanceof JsonNumber)) return 0;
  if (node.integral && node.text.length <= 15) return Number(node.text) + 0;
  const v = BigInt.asIntN(64, integerPart(node));
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** `JsonNode.doubleValue()`: correctly rounded; Java's BigDecimal has no negative zero. */
export function doubleValue(node: JsonNode | undefined): number {
  if (!(node instanceof JsonNumber)) return 0;
  const v = Number(node.text);
  return v === 0 ? 0 : v;
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

const HEX = '0123456789ABCDEF';
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal as Jackson writes it: short escapes for \b \t \n \f \r, `\u00XX` for other controls,
 * and every UTF-16 surrogate (characters beyond the BMP, e.g. emoji) as an upper-case `\uXXXX` escape.
 */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0d:
        out += '\\r';
        break;
      default:
        out += `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** Base64 as Jackson's default variant writes and reads it (standard alphabet, padded, no line feeds). */
export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 decoding; throws on anything Jackson's decoder would reject. */
export function base64Decode(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new JsonParseError('Invalid base64 content');
  return new Uint8Array(Buffer.from(text, 'base64'));
}
