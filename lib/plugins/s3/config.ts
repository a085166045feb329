/**
 * The S3 sink's keys: every key of Confluent's S3 sink (`S3SinkConnectorConfig.getConfig()`: its own keys, the
 * storage-common keys and the partitioner keys), with Confluent's names, types and defaults. A key is either honoured
 * or, for the values this connector does not implement, rejected by its validator with a message that says so; no
 * key is accepted and ignored. That is what lets `io.confluent.connect.s3.S3SinkConnector` be an alias of this class.
 */
import { ConfigDef, invalidValue, LambdaValidator, Password, Range, ValidString } from '../../connect/config-def';
import type { Validator } from '../../connect/config-def';
import { parsePathFormat } from './path-format';

export const S3_BUCKET = 's3.bucket.name';
export const S3_REGION = 's3.region';
export const STORE_URL = 'store.url';
export const TOPICS_DIR = 'topics.dir';
export const DIRECTORY_DELIM = 'directory.delim';
export const FILE_DELIM = 'file.delim';
export const STORAGE_CLASS = 'storage.class';
export const FORMAT_CLASS = 'format.class';
export const FLUSH_SIZE = 'flush.size';
export const ROTATE_INTERVAL_MS = 'rotate.interval.ms';
export const ROTATE_SCHEDULE_INTERVAL_MS = 'rotate.schedule.interval.ms';
export const RETRY_BACKOFF_MS = 'retry.backoff.ms';
export const ZERO_PAD_WIDTH = 'filename.offset.zero.pad.width';
export const SCHEMA_CACHE_SIZE = 'schemas.cache.config';
export const ENHANCED_AVRO = 'enhanced.avro.schema.support';
export const CONNECT_META_DATA = 'connect.meta.data';
export const AVRO_CODEC = 'avro.codec';
export const PARQUET_CODEC = 'parquet.codec';
export const ALLOW_OPTIONAL_MAP_KEYS = 'allow.optional.map.keys';
export const SCHEMA_COMPATIBILITY = 'schema.compatibility';
export const PARTITIONER_CLASS = 'partitioner.class';
export const PARTITION_FIELD_NAME = 'partition.field.name';
export const PARTITION_DURATION_MS = 'partition.duration.ms';
export const PATH_FORMAT = 'path.format';
export const LOCALE = 'locale';
export const TIMEZONE = 'timezone';
export const TIMESTAMP_EXTRACTOR = 'timestamp.extractor';
export const TIMESTAMP_FIELD = 'timestamp.field';
export const OBJECT_TAGGING = 's3.object.tagging';
export const OBJECT_TAGGING_EXTRA = 's3.object.tagging.key.value.pairs';
export const OBJECT_TAGGING_ON_ERROR = 's3.object.behavior.on.tagging.error';
export const SSEA_NAME = 's3.ssea.name';
export const SSE_CUSTOMER_KEY = 's3.sse.customer.key';
export const SSE_KMS_KEY_ID = 's3.sse.kms.key.id';
export const PART_SIZE = 's3.part.size';
export const WAN_MODE = 's3.wan.mode';
export const CONDITIONAL_WRITES = 'enable.conditional.writes';
export const MAX_FILES_SCAN_LIMIT = 'max.files.scan.limit';
export const CREDENTIALS_PROVIDER = 's3.credentials.provider.class';
export const AWS_ACCESS_KEY_ID = 'aws.access.key.id';
export const AWS_SECRET_ACCESS_KEY = 'aws.secret.access.key';
export const ACL_CANNED = 's3.acl.canned';
export const COMPRESSION_TYPE = 's3.compression.type';
export const COMPRESSION_LEVEL = 's3.compression.level';
export const SEND_DIGEST = 's3.send.digest';
export const PART_RETRIES = 's3.part.retries';
export const S3_RETRY_BACKOFF_MS = 's3.retry.backoff.ms';
export const BYTEARRAY_EXTENSION = 'format.bytearray.extension';
export const BYTEARRAY_SEPARATOR = 'format.bytearray.separator';
export const PROXY_URL = 's3.proxy.url';
export const PROXY_USER = 's3.proxy.user';
export const PROXY_PASSWORD = 's3.proxy.password';
export const EXPECT_CONTINUE = 's3.http.send.expect.continue';
export const BEHAVIOR_ON_NULL_VALUES = 'behavior.on.null.values';
export const REPORT_NULLS_TO_DLQ = 'report.null.values.to.dlq';
export const MAX_WRITE_DURATION_MS = 'max.write.duration.ms';
export const ROTATE_ON_PARTITION_CHANGE = 'rotate.file.on.partition.change';
export const TOMBSTONE_ENCODED_PARTITION = 'tombstone.encoded.partition';
export const SCHEMA_PARTITION_AFFIX = 's3.schema.partition.affix.type';
export const PATH_STYLE_ACCESS = 's3.path.style.access.enabled';
export const JSON_DECIMAL_FORMAT = 'json.decimal.format';
export const STORE_KAFKA_KEYS = 'store.kafka.keys';
export const STORE_KAFKA_HEADERS = 'store.kafka.headers';
export const KEYS_FORMAT_CLASS = 'keys.format.class';
export const HEADERS_FORMAT_CLASS = 'headers.format.class';
export const ELASTIC_BUFFER = 's3.elastic.buffer.enable';
export const ELASTIC_BUFFER_CAPACITY = 's3.elastic.buffer.init.capacity';
export const PARTITIONER_MAX_OPEN_FILES = 'partitioner.max.open.files';

/** marks a key without default (required) */
const REQUIRED: unique symbol = Symbol('REQUIRED');

export type FormatKind = 'json' | 'avro' | 'parquet' | 'bytearray';

/** format.class: Confluent's class names, plus short names. */
export const FORMAT_CLASSES: Readonly<Record<string, FormatKind>> = {
  'io.confluent.connect.s3.format.json.JsonFormat': 'json',
  'io.confluent.connect.s3.format.avro.AvroFormat': 'avro',
  'io.confluent.connect.s3.format.parquet.ParquetFormat': 'parquet',
  'io.confluent.connect.s3.format.bytearray.ByteArrayFormat': 'bytearray',
  JsonFormat: 'json',
  AvroFormat: 'avro',
  ParquetFormat: 'parquet',
  ByteArrayFormat: 'bytearray',
};

export type PartitionerKind = 'default' | 'field' | 'time' | 'daily' | 'hourly';

const PARTITIONER_PACKAGE = 'io.confluent.connect.storage.partitioner.';
export const PARTITIONER_CLASSES: Readonly<Record<string, PartitionerKind>> = {
  [`${PARTITIONER_PACKAGE}DefaultPartitioner`]: 'default',
  [`${PARTITIONER_PACKAGE}FieldPartitioner`]: 'field',
  [`${PARTITIONER_PACKAGE}TimeBasedPartitioner`]: 'time',
  [`${PARTITIONER_PACKAGE}DailyPartitioner`]: 'daily',
  [`${PARTITIONER_PACKAGE}HourlyPartitioner`]: 'hourly',
  DefaultPartitioner: 'default',
  FieldPartitioner: 'field',
  TimeBasedPartitioner: 'time',
  DailyPartitioner: 'daily',
  HourlyPartitioner: 'hourly',
};

export type ExtractorKind = 'Wallclock' | 'Record' | 'RecordField';
const EXTRACTOR_PACKAGE = 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner$';
export const TIMESTAMP_EXTRACTORS: Readonly<Record<string, ExtractorKind>> = {
  Wallclock: 'Wallclock',
  Record: 'Record',
  RecordField: 'RecordField',
  [`${EXTRACTOR_PACKAGE}WallclockTimestampExtractor`]: 'Wallclock',
  [`${EXTRACTOR_PACKAGE}RecordTimestampExtractor`]: 'Record',
  [`${EXTRACTOR_PACKAGE}RecordFieldTimestampExtractor`]: 'RecordField',
};

const S3_STORAGE_CLASS = 'io.confluent.connect.s3.storage.S3Storage';
/** the credentials providers that mean "the default chain" (env, profile, container/instance role) */
const DEFAULT_CREDENTIALS_PROVIDERS = [
  'com.amazonaws.auth.DefaultAWSCredentialsProviderChain',
  'software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider',
  'io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider',
];

/** 5 MiB: S3's minimum part size (except the last). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 25 * 1024 * 1024;

const oneOf = (map: Readonly<Record<string, unknown>>, what: string): Validator =>
  LambdaValidator.with(
    (name, value) => {
      if (typeof value !== 'string' || !(value in map)) {
        throw invalidValue(name, value, `${what} must be one of: ${Object.keys(map).join(', ')}`);
      }
    },
    () => `[${Object.keys(map).join(', ')}]`,
  );

/** A key whose other values this connector does not implement: only `allowed` passes, with a message saying why. */
const only = (allowed: readonly unknown[], why: string): Validator =>
  LambdaValidator.with(
    (name, value) => {
      const v = value instanceof Password ? value.value : value;
      if (!allowed.some((a) => a === v || (a === '' && (v === null || v === undefined)))) {
        throw invalidValue(name, value instanceof Password ? Password.HIDDEN : value, why);
      }
    },
    () => `[${allowed.map(String).join(', ')}]`,
  );

const caseInsensitiveIn = (...values: string[]): Validator =>
  LambdaValidator.with(
    (name, value) => {
      if (typeof value !== 'string' || !values.some((v) => v.toLowerCase() === value.toLowerCase())) {
        throw invalidValue(name, value, `String must be one of (case insensitive): ${values.join(', ')}`);
      }
    },
    () => `(case insensitive) [${values.join(', ')}]`,
  );

/** AWS region names (`us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5` …). */
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const regionValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || !REGION_PATTERN.test(value)) {
      throw invalidValue(name, value, 'Not a valid AWS region name (e.g. us-east-1, eu-west-2)');
    }
  },
  () => '[AWS region, e.g. us-east-1]',
);

const pathFormatValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || value === '') return;
    try {
      parsePathFormat(value);
    } catch (error) {
      throw invalidValue(name, value, (error as Error).message);
    }
  },
  () => "[Joda-Time pattern, e.g. 'year'=YYYY/'month'=MM/'day'=dd]",
);

const timezoneValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || value === '') return;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      throw invalidValue(name, value, 'Not a valid time zone id (e.g. UTC, Europe/Paris)');
    }
  },
  () => '[time zone id]',
);

const localeValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || value === '') return;
    try {
      Intl.getCanonicalLocales(value.replace(/_/g, '-'));
    } catch {
      throw invalidValue(name, value, 'Not a valid locale (e.g. en, en_US, fr-FR)');
    }
  },
  () => '[locale]',
);

const tagPairsValidator = LambdaValidator.with(
  (name, value) => {
    for (const pair of (value as readonly string[] | null) ?? []) {
      if (!/^[^:]+:[^:]*$/.test(pair.trim())) {
        throw invalidValue(name, value, `Each tag must be key:value, got '${pair}'`);
      }
    }
  },
  () => '[key1:value1,key2:value2]',
);

const S3_GROUP = 'S3';
const STORAGE_GROUP = 'Storage';
const CONNECTOR_GROUP = 'Connector';
const PARTITIONER_GROUP = 'Partitioner';

export const s3SinkConfigDef = (): ConfigDef => {
  const def = new ConfigDef();
  let order = 0;
  const key = (
    group: string,
    name: string,
    type: Parameters<ConfigDef['define']>[0]['type'],
    defaultValue: unknown,
    validator: Validator | null,
    importance: 'HIGH' | 'MEDIUM' | 'LOW',
    documentation: string,
  ): void => {
    def.define({
      name,
      type,
      ...(defaultValue === REQUIRED ? {} : { defaultValue }),
      validator,
      importance,
      documentation,
      group,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: name,
    });
  };
  // ---- Connector (StorageSinkConnectorConfig)
  key(
    CONNECTOR_GROUP,
    FORMAT_CLASS,
    'CLASS',
    REQUIRED,
    oneOf(FORMAT_CLASSES, 'Format'),
    'HIGH',
    'The format class to use when writing data to the store: JSON lines, Avro container files, Parquet or raw bytes.',
  );
  key(
    CONNECTOR_GROUP,
    FLUSH_SIZE,
    'INT',
    REQUIRED,
    Range.atLeast(1),
    'HIGH',
    'Number of records written to store before invoking file commits.',
  );
  key(
    CONNECTOR_GROUP,
    ROTATE_INTERVAL_MS,
    'LONG',
    -1,
    null,
    'HIGH',
    'The time interval in milliseconds to invoke file commits, measured by the timestamp extractor (record time with Record/RecordField: deterministic, so exactly-once). -1 disables it.',
  );
  key(
    CONNECTOR_GROUP,
    ROTATE_SCHEDULE_INTERVAL_MS,
    'LONG',
    -1,
    null,
    'MEDIUM',
    'The time interval in milliseconds to periodically invoke file commits on the wall clock (aligned to the timezone). -1 disables it. See docs/s3-sink.md for how exactly-once is kept.',
  );
  key(
    CONNECTOR_GROUP,
    SCHEMA_CACHE_SIZE,
    'INT',
    1000,
    Range.atLeast(0),
    'LOW',
    'The size of the cache of Connect → Avro/Parquet schema conversions.',
  );
  key(
    CONNECTOR_GROUP,
    ENHANCED_AVRO,
    'BOOLEAN',
    true,
    only([true], 'Only true is supported (enum symbols and defaults are kept)'),
    'LOW',
    'Enable enhanced Avro schema support (always on here).',
  );
  key(
    CONNECTOR_GROUP,
    CONNECT_META_DATA,
    'BOOLEAN',
    true,
    null,
    'LOW',
    'Write the Connect schema name, version and parameters into the Avro schema (connect.name, connect.version, connect.parameters).',
  );
  key(
    CONNECTOR_GROUP,
    RETRY_BACKOFF_MS,
    'LONG',
    5000,
    Range.atLeast(0),
    'LOW',
    'The retry backoff in milliseconds before put() is called again after a retriable S3 failure.',
  );
  key(
    CONNECTOR_GROUP,
    ZERO_PAD_WIDTH,
    'INT',
    10,
    Range.atLeast(0),
    'LOW',
    'Width to zero-pad offsets in store filenames to if the offsets are too short.',
  );
  key(
    CONNECTOR_GROUP,
    AVRO_CODEC,
    'STRING',
    'null',
    only(
      ['null', 'deflate', 'snappy', 'zstandard'],
      'Supported Avro codecs: null, deflate, snappy, zstandard (bzip2 and xz are not)',
    ),
    'LOW',
    'The Avro compression codec to be used for output files.',
  );
  key(
    CONNECTOR_GROUP,
    PARQUET_CODEC,
    'STRING',
    'snappy',
    only(
      ['none', 'snappy', 'gzip', 'zstd'],
      'Supported Parquet codecs: none, snappy, gzip, zstd (lzo, brotli and lz4 are not)',
    ),
    'LOW',
    'The Parquet compression codec to be used for output files.',
  );
  key(
    CONNECTOR_GROUP,
    ALLOW_OPTIONAL_MAP_KEYS,
    'BOOLEAN',
    false,
    only([false], 'Optional map keys are not supported'),
    'LOW',
    'Allow optional string map key when converting from Connect Schema to Avro Schema.',
  );
  key(
    CONNECTOR_GROUP,
    SCHEMA_COMPATIBILITY,
    'STRING',
    'NONE',
    only(
      ['NONE', 'BACKWARD'],
      'Supported: NONE (a new file on every schema change) and BACKWARD (a new file when a record has a newer schema version); FORWARD and FULL are not',
    ),
    'HIGH',
    'The schema compatibility rule deciding when a schema change rotates the file.',
  );
  // ---- S3
  key(S3_GROUP, S3_BUCKET, 'STRING', REQUIRED, null, 'HIGH', 'The S3 Bucket.');
  key(
    S3_GROUP,
    OBJECT_TAGGING,
    'BOOLEAN',
    false,
    null,
    'LOW',
    'Tag S3 objects with start and end offsets, as well as record count.',
  );
  key(
    S3_GROUP,
    OBJECT_TAGGING_EXTRA,
    'LIST',
    '',
    tagPairsValidator,
    'LOW',
    'Additional S3 tag key-value pairs (key1:value1,key2:value2) when s3.object.tagging is true.',
  );
  key(
    S3_GROUP,
    OBJECT_TAGGING_ON_ERROR,
    'STRING',
    'ignore',
    caseInsensitiveIn('ignore', 'fail'),
    'LOW',
    'How to handle S3 object tagging errors: ignore (log) or fail the task.',
  );
  key(
    S3_GROUP,
    S3_REGION,
    'STRING',
    'us-west-2',
    regionValidator,
    'MEDIUM',
    'The AWS region to be used by the connector.',
  );
  key(
    S3_GROUP,
    PART_SIZE,
    'INT',
    DEFAULT_PART_SIZE,
    Range.between(MIN_PART_SIZE, 2147483647),
    'HIGH',
    'The Part Size in S3 Multi-part Uploads.',
  );
  key(
    S3_GROUP,
    CREDENTIALS_PROVIDER,
    'CLASS',
    DEFAULT_CREDENTIALS_PROVIDERS[0],
    only(
      DEFAULT_CREDENTIALS_PROVIDERS,
      'Only the default provider chain is supported (environment, container/instance role); use aws.access.key.id/aws.secret.access.key for static keys',
    ),
    'LOW',
    'Credentials provider: the default chain (the task role in AWS).',
  );
  key(
    S3_GROUP,
    AWS_ACCESS_KEY_ID,
    'STRING',
    '',
    null,
    'HIGH',
    'The AWS access key ID used to authenticate (empty: the default provider chain).',
  );
  key(S3_GROUP, AWS_SECRET_ACCESS_KEY, 'PASSWORD', null, null, 'HIGH', 'The secret access key used to authenticate.');
  key(
    S3_GROUP,
    SSEA_NAME,
    'STRING',
    '',
    only(['', 'AES256', 'aws:kms'], 'String must be one of: , AES256, aws:kms'),
    'LOW',
    'The S3 Server Side Encryption Algorithm.',
  );
  key(
    S3_GROUP,
    SSE_CUSTOMER_KEY,
    'PASSWORD',
    null,
    null,
    'LOW',
    'The S3 Server Side Encryption Customer-Provided Key (SSE-C), base64.',
  );
  key(
    S3_GROUP,
    SSE_KMS_KEY_ID,
    'STRING',
    '',
    null,
    'LOW',
    'The name of the AWS Key Management Service key for aws:kms encryption.',
  );
  key(
    S3_GROUP,
    ACL_CANNED,
    'STRING',
    null,
    LambdaValidator.with(
      (name, value) => {
        const acls = [
          'private',
          'public-read',
          'public-read-write',
          'authenticated-read',
          'aws-exec-read',
          'bucket-owner-read',
          'bucket-owner-full-control',
          'log-delivery-write',
        ];
        if (value !== null && value !== undefined && !acls.includes(String(value))) {
          throw invalidValue(name, value, `String must be one of: ${acls.join(', ')}`);
        }
      },
      () => '[private, public-read, ... bucket-owner-full-control]',
    ),
    'LOW',
    'An S3 canned ACL header value to apply when writing objects.',
  );
  key(S3_GROUP, WAN_MODE, 'BOOLEAN', false, null, 'MEDIUM', 'Use S3 accelerated endpoint.');
  key(
    S3_GROUP,
    COMPRESSION_TYPE,
    'STRING',
    'none',
    ValidString.in('none', 'gzip'),
    'LOW',
    'Compression type for files written to S3 (JSON and ByteArray formats): none or gzip.',
  );
  key(
    S3_GROUP,
    COMPRESSION_LEVEL,
    'INT',
    -1,
    Range.between(-1, 9),
    'LOW',
    'Compression level of gzip (-1 default, 0 none … 9 best).',
  );
  key(
    S3_GROUP,
    JSON_DECIMAL_FORMAT,
    'STRING',
    'BASE64',
    caseInsensitiveIn('BASE64', 'NUMERIC'),
    'LOW',
    'Controls which format json converter will serialize decimals in: BASE64 or NUMERIC.',
  );
  key(
    S3_GROUP,
    PART_RETRIES,
    'INT',
    3,
    Range.atLeast(0),
    'MEDIUM',
    'Maximum number of retry attempts for failed requests.',
  );
  key(
    S3_GROUP,
    S3_RETRY_BACKOFF_MS,
    'LONG',
    200,
    Range.atLeast(0),
    'LOW',
    'How long to wait in milliseconds before attempting the first retry of a failed S3 request (doubling after).',
  );
  key(S3_GROUP, BYTEARRAY_EXTENSION, 'STRING', '.bin', null, 'LOW', 'Output file extension for ByteArrayFormat.');
  key(
    S3_GROUP,
    BYTEARRAY_SEPARATOR,
    'STRING',
    null,
    null,
    'LOW',
    'String inserted between records for ByteArrayFormat (default: the line separator \\n).',
  );
  key(
    S3_GROUP,
    PROXY_URL,
    'STRING',
    '',
    only([''], 'Proxies are not supported'),
    'LOW',
    'S3 Proxy settings (not supported).',
  );
  key(
    S3_GROUP,
    PROXY_USER,
    'STRING',
    null,
    only([''], 'Proxies are not supported'),
    'LOW',
    'S3 Proxy User (not supported).',
  );
  key(
    S3_GROUP,
    PROXY_PASSWORD,
    'PASSWORD',
    null,
    only([''], 'Proxies are not supported'),
    'LOW',
    'S3 Proxy Password (not supported).',
  );
  key(
    S3_GROUP,
    EXPECT_CONTINUE,
    'BOOLEAN',
    true,
    only([true], 'Only true is supported'),
    'LOW',
    'Enable/disable use of the HTTP/1.1 handshake using EXPECT: 100-CONTINUE during multi-part upload.',
  );
  key(
    S3_GROUP,
    BEHAVIOR_ON_NULL_VALUES,
    'STRING',
    'fail',
    caseInsensitiveIn('fail', 'ignore'),
    'LOW',
    'How to handle records with a null value (tombstones): fail the task, or ignore (skip) them. write is not supported.',
  );
  key(
    S3_GROUP,
    REPORT_NULLS_TO_DLQ,
    'BOOLEAN',
    true,
    null,
    'LOW',
    'With behavior.on.null.values=ignore: log each skipped tombstone (the errant-record reporter is not available, see docs/s3-sink.md).',
  );
  key(
    S3_GROUP,
    MAX_WRITE_DURATION_MS,
    'LONG',
    '9223372036854775807',
    LambdaValidator.with(
      (name, value) => {
        if (typeof value === 'number' && value < 9.2e18)
          throw invalidValue(name, value, 'Only the default (no limit) is supported');
      },
      () => '[9223372036854775807]',
    ),
    'LOW',
    'The maximum duration that a task will spend in batching and writing to S3 (no limit here).',
  );
  key(
    S3_GROUP,
    ROTATE_ON_PARTITION_CHANGE,
    'BOOLEAN',
    true,
    null,
    'LOW',
    'With rotate.interval.ms: rotate the open files when a record belongs to another encoded partition.',
  );
  key(
    S3_GROUP,
    TOMBSTONE_ENCODED_PARTITION,
    'STRING',
    'tombstone',
    null,
    'LOW',
    'Output s3 folder to write the tombstone records to (used only with behavior.on.null.values=write, which is not supported).',
  );
  key(
    S3_GROUP,
    SCHEMA_PARTITION_AFFIX,
    'STRING',
    'NONE',
    only(['NONE'], 'Only NONE is supported'),
    'LOW',
    'Append the record schema name to prefix or suffix in the s3 path after the topic name.',
  );
  key(
    S3_GROUP,
    SEND_DIGEST,
    'BOOLEAN',
    false,
    only([false], 'Content-MD5 digests are not supported (the SDK sends CRC checksums)'),
    'LOW',
    'Enable or disable sending MD5 digest with S3 multipart upload request.',
  );
  key(
    S3_GROUP,
    CONDITIONAL_WRITES,
    'BOOLEAN',
    true,
    null,
    'LOW',
    'With rotate.schedule.interval.ms: keep exactly-once by removing, before writing a partition again, the objects a killed task wrote past its committed offset (see docs/s3-sink.md).',
  );
  key(
    S3_GROUP,
    MAX_FILES_SCAN_LIMIT,
    'STRING',
    '100',
    only(['100'], 'Only the default is supported: uncommitted objects are found by listing'),
    'LOW',
    'Maximum number of files to scan for conditional writes.',
  );
  key(
    S3_GROUP,
    STORE_KAFKA_KEYS,
    'BOOLEAN',
    false,
    only([false], 'Storing Kafka keys in separate files is not supported'),
    'LOW',
    'Enable or disable writing keys to storage.',
  );
  key(
    S3_GROUP,
    STORE_KAFKA_HEADERS,
    'BOOLEAN',
    false,
    only([false], 'Storing Kafka headers in separate files is not supported'),
    'LOW',
    'Enable or disable writing headers to storage.',
  );
  key(
    S3_GROUP,
    KEYS_FORMAT_CLASS,
    'CLASS',
    'io.confluent.connect.s3.format.avro.AvroFormat',
    null,
    'LOW',
    'The format class to use when writing keys to the store (only with store.kafka.keys, which is not supported).',
  );
  key(
    S3_GROUP,
    HEADERS_FORMAT_CLASS,
    'CLASS',
    'io.confluent.connect.s3.format.avro.AvroFormat',
    null,
    'LOW',
    'The format class to use when writing headers to the store (only with store.kafka.headers, which is not supported).',
  );
  key(
    S3_GROUP,
    PATH_STYLE_ACCESS,
    'BOOLEAN',
    true,
    null,
    'LOW',
    'Specifies whether or not to enable path style access to the bucket.',
  );
  key(
    S3_GROUP,
    ELASTIC_BUFFER,
    'BOOLEAN',
    false,
    null,
    'LOW',
    'Specifies whether or not to allocate elastic buffer for staging s3-part to save memory (buffers here grow with the data either way).',
  );
  key(
    S3_GROUP,
    ELASTIC_BUFFER_CAPACITY,
    'INT',
    128 * 1024,
    Range.atLeast(4096),
    'LOW',
    'Elastic buffer initial capacity.',
  );
  key(
    S3_GROUP,
    PARTITIONER_MAX_OPEN_FILES,
    'INT',
    -1,
    LambdaValidator.with(
      (name, value) => {
        if (typeof value === 'number' && value !== -1 && value < 1)
          throw invalidValue(name, value, 'Value must be -1 (no limit) or at least 1');
      },
      () => '[-1, 1,...]',
    ),
    'LOW',
    'Maximum number of open files (encoded partitions) per Kafka partition; more fails the task. -1: no limit.',
  );
  // ---- Storage (StorageCommonConfig)
  key(
    STORAGE_GROUP,
    STORAGE_CLASS,
    'CLASS',
    S3_STORAGE_CLASS,
    only([S3_STORAGE_CLASS], `Only ${S3_STORAGE_CLASS} is supported`),
    'HIGH',
    'The underlying storage layer.',
  );
  key(
    STORAGE_GROUP,
    TOPICS_DIR,
    'STRING',
    'topics',
    null,
    'HIGH',
    'Top level directory to store the data ingested from Kafka.',
  );
  key(
    STORAGE_GROUP,
    STORE_URL,
    'STRING',
    null,
    null,
    'HIGH',
    'Store URL: a custom S3 endpoint (e.g. MinIO, or an S3-compatible emulator).',
  );
  key(STORAGE_GROUP, DIRECTORY_DELIM, 'STRING', '/', null, 'MEDIUM', 'Directory delimiter pattern.');
  key(STORAGE_GROUP, FILE_DELIM, 'STRING', '+', null, 'MEDIUM', 'File delimiter pattern.');
  // ---- Partitioner (PartitionerConfig)
  key(
    PARTITIONER_GROUP,
    PARTITIONER_CLASS,
    'CLASS',
    `${PARTITIONER_PACKAGE}DefaultPartitioner`,
    oneOf(PARTITIONER_CLASSES, 'Partitioner'),
    'HIGH',
    'The partitioner to use when writing data to the store.',
  );
  key(
    PARTITIONER_GROUP,
    PARTITION_FIELD_NAME,
    'LIST',
    '',
    null,
    'MEDIUM',
    'The name of the partitioning field when FieldPartitioner is used.',
  );
  key(
    PARTITIONER_GROUP,
    PARTITION_DURATION_MS,
    'LONG',
    -1,
    null,
    'MEDIUM',
    'The duration of a partition milliseconds used by TimeBasedPartitioner.',
  );
  key(
    PARTITIONER_GROUP,
    PATH_FORMAT,
    'STRING',
    '',
    pathFormatValidator,
    'MEDIUM',
    "This configuration is used to set the format of the data directories when partitioning with TimeBasedPartitioner, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.",
  );
  key(
    PARTITIONER_GROUP,
    LOCALE,
    'STRING',
    '',
    localeValidator,
    'MEDIUM',
    'The locale to use when partitioning with TimeBasedPartitioner (month and day names).',
  );
  key(
    PARTITIONER_GROUP,
    TIMEZONE,
    'STRING',
    '',
    timezoneValidator,
    'MEDIUM',
    'The timezone to use when partitioning with TimeBasedPartitioner.',
  );
  key(
    PARTITIONER_GROUP,
    TIMESTAMP_EXTRACTOR,
    'STRING',
    'Wallclock',
    oneOf(TIMESTAMP_EXTRACTORS, 'Timestamp extractor'),
    'MEDIUM',
    'The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner: Wallclock, Record or RecordField.',
  );
  key(
    PARTITIONER_GROUP,
    TIMESTAMP_FIELD,
    'STRING',
    'timestamp',
    null,
    'MEDIUM',
    'The record field to be used as timestamp by the timestamp extractor (RecordField; nested fields with dots).',
  );
  return def;
};
