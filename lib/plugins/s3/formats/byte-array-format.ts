/**
 * Confluent's `ByteArrayFormat`: the raw value bytes of each record followed by `format.bytearray.separator` (the line
 * separator by default), in `.bin` objects (`format.bytearray.extension`), gzip-compressed with `s3.compression.type`.
 */
import { DataException } from '../../../connect/errors';
import type { SinkRecord } from '../../../connect/records';
import { finishCompressed } from './json-format';
import type { CompressionSettings } from './json-format';
import { ChunkBuffer } from './record-writer';
import type { Format, RecordWriter } from './record-writer';

export class ByteArrayFormat implements Format {
  readonly extension: string;
  readonly contentType = 'application/octet-stream';
  private readonly separator: Buffer;

  constructor(
    extension: string,
    separator: string,
    private readonly compression: CompressionSettings,
  ) {
    this.extension = extension + (compression.gzip ? '.gz' : '');
    this.separator = Buffer.from(separator, 'utf8');
  }

  newWriter(): RecordWriter {
    const buffer = new ChunkBuffer();
    const { separator, compression } = this;
    return {
      write(record: SinkRecord) {
        const value = record.value;
        if (!(value instanceof Uint8Array)) {
          throw new DataException(
            `ByteArrayFormat needs bytes values (use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter): record at topic '${record.topic}', partition ${record.kafkaPartition}, offset ${record.kafkaOffset} has a ${value === null ? 'null' : typeof value} value`,
          );
        }
        buffer.push(value);
        buffer.push(separator);
      },
      finish: () => finishCompressed(buffer.take(), compression),
    };
  }
}
