/** Apache's built-in predicates (KIP-585): `HasHeaderKey`, `RecordIsTombstone`, `TopicNameMatches`. */
import { CompositeValidator, ConfigDef, NonEmptyString } from '../../connect/config-def';
import { ConfigException } from '../../connect/errors';
import type { ConnectRecord } from '../../connect/records';
import { JavaPattern, PatternSyntaxError } from '../java-regex';
import { simpleConfig } from '../transform-support';
import { Predicate, TRANSFORMS_PACKAGE } from '../transformation';
import { RegexValidator } from '../validators';

const PACKAGE = `${TRANSFORMS_PACKAGE}.predicates`;

const HAS_HEADER_KEY_DEF = new ConfigDef().define({
  name: 'name',
  type: 'STRING',
  validator: NonEmptyString,
  importance: 'MEDIUM',
  documentation: 'The header name.',
});

export class HasHeaderKey<R extends ConnectRecord = ConnectRecord> extends Predicate<R> {
  static readonly className = `${PACKAGE}.HasHeaderKey`;
  private name = '';

  config(): ConfigDef {
    return HAS_HEADER_KEY_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    this.name = simpleConfig(HAS_HEADER_KEY_DEF, props).getString('name') ?? '';
  }

  test(record: R): boolean {
    return record.headers.some((h) => h.key === this.name);
  }

  override toString(): string {
    return `HasHeaderKey{name='${this.name}'}`;
  }
}

const RECORD_IS_TOMBSTONE_DEF = new ConfigDef();

export class RecordIsTombstone<R extends ConnectRecord = ConnectRecord> extends Predicate<R> {
  static readonly className = `${PACKAGE}.RecordIsTombstone`;

  config(): ConfigDef {
    return RECORD_IS_TOMBSTONE_DEF;
  }

  configure(): void {}

  test(record: R): boolean {
    return record.value === null || record.value === undefined;
  }

  override toString(): string {
    return 'RecordIsTombstone{}';
  }
}

const TOPIC_NAME_MATCHES_DEF = new ConfigDef().define({
  name: 'pattern',
  type: 'STRING',
  validator: CompositeValidator.of(NonEmptyString, RegexValidator),
  importance: 'MEDIUM',
  documentation: "A Java regular expression for matching against the name of a record's topic.",
});

export class TopicNameMatches<R extends ConnectRecord = ConnectRecord> extends Predicate<R> {
  static readonly className = `${PACKAGE}.TopicNameMatches`;
  private pattern: JavaPattern | null = null;

  config(): ConfigDef {
    return TOPIC_NAME_MATCHES_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const value = simpleConfig(TOPIC_NAME_MATCHES_DEF, props).getString('pattern') ?? '';
    try {
      this.pattern = JavaPattern.compile(value);
    } catch (e) {
      if (!(e instanceof PatternSyntaxError)) throw e;
      throw new ConfigException(
        'pattern',
        value,
        `Invalid value ${value} for configuration pattern: entry must be a Java-compatible regular expression: ${e.message}`,
      );
    }
  }

  test(record: R): boolean {
    return this.pattern !== null && this.pattern.matches(record.topic);
  }

  override toString(): string {
    return `TopicNameMatches{pattern=${String(this.pattern)}}`;
  }
}
