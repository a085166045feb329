/** Shared helpers of the S3 sink tests: a bucket in moto, the sink's objects, and the independent Python readers. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../../lib/adapters/s3/s3-object-store';
import { servicePaths } from '../../services/paths';
import { uniqueName } from '../../services/env';

export const motoEndpoint = (): string => {
  const endpoint = process.env['MOTO_ENDPOINT'];
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: run with SKC_SERVICES including moto');
  return endpoint;
};

export async function createBucket(): Promise<string> {
  const bucket = uniqueName('s3sink')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63);
  const client = new S3Client({
    endpoint: motoEndpoint(),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return bucket;
}

export const storeFor = (bucket: string): S3ObjectStore =>
  new S3ObjectStore({
    bucket,
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retries: 2,
    retryBackoffMs: 50,
  });

/** The connector config every test starts from: moto as `store.url`, static test credentials. */
export const baseConfig = (bucket: string): Record<string, string> => ({
  's3.bucket.name': bucket,
  's3.region': 'us-east-1',
  'store.url': motoEndpoint(),
  'aws.access.key.id': 'test',
  'aws.secret.access.key': 'test',
  'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
  'flush.size': '3',
});

export interface ReadBack {
  records: unknown[];
  meta: Record<string, unknown>;
}

/** Download `keys` and read them with pyarrow (parquet) or fastavro (avro) from the project's venv. */
export async function readWithPython(
  store: S3ObjectStore,
  kind: 'parquet' | 'avro',
  keys: readonly string[],
): Promise<Record<string, ReadBack>> {
  const dir = mkdtempSync(join(tmpdir(), 's3-read-'));
  const files: string[] = [];
  for (const [i, key] of keys.entries()) {
    const file = join(dir, `${i}.${kind}`);
    writeFileSync(file, await store.get(key));
    files.push(file);
  }
  const python = join(servicePaths().venvDir, 'bin', 'python');
  const out = execFileSync(python, [join(__dirname, 'read_objects.py'), kind, ...files], { encoding: 'utf8' });
  const byFile = JSON.parse(out) as Record<string, ReadBack>;
  return Object.fromEntries(keys.map((key, i) => [key, byFile[files[i] as string] as ReadBack]));
}
