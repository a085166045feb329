/**
 * Confluent's `ParquetFormat`: one Parquet file per object (`.snappy.parquet`, `.zstd.parquet`, `.gz.parquet`,
 * `.parquet`), written by hyparquet-writer from the records' Connect struct schema: primitive fields, nested structs
 * and arrays (3-level LIST), Date/Time/Timestamp/Decimal logical types. Records are buffered per column and the file
 * is encoded when the object is finished (Parquet's footer needs every row group first).
 */
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { BigDecimal } from '../../../connect/big-decimal';
import { DataException } from '../../../connect/errors';
import type { SinkRecord } from '../../../connect/records';
import { isStruct, schemaFields } from '../../../connect/schema';
import type { Schema } from '../../../connect/schema-types';
import type { Struct } from '../../../connect/struct';
import { twosComplement } from './avro-data';
import type { Format, RecordWriter } from './record-writer';

export type ParquetCodec = 'none' | 'snappy' | 'gzip' | 'zstd';

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
const MS_PER_DAY = 86_400_000;

const CODECS: Record<ParquetCodec, { codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD'; extension: string }> = {
  none: { codec: 'UNCOMPRESSED', extension: '.parquet' },
  snappy: { codec: 'SNAPPY', extension: '.snappy.parquet' },
  gzip: { codec: 'GZIP', extension: '.gz.parquet' },
  zstd: { codec: 'ZSTD', extension: '.zstd.parquet' },
};

/** Connect schema → Parquet schema elements (depth-first, as the Parquet footer lists them). */
function elements(name: string, schema: Schema, out: SchemaElement[]): void {
  const repetition_type = schema.optional ? 'OPTIONAL' : 'REQUIRED';
  switch (schema.name) {
    case DECIMAL: {
      const scale = Number(schema.parameters?.['scale'] ?? 0);
      const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? 38);
      out.push({ name, type: 'BYTE_ARRAY', repetition_type, converted_type: 'DECIMAL', scale, precision });
      return;
    }
    case DATE:
      out.push({ name, type: 'INT32', repetition_type, converted_type: 'DATE' });
      return;
    case TIME:
      out.push({ name, type: 'INT32', repetition_type, converted_type: 'TIME_MILLIS' });
      return;
    case TIMESTAMP:
      out.push({ name, type: 'INT64', repetition_type, converted_type: 'TIMESTAMP_MILLIS' });
      return;
  }
  switch (schema.type) {
    case 'boolean':
      out.push({ name, type: 'BOOLEAN', repetition_type });
      return;
    case 'int8':
      out.push({ name, type: 'INT32', repetition_type, converted_type: 'INT_8' });
      return;
    case 'int16':
      out.push({ name, type: 'INT32', repetition_type, converted_type: 'INT_16' });
      return;
    case 'int32':
      out.push({ name, type: 'INT32', repetition_type });
      return;
    case 'int64':
      out.push({ name, type: 'INT64', repetition_type });
      return;
    case 'float32':
      out.push({ name, type: 'FLOAT', repetition_type });
      return;
    case 'float64':
      out.push({ name, type: 'DOUBLE', repetition_type });
      return;
    case 'string':
      out.push({ name, type: 'BYTE_ARRAY', repetition_type, converted_type: 'UTF8' });
      return;
    case 'bytes':
      out.push({ name, type: 'BYTE_ARRAY', repetition_type });
      return;
    case 'struct': {
      const fields = schemaFields(schema);
      out.push({ name, repetition_type, num_children: fields.length });
      for (const f of fields) elements(f.name, f.schema, out);
      return;
    }
    case 'array': {
      const items = schema.valueSchema;
      if (!items) throw new DataException(`Array field '${name}' has no element schema`);
      out.push({ name, repetition_type, converted_type: 'LIST', num_children: 1 });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      elements('element', items, out);
      return;
    }
    case 'map':
      throw new DataException(
        `Map field '${name}' cannot be written as Parquet by this connector (maps are not supported)`,
      );
  }
}

/** A Connect value → what hyparquet-writer takes for the element (bigint for INT64, objects for groups). */
function toParquet(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null)
      return toParquet(schema, schema.defaultValue);
    if (schema.optional) return null;
    throw new DataException(`A null value is not allowed by the non-optional schema ${schema.name ?? schema.type}`);
  }
  switch (schema.name) {
    case DECIMAL: {
      const scale = Number(schema.parameters?.['scale'] ?? 0);
      const d = value instanceof BigDecimal ? value.setScale(scale) : BigDecimal.parse(String(value)).setScale(scale);
      return new Uint8Array(twosComplement(d.unscaled));
    }
    case DATE:
      return Math.floor((value instanceof Date ? value.getTime() : Number(value)) / MS_PER_DAY);
    case TIME: {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
    }
    case TIMESTAMP:
      return BigInt(value instanceof Date ? value.getTime() : Number(value));
  }
  switch (schema.type) {
    case 'int64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'bytes':
      return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
    case 'struct': {
      if (!isStruct(value)) throw new DataException(`Expected a Struct for schema ${schema.name ?? 'struct'}`);
      const struct = value as unknown as Struct;
      const out: Record<string, unknown> = {};
      for (const f of schemaFields(schema)) out[f.name] = toParquet(f.schema, struct.get(f.name));
      return out;
    }
    case 'array': {
      const items = schema.valueSchema as Schema;
      return (value as unknown[]).map((v) => toParquet(items, v));
    }
    default:
      return value;
  }
}

export class ParquetFormat implements Format {
  readonly extension: string;
  readonly contentType = 'application/vnd.apache.parquet';
  private readonly codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD';

  constructor(codec: ParquetCodec) {
    this.extension = CODECS[codec].extension;
    this.codec = CODECS[codec].codec;
  }

  newWriter(schema: Schema | null): RecordWriter {
    if (!schema || schema.type !== 'struct') {
      throw new DataException(
        `ParquetFormat needs records whose value schema is a struct (e.g. JsonConverter with schemas.enable=true); got ${schema ? schema.type : 'no schema'}`,
      );
    }
    const fields = schemaFields(schema);
    const schemaElements: SchemaElement[] = [{ name: 'root', num_children: fields.length }];
    for (const f of fields) elements(f.name, f.schema, schemaElements);
    const columns: unknown[][] = fields.map(() => []);
    const codec = this.codec;
    return {
      write(record: SinkRecord) {
        const value = record.value;
        if (!isStruct(value)) {
          throw new DataException(
            `Record at topic '${record.topic}', partition ${record.kafkaPartition}, offset ${record.kafkaOffset} cannot be written as Parquet: its value is not a struct`,
          );
        }
        const struct = value as unknown as Struct;
        const row: unknown[] = [];
        try {
          for (const f of fields) row.push(toParquet(f.schema, struct.get(f.name)));
        } catch (error) {
          throw new DataException(
            `Record at topic '${record.topic}', partition ${record.kafkaPartition}, offset ${record.kafkaOffset} cannot be written as Parquet: ${(error as Error).message}`,
            { cause: error },
          );
        }
        for (let i = 0; i < row.length; i++) columns[i]?.push(row[i]);
      },
      finish() {
        const buffer = parquetWriteBuffer({
          columnData: fields.map((f, i) => ({ name: f.name, data: columns[i] as unknown[] })),
          schema: schemaElements,
          codec,
          compressors: {
            GZIP: (input: Uint8Array) => gzipSync(input),
            ZSTD: (input: Uint8Array) => zstdCompressSync(input),
          },
          rowGroupSize: 100_000,
          createdBy: 'serverless-kafka-connect S3 sink (hyparquet-writer)',
        });
        return [new Uint8Array(buffer)];
      },
    };
  }
}
