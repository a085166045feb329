/**
 * Converter benchmark (run by `npm run bench`, or alone: bundle with esbuild and run with node).
 *
 * Records/s and MB/s of JsonConverter (with and without the schema envelope) on a typical 12-field struct record,
 * each direction, against a `JSON.stringify`/`JSON.parse` baseline of the same payload; plus StringConverter and
 * SimpleHeaderConverter. Target: the envelope costs the task runner well under 20 µs per record each way.
 */
import { BigDecimal } from '../lib/connect/big-decimal';
import type { Converter } from '../lib/connect/converter';
import { Decimal, Timestamp } from '../lib/connect/logical-types';
import { SchemaBuilder, Schemas } from '../lib/connect/schema';
import type { Schema } from '../lib/connect/schema-types';
import { Struct } from '../lib/connect/struct';
import { JsonConverter, SimpleHeaderConverter, StringConverter } from '../lib/converters';

const RECORDS = Number(process.env.BENCH_CONVERTER_RECORDS ?? 100_000);

const address = SchemaBuilder.struct()
  .name('Address')
  .field('city', Schemas.STRING_SCHEMA)
  .field('zip', Schemas.OPTIONAL_STRING_SCHEMA)
  .build();
const schema: Schema = SchemaBuilder.struct()
  .name('com.example.Order')
  .version(1)
  .field('id', Schemas.INT64_SCHEMA)
  .field('customer', Schemas.STRING_SCHEMA)
  .field('email', Schemas.OPTIONAL_STRING_SCHEMA)
  .field('quantity', Schemas.INT32_SCHEMA)
  .field('price', Decimal.schema(2))
  .field('discount', Schemas.OPTIONAL_FLOAT64_SCHEMA)
  .field('paid', Schemas.BOOLEAN_SCHEMA)
  .field('createdAt', Timestamp.SCHEMA)
  .field('tags', SchemaBuilder.array(Schemas.STRING_SCHEMA).build())
  .field('attributes', SchemaBuilder.map(Schemas.STRING_SCHEMA, Schemas.STRING_SCHEMA).build())
  .field('address', address)
  .field('note', Schemas.OPTIONAL_STRING_SCHEMA)
  .build();

function record(i: number): Struct {
  return new Struct(schema)
    .put('id', 1_000_000_000_000 + i)
    .put('customer', `customer-${i % 1000}`)
    .put('email', `user${i}@example.com`)
    .put('quantity', i % 50)
    .put('price', new BigDecimal(BigInt(1999 + i), 2))
    .put('discount', i % 3 === 0 ? 0.15 : null)
    .put('paid', i % 2 === 0)
    .put('createdAt', new Date(1_700_000_000_000 + i))
    .put('tags', ['new', 'priority'])
    .put(
      'attributes',
      new Map([
        ['channel', 'web'],
        ['region', 'eu-west-1'],
      ]),
    )
    .put('address', new Struct(address).put('city', 'Berlin').put('zip', '10115'))
    .put('note', null);
}

interface Result {
  name: string;
  perRecordUs: number;
  recordsPerSec: number;
  mbPerSec: number;
}

function time(name: string, n: number, bytesPerOp: number, op: (i: number) => void): Result {
  for (let i = 0; i < Math.min(n, 5000); i++) op(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) op(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    name,
    perRecordUs: (seconds / n) * 1e6,
    recordsPerSec: n / seconds,
    mbPerSec: (bytesPerOp * n) / seconds / 1e6,
  };
}

function configured(configs: Record<string, string>): Converter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

function main(): void {
  const records = Array.from({ length: 1000 }, (_, i) => record(i));
  const results: Result[] = [];
  for (const [label, configs] of [
    ['json envelope', {}],
    ['json no envelope', { 'schemas.enable': 'false' }],
  ] as const) {
    const converter = configured(configs);
    const sample = converter.fromConnectData('t', schema, records[0]);
    const bytes = records.map((r) => converter.fromConnectData('t', schema, r) as Uint8Array);
    const size = sample?.length ?? 0;
    results.push(
      time(`${label}: fromConnectData`, RECORDS, size, (i) =>
        converter.fromConnectData('t', schema, records[i % 1000]),
      ),
    );
    results.push(
      time(`${label}: toConnectData`, RECORDS, size, (i) => converter.toConnectData('t', bytes[i % 1000] ?? null)),
    );
  }
  const plain = records.map((r) =>
    Buffer.from(
      new TextDecoder().decode(
        configured({ 'schemas.enable': 'false' }).fromConnectData('t', schema, r) ?? new Uint8Array(),
      ),
    ),
  );
  const plainSize = plain[0]?.length ?? 0;
  const objects = plain.map((b) => JSON.parse(b.toString('utf8')) as unknown);
  results.push(
    time('baseline JSON.stringify+utf8 (same payload)', RECORDS, plainSize, (i) =>
      Buffer.from(JSON.stringify(objects[i % 1000])),
    ),
  );
  results.push(
    time('baseline utf8+JSON.parse (same payload)', RECORDS, plainSize, (i) =>
      JSON.parse((plain[i % 1000] as Buffer).toString('utf8')),
    ),
  );

  const strings = new StringConverter();
  strings.configure({}, false);
  const line = utf8('a line of text read by FileStreamSource, around sixty bytes long.');
  results.push(time('string: toConnectData', RECORDS, line.length, () => strings.toConnectData('t', line)));
  const headers = new SimpleHeaderConverter();
  const header = utf8('[1,2,3]');
  results.push(
    time('simple header: toConnectHeader [1,2,3]', RECORDS, header.length, () =>
      headers.toConnectHeader('t', 'h', header),
    ),
  );

  console.log(`converters benchmark, ${RECORDS} records per row, Node ${process.version}`);
  console.table(
    results.map((r) => ({
      case: r.name,
      'µs/record': r.perRecordUs.toFixed(2),
      'records/s': Math.round(r.recordsPerSec).toLocaleString('en-US'),
      'MB/s': r.mbPerSec.toFixed(1),
    })),
  );
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

main();
