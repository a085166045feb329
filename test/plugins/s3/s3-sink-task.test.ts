/**
 * The S3 sink task against moto's S3: object layout and names, formats read back by independent readers (plain
 * gunzip/JSON, fastavro, pyarrow), partitioners, rotation rules, committable offsets, schema evolution, bad input.
 * Run: SKC_SERVICES=moto npm test -- test/plugins/s3
 */
import { gunzipSync } from 'node:zlib';
import type { SinkTaskContext } from '../../../lib/connect/connector';
import type { OffsetAndMetadata, SinkRecord } from '../../../lib/connect/records';
import { SchemaBuilder, Schemas } from '../../../lib/connect/schema';
import type { Schema } from '../../../lib/connect/schema-types';
import { Struct } from '../../../lib/connect/struct';
import { Timestamp } from '../../../lib/connect/logical-types';
import { PluginRegistry } from '../../../lib/plugins/registry';
import { S3SinkConnector } from '../../../lib/plugins/s3/s3-sink-connector';
import { S3SinkTask } from '../../../lib/plugins/s3/s3-sink-task';
import { createPartitioner } from '../../../lib/plugins/s3/partitioner';
import { parseS3SinkSettings } from '../../../lib/plugins/s3/settings';
import { TopicPartitionWriter } from '../../../lib/plugins/s3/topic-partition-writer';
import { requireServices } from '../../services/env';
import { baseConfig, createBucket, readWithPython, storeFor } from './helpers';

requireServices('moto');

const TOPIC = 'orders';

const record = (offset: number, value: unknown, extra: Partial<SinkRecord> = {}): SinkRecord => ({
  topic: TOPIC,
  kafkaPartition: 0,
  keySchema: null,
  key: null,
  valueSchema: null,
  value,
  timestamp: 1_700_000_000_000 + offset * 1000,
  headers: [],
  kafkaOffset: offset,
  timestampType: 'CreateTime',
  originalTopic: TOPIC,
  originalKafkaPartition: 0,
  originalKafkaOffset: offset,
  ...extra,
});

const orderSchema = (version?: number): Schema => {
  let b = SchemaBuilder.struct()
    .name('com.example.Order')
    .field('id', Schemas.INT64_SCHEMA)
    .field('customer', Schemas.STRING_SCHEMA)
    .field('amount', Schemas.FLOAT64_SCHEMA)
    .field('note', Schemas.OPTIONAL_STRING_SCHEMA)
    .field('at', Timestamp.SCHEMA)
    .field('tags', SchemaBuilder.array(Schemas.STRING_SCHEMA).build());
  if (version !== undefined) b = b.version(version);
  return b.build();
};

const order = (schema: Schema, id: number): Struct =>
  new Struct(schema)
    .put('id', id)
    .put('customer', `c${id % 3}`)
    .put('amount', id * 1.5)
    .put('note', id % 2 === 0 ? null : `n${id}`)
    .put('at', new Date(1_700_000_000_000 + id))
    .put('tags', [`t${id}`, 'x']);

async function startTask(config: Record<string, string>): Promise<{ task: S3SinkTask; timeouts: number[] }> {
  const task = new S3SinkTask();
  const timeouts: number[] = [];
  const context: SinkTaskContext = {
    configs: () => config,
    offset: () => undefined,
    timeout: (ms) => timeouts.push(ms),
    assignment: () => [],
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => undefined,
  };
  task.initialize(context);
  await task.start(config);
  task.open([{ topic: TOPIC, partition: 0 }]);
  return { task, timeouts };
}

const offsets = (next: number): Map<string, OffsetAndMetadata> => new Map([[`${TOPIC}-0`, { offset: next }]]);

describe('S3 sink task on moto', () => {
  let bucket: string;
  beforeEach(async () => {
    bucket = await createBucket();
  });

  it("writes JSON lines under Confluent's layout, commits only what is in S3", async () => {
    const { task } = await startTask(baseConfig(bucket));
    await task.put([0, 1, 2, 3, 4].map((i) => record(i, { id: i, name: `n${i}` })));
    // 0..2 are an object; 3..4 are buffered: the committable offset is 3, not 5.
    expect((await task.preCommit(offsets(5))).get(`${TOPIC}-0`)).toEqual({ offset: 3 });
    await task.put([record(5, { id: 5, name: 'n5' })]);
    expect((await task.preCommit(offsets(6))).get(`${TOPIC}-0`)).toEqual({ offset: 6 });
    const store = storeFor(bucket);
    const keys = await store.list('');
    expect(keys).toEqual([
      'topics/orders/partition=0/orders+0+0000000000.json',
      'topics/orders/partition=0/orders+0+0000000003.json',
    ]);
    const text = Buffer.from(await store.get(keys[1] as string)).toString('utf8');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: 3, name: 'n3' },
      { id: 4, name: 'n4' },
      { id: 5, name: 'n5' },
    ]);
    await task.stop();
  });

  it('gzips JSON (.json.gz), pads with filename.offset.zero.pad.width, honours topics.dir', async () => {
    const { task } = await startTask({
      ...baseConfig(bucket),
      's3.compression.type': 'gzip',
      'filename.offset.zero.pad.width': '4',
      'topics.dir': 'data/raw',
      'flush.size': '2',
    });
    await task.put([record(7, 'a'), record(8, { b: [1, 2] })]);
    const store = storeFor(bucket);
    const [key] = await store.list('');
    expect(key).toBe('data/raw/orders/partition=0/orders+0+0007.json.gz');
    const lines = gunzipSync(await store.get(key as string)).toString('utf8');
    expect(lines).toBe('"a"\n{"b":[1,2]}\n');
    await task.stop();
  });

  it('redelivery after a failure writes nothing twice; a replay from the committed offset rewrites the same bytes', async () => {
    const config = baseConfig(bucket);
    const first = await startTask(config);
    const batch = [0, 1, 2, 3].map((i) => record(i, { i }));
    await first.task.put(batch);
    await first.task.put(batch); // the runtime redelivers a batch after a retriable error
    expect((await first.task.preCommit(offsets(4))).get(`${TOPIC}-0`)).toEqual({ offset: 3 });
    const store = storeFor(bucket);
    const before = await store.get('topics/orders/partition=0/orders+0+0000000000.json');
    await first.task.stop();
    // A new task replays from 0 (as if the offset commit had been lost): same name, same content.
    const second = await startTask(config);
    await second.task.put(batch);
    expect(Buffer.from(await store.get('topics/orders/partition=0/orders+0+0000000000.json'))).toEqual(
      Buffer.from(before),
    );
    expect(await store.list('')).toHaveLength(1);
    await second.task.stop();
  });

  it('writes Avro container files that fastavro reads back (schema, codec, values)', async () => {
    const schema = orderSchema();
    const { task } = await startTask({
      ...baseConfig(bucket),
      'format.class': 'io.confluent.connect.s3.format.avro.AvroFormat',
      'avro.codec': 'snappy',
      'flush.size': '3',
    });
    await task.put([1, 2, 3].map((i) => record(i, order(schema, i), { valueSchema: schema })));
    const store = storeFor(bucket);
    const keys = await store.list('');
    expect(keys).toEqual(['topics/orders/partition=0/orders+0+0000000001.avro']);
    const read = (await readWithPython(store, 'avro', keys))[keys[0] as string];
    expect(read?.meta['codec']).toBe('snappy');
    expect(read?.records).toEqual(
      [1, 2, 3].map((id) => ({
        id,
        customer: `c${id % 3}`,
        amount: id * 1.5,
        note: id % 2 === 0 ? null : `n${id}`,
        at: { $timestamp: 1_700_000_000_000 + id },
        tags: [`t${id}`, 'x'],
      })),
    );
    await task.stop();
  });

  it.each([
    ['snappy', '.snappy.parquet', 'SNAPPY'],
    ['zstd', '.zstd.parquet', 'ZSTD'],
  ])('writes Parquet (%s) that pyarrow reads back', async (codec, extension, pyCodec) => {
    const schema = orderSchema();
    const { task } = await startTask({
      ...baseConfig(bucket),
      'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
      'parquet.codec': codec,
      'flush.size': '4',
    });
    await task.put([10, 11, 12, 13].map((i) => record(i, order(schema, i), { valueSchema: schema })));
    const store = storeFor(bucket);
    const keys = await store.list('');
    expect(keys).toEqual([`topics/orders/partition=0/orders+0+0000000010${extension}`]);
    const read = (await readWithPython(store, 'parquet', keys))[keys[0] as string];
    expect(read?.meta['codecs']).toEqual([pyCodec]);
    expect(read?.records).toEqual(
      [10, 11, 12, 13].map((id) => ({
        id,
        customer: `c${id % 3}`,
        amount: id * 1.5,
        note: id % 2 === 0 ? null : `n${id}`,
        at: { $timestamp: 1_700_000_000_000 + id },
        tags: [`t${id}`, 'x'],
      })),
    );
    await task.stop();
  });

  it('field partitioner: one object per field value; a record without the field fails with a clear message', async () => {
    const { task } = await startTask({
      ...baseConfig(bucket),
      'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'region',
      'flush.size': '3',
    });
    await task.put([
      record(0, { region: 'eu', v: 0 }),
      record(1, { region: 'us', v: 1 }),
      record(2, { region: 'eu', v: 2 }),
    ]);
    expect(await storeFor(bucket).list('')).toEqual([
      'topics/orders/region=eu/orders+0+0000000000.json',
      'topics/orders/region=us/orders+0+0000000001.json',
    ]);
    await expect(task.put([record(3, { v: 3 })])).rejects.toThrow(
      "Record has no field 'region' to partition by (partition.field.name, topic 'orders', partition 0, offset 3)",
    );
    // The runtime does not advance past a failed put(): what it consumed up to the failed record is all in S3.
    expect((await task.preCommit(offsets(3))).get(`${TOPIC}-0`)).toEqual({ offset: 3 });
    await task.stop();
  });

  it('time-based partitioner: path.format in the timezone, rotate.interval.ms on record time', async () => {
    const { task } = await startTask({
      ...baseConfig(bucket),
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
      'path.format': "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
      'partition.duration.ms': '3600000',
      locale: 'en_US',
      timezone: 'Asia/Kolkata',
      'timestamp.extractor': 'Record',
      'rotate.interval.ms': '60000',
      'flush.size': '1000',
    });
    const t0 = Date.UTC(2026, 0, 31, 18, 29, 0); // 23:59 in Kolkata (UTC+5:30)
    await task.put([
      record(0, 'a', { timestamp: t0 }),
      record(1, 'b', { timestamp: t0 + 30_000 }),
      record(2, 'c', { timestamp: t0 + 61_000 }), // next hour in Kolkata: another partition, and 61 s > rotate.interval.ms
      record(3, 'd', { timestamp: t0 + 200_000 }), // > 60 s after the base of the open file: rotates it
    ]);
    expect(await storeFor(bucket).list('')).toEqual([
      'topics/orders/year=2026/month=01/day=31/hour=23/orders+0+0000000000.json',
      'topics/orders/year=2026/month=02/day=01/hour=00/orders+0+0000000002.json',
    ]);
    expect((await task.preCommit(offsets(4))).get(`${TOPIC}-0`)).toEqual({ offset: 3 });
    await task.stop();
  });

  it('schema.compatibility NONE rotates on a schema change; BACKWARD projects an older version', async () => {
    const v1 = SchemaBuilder.struct().name('S').version(1).field('a', Schemas.INT32_SCHEMA).build();
    const v2 = SchemaBuilder.struct()
      .name('S')
      .version(2)
      .field('a', Schemas.INT32_SCHEMA)
      .field('b', SchemaBuilder.string().optional().defaultValue('dflt').build())
      .build();
    const s1 = (a: number): Struct => new Struct(v1).put('a', a);
    const s2 = (a: number): Struct => new Struct(v2).put('a', a).put('b', `b${a}`);
    const none = await startTask({ ...baseConfig(bucket), 'format.class': 'AvroFormat', 'flush.size': '10' });
    await none.task.put([record(0, s1(0), { valueSchema: v1 }), record(1, s2(1), { valueSchema: v2 })]);
    expect(await storeFor(bucket).list('')).toEqual(['topics/orders/partition=0/orders+0+0000000000.avro']);
    await none.task.stop();

    const other = await createBucket();
    const backward = await startTask({
      ...baseConfig(other),
      'format.class': 'AvroFormat',
      'schema.compatibility': 'BACKWARD',
      'flush.size': '3',
    });
    await backward.task.put([
      record(0, s2(0), { valueSchema: v2 }),
      record(1, s1(1), { valueSchema: v1 }),
      record(2, s2(2), { valueSchema: v2 }),
    ]);
    const store = storeFor(other);
    const keys = await store.list('');
    expect(keys).toEqual(['topics/orders/partition=0/orders+0+0000000000.avro']);
    expect((await readWithPython(store, 'avro', keys))[keys[0] as string]?.records).toEqual([
      { a: 0, b: 'b0' },
      { a: 1, b: 'dflt' },
      { a: 2, b: 'b2' },
    ]);
    await backward.task.stop();
  });

  it('ByteArrayFormat writes raw bytes + separator; DailyPartitioner with the RecordField extractor', async () => {
    const { task } = await startTask({
      ...baseConfig(bucket),
      'format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
      'format.bytearray.separator': '|',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.DailyPartitioner',
      locale: 'en',
      timezone: 'UTC',
      'timestamp.extractor': 'RecordField',
      'timestamp.field': 'meta.ts',
      'flush.size': '2',
    });
    // RecordField reads the value: a bytes value has no field, so the time cannot be found (a clear failure).
    await expect(task.put([record(0, Buffer.from('raw-0'))])).rejects.toThrow(
      "Timestamp field 'meta.ts' is missing (topic 'orders', partition 0, offset 0)",
    );
    await task.stop();
    const other = await createBucket();
    const daily = await startTask({
      ...baseConfig(other),
      'format.class': 'ByteArrayFormat',
      'format.bytearray.separator': '|',
      'partitioner.class': 'DailyPartitioner',
      locale: 'en',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
      'flush.size': '2',
    });
    await daily.task.put([
      record(0, Buffer.from('raw-0'), { timestamp: Date.UTC(2026, 2, 1, 23, 59) }),
      record(1, Buffer.from('raw-1'), { timestamp: Date.UTC(2026, 2, 1, 23, 59, 30) }),
    ]);
    const store = storeFor(other);
    expect(await store.list('')).toEqual(['topics/orders/year=2026/month=03/day=01/orders+0+0000000000.bin']);
    expect(
      Buffer.from(await store.get('topics/orders/year=2026/month=03/day=01/orders+0+0000000000.bin')).toString(),
    ).toBe('raw-0|raw-1|');
    await daily.task.stop();
  });

  it('null values: fail by default, skipped with behavior.on.null.values=ignore', async () => {
    const failing = await startTask(baseConfig(bucket));
    await expect(failing.task.put([record(0, null)])).rejects.toThrow(
      "Null valued records are not writeable with current behavior.on.null.values 'fail' setting",
    );
    await failing.task.stop();
    const ignoring = await startTask({ ...baseConfig(bucket), 'behavior.on.null.values': 'ignore', 'flush.size': '2' });
    await ignoring.task.put([record(0, null), record(1, 'x'), record(2, 'y')]);
    expect(await storeFor(bucket).list('')).toEqual(['topics/orders/partition=0/orders+0+0000000001.json']);
    await ignoring.task.stop();
  });

  it('a record the format cannot hold fails the put with a clear message; nothing is written', async () => {
    const { task } = await startTask({ ...baseConfig(bucket), 'format.class': 'ParquetFormat' });
    await expect(task.put([record(0, 'not a struct')])).rejects.toThrow(
      'ParquetFormat needs records whose value schema is a struct',
    );
    expect(await storeFor(bucket).list('')).toEqual([]);
    await task.stop();
  });

  it('fails to start on a bucket that does not exist, naming it', async () => {
    await expect(startTask(baseConfig('no-such-bucket-s3sink'))).rejects.toThrow(
      "S3 sink cannot start: S3 bucket 'no-such-bucket-s3sink' does not exist",
    );
  });

  it('aborts a multipart upload a killed task left behind, on the first record of the partition', async () => {
    const store = storeFor(bucket);
    const { CreateMultipartUploadCommand, S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint: baseConfig(bucket)['store.url'] as string,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'topics/orders/partition=0/orders+0+0000000000.json' }),
    );
    client.destroy();
    expect(await store.incompleteUploads('topics/')).toHaveLength(1);
    const { task } = await startTask(baseConfig(bucket));
    await task.put([record(0, 'a')]);
    expect(await store.incompleteUploads('topics/')).toEqual([]);
    await task.stop();
  });

  it('wall-clock rotation: a restarted task deletes the objects written past the committed offset first', async () => {
    const store = storeFor(bucket);
    const config = {
      ...baseConfig(bucket),
      'rotate.schedule.interval.ms': '3600000',
      timezone: 'UTC',
      'flush.size': '2',
    };
    // A killed task had written 0-1 and 2-3 (committed offset 0): a replay may cut other objects, so both go first.
    await store.put('topics/orders/partition=0/orders+0+0000000002.json', [Buffer.from('"stale"\n')], {
      partSize: 5 << 20,
    });
    const { task } = await startTask(config);
    await task.put([record(0, 'a'), record(1, 'b'), record(2, 'c')]);
    expect(await store.list('')).toEqual(['topics/orders/partition=0/orders+0+0000000000.json']);
    await task.stop();
  });
});

describe('wall-clock rotation (rotate.schedule.interval.ms)', () => {
  it('rotates at the local full hour of the timezone, also between batches (preCommit)', async () => {
    const bucket = await createBucket();
    const store = storeFor(bucket);
    const settings = parseS3SinkSettings({
      ...baseConfig(bucket),
      'rotate.schedule.interval.ms': '3600000',
      timezone: 'Asia/Kolkata',
      'flush.size': '1000',
    });
    let now = Date.UTC(2026, 0, 31, 18, 10); // 23:40 in Kolkata: the next local full hour is 18:30 UTC
    const writer = new TopicPartitionWriter(
      { topic: TOPIC, partition: 0 },
      settings.writer,
      settings.format,
      createPartitioner(settings.partitioner),
      store,
      () => undefined,
      () => now,
    );
    await writer.write([record(0, 'a'), record(1, 'b')]);
    now = Date.UTC(2026, 0, 31, 18, 29, 59);
    await writer.rotateIfScheduled();
    expect(await store.list('')).toEqual([]);
    expect(writer.committableOffset(2)).toBe(0);
    now = Date.UTC(2026, 0, 31, 18, 30);
    await writer.rotateIfScheduled();
    expect(await store.list('')).toEqual(['topics/orders/partition=0/orders+0+0000000000.json']);
    expect(writer.committableOffset(2)).toBe(2);
    store.close();
  });
});

describe('S3 sink connector config', () => {
  const errors = (props: Record<string, string>): string[] =>
    new S3SinkConnector()
      .config()
      .validate(props)
      .flatMap((v) => v.errorMessages);
  const valid = { 's3.bucket.name': 'b', 'format.class': 'JsonFormat', 'flush.size': '10' };

  it("is registered with Confluent's class name as an alias", () => {
    const registry = PluginRegistry.withBuiltins();
    expect(registry.resolveClassName('io.confluent.connect.s3.S3SinkConnector')).toBe(S3SinkConnector.className);
    expect(registry.resolveClassName('S3Sink')).toBe(S3SinkConnector.className);
  });

  it('accepts the common config; rejects what it does not implement, on the key', () => {
    expect(errors(valid)).toEqual([]);
    expect(errors({ ...valid, 'path.format': "'year'=YYYY/'q'=qq" })).toEqual([
      "Invalid value 'year'=YYYY/'q'=qq for configuration path.format: Illegal pattern component: q",
    ]);
    expect(errors({ ...valid, 's3.region': 'moon-1' })).toEqual([
      'Invalid value moon-1 for configuration s3.region: Not a valid AWS region name (e.g. us-east-1, eu-west-2)',
    ]);
    expect(errors({ ...valid, 'store.kafka.keys': 'true' })).toEqual([
      'Invalid value true for configuration store.kafka.keys: Storing Kafka keys in separate files is not supported',
    ]);
    expect(errors({ ...valid, 'parquet.codec': 'lz4' })).toEqual([
      'Invalid value lz4 for configuration parquet.codec: Supported Parquet codecs: none, snappy, gzip, zstd (lzo, brotli and lz4 are not)',
    ]);
    expect(errors({ ...valid, 'schema.compatibility': 'FULL' })[0]).toContain('FORWARD and FULL are not');
    expect(errors({ ...valid, 's3.proxy.url': 'http://proxy:3128' })[0]).toContain('Proxies are not supported');
  });

  it('fails the connector on cross-key rules, naming the key', () => {
    expect(() =>
      new S3SinkConnector().start({ ...valid, 'partitioner.class': 'TimeBasedPartitioner', 'path.format': 'YYYY' }),
    ).toThrow('Invalid value for configuration partition.duration.ms: Partition duration needs to be a positive.');
    expect(() =>
      new S3SinkConnector().start({ ...valid, 'format.class': 'AvroFormat', 's3.compression.type': 'gzip' }),
    ).toThrow('gzip applies to JsonFormat and ByteArrayFormat');
  });
});
