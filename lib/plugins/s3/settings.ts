/**
 * The S3 sink's parsed config: the format, partitioner, writer settings and store config built from the keys. Shared
 * by the connector (which checks it in start(), so a bad combination fails the connector with the key's name) and
 * the task.
 */
import { AbstractConfig } from '../../connect/config-def';
import type { Password } from '../../connect/config-def';
import type { ConnectorConfigMap } from '../../connect/connector';
import { ConfigException } from '../../connect/errors';
import type { S3ObjectStoreConfig } from '../../adapters/s3/s3-object-store';
import * as K from './config';
import { AvroFormat } from './formats/avro-format';
import type { AvroCodec } from './formats/avro-format';
import { ByteArrayFormat } from './formats/byte-array-format';
import { JsonFormat } from './formats/json-format';
import { ParquetFormat } from './formats/parquet-format';
import type { ParquetCodec } from './formats/parquet-format';
import type { Format } from './formats/record-writer';
import { partitionerProblems } from './partitioner';
import type { PartitionerSettings } from './partitioner';
import type { WriterSettings } from './topic-partition-writer';

export interface S3SinkSettings {
  readonly format: Format;
  readonly partitioner: PartitionerSettings;
  readonly writer: WriterSettings;
  readonly store: S3ObjectStoreConfig;
  readonly retryBackoffMs: number;
}

const secret = (p: Password | null): string => p?.value ?? '';

export function parseS3SinkSettings(props: ConnectorConfigMap): S3SinkSettings {
  const c = new AbstractConfig(K.s3SinkConfigDef(), props);
  const str = (k: string): string => c.getString(k) ?? '';
  const num = (k: string): number => Number(c.get(k));
  const gzip = str(K.COMPRESSION_TYPE) === 'gzip';
  const compression = { gzip, level: num(K.COMPRESSION_LEVEL) };
  const kind = K.FORMAT_CLASSES[str(K.FORMAT_CLASS)] ?? 'json';
  if (gzip && (kind === 'avro' || kind === 'parquet')) {
    throw new ConfigException(
      K.COMPRESSION_TYPE,
      'gzip',
      `Invalid value gzip for configuration ${K.COMPRESSION_TYPE}: gzip applies to JsonFormat and ByteArrayFormat; use avro.codec or parquet.codec`,
    );
  }
  let format: Format;
  switch (kind) {
    case 'json':
      format = new JsonFormat(str(K.JSON_DECIMAL_FORMAT), compression);
      break;
    case 'bytearray':
      format = new ByteArrayFormat(str(K.BYTEARRAY_EXTENSION), c.getString(K.BYTEARRAY_SEPARATOR) ?? '\n', compression);
      break;
    case 'avro':
      format = new AvroFormat(
        str(K.AVRO_CODEC) as AvroCodec,
        c.getBoolean(K.CONNECT_META_DATA) ?? true,
        num(K.SCHEMA_CACHE_SIZE),
      );
      break;
    case 'parquet':
      format = new ParquetFormat(str(K.PARQUET_CODEC) as ParquetCodec);
      break;
  }
  const partitioner: PartitionerSettings = {
    kind: K.PARTITIONER_CLASSES[str(K.PARTITIONER_CLASS)] ?? 'default',
    fieldNames: c.getList(K.PARTITION_FIELD_NAME) ?? [],
    durationMs: num(K.PARTITION_DURATION_MS),
    pathFormat: str(K.PATH_FORMAT),
    locale: str(K.LOCALE),
    timezone: str(K.TIMEZONE),
    extractor: K.TIMESTAMP_EXTRACTORS[str(K.TIMESTAMP_EXTRACTOR)] ?? 'Wallclock',
    timestampField: str(K.TIMESTAMP_FIELD),
    directoryDelim: str(K.DIRECTORY_DELIM),
  };
  const problem = partitionerProblems(partitioner)[0];
  if (problem) {
    throw new ConfigException(
      problem.key,
      props[problem.key] ?? '',
      `Invalid value for configuration ${problem.key}: ${problem.message}`,
    );
  }
  const rotateScheduleIntervalMs = num(K.ROTATE_SCHEDULE_INTERVAL_MS);
  if (rotateScheduleIntervalMs > 0 && partitioner.timezone === '') {
    throw new ConfigException(
      K.TIMEZONE,
      '',
      `Invalid value for configuration ${K.TIMEZONE}: rotate.schedule.interval.ms needs timezone to be set`,
    );
  }
  const tagPairs = Object.fromEntries(
    (c.getList(K.OBJECT_TAGGING_EXTRA) ?? []).map((pair) => {
      const i = pair.indexOf(':');
      return [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
    }),
  );
  const accessKeyId = str(K.AWS_ACCESS_KEY_ID);
  const sseAlgorithm = str(K.SSEA_NAME);
  const sseCustomerKey = secret(c.getPassword(K.SSE_CUSTOMER_KEY));
  const kmsKeyId = str(K.SSE_KMS_KEY_ID);
  const storeUrl = str(K.STORE_URL);
  const acl = c.getString(K.ACL_CANNED);
  const writer: WriterSettings = {
    topicsDir: str(K.TOPICS_DIR),
    directoryDelim: str(K.DIRECTORY_DELIM),
    fileDelim: str(K.FILE_DELIM),
    zeroPadWidth: num(K.ZERO_PAD_WIDTH),
    flushSize: num(K.FLUSH_SIZE),
    rotateIntervalMs: num(K.ROTATE_INTERVAL_MS),
    rotateScheduleIntervalMs,
    rotateOnPartitionChange: c.getBoolean(K.ROTATE_ON_PARTITION_CHANGE) ?? true,
    timezone: partitioner.timezone,
    schemaCompatibility: str(K.SCHEMA_COMPATIBILITY) as 'NONE' | 'BACKWARD',
    nullValues: str(K.BEHAVIOR_ON_NULL_VALUES).toLowerCase() as 'fail' | 'ignore',
    partSize: num(K.PART_SIZE),
    maxOpenFiles: num(K.PARTITIONER_MAX_OPEN_FILES),
    tagging: c.getBoolean(K.OBJECT_TAGGING)
      ? { extra: tagPairs, failOnError: str(K.OBJECT_TAGGING_ON_ERROR).toLowerCase() === 'fail' }
      : null,
    cleanUncommittedTail: rotateScheduleIntervalMs > 0 && (c.getBoolean(K.CONDITIONAL_WRITES) ?? true),
  };
  const store: S3ObjectStoreConfig = {
    bucket: str(K.S3_BUCKET),
    region: str(K.S3_REGION),
    ...(storeUrl ? { endpoint: storeUrl } : {}),
    forcePathStyle: c.getBoolean(K.PATH_STYLE_ACCESS) ?? true,
    accelerate: c.getBoolean(K.WAN_MODE) ?? false,
    ...(accessKeyId
      ? { credentials: { accessKeyId, secretAccessKey: secret(c.getPassword(K.AWS_SECRET_ACCESS_KEY)) } }
      : {}),
    retries: num(K.PART_RETRIES),
    retryBackoffMs: num(K.S3_RETRY_BACKOFF_MS),
    ...(sseAlgorithm ? { serverSideEncryption: { algorithm: sseAlgorithm, ...(kmsKeyId ? { kmsKeyId } : {}) } } : {}),
    ...(sseCustomerKey ? { sseCustomerKey } : {}),
    ...(acl ? { cannedAcl: acl } : {}),
  };
  return { format, partitioner, writer, store, retryBackoffMs: num(K.RETRY_BACKOFF_MS) };
}
