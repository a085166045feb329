/**
 * The shape of Apache's built-in transformations and predicates (`Transformation<R>`, `Predicate<R>`,
 * `Versioned`): a ConfigDef, `configure`, `apply` / `test`, `close`, and Kafka's version. The runtime's chain
 * duck-types these, so JavaScript plug-ins need not extend anything here.
 */
import type { ConfigDef } from '../connect/config-def';
import type { ConnectRecord } from '../connect/records';
import { KAFKA_VERSION } from '../plugins/kafka-version';

export abstract class Transformation<R extends ConnectRecord = ConnectRecord> {
  abstract config(): ConfigDef;
  abstract configure(props: Readonly<Record<string, unknown>>): void;
  /** The transformed record, or null to drop it. */
  abstract apply(record: R): R | null;
  version(): string {
    return KAFKA_VERSION;
  }
  close(): void {}
}

export abstract class Predicate<R extends ConnectRecord = ConnectRecord> {
  abstract config(): ConfigDef;
  abstract configure(props: Readonly<Record<string, unknown>>): void;
  abstract test(record: R): boolean;
  version(): string {
    return KAFKA_VERSION;
  }
  close(): void {}
}

/** A built-in plugin class: constructible, with Apache's class name. */
export interface BuiltinClass<T> {
  new (): T;
  readonly className: string;
}

export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';
