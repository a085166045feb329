import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { AbstractConfig } from '../../connect/config-def';
import { SourceTask } from '../../connect/connector';
import type { ConnectorConfigMap } from '../../connect/connector';
import { ConnectException } from '../../connect/errors';
import type { Header, SourceMap, SourceRecord } from '../../connect/records';
import { Schemas } from '../../connect/schema';
import { KAFKA_VERSION } from '../kafka-version';
import {
  FILE_CONFIG,
  FILENAME_FIELD,
  POSITION_FIELD,
  TASK_BATCH_SIZE_CONFIG,
  TOPIC_CONFIG,
  sourceConfigDef,
} from './config';

const VALUE_SCHEMA = Schemas.STRING_SCHEMA;
/** Lines have no headers: one shared, frozen empty list rather than an array per line. */
const NO_HEADERS: readonly Header[] = Object.freeze([]);
const CHUNK_SIZE = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;
/** Apache waits this long when the file is missing or has no new data. */
const IDLE_WAIT_MS = 1000;

/**
 * `FileStreamSourceTask`: emits each line of a file (or stdin) as a STRING record.
 *
 * Deliberate deviation: the offset `position` counts BYTES through the end of the line's terminator, where
 * Apache counts Java chars (UTF-16 units) but skips that many bytes on restart, so Apache mis-resumes after
 * multi-byte UTF-8. For ASCII files both are equal, so stored offsets stay interchangeable there.
 * The file is read in 1 MiB chunks and split on `\n`, `\r\n` and `\r` at the byte level.
 */
export class FileStreamSourceTask extends SourceTask {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSourceTask';
  private filename: string | null = null;
  private topic = '';
  private batchSize = 2000;
  private partition: SourceMap = { [FILENAME_FIELD]: null };
  private file: FileHandle | undefined;
  private stdin: StdinReader | undefined;
  /** byte position in the file of buf[head] (null for stdin: not tracked) */
  private streamOffset: number | null = null;
  private buf = Buffer.allocUnsafe(CHUNK_SIZE);
  /** buf[0, end), searched by find() */
  private view = this.buf.subarray(0, 0);
  private head = 0;
  private end = 0;
  /** next known LF / CR positions at or after `head` (-1: none before `lfScanned` / `crScanned`) */
  private nextLf = -1;
  private nextCr = -1;
  /** buffer positions up to which there is known to be no LF / CR, so each byte is scanned once */
  private lfScanned = 0;
  private crScanned = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  version(): string {
    return KAFKA_VERSION;
  }

  start(props: ConnectorConfigMap): void {
    const config = new AbstractConfig(sourceConfigDef(), props);
    const file = config.getString(FILE_CONFIG);
    this.filename = file === null || file === '' ? null : file;
    this.topic = config.getString(TOPIC_CONFIG) ?? '';
    this.batchSize = config.getInt(TASK_BATCH_SIZE_CONFIG) ?? this.batchSize;
    this.partition = { [FILENAME_FIELD]: this.filename };
    if (this.filename === null) this.stdin = new StdinReader();
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    if (this.filename !== null && this.file === undefined) {
      if (!(await this.openFile(this.filename))) {
        await this.idle();
        return null;
      }
    }
    const records: SourceRecord[] = [];
    for (;;) {
      this.extractLines(records);
      if (records.length >= this.batchSize || this.stopped) break;
      const n = await this.readMore();
      if (n <= 0) break;
    }
    if (records.length === 0) {
      await this.idle();
      return null;
    }
    return records;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.stdin?.close();
    // The handle is closed by readMore() if a read is in flight; otherwise now.
    if (!this.reading) void this.closeFile();
  }

  private reading = false;

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close().catch(() => undefined);
  }

  private async openFile(filename: string): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(filename, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        console.warn(`Couldn't find file ${filename} for FileStreamSourceTask, sleeping to wait for it to be created`);
        return false;
      }
      throw new ConnectException(`Error opening ${filename} for FileStreamSourceTask`, { cause: error });
    }
    try {
      const offset = await this.context.offsetStorageReader().offset(this.partition);
      const last = offset?.[POSITION_FIELD] ?? null;
      if (last !== null && (typeof last !== 'number' || !Number.isInteger(last))) {
        throw new ConnectException('Offset position is the incorrect type');
      }
      this.streamOffset = last ?? 0;
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.file = handle;
    return true;
  }

  /** Read one chunk after `end`; returns the number of bytes read (0 at end of input). */
  private async readMore(): Promise<number> {
    if (this.head > 0 && (this.head === this.end || this.end > this.buf.length - CHUNK_SIZE / 4)) this.compact();
    if (this.end === this.buf.length) {
      // A line longer than the buffer: grow it.
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    let n = 0;
    this.reading = true;
    try {
      if (this.stdin) {
        n = this.stdin.read(this.buf, this.end);
      } else if (this.file) {
        const filePos = (this.streamOffset ?? 0) + (this.end - this.head);
        ({ bytesRead: n } = await this.file.read(this.buf, this.end, this.buf.length - this.end, filePos));
      }
    } finally {
      this.reading = false;
      if (this.stopped) await this.closeFile();
    }
    this.end += n;
    return n;
  }

  private compact(): void {
    this.buf.copy(this.buf, 0, this.head, this.end);
    const shift = this.head;
    this.end -= shift;
    this.head = 0;
    if (this.nextLf >= 0) this.nextLf -= shift;
    if (this.nextCr >= 0) this.nextCr -= shift;
    this.lfScanned = Math.max(0, this.lfScanned - shift);
    this.crScanned = Math.max(0, this.crScanned - shift);
  }

  /** Append complete lines of the buffer to `out`, up to batch.size records. */
  private extractLines(out: SourceRecord[]): void {
    const timestamp = Date.now();
    while (out.length < this.batchSize) {
      if (this.nextLf < this.head) {
        this.nextLf = this.find(LF, Math.max(this.head, this.lfScanned));
        if (this.nextLf < 0) this.lfScanned = this.end;
      }
      if (this.nextCr < this.head) {
        this.nextCr = this.find(CR, Math.max(this.head, this.crScanned));
        if (this.nextCr < 0) this.crScanned = this.end;
      }
      let until: number;
      let next: number;
      if (this.nextLf >= 0 && (this.nextCr < 0 || this.nextLf < this.nextCr)) {
        until = this.nextLf;
        next = until + 1;
      } else if (this.nextCr >= 0) {
        // A CR needs the following byte to tell `\r` from `\r\n`.
        if (this.nextCr + 1 >= this.end) return;
        until = this.nextCr;
        next = this.buf[until + 1] === LF ? until + 2 : until + 1;
      } else {
        return;
      }
      const line = this.buf.toString('utf8', this.head, until);
      if (this.streamOffset !== null) this.streamOffset += next - this.head;
      this.head = next;
      out.push({
        topic: this.topic,
        kafkaPartition: null,
        keySchema: null,
        key: null,
        valueSchema: VALUE_SCHEMA,
        value: line,
        timestamp,
        headers: NO_HEADERS,
        sourcePartition: this.partition,
        sourceOffset: { [POSITION_FIELD]: this.streamOffset },
      });
    }
  }

  /** Position of the next `byte` in [from, end), or -1 (the scan stops at `end`, not at the buffer's end). */
  private find(byte: number, from: number): number {
    // No view for a search that cannot find anything (a CR search of a file without CRs, on every line).
    if (from >= this.end) return -1;
    // One view per read, not one per line: it changes only with `buf` or `end`.
    if (this.view.length !== this.end || this.view.buffer !== this.buf.buffer)
      this.view = this.buf.subarray(0, this.end);
    return this.view.indexOf(byte, from);
  }

  private idle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.stdin ? 50 : IDLE_WAIT_MS);
      const wait = this.stdin?.onData(done);
      function done(): void {
        clearTimeout(timer);
        wait?.();
        resolve();
      }
      this.wake = done;
    });
  }
}

/** Buffers stdin chunks so poll() can take them without blocking. */
class StdinReader {
  private readonly chunks: Buffer[] = [];
  private listeners = new Set<() => void>();
  private readonly onChunk = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    for (const l of this.listeners) l();
  };

  constructor() {
    process.stdin.on('data', this.onChunk);
  }

  read(into: Buffer, at: number): number {
    let n = 0;
    while (this.chunks.length > 0 && at + n < into.length) {
      const chunk = this.chunks[0] as Buffer;
      const take = Math.min(chunk.length, into.length - at - n);
      chunk.copy(into, at + n, 0, take);
      n += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    return n;
  }

  onData(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    process.stdin.off('data', this.onChunk);
    process.stdin.pause();
  }
}
