import type { Schema } from './schema-types';
import type { ConfigDef } from './config-def';

/** Schema and value of one side of a record, as converters produce and consume them. */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** `org.apache.kafka.connect.storage.Converter`: Connect data <-> record bytes. */
export interface Converter {
  /** `configs` are the converter's own keys (prefix stripped); `isKey` tells key from value converter. */
  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue;
  config(): ConfigDef;
}

/** `org.apache.kafka.connect.storage.HeaderConverter`. */
export interface HeaderConverter {
  configure(configs: Readonly<Record<string, string>>): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
  config(): ConfigDef;
}
