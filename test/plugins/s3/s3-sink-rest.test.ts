/**
 * A Confluent S3 sink config through the REST API (Lambda handler, in-memory stores): validated under Confluent's
 * class name, errors on the key as Apache reports them, and created as is.
 */
import { createTestApi, viaLambdaV1 } from '../../rest/harness';

const CONFLUENT = 'io.confluent.connect.s3.S3SinkConnector';
const config = {
  'connector.class': CONFLUENT,
  name: 's3-orders',
  'tasks.max': '2',
  topics: 'orders',
  's3.bucket.name': 'lake',
  's3.region': 'eu-west-1',
  'flush.size': '1000',
  'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
  'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
  'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
  'path.format': "'year'=YYYY/'month'=MM/'day'=dd",
  'partition.duration.ms': '86400000',
  locale: 'en_US',
  timezone: 'UTC',
  'schema.compatibility': 'NONE',
};

interface Validation {
  error_count: number;
  configs: { value: { name: string; errors: string[] } }[];
}

it("validates and creates a Confluent S3 sink config under Confluent's class name", async () => {
  const call = viaLambdaV1((await createTestApi()).composition);
  const ok = await call('PUT', `/connector-plugins/${CONFLUENT}/config/validate`, { body: config });
  expect(ok.status).toBe(200);
  expect((ok.body as Validation).configs.filter((c) => c.value.errors.length > 0)).toEqual([]);

  const bad = await call('PUT', `/connector-plugins/${CONFLUENT}/config/validate`, {
    body: { ...config, 'path.format': "'year'=YYYY/'x'=bb", 'store.kafka.headers': 'true' },
  });
  const errors = (bad.body as Validation).configs.filter((c) => c.value.errors.length > 0);
  expect(errors.map((c) => [c.value.name, c.value.errors])).toEqual([
    [
      'store.kafka.headers',
      [
        'Invalid value true for configuration store.kafka.headers: Storing Kafka headers in separate files is not supported',
      ],
    ],
    ['path.format', ["Invalid value 'year'=YYYY/'x'=bb for configuration path.format: Illegal pattern component: b"]],
  ]);

  const created = await call('POST', '/connectors', { body: { name: 's3-orders', config } });
  expect(created.status).toBe(201);
});
