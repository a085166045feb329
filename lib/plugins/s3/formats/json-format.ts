/**
 * Confluent's `JsonFormat`: one JSON document per line, the value written by JsonConverter with
 * `schemas.enable=false` (and `decimal.format` from `json.decimal.format`); `.json`, `.json.gz` with gzip.
 */
import { gzipSync } from 'node:zlib';
import { DataException } from '../../../connect/errors';
import type { SinkRecord } from '../../../connect/records';
import { JsonConverter } from '../../../converters/json/json-converter';
import { ChunkBuffer } from './record-writer';
import type { Format, RecordWriter } from './record-writer';

const NEWLINE = Buffer.from('\n');

export interface CompressionSettings {
  readonly gzip: boolean;
  /** zlib level, -1 = default */
  readonly level: number;
}

export const finishCompressed = (chunks: Uint8Array[], c: CompressionSettings): Uint8Array[] =>
  c.gzip ? [gzipSync(Buffer.concat(chunks), { level: c.level })] : chunks;

export class JsonFormat implements Format {
  readonly extension: string;
  readonly contentType = 'application/json';
  private readonly converter = new JsonConverter();

  constructor(
    decimalFormat: string,
    private readonly compression: CompressionSettings,
  ) {
    this.extension = compression.gzip ? '.json.gz' : '.json';
    this.converter.configure({ 'schemas.enable': 'false', 'decimal.format': decimalFormat.toUpperCase() }, false);
  }

  newWriter(): RecordWriter {
    const buffer = new ChunkBuffer();
    const converter = this.converter;
    const compression = this.compression;
    return {
      write(record: SinkRecord) {
        let bytes: Uint8Array | null;
        try {
          bytes = converter.fromConnectData(record.topic, record.valueSchema, record.value);
        } catch (error) {
          throw new DataException(
            `Record at topic '${record.topic}', partition ${record.kafkaPartition}, offset ${record.kafkaOffset} cannot be written as JSON: ${(error as Error).message}`,
            { cause: error },
          );
        }
        if (bytes) buffer.push(bytes);
        else buffer.pushString('null');
        buffer.push(NEWLINE);
      },
      finish: () => finishCompressed(buffer.take(), compression),
    };
  }
}
