/**
 * Differential test of SimpleHeaderConverter, StringConverter, ByteArrayConverter and the number converters
 * against Apache's (test/java oracle, run once): same bytes written, same values read, same error messages.
 */
import type { Converter, HeaderConverter, SchemaAndValue } from '../../lib/connect/converter';
import { createBuiltinConverter } from '../../lib/converters';
import { OTHER_CORPUS } from './support/other-corpus';
import { runOracle } from './support/oracle';
import type { OracleCase, OracleResult, ReadResult } from './support/oracle';
import { describeSchema, describeValue, normalize, schemaFromSpec, valueFromSpec } from './support/spec';

let oracle: Map<string, OracleResult>;

beforeAll(() => {
  oracle = runOracle(OTHER_CORPUS).results;
});

/** Apache's class names differ where Kafka's clients throw their own exceptions; compare messages. */
const errorText = (e: unknown): string => (e as Error).message;
const messageOf = (r: { error: string } | undefined): unknown => (r ? { error: r.error.replace(/^\w+: /, '') } : r);
const withoutClass = <T extends object>(r: T | undefined): unknown =>
  r && 'error' in r ? messageOf(r as { error: string }) : r;

interface Subject {
  write(schema: ReturnType<typeof schemaFromSpec>, value: unknown): Uint8Array | null;
  read(bytes: Uint8Array | null): SchemaAndValue;
}

function subject(c: OracleCase): Subject {
  const className =
    c.converter === 'simple-header' ? 'org.apache.kafka.connect.storage.SimpleHeaderConverter' : (c.converter ?? '');
  const instance = createBuiltinConverter(className);
  if (!instance) throw new Error(`no built-in converter ${className}`);
  if (c.converter === 'simple-header' || c.header) {
    const h = instance as HeaderConverter;
    h.configure(c.config ?? {});
    return {
      write: (s, v) => h.fromConnectHeader('topic', 'h', s, v),
      read: (b) => h.toConnectHeader('topic', 'h', b),
    };
  }
  const k = instance as Converter;
  k.configure(c.config ?? {}, c.isKey ?? false);
  return { write: (s, v) => k.fromConnectData('topic', s, v), read: (b) => k.toConnectData('topic', b) };
}

function ourRead(sub: Subject, base64: string | null): ReadResult {
  try {
    const result = sub.read(base64 === null ? null : new Uint8Array(Buffer.from(base64, 'base64')));
    return { schema: describeSchema(result.schema), value: describeValue(result.schema, result.value) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

test('every case ran through Apache', () => {
  expect(oracle.size).toBe(OTHER_CORPUS.length);
});

test.each(OTHER_CORPUS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const apache = oracle.get(c.id);
  expect(apache).toBeDefined();
  let sub: Subject;
  try {
    sub = subject(c);
  } catch (e) {
    expect({ error: errorText(e) }).toEqual(messageOf(apache?.configure));
    return;
  }
  expect(apache?.configure).toBeUndefined();
  if (c.write) {
    let ours: OracleResult['write'];
    try {
      const schema = schemaFromSpec(c.write.schema);
      const bytes = sub.write(schema, valueFromSpec(schema, c.write.value));
      ours = { bytes: bytes === null ? null : Buffer.from(bytes).toString('base64') };
    } catch (e) {
      ours = { error: errorText(e) };
    }
    expect(ours).toEqual(withoutClass(apache?.write));
    if (apache?.readBack) {
      const bytes = apache.write && 'bytes' in apache.write ? apache.write.bytes : null;
      expect(normalize(withoutClass(ourRead(sub, bytes)))).toEqual(normalize(withoutClass(apache.readBack)));
    }
  }
  if (c.read !== undefined) {
    expect(normalize(withoutClass(ourRead(sub, c.read)))).toEqual(normalize(withoutClass(apache?.read)));
  }
});
