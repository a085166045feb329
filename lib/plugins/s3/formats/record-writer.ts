/**
 * A format writes the records of one object: `write` per record (throws DataException for a record the format
 * cannot hold), then `finish` once for the object's bytes. Output depends only on the records (no clocks, no random
 * sync markers), so an object re-written after a crash has the same bytes.
 */
import type { Schema } from '../../../connect/schema-types';
import type { SinkRecord } from '../../../connect/records';

export interface RecordWriter {
  write(record: SinkRecord): void;
  /** the object's bytes, in order */
  finish(): Uint8Array[];
}

export interface Format {
  /** file extension after the offset, e.g. `.json.gz`, `.avro`, `.snappy.parquet` */
  readonly extension: string;
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** one writer per object; `schema` is the value schema of its first record (null when schemaless) */
  newWriter(schema: Schema | null, objectKey: string): RecordWriter;
}

/** Concatenate small encoded records into larger chunks: fewer, bigger buffers to hand to the upload. */
export class ChunkBuffer {
  private readonly chunks: Uint8Array[] = [];
  private current: Buffer;
  private used = 0;
  size = 0;

  constructor(private readonly chunkSize = 1 << 20) {
    this.current = Buffer.allocUnsafe(chunkSize);
  }

  push(bytes: Uint8Array): void {
    this.size += bytes.byteLength;
    if (bytes.byteLength > this.chunkSize / 4) {
      this.seal();
      this.chunks.push(bytes);
      return;
    }
    if (this.used + bytes.byteLength > this.chunkSize) this.seal();
    this.current.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  pushString(text: string): void {
    this.push(Buffer.from(text, 'utf8'));
  }

  private seal(): void {
    if (this.used === 0) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(this.chunkSize);
    this.used = 0;
  }

  take(): Uint8Array[] {
    this.seal();
    return this.chunks;
  }
}
