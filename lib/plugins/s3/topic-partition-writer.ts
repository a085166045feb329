/**
 * Confluent's `TopicPartitionWriter`: the open objects of one Kafka partition (one per encoded partition), the
 * rotation rules, and the offset that is safe to commit.
 *
 * Exactly-once: an object is named by the offset of its first record, and the rules that end an object (flush.size,
 * rotate.interval.ms on record time, a schema change) depend only on the records, so replaying from the committed
 * offset cuts the same objects with the same names and bytes. The committable offset is the first offset not yet in
 * a durable object, so the consumer offsets never pass a record that is only in memory. Wall-clock rotation
 * (rotate.schedule.interval.ms) is the one rule that does not repeat itself on a replay: with it, the objects a
 * killed task wrote past the committed offset are deleted before the partition is written again (see `recover`).
 */
import { ConnectException, DataException } from '../../connect/errors';
import type { ErrantRecordReporter } from '../../connect/connector';
import type { SinkRecord, TopicPartition } from '../../connect/records';
import { schemaEquals, schemaFields } from '../../connect/schema';
import type { Schema } from '../../connect/schema-types';
import { Struct } from '../../connect/struct';
import type { ObjectStore } from '../../storage/object-store';
import type { Format, RecordWriter } from './formats/record-writer';
import type { Partitioner } from './partitioner';
import { ZoneClock } from './path-format';

export interface WriterSettings {
  readonly topicsDir: string;
  readonly directoryDelim: string;
  readonly fileDelim: string;
  readonly zeroPadWidth: number;
  readonly flushSize: number;
  readonly rotateIntervalMs: number;
  readonly rotateScheduleIntervalMs: number;
  readonly rotateOnPartitionChange: boolean;
  readonly timezone: string;
  readonly schemaCompatibility: 'NONE' | 'BACKWARD';
  readonly nullValues: 'fail' | 'ignore';
  readonly partSize: number;
  readonly maxOpenFiles: number;
  readonly tagging: { readonly extra: Readonly<Record<string, string>>; readonly failOnError: boolean } | null;
  /** delete objects past the committed offset before writing again (wall-clock rotation only) */
  readonly cleanUncommittedTail: boolean;
}

interface OpenFile {
  readonly key: string;
  readonly startOffset: number;
  endOffset: number;
  count: number;
  readonly schema: Schema | null;
  readonly writer: RecordWriter;
}

interface PendingObject {
  readonly key: string;
  readonly startOffset: number;
  readonly body: Uint8Array[];
  readonly tags: Record<string, string> | null;
}

export class TopicPartitionWriter {
  private readonly files = new Map<string, OpenFile>();
  private pending: PendingObject[] = [];
  private recordCount = 0;
  private baseTimestamp: number | null = null;
  private currentEncodedPartition: string | null = null;
  /** next offset this writer has not seen: a batch redelivered after a retriable failure skips what it holds */
  private nextOffset = -1;
  private nextScheduledRotation: number;
  private recovered = false;
  private clock: ZoneClock | undefined;
  /** objects written (for logs and tests) */
  committedObjects = 0;

  constructor(
    private readonly tp: TopicPartition,
    private readonly s: WriterSettings,
    private readonly format: Format,
    private readonly partitioner: Partitioner,
    private readonly store: ObjectStore,
    private readonly log: (message: string) => void,
    private readonly now: () => number = Date.now,
    /**
     * The runtime's errant record reporter (a DLQ topic or `errors.log.enable`), or null: a record this writer
     * cannot write (a DataException: the format cannot encode it, no partition field, a null value…) goes to it
     * and the partition moves on; without one the put fails, as Confluent's sink.
     */
    private readonly errantRecords: ErrantRecordReporter | null = null,
  ) {
    this.nextScheduledRotation = this.nextSchedule(now());
  }

  /**
   * The next multiple of the interval on the wall clock of the configured zone (an hourly schedule rotates at every
   * local full hour, also in zones with half-hour offsets), as Confluent's `DateTimeUtils.getNextTimeAdjustedByDay`.
   */
  private nextSchedule(now: number): number {
    const interval = this.s.rotateScheduleIntervalMs;
    if (interval <= 0) return Number.POSITIVE_INFINITY;
    this.clock ??= new ZoneClock(this.s.timezone || 'UTC');
    const offset = this.clock.offset(now);
    return (Math.floor((now + offset) / interval) + 1) * interval - offset;
  }

  private prefix(): string {
    const { topicsDir, directoryDelim } = this.s;
    return topicsDir
      ? `${topicsDir}${directoryDelim}${this.tp.topic}${directoryDelim}`
      : `${this.tp.topic}${directoryDelim}`;
  }

  /** `<topics.dir>/<topic>/<encoded partition>/<topic>+<partition>+<start offset, zero-padded>.<ext>` */
  objectKey(encodedPartition: string, startOffset: number): string {
    const { directoryDelim, fileDelim, zeroPadWidth } = this.s;
    const offset = String(startOffset).padStart(zeroPadWidth, '0');
    return `${this.prefix()}${encodedPartition}${directoryDelim}${this.tp.topic}${fileDelim}${this.tp.partition}${fileDelim}${offset}${this.format.extension}`;
  }

  /** The start offset in an object key of this partition, or null for other keys. */
  private startOffsetOf(key: string): number | null {
    const name = key.slice(key.lastIndexOf(this.s.directoryDelim) + this.s.directoryDelim.length);
    const head = `${this.tp.topic}${this.s.fileDelim}${this.tp.partition}${this.s.fileDelim}`;
    if (!name.startsWith(head) || !name.endsWith(this.format.extension)) return null;
    const digits = name.slice(head.length, name.length - this.format.extension.length);
    return /^\d+$/.test(digits) ? Number(digits) : null;
  }

  /**
   * First record after (re)assignment: abort multipart uploads of this partition that a killed task left behind,
   * and with wall-clock rotation delete the objects it wrote at or past the replay start (their records come again
   * and are written again, possibly cut at other points).
   */
  private async recover(firstOffset: number): Promise<void> {
    const prefix = this.prefix();
    for (const upload of await this.store.incompleteUploads(prefix)) {
      if (this.startOffsetOf(upload.key) === null) continue;
      this.log(`Aborting abandoned multipart upload of ${upload.key}`);
      await this.store.abortUpload(upload);
    }
    if (this.s.cleanUncommittedTail) {
      const stale = (await this.store.list(prefix)).filter((key) => (this.startOffsetOf(key) ?? -1) >= firstOffset);
      if (stale.length > 0) {
        this.log(
          `Deleting ${stale.length} object(s) of ${this.tp.topic}-${this.tp.partition} past the committed offset ${firstOffset}`,
        );
        await this.store.delete(stale);
      }
    }
    this.recovered = true;
  }

  /** Write records of this partition (in offset order). Throws RetriableException when S3 may succeed later. */
  async write(records: readonly SinkRecord[]): Promise<void> {
    await this.commitPending();
    for (const record of records) {
      if (record.kafkaOffset < this.nextOffset) continue;
      if (!this.recovered) await this.recover(record.kafkaOffset);
      try {
        await this.writeRecord(record);
      } catch (error) {
        if (!(error instanceof DataException) || !this.errantRecords) throw error;
        // Resolves once the record is in the DLQ; under errors.tolerance=none it throws and the task fails.
        await this.errantRecords.report(record, error);
      }
      this.nextOffset = record.kafkaOffset + 1;
    }
  }

  private async writeRecord(record: SinkRecord): Promise<void> {
    if (record.value === null || record.value === undefined) {
      if (this.s.nullValues === 'ignore') {
        this.log(`Ignoring the null-valued record at ${describe(record)} (behavior.on.null.values=ignore)`);
        return;
      }
      throw new DataException(
        `Null valued records are not writeable with current behavior.on.null.values 'fail' setting (${describe(record)})`,
      );
    }
    const encodedPartition = this.partitioner.encodePartition(record);
    const open = this.files.get(encodedPartition);
    let projected = record;
    // The writer of a new schema is made before the open objects are closed: a schema the format cannot hold
    // rejects the record without cutting the objects short (their names stay those of a run without it).
    let nextWriter: { key: string; writer: RecordWriter } | undefined;
    if (open && !schemaEquals(open.schema, record.valueSchema)) {
      const decision = this.schemaDecision(open.schema, record.valueSchema);
      if (decision === 'rotate') {
        nextWriter = this.newWriter(record, encodedPartition);
        await this.commitAll();
      } else projected = { ...record, valueSchema: open.schema, value: project(record.value, open.schema as Schema) };
    }
    if (this.recordCount > 0 && this.shouldRotateOnTime(record, encodedPartition)) await this.commitAll();
    let file = this.files.get(encodedPartition);
    if (!file) {
      if (this.s.maxOpenFiles > 0 && this.files.size >= this.s.maxOpenFiles) {
        throw new ConnectException(
          `More than partitioner.max.open.files=${this.s.maxOpenFiles} open files for ${this.tp.topic}-${this.tp.partition}`,
        );
      }
      const { key, writer } = nextWriter ?? this.newWriter(projected, encodedPartition);
      file = {
        key,
        startOffset: record.kafkaOffset,
        endOffset: record.kafkaOffset,
        count: 0,
        schema: projected.valueSchema,
        writer,
      };
      this.files.set(encodedPartition, file);
    }
    // Everything that can reject the record happens before it is in an object: a record handed to the errant
    // record reporter must not be written as well.
    const baseTimestamp =
      this.baseTimestamp === null && this.s.rotateIntervalMs > 0 ? this.timestampOf(record) : this.baseTimestamp;
    try {
      file.writer.write(projected);
    } catch (error) {
      if (file.count === 0) this.files.delete(encodedPartition); // no empty object for a rejected first record
      throw error;
    }
    file.endOffset = record.kafkaOffset;
    file.count++;
    this.recordCount++;
    this.currentEncodedPartition = encodedPartition;
    this.baseTimestamp = baseTimestamp;
    if (this.recordCount >= this.s.flushSize) await this.commitAll();
  }

  /** The object a record starts; a schema the format cannot hold is a DataException naming the record. */
  private newWriter(record: SinkRecord, encodedPartition: string): { key: string; writer: RecordWriter } {
    const key = this.objectKey(encodedPartition, record.kafkaOffset);
    try {
      return { key, writer: this.format.newWriter(record.valueSchema, key) };
    } catch (error) {
      if (!(error instanceof DataException)) throw error;
      throw new DataException(`Record at ${describe(record)} cannot be written: ${error.message}`, { cause: error });
    }
  }

  private timestampOf(record: SinkRecord): number {
    const ts = this.partitioner.timestamp(record);
    if (ts !== null) return ts;
    // Not a time-based partitioner: rotate.interval.ms measures record time.
    if (record.timestamp === null) {
      throw new DataException(`rotate.interval.ms needs record timestamps; the record at ${describe(record)} has none`);
    }
    return record.timestamp;
  }

  private shouldRotateOnTime(record: SinkRecord, encodedPartition: string): boolean {
    if (this.now() >= this.nextScheduledRotation) return true;
    if (this.s.rotateIntervalMs <= 0 || this.baseTimestamp === null) return false;
    if (this.s.rotateOnPartitionChange && encodedPartition !== this.currentEncodedPartition) return true;
    return this.timestampOf(record) - this.baseTimestamp >= this.s.rotateIntervalMs;
  }

  /** schema.compatibility: NONE rotates on any change; BACKWARD rotates on a newer version and projects older ones. */
  private schemaDecision(current: Schema | null, next: Schema | null): 'rotate' | 'project' {
    if (this.s.schemaCompatibility === 'NONE' || !current || !next) return 'rotate';
    if (current.version === undefined || next.version === undefined) return 'rotate';
    if (next.version > current.version) return 'rotate';
    if (current.type !== 'struct' || next.type !== 'struct') return 'rotate';
    return 'project';
  }

  /** Wall-clock rotation between batches (the runtime calls preCommit on its commit interval). */
  async rotateIfScheduled(): Promise<void> {
    await this.commitPending();
    if (this.recordCount > 0 && this.now() >= this.nextScheduledRotation) await this.commitAll();
  }

  /** The offset to commit: the first one not in a durable object, else everything the runtime consumed. */
  committableOffset(consumed: number): number {
    let first = Number.POSITIVE_INFINITY;
    for (const p of this.pending) first = Math.min(first, p.startOffset);
    for (const f of this.files.values()) first = Math.min(first, f.startOffset);
    return Number.isFinite(first) ? first : consumed;
  }

  /** Close every open object of this partition and write it. */
  private async commitAll(): Promise<void> {
    for (const file of this.files.values()) {
      this.pending.push({
        key: file.key,
        startOffset: file.startOffset,
        body: file.writer.finish(),
        tags: this.s.tagging
          ? {
              ...this.s.tagging.extra,
              startOffset: String(file.startOffset),
              endOffset: String(file.endOffset),
              recordCount: String(file.count),
            }
          : null,
      });
    }
    this.files.clear();
    this.recordCount = 0;
    this.baseTimestamp = null;
    this.currentEncodedPartition = null;
    this.nextScheduledRotation = this.nextSchedule(this.now());
    await this.commitPending();
  }

  private async commitPending(): Promise<void> {
    while (this.pending.length > 0) {
      const object = this.pending[0] as PendingObject;
      await this.store.put(object.key, object.body, {
        partSize: this.s.partSize,
        contentType: this.format.contentType,
        ...(this.format.contentEncoding ? { contentEncoding: this.format.contentEncoding } : {}),
      });
      if (object.tags) await this.tag(object.key, object.tags);
      this.pending.shift();
      this.committedObjects++;
    }
  }

  private async tag(key: string, tags: Record<string, string>): Promise<void> {
    try {
      await this.store.tag(key, tags);
    } catch (error) {
      if (this.s.tagging?.failOnError) throw error;
      this.log(`Tagging ${key} failed (s3.object.behavior.on.tagging.error=ignore): ${String(error)}`);
    }
  }

  /** Objects in memory are dropped: their records are after the committed offset and come again. */
  close(): void {
    this.files.clear();
    this.pending = [];
  }
}

const describe = (r: SinkRecord): string =>
  `topic '${r.topic}', partition ${r.kafkaPartition}, offset ${r.kafkaOffset}`;

/** Connect's SchemaProjector for BACKWARD: a struct of an older schema → the current one (defaults for new fields). */
function project(value: unknown, target: Schema): Struct {
  const source = value as Struct;
  const out = new Struct(target);
  for (const f of schemaFields(target)) {
    const has = schemaFields(source.schema).some((sf) => sf.name === f.name);
    const v = has ? source.get(f.name) : (f.schema.defaultValue ?? null);
    if (v === null && !f.schema.optional) {
      throw new DataException(
        `Cannot project to schema version ${target.version}: field '${f.name}' has no value or default`,
      );
    }
    out.put(f.name, v);
  }
  return out;
}
