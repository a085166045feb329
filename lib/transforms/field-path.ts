/**
 * KIP-821 field paths (Apache's `field.SingleFieldPath` and `FieldSyntaxVersion`): `V1` names a root field; `V2`
 * walks nested structs/maps with dots, and backticks wrap names that contain dots (a backslash escapes a backtick).
 */
import { CaseInsensitiveValidString, type ConfigDef } from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { schemaField } from '../connect/schema';
import type { Field, Schema } from '../connect/schema-types';
import type { Struct } from '../connect/struct';
import { type MapValue, mapGet, requireMapOrNull, requireStructOrNull } from './transform-support';

export type FieldSyntaxVersion = 'V1' | 'V2';

export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';

const FIELD_SYNTAX_VERSION_DOC =
  'Defines the version of the syntax to access fields. ' +
  'If set to <code>V1</code>, then the field paths are limited to access the elements at the root level of the struct or map. ' +
  'If set to <code>V2</code>, the syntax will support accessing nested elements. ' +
  'To access nested elements, dotted notation is used. ' +
  'If dots are already included in the field name, ' +
  'then backtick pairs can be used to wrap field names containing dots. ' +
  'E.g. to access the subfield <code>baz</code> from a field named "foo.bar" in a struct/map ' +
  'the following format can be used to access its elements: "<code>foo.bar</code>.baz".';

/** `FieldSyntaxVersion.appendConfigTo`. */
export const appendFieldSyntaxVersion = (def: ConfigDef): ConfigDef =>
  def.define({
    name: FIELD_SYNTAX_VERSION_CONFIG,
    type: 'STRING',
    defaultValue: 'V1',
    validator: CaseInsensitiveValidString.in('V1', 'V2'),
    importance: 'HIGH',
    documentation: FIELD_SYNTAX_VERSION_DOC,
  });

export function fieldSyntaxVersion(value: string | null): FieldSyntaxVersion {
  const upper = (value ?? '').toUpperCase();
  if (upper === 'V1' || upper === 'V2') return upper;
  throw new ConfigException(
    FIELD_SYNTAX_VERSION_CONFIG,
    value,
    `Invalid value ${String(value)} for configuration ${FIELD_SYNTAX_VERSION_CONFIG}: Unrecognized field syntax version`,
  );
}

export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(pathText: string, version: FieldSyntaxVersion) {
    this.steps = version === 'V1' ? [pathText] : parseV2(pathText);
  }

  /** The field at this path in a struct schema, or undefined. */
  fieldFrom(schema: Schema | null): Field | undefined {
    if (schema === null) return undefined;
    let current = schema;
    for (const step of this.steps.slice(0, -1)) {
      const field = schemaField(current, step);
      if (field === undefined) return undefined;
      current = field.schema;
    }
    return schemaField(current, this.last);
  }

  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    if (struct === null) return null;
    let current: Struct | null = struct;
    for (const step of this.steps.slice(0, -1)) {
      if (schemaField(current.schema, step) === undefined) return null;
      current = requireStructOrNull(current.get(step), 'nested field access');
      if (current === null) return null;
    }
    if (schemaField(current.schema, this.last) === undefined) return null;
    return withDefault ? current.get(this.last) : current.getWithoutDefault(this.last);
  }

  valueFromMap(map: MapValue | null): unknown {
    if (map === null) return null;
    let current: MapValue | null = map;
    for (const step of this.steps.slice(0, -1)) {
      current = requireMapOrNull(mapGet(current, step), 'nested field access');
      if (current === null) return null;
    }
    return mapGet(current, this.last) ?? null;
  }

  private get last(): string {
    return this.steps[this.steps.length - 1] as string;
  }
}

function incompleteBacktick(path: string, at: number): never {
  throw new ConfigException(
    undefined,
    undefined,
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  );
}

/** KIP-821's V2 grammar, step by step as Apache splits it. */
function parseV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx;
      idx = path.indexOf('.', idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf('`', idx);
      if (idx === -1) incompleteBacktick(path, backtickAt);
      const escaped = path[idx - 1] === '\\';
      if (idx >= path.length - 1) {
        if (escaped) incompleteBacktick(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== '.') {
        idx++;
        continue;
      }
      if (escaped) {
        field += path.slice(start, idx - 1) + '`';
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path !== '' && path.endsWith('.')) steps.push('');
  return steps;
}
