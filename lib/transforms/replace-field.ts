/** `ReplaceField$Key` / `$Value`: keep (`include`), drop (`exclude`) and rename (`renames`) fields. */
import { ConfigDef, LambdaValidator, ValidList } from '../connect/config-def';
import { ConfigException } from '../connect/errors';
import { SchemaBuilder, schemaFields } from '../connect/schema';
import type { Schema } from '../connect/schema-types';
import type { ConnectRecord } from '../connect/records';
import { Struct } from '../connect/struct';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  SchemaCache,
  VALUE,
  copySchemaBasics,
  emptyMapLike,
  fieldValue,
  mapEntries,
  mapPut,
  requireMap,
  requireStruct,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const PURPOSE = 'field replacement';

/** `String.split(":")`, trailing empty strings dropped. */
const javaSplitColon = (s: string): string[] => {
  const parts = s.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplitColon(mapping);
    if (parts.length !== 2) {
      throw new ConfigException(
        'renames',
        mappings,
        `Invalid value [${mappings.join(', ')}] for configuration renames: Invalid rename mapping: ${mapping}`,
      );
    }
    m.set(parts[0] as string, parts[1] as string);
  }
  return m;
}

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'exclude',
    type: 'LIST',
    defaultValue: [],
    validator: ValidList.anyNonDuplicateValues(true, false),
    importance: 'MEDIUM',
    documentation: 'Fields to exclude. This takes precedence over the fields to include.',
  })
  .define({
    name: 'include',
    type: 'LIST',
    defaultValue: [],
    validator: ValidList.anyNonDuplicateValues(true, false),
    importance: 'MEDIUM',
    documentation: 'Fields to include. If specified, only these fields will be used.',
  })
  .define({
    name: 'renames',
    type: 'LIST',
    defaultValue: [],
    validator: LambdaValidator.with(
      (_name, value) => void parseRenameMappings((value ?? []) as readonly string[]),
      () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    ),
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
  })
  .define({
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

export abstract class ReplaceField<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  private reverseRenames = new Map<string, string>();
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.exclude = new Set(config.getList('exclude') ?? []);
    this.include = new Set(config.getList('include') ?? []);
    this.renames = parseRenameMappings(config.getList('renames') ?? []);
    this.reverseRenames = new Map([...this.renames].map(([k, v]) => [v, k]));
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  private filter(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: R): R {
    const value = this.side.value(record);
    if (value === null || value === undefined) return record;
    return this.side.schema(record) === null
      ? this.applySchemaless(record, value)
      : this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, value: unknown): R {
    const map = requireMap(value, PURPOSE);
    const updated = emptyMapLike(map);
    for (const [k, v] of mapEntries(map)) {
      const name = k as string;
      if (this.filter(name)) mapPut(updated, this.renamed(name), v);
    }
    return this.side.with(record, null, updated);
  }

  private applyWithSchema(record: R, value: unknown): R {
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(struct.schema, (s) => this.makeUpdatedSchema(s));
    const updated = new Struct(updatedSchema);
    for (const field of schemaFields(updatedSchema)) {
      const original = this.reverseRenames.get(field.name) ?? field.name;
      updated.put(field.name, fieldValue(struct, original, this.replaceNullWithDefault));
    }
    return this.side.with(record, updatedSchema, updated);
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schemaFields(schema)) {
      if (this.filter(field.name)) builder.field(this.renamed(field.name), field.schema);
    }
    return builder.build();
  }
}

export class ReplaceFieldKey<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.ReplaceField$Key`;
  constructor() {
    super(KEY);
  }
}

export class ReplaceFieldValue<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.ReplaceField$Value`;
  constructor() {
    super(VALUE);
  }
}
