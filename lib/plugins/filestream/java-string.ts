/**
 * Java's `String.valueOf(Object)` for Connect values, as FileStreamSinkTask prints them: null → `null`, maps
 * `{k=v, …}`, lists `[a, b]`; objects with their own toString (Struct, BigDecimal …) use it. Deviation: Java
 * prints a byte[] as `[B@<identity hash>`, which carries no data; we print `Arrays.toString` form `[1, -2]`.
 */
export const javaString = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `[${Array.from(value, (b) => (b > 127 ? b - 256 : b)).join(', ')}]`;
  if (value instanceof Date) return value.toString();
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${javaString(k)}=${javaString(v)}`).join(', ')}}`;
  }
  if (typeof value === 'object' && value.toString !== Object.prototype.toString) return String(value);
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${javaString(v)}`)
      .join(', ')}}`;
  }
  return String(value);
};
