/**
 * Differential test: every corpus case goes through Apache's JsonConverter 4.3.1 (test/java oracle, run once)
 * and through ours. Written bytes must be identical; Apache's bytes read by our converter must give the
 * values Apache reads; errors must carry Apache's messages.
 */
import { JsonConverter } from '../../lib/converters/json/json-converter';
import { JSON_CORPUS } from './support/json-corpus';
import { runOracle } from './support/oracle';
import type { OracleCase, OracleResult, ReadResult } from './support/oracle';
import { describeSchema, describeValue, normalize, schemaFromSpec, valueFromSpec } from './support/spec';

let oracle: Map<string, OracleResult>;

beforeAll(() => {
  oracle = runOracle(JSON_CORPUS).results;
});

const errorText = (e: unknown): string => `${(e as Error).constructor.name}: ${(e as Error).message}`;

function ourRead(converter: JsonConverter, base64: string | null): ReadResult {
  try {
    const bytes = base64 === null ? null : new Uint8Array(Buffer.from(base64, 'base64'));
    const result = converter.toConnectData('topic', bytes);
    return { schema: describeSchema(result.schema), value: describeValue(result.schema, result.value) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

function ourResult(c: OracleCase): OracleResult {
  const result: OracleResult = { id: c.id };
  const converter = new JsonConverter();
  try {
    converter.configure(c.config ?? {}, c.isKey ?? false);
  } catch (e) {
    result.configure = { error: errorText(e) };
    return result;
  }
  if (c.write) {
    try {
      const schema = schemaFromSpec(c.write.schema);
      const bytes = converter.fromConnectData('topic', schema, valueFromSpec(schema, c.write.value));
      result.write = { bytes: bytes === null ? null : Buffer.from(bytes).toString('base64') };
    } catch (e) {
      result.write = { error: errorText(e) };
    }
  }
  if (c.read !== undefined) result.read = ourRead(converter, c.read);
  return result;
}

const decode = (r: OracleResult['write']): unknown =>
  r && 'bytes' in r && r.bytes !== null ? Buffer.from(r.bytes, 'base64').toString('utf8') : r;

test('the corpus is large enough to mean something', () => {
  expect(JSON_CORPUS.length).toBeGreaterThanOrEqual(40);
  expect(oracle.size).toBe(JSON_CORPUS.length);
});

test.each(JSON_CORPUS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const apache = oracle.get(c.id);
  expect(apache).toBeDefined();
  const ours = ourResult(c);
  expect(ours.configure).toEqual(apache?.configure);
  // Compare the text first for a readable diff, then the exact bytes.
  expect(decode(ours.write)).toEqual(decode(apache?.write));
  expect(ours.write).toEqual(apache?.write);
  if (apache?.readBack) {
    const converter = new JsonConverter();
    converter.configure(c.config ?? {}, c.isKey ?? false);
    const bytes = apache.write && 'bytes' in apache.write ? apache.write.bytes : null;
    expect(normalize(ourRead(converter, bytes))).toEqual(normalize(apache.readBack));
  }
  expect(normalize(ours.read)).toEqual(normalize(apache?.read));
});
