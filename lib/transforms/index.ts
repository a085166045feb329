/**
 * Apache Kafka Connect's built-in transformations and predicates (connect-transforms 4.3), under Apache's class
 * names. The plugin registry lists them with Kafka's version, as Apache's worker does.
 */
import { CastKey, CastValue } from './cast';
import { ExtractFieldKey, ExtractFieldValue } from './extract-field';
import { FlattenKey, FlattenValue } from './flatten';
import { HeaderFromKey, HeaderFromValue } from './header-from';
import { DropHeaders, Filter, InsertHeader } from './header-transforms';
import { HoistFieldKey, HoistFieldValue } from './hoist-field';
import { InsertFieldKey, InsertFieldValue } from './insert-field';
import { MaskFieldKey, MaskFieldValue } from './mask-field';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates/predicates';
import { ReplaceFieldKey, ReplaceFieldValue } from './replace-field';
import { RegexRouter, TimestampRouter } from './routers';
import { SetSchemaMetadataKey, SetSchemaMetadataValue } from './set-schema-metadata';
import { TimestampConverterKey, TimestampConverterValue } from './timestamp-converter';
import type { BuiltinClass, Predicate, Transformation } from './transformation';
import { ValueToKey } from './value-to-key';

export { Predicate, Transformation } from './transformation';

export const BUILTIN_TRANSFORMATIONS: readonly BuiltinClass<Transformation>[] = Object.freeze([
  CastKey,
  CastValue,
  DropHeaders,
  ExtractFieldKey,
  ExtractFieldValue,
  Filter,
  FlattenKey,
  FlattenValue,
  HeaderFromKey,
  HeaderFromValue,
  HoistFieldKey,
  HoistFieldValue,
  InsertFieldKey,
  InsertFieldValue,
  InsertHeader,
  MaskFieldKey,
  MaskFieldValue,
  RegexRouter,
  ReplaceFieldKey,
  ReplaceFieldValue,
  SetSchemaMetadataKey,
  SetSchemaMetadataValue,
  TimestampConverterKey,
  TimestampConverterValue,
  TimestampRouter,
  ValueToKey,
]);

export const BUILTIN_PREDICATES: readonly BuiltinClass<Predicate>[] = Object.freeze([
  HasHeaderKey,
  RecordIsTombstone,
  TopicNameMatches,
]);
