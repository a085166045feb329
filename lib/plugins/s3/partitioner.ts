/**
 * Confluent's storage partitioners (`io.confluent.connect.storage.partitioner.*`): a record → its encoded partition
 * (the directory between `<topics.dir>/<topic>/` and the file name), and the timestamp extractors of the time-based
 * ones. Same strings as Confluent's: `partition=N`, `name=value` per field, and the Joda-formatted start of the
 * record's time bucket.
 */
import { DataException } from '../../connect/errors';
import type { SinkRecord } from '../../connect/records';
import { isStruct, schemaField } from '../../connect/schema';
import type { Struct } from '../../connect/struct';
import type { ExtractorKind, PartitionerKind } from './config';
import { PathFormatter, ZoneClock } from './path-format';

export interface Partitioner {
  encodePartition(record: SinkRecord): string;
  /** the timestamp rotate.interval.ms measures, or null when the partitioner has no extractor */
  timestamp(record: SinkRecord): number | null;
}

export interface PartitionerSettings {
  readonly kind: PartitionerKind;
  readonly fieldNames: readonly string[];
  readonly durationMs: number;
  readonly pathFormat: string;
  readonly locale: string;
  readonly timezone: string;
  readonly extractor: ExtractorKind;
  readonly timestampField: string;
  readonly directoryDelim: string;
}

/** Confluent's PartitionException messages, as a DataException (the task fails; the offsets stay uncommitted). */
class PartitionException extends DataException {}

/** A field of a Struct or a map value, `a.b.c` for nested ones; undefined when the record has no such field. */
export function fieldValue(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const name of path.split('.')) {
    if (isStruct(current)) {
      if (!schemaField(current.schema, name)) return undefined;
      current = (current as unknown as Struct).get(name);
    } else if (current instanceof Map) {
      if (!current.has(name)) return undefined;
      current = current.get(name);
    } else if (typeof current === 'object' && current !== null && !(current instanceof Uint8Array)) {
      if (!Object.prototype.hasOwnProperty.call(current, name)) return undefined;
      current = (current as Record<string, unknown>)[name];
    } else {
      return undefined;
    }
  }
  return current;
}

const describe = (r: SinkRecord): string =>
  `topic '${r.topic}', partition ${r.kafkaPartition}, offset ${r.kafkaOffset}`;

class DefaultPartitioner implements Partitioner {
  encodePartition(record: SinkRecord): string {
    return `partition=${record.kafkaPartition}`;
  }
  timestamp(): number | null {
    return null;
  }
}

class FieldPartitioner implements Partitioner {
  constructor(
    private readonly fields: readonly string[],
    private readonly delim: string,
  ) {}

  encodePartition(record: SinkRecord): string {
    const value = record.value;
    if (!isStruct(value) && !(value instanceof Map) && (typeof value !== 'object' || value === null)) {
      throw new PartitionException(
        `FieldPartitioner needs a record value that is a struct or a map, got ${value === null ? 'null' : typeof value} (${describe(record)})`,
      );
    }
    return this.fields
      .map((name) => {
        const v = fieldValue(value, name);
        if (v === undefined) {
          throw new PartitionException(
            `Record has no field '${name}' to partition by (partition.field.name, ${describe(record)})`,
          );
        }
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') {
          return `${name}=${String(v)}`;
        }
        throw new PartitionException(
          `Field '${name}' is ${v === null ? 'null' : 'not a number, string or boolean'}: it cannot name a partition (${describe(record)})`,
        );
      })
      .join(this.delim);
  }

  timestamp(): number | null {
    return null;
  }
}

/** Joda's `DateTimeZone.convertLocalToUTC(local, false)`: the instant whose wall time in the zone is `local`. */
function localToUtc(clock: ZoneClock, local: number): number {
  const guess = local - clock.offset(local);
  return local - clock.offset(guess);
}

export class TimeBasedPartitioner implements Partitioner {
  private readonly clock: ZoneClock;
  private readonly formatter: PathFormatter;
  /** one bucket start → its path: records come in time order, so the last one almost always hits */
  private lastBucket = Number.NaN;
  private lastPath = '';

  constructor(
    private readonly durationMs: number,
    pathFormat: string,
    locale: string,
    timezone: string,
    private readonly extract: (record: SinkRecord) => number,
  ) {
    this.clock = new ZoneClock(timezone);
    this.formatter = new PathFormatter(pathFormat, this.clock, locale);
  }

  encodePartition(record: SinkRecord): string {
    const ts = this.extract(record);
    // Confluent's TimeBasedPartitioner.getPartition: floor the local wall time to the duration, back to UTC.
    const local = ts + this.clock.offset(ts);
    const floored = Math.floor(local / this.durationMs) * this.durationMs;
    if (floored === this.lastBucket) return this.lastPath;
    const bucketStart = localToUtc(this.clock, floored);
    this.lastBucket = floored;
    this.lastPath = this.formatter.print(bucketStart);
    return this.lastPath;
  }

  timestamp(record: SinkRecord): number {
    return this.extract(record);
  }
}

function toEpochMillis(v: unknown, record: SinkRecord, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const parsed = Date.parse(v);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new PartitionException(
    `Timestamp field '${field}' is ${v === undefined ? 'missing' : `not a timestamp (${JSON.stringify(v) ?? typeof v})`} (${describe(record)})`,
  );
}

export function timestampExtractor(kind: ExtractorKind, field: string): (record: SinkRecord) => number {
  switch (kind) {
    case 'Wallclock':
      return () => Date.now();
    case 'Record':
      return (record) => {
        if (record.timestamp === null) {
          throw new PartitionException(
            `Record has no timestamp for the Record timestamp extractor (${describe(record)})`,
          );
        }
        return record.timestamp;
      };
    case 'RecordField':
      return (record) => toEpochMillis(fieldValue(record.value, field), record, field);
  }
}

/** Validate the settings as Confluent's partitioners do when configured; the message names the key. */
export function partitionerProblems(s: PartitionerSettings): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  if (s.kind === 'field' && s.fieldNames.length === 0) {
    out.push({ key: 'partition.field.name', message: 'FieldPartitioner needs partition.field.name' });
  }
  if (s.kind === 'time') {
    if (s.durationMs <= 0)
      out.push({ key: 'partition.duration.ms', message: 'Partition duration needs to be a positive.' });
    if (s.pathFormat === '') out.push({ key: 'path.format', message: 'Path format cannot be empty.' });
  }
  if (s.kind === 'time' || s.kind === 'daily' || s.kind === 'hourly') {
    if (s.locale === '') out.push({ key: 'locale', message: 'Locale cannot be empty.' });
    if (s.timezone === '') out.push({ key: 'timezone', message: 'Timezone cannot be empty.' });
  }
  return out;
}

export function createPartitioner(s: PartitionerSettings): Partitioner {
  const extractor = (): ((r: SinkRecord) => number) => timestampExtractor(s.extractor, s.timestampField);
  switch (s.kind) {
    case 'default':
      return new DefaultPartitioner();
    case 'field':
      return new FieldPartitioner(s.fieldNames, s.directoryDelim);
    case 'time':
      return new TimeBasedPartitioner(s.durationMs, s.pathFormat, s.locale, s.timezone, extractor());
    case 'daily':
      return new TimeBasedPartitioner(86_400_000, "'year'=YYYY/'month'=MM/'day'=dd", s.locale, s.timezone, extractor());
    case 'hourly':
      return new TimeBasedPartitioner(
        3_600_000,
        "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
        s.locale,
        s.timezone,
        extractor(),
      );
  }
}
