import { ConfigDef, ValidString } from '../connect/config-def';
import type { ParsedConfig } from '../connect/config-def';

/** `ConverterType`: how a converter instance is used; passed to converters as `converter.type`. */
export type ConverterType = 'key' | 'value' | 'header';

export const CONVERTER_TYPE_CONFIG = 'converter.type';

/** `ConverterConfig.newConfigDef()`: every converter's ConfigDef starts with the required `converter.type`. */
export function newConverterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    validator: ValidString.in('key', 'value', 'header'),
    importance: 'LOW',
    documentation: 'How this converter will be used.',
  });
}

/**
 * Parses a converter's own (prefix-stripped) configs, as `configure(configs, isKey)` does in Apache: the
 * `converter.type` is set from `isKey`. Header converters are configured without it; they default to `header`.
 */
export function parseConverterConfig(
  def: ConfigDef,
  configs: Readonly<Record<string, string>>,
  isKey: boolean | undefined,
): ParsedConfig {
  const type: ConverterType = isKey === undefined ? 'header' : isKey ? 'key' : 'value';
  const props: Record<string, string> = { ...configs };
  if (isKey !== undefined || props[CONVERTER_TYPE_CONFIG] === undefined) props[CONVERTER_TYPE_CONFIG] = type;
  return def.parse(props);
}
