/**
 * Differential test of the built-in transformations and predicates against Apache's own connect-transforms
 * 4.3.1 (test/java/TransformsOracle.java, one JVM for the whole corpus): the same validation errors, the same
 * configure failures, and per record the same output (topic, partition, key, value, both schemas, timestamp,
 * headers), the same drop / predicate answer, or the same error message.
 */
import type { ConfigDef } from '../../lib/connect/config-def';
import type { ConnectRecord, Header, SinkRecord } from '../../lib/connect/records';
import type { Schema } from '../../lib/connect/schema-types';
import { BUILTIN_PREDICATES, BUILTIN_TRANSFORMATIONS } from '../../lib/transforms';
import { describeSchema, describeValue, normalize, schemaFromSpec, valueFromSpec } from '../converters/support/spec';
import { TRANSFORMS_CORPUS } from './support/transforms-corpus';
import {
  type DescribedRecord,
  type RecordResult,
  type RecordSpec,
  type TransformResult,
  runTransformsOracle,
} from './support/transforms-oracle';

let apache: Map<string, TransformResult>;

beforeAll(() => {
  apache = runTransformsOracle(TRANSFORMS_CORPUS);
});

interface Plugin {
  config(): ConfigDef;
  configure(props: Record<string, string>): void;
  apply?(record: ConnectRecord): ConnectRecord | null;
  test?(record: ConnectRecord): boolean;
}

const PLUGINS = new Map<string, new () => Plugin>(
  [...BUILTIN_TRANSFORMATIONS, ...BUILTIN_PREDICATES].map((cls) => [cls.className, cls as unknown as new () => Plugin]),
);

function toRecord(spec: RecordSpec): ConnectRecord {
  const keySchema = schemaFromSpec(spec.keySchema);
  const valueSchema = schemaFromSpec(spec.valueSchema);
  const headers: Header[] = (spec.headers ?? []).map(([key, hs, hv]) => {
    const schema = schemaFromSpec(hs);
    return { key, schema, value: valueFromSpec(schema, hv) };
  });
  const record: ConnectRecord = {
    topic: spec.topic,
    kafkaPartition: spec.partition ?? null,
    keySchema,
    key: valueFromSpec(keySchema, spec.key ?? null),
    valueSchema,
    value: valueFromSpec(valueSchema, spec.value ?? null),
    timestamp: spec.timestamp ?? null,
    headers,
  };
  if (spec.offset === undefined) return { ...record, sourcePartition: null, sourceOffset: null } as ConnectRecord;
  const sink: SinkRecord = {
    ...record,
    kafkaPartition: spec.partition ?? 0,
    kafkaOffset: spec.offset,
    timestampType: 'CreateTime',
    originalTopic: spec.topic,
    originalKafkaPartition: spec.partition ?? 0,
    originalKafkaOffset: spec.offset,
  };
  return sink;
}

const describeRecord = (r: ConnectRecord): DescribedRecord => ({
  topic: r.topic,
  partition: r.kafkaPartition,
  keySchema: describeSchema(r.keySchema),
  key: describeValue(r.keySchema, r.key),
  valueSchema: describeSchema(r.valueSchema),
  value: describeValue(r.valueSchema, r.value),
  timestamp: r.timestamp === null ? null : String(r.timestamp),
  headers: r.headers.map((h) => [h.key, describeSchema(h.schema as Schema | null), describeValue(h.schema, h.value)]),
});

/** Apache's exception class names are Java's; compare messages. */
const message = (e: unknown): string => (e as Error).message;
const withoutClass = (r: { error: string } | undefined): unknown => (r ? { error: r.error.replace(/^\w+: /, '') } : r);

/**
 * Apache's schemaless floats keep Java's Float/Double class, JavaScript numbers do not: a float32 compares by its
 * float value. Integer widths are already merged by `normalize`; schemas are compared strictly.
 */
function loose(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(loose);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  if ((o.t === 'float32' || o.t === 'float64') && typeof o.v === 'string') {
    return { t: 'float', v: String(Math.fround(Number(o.v))) };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, loose(v)]));
}

const comparable = (x: unknown): unknown => loose(normalize(x));

test('every case ran through Apache', () => {
  expect(apache.size).toBe(TRANSFORMS_CORPUS.length);
});

test('the corpus covers the 26 transformations and 3 predicates', () => {
  const classes = new Set(TRANSFORMS_CORPUS.map((c) => c.class));
  expect(BUILTIN_TRANSFORMATIONS).toHaveLength(26);
  expect(BUILTIN_PREDICATES).toHaveLength(3);
  for (const cls of PLUGINS.keys()) expect(classes).toContain(cls);
});

test.each(TRANSFORMS_CORPUS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const expected = apache.get(c.id);
  expect(expected).toBeDefined();
  const Cls = PLUGINS.get(c.class);
  if (Cls === undefined) throw new Error(`no built-in ${c.class}`);
  const plugin = new Cls();
  if (c.validate) {
    const errors: Record<string, string[]> = {};
    for (const v of plugin.config().validate(c.config))
      if (v.errorMessages.length > 0) errors[v.name] = v.errorMessages;
    expect(errors).toEqual(expected?.validate ?? {});
  }
  try {
    plugin.configure(c.config);
  } catch (e) {
    expect({ error: message(e) }).toEqual(withoutClass(expected?.configure));
    return;
  }
  expect(expected?.configure).toBeUndefined();
  const ours: RecordResult[] = c.records.map((spec) => {
    try {
      const record = toRecord(spec);
      if (c.predicate) return { test: plugin.test?.(record) ?? false };
      const out = plugin.apply?.(record) ?? null;
      return out === null ? { dropped: true } : { record: describeRecord(out) };
    } catch (e) {
      return { error: message(e) };
    }
  });
  const theirs = (expected?.results ?? []).map((r) => ('error' in r ? withoutClass(r) : r));
  expect(comparable(ours)).toEqual(comparable(theirs));
});
