/**
 * Confluent's `AvroFormat`: Avro object container files (`.avro`) with the schema converted from the records' Connect
 * schema (AvroData), `avro.codec` null/deflate/snappy/zstandard. Records are encoded by avsc; the container (header,
 * blocks, sync marker) is written here so the bytes are a function of the records alone: the sync marker is derived
 * from the object key instead of being random, which keeps "same name, same content" after a crash.
 */
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, zstdCompressSync } from 'node:zlib';
import avro from 'avsc';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { DataException } from '../../../connect/errors';
import type { SinkRecord } from '../../../connect/records';
import type { Schema } from '../../../connect/schema-types';
import { AvroData } from './avro-data';
import { ChunkBuffer } from './record-writer';
import type { Format, RecordWriter } from './record-writer';

export type AvroCodec = 'null' | 'deflate' | 'snappy' | 'zstandard';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const HEADER_META = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const LONG = avro.Type.forSchema('long');
/** block size before compression; Avro's Java writer defaults to 64 KiB as well */
const BLOCK_BYTES = 64 * 1024;

function compress(codec: AvroCodec, block: Buffer): Buffer {
  switch (codec) {
    case 'null':
      return block;
    case 'deflate':
      return deflateRawSync(block);
    case 'snappy': {
      // Avro's snappy codec: the snappy block, then the CRC-32 of the uncompressed data, big-endian.
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(block) >>> 0);
      return Buffer.concat([Buffer.from(snappyCompress(block)), crc]);
    }
    case 'zstandard':
      return zstdCompressSync(block);
  }
}

export class AvroFormat implements Format {
  readonly extension = '.avro';
  readonly contentType = 'application/avro';
  /** Connect schema → its avsc type, bounded by schemas.cache.config */
  private readonly types = new Map<Schema, { data: AvroData; type: avro.Type; json: string }>();

  constructor(
    private readonly codec: AvroCodec,
    private readonly connectMetaData: boolean,
    private readonly cacheSize: number,
  ) {}

  private typeFor(schema: Schema): { data: AvroData; type: avro.Type; json: string } {
    const cached = this.types.get(schema);
    if (cached) return cached;
    const data = new AvroData(schema, this.connectMetaData);
    const entry = { data, type: avro.Type.forSchema(data.schema as avro.Schema), json: JSON.stringify(data.schema) };
    if (this.cacheSize > 0) {
      if (this.types.size >= this.cacheSize) this.types.delete(this.types.keys().next().value as Schema);
      this.types.set(schema, entry);
    }
    return entry;
  }

  newWriter(schema: Schema | null, objectKey: string): RecordWriter {
    if (!schema) {
      throw new DataException(
        'AvroFormat needs records with a value schema (e.g. JsonConverter with schemas.enable=true); this record has none',
      );
    }
    const { data, type, json } = this.typeFor(schema);
    const sync = createHash('md5').update(objectKey).digest();
    const out = new ChunkBuffer();
    out.push(MAGIC);
    out.push(HEADER_META.toBuffer({ 'avro.schema': Buffer.from(json), 'avro.codec': Buffer.from(this.codec) }));
    out.push(sync);
    const codec = this.codec;
    let block: Buffer[] = [];
    let blockBytes = 0;
    let blockCount = 0;
    const flushBlock = (): void => {
      if (blockCount === 0) return;
      const body = compress(codec, Buffer.concat(block, blockBytes));
      out.push(LONG.toBuffer(blockCount));
      out.push(LONG.toBuffer(body.length));
      out.push(body);
      out.push(sync);
      block = [];
      blockBytes = 0;
      blockCount = 0;
    };
    return {
      write(record: SinkRecord) {
        let bytes: Buffer;
        try {
          bytes = type.toBuffer(data.toAvro(schema, record.value));
        } catch (error) {
          throw new DataException(
            `Record at topic '${record.topic}', partition ${record.kafkaPartition}, offset ${record.kafkaOffset} cannot be written as Avro: ${(error as Error).message}`,
            { cause: error },
          );
        }
        block.push(bytes);
        blockBytes += bytes.length;
        blockCount++;
        if (blockBytes >= BLOCK_BYTES) flushBlock();
      },
      finish() {
        flushBlock();
        return out.take();
      },
    };
  }
}
