/** The topic routers: `RegexRouter` (Java regex + replacement) and `TimestampRouter` (topic + formatted timestamp). */
import { ConfigDef } from '../connect/config-def';
import { DataException } from '../connect/errors';
import type { ConnectRecord } from '../connect/records';
import { JavaPattern } from './java-regex';
import { SimpleDateFormat } from './simple-date-format';
import { newRecord, simpleConfig } from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';
import { RegexValidator } from './validators';

const REGEX_ROUTER_DEF = new ConfigDef()
  .define({
    name: 'regex',
    type: 'STRING',
    validator: RegexValidator,
    importance: 'HIGH',
    documentation: 'Regular expression to use for matching.',
  })
  .define({ name: 'replacement', type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' });

export class RegexRouter<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.RegexRouter`;
  private regex: JavaPattern | null = null;
  private replacement = '';

  config(): ConfigDef {
    return REGEX_ROUTER_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(REGEX_ROUTER_DEF, props);
    this.regex = JavaPattern.compile(config.getString('regex') ?? '');
    this.replacement = config.getString('replacement') ?? '';
  }

  apply(record: R): R {
    const regex = this.regex as JavaPattern;
    if (!regex.matches(record.topic)) return record;
    return newRecord(record, { topic: regex.replaceFirst(record.topic, this.replacement) });
  }
}

const TIMESTAMP_ROUTER_DEF = new ConfigDef()
  .define({
    name: 'topic.format',
    type: 'STRING',
    defaultValue: '${topic}-${timestamp}',
    importance: 'HIGH',
    documentation:
      'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  })
  .define({
    name: 'timestamp.format',
    type: 'STRING',
    defaultValue: 'yyyyMMdd',
    importance: 'HIGH',
    documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  });

/** `ConnectRecord.toString()`, as TimestampRouter prints a record without timestamp. */
const recordToString = (r: ConnectRecord): string =>
  `ConnectRecord{topic='${r.topic}', kafkaPartition=${String(r.kafkaPartition)}, key=${String(r.key)}, ` +
  `keySchema=${String(r.keySchema)}, value=${String(r.value)}, valueSchema=${String(r.valueSchema)}, ` +
  `timestamp=null, headers=ConnectHeaders(headers=${r.headers.length === 0 ? '' : '…'})}`;

export class TimestampRouter<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.TimestampRouter`;
  private topicFormat = '';
  private timestampPattern = '';
  private timestampFormat: SimpleDateFormat | null = null;

  config(): ConfigDef {
    return TIMESTAMP_ROUTER_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(TIMESTAMP_ROUTER_DEF, props);
    this.topicFormat = config.getString('topic.format') ?? '';
    // Apache builds its SimpleDateFormat lazily (per thread), so a bad pattern fails the first record, not configure.
    this.timestampPattern = config.getString('timestamp.format') ?? '';
    this.timestampFormat = null;
  }

  apply(record: R): R {
    if (record.timestamp === null) throw new DataException(`Timestamp missing on record: ${recordToString(record)}`);
    this.timestampFormat ??= new SimpleDateFormat(this.timestampPattern);
    const formatted = this.timestampFormat.format(new Date(record.timestamp));
    const topic = this.topicFormat.split('${topic}').join(record.topic).split('${timestamp}').join(formatted);
    return newRecord(record, { topic });
  }
}
