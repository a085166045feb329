/**
 * The offsets-topic record format of Apache Kafka Connect (`KafkaOffsetBackingStore`, `OffsetStorageWriter`,
 * `OffsetUtils`): key `["<connector>",{<partition>}]`, value `{<offset>}` or null (tombstone), both written by
 * an internal JsonConverter with schemas disabled, i.e. Jackson's compact JSON.
 *
 * Log compaction matches on exact key bytes, so to share an offsets topic with Java workers our key bytes must be
 * byte-identical to theirs. Two details differ from `JSON.stringify`:
 *  - object fields come out in the iteration order of the Java map the connector handed over, which is in
 *    practice a `java.util.HashMap`: fields are ordered by HashMap bucket (from `String.hashCode`), insertion order
 *    within a bucket; we reproduce that for every object, nested ones included (JsonConverter also reads nested
 *    maps back into HashMaps);
 *  - Jackson escapes control characters with upper-case hex (`\u001F`), JSON.stringify with lower case, and
 *    Jackson escapes characters outside the BMP as surrogate pairs (`\uD834\uDD1E`).
 * Numbers: integral values are written as Java longs; other values as JavaScript prints them (a Java `Double`
 * would print `1.0E10` where we print `1e10` — partitions of doubles are not seen in practice).
 */
import { DataException } from '../connect/errors';
import type { SourceMap } from '../connect/records';

/** Java's `String.hashCode`: s[0]*31^(n-1) + … over UTF-16 code units, in 32-bit two's complement. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** `HashMap.hash`: spreads the high bits down because the table index uses only the low bits. */
const spread = (h: number): number => h ^ (h >>> 16);

/** Table size of a `new HashMap<>()` after `size` puts: 16, doubled whenever size exceeds 0.75 × capacity. */
function hashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/**
 * Keys in the order a `java.util.HashMap` filled with `keys` (in that order) iterates them: by bucket index,
 * then insertion order within a bucket (resizes keep relative order inside split buckets). Treeified bins
 * (≥ 8 collisions in one bucket) are not reproduced; they do not occur with realistic partition maps.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const mask = hashMapCapacity(keys.length) - 1;
  return keys
    .map((key, index) => ({ key, index, bucket: spread(javaStringHashCode(key)) & mask }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}

const HEX = '0123456789ABCDEF';

/**
 * A JSON string literal as Jackson (2.21, Kafka 4.3's) writes it: short escapes for \b \t \n \f \r, upper-case
 * `\u00XX` for other control characters, and characters outside the BMP as escaped surrogate pairs
 * (`\uD834\uDD1E`: Jackson does not combine surrogates into UTF-8 by default); everything else raw UTF-8.
 */
function jacksonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16).toUpperCase()}`;
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return `${out}"`;
}

/** Compact JSON as Jackson writes a value converted by Apache's JsonConverter (schemas disabled). */
export function toJavaJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jacksonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Cannot encode ${value} in an offsets-topic record`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(toJavaJson).join(',')}]`;
      if (value instanceof Uint8Array) {
        // JsonConverter writes byte arrays as base64 strings.
        return jacksonString(Buffer.from(value).toString('base64'));
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      return `{${javaHashMapOrder(keys)
        .map((k) => `${jacksonString(k)}:${toJavaJson(obj[k])}`)
        .join(',')}}`;
    }
    default:
      throw new TypeError(`Cannot encode a ${typeof value} in an offsets-topic record`);
  }
}

/** Connect schema type of a schemaless value, as `ConnectSchema.schemaType` infers it from the Java class. */
function schemaTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof Uint8Array) return 'BYTES';
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'INT64';
    case 'number':
      return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
    case 'object':
      return 'MAP';
    default:
      return typeof value;
  }
}

const PRIMITIVE = new Set(['STRING', 'BOOLEAN', 'INT64', 'FLOAT64', 'BYTES']);

/**
 * Apache's `OffsetUtils.validateFormat`, applied by its offset writer and reader to source partitions and
 * offsets: a map (or null) whose values are null or primitive — no nested maps or lists. A Java worker cannot
 * read an offset that breaks this, so we refuse to write one (DataException, Apache's message).
 */
export function validateOffsetFormat(data: unknown): void {
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Uint8Array) {
    throw new DataException('Offsets must be specified as a Map');
  }
  for (const [field, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    const type = schemaTypeOf(value);
    if (!PRIMITIVE.has(type)) {
      throw new DataException(
        `Offsets may only contain primitive types as values, but field ${field} contains ${type}`,
      );
    }
  }
}

/** Validates a batch of offset writes before any of it is stored (all or nothing). */
export function validateOffsetEntries(entries: readonly { partition: unknown; offset: unknown }[]): void {
  for (const { partition, offset } of entries) {
    if (partition === null || partition === undefined) throw new DataException('Source partition must not be null');
    validateOffsetFormat(partition);
    validateOffsetFormat(offset);
  }
}

/** Canonical string of one source partition: the key under which `OffsetStore.get` answers for it. */
export const partitionKey = (partition: SourceMap): string => toJavaJson(partition);

/** Offsets-topic key bytes as text: `["<connector>",{<partition>}]`. */
export const encodeOffsetKey = (connector: string, partition: SourceMap): string =>
  `[${jacksonString(connector)},${toJavaJson(partition)}]`;

/** Offsets-topic value bytes as text; null is a tombstone. */
export const encodeOffsetValue = (offset: SourceMap | null): string | null =>
  offset === null ? null : toJavaJson(offset);

export interface DecodedOffsetKey {
  readonly connector: string;
  readonly partition: SourceMap;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a key; undefined for anything but a 2-element `[string, object]` list (Apache's readers skip those). */
export function decodeOffsetKey(key: string | Buffer | null | undefined): DecodedOffsetKey | undefined {
  if (key === null || key === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof key === 'string' ? key : key.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [connector, partition] = parsed as [unknown, unknown];
  if (typeof connector !== 'string' || !isPlainObject(partition)) return undefined;
  return { connector, partition };
}

/**
 * Parses a value: null/empty = tombstone (null); undefined when it is not a JSON object (such a record is
 * skipped, as Apache's reader fails to convert it and logs an error).
 */
export function decodeOffsetValue(value: string | Buffer | null | undefined): SourceMap | null | undefined {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null) return null;
  return isPlainObject(parsed) ? parsed : undefined;
}

/**
 * Kafka's `Utils.murmur2` (the Java client's default partitioner hash for keyed records), over the bytes of
 * `data`, as a signed 32-bit integer.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4]! & 0xff) |
      ((data[i4 + 1]! & 0xff) << 8) |
      ((data[i4 + 2]! & 0xff) << 16) |
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Java's default partitioner picks for a keyed record: `toPositive(murmur2(key)) % n`. */
export const partitionForKey = (key: Uint8Array, numPartitions: number): number =>
  (murmur2(key) & 0x7fffffff) % numPartitions;

/** Shared `get` answer shape: one entry per requested partition, keyed by `partitionKey`. */
export function lookupOffsets(
  connector: string,
  partitions: readonly SourceMap[],
  find: (offsetKey: string) => SourceMap | undefined,
): Map<string, SourceMap | null> {
  const result = new Map<string, SourceMap | null>();
  for (const partition of partitions) {
    const offset = find(encodeOffsetKey(connector, partition));
    result.set(partitionKey(partition), offset === undefined ? null : structuredClone(offset));
  }
  return result;
}
