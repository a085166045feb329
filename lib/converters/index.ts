import type { Converter, HeaderConverter } from '../connect/converter';
import { ByteArrayConverter } from './byte-array-converter';
import { JsonConverter } from './json/json-converter';
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters';
import { SimpleHeaderConverter } from './simple-header-converter';
import { StringConverter } from './string-converter';

export { ByteArrayConverter } from './byte-array-converter';
export { JsonConverter } from './json/json-converter';
export type { DecimalFormat } from './json/json-converter';
export {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters';
export { SimpleHeaderConverter } from './simple-header-converter';
export { StringConverter } from './string-converter';

/** A built-in converter class for the plugin registry, under its Apache class name. */
export interface BuiltinConverter {
  readonly className: string;
  /** `both`: usable as `key.converter`/`value.converter` and as `header.converter`. */
  readonly type: 'converter' | 'header_converter' | 'both';
  create(): Converter | HeaderConverter;
}

const both = (cls: { readonly className: string; new (): Converter & HeaderConverter }): BuiltinConverter => ({
  className: cls.className,
  type: 'both',
  create: () => new cls(),
});

/** Every converter this project ships, as Apache's plugin scan lists them. */
export const BUILTIN_CONVERTERS: readonly BuiltinConverter[] = Object.freeze([
  both(JsonConverter),
  both(StringConverter),
  both(ByteArrayConverter),
  both(ShortConverter),
  both(IntegerConverter),
  both(LongConverter),
  both(FloatConverter),
  both(DoubleConverter),
  both(BooleanConverter),
  { className: SimpleHeaderConverter.className, type: 'header_converter', create: () => new SimpleHeaderConverter() },
]);

/** Instantiates a built-in converter by Apache class name, or returns undefined. */
export function createBuiltinConverter(className: string): Converter | HeaderConverter | undefined {
  return BUILTIN_CONVERTERS.find((c) => c.className === className)?.create();
}
