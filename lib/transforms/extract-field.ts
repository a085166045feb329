/** `ExtractField$Key` / `$Value`: replace the key/value with one (possibly nested, KIP-821) field of it. */
import { ConfigDef } from '../connect/config-def';
import type { ConnectRecord } from '../connect/records';
import { SingleFieldPath, appendFieldSyntaxVersion, fieldSyntaxVersion } from './field-path';
import {
  KEY,
  REPLACE_NULL_WITH_DEFAULT_DOC,
  type RecordSide,
  VALUE,
  requireMapOrNull,
  requireStructOrNull,
  simpleConfig,
} from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const PURPOSE = 'field extraction';

const CONFIG_DEF = appendFieldSyntaxVersion(
  new ConfigDef()
    .define({ name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' })
    .define({
      name: 'replace.null.with.default',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'MEDIUM',
      documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
    }),
);

export abstract class ExtractField<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  private path = new SingleFieldPath('', 'V1');
  private originalPath = '';
  private replaceNullWithDefault = true;

  constructor(private readonly side: RecordSide) {
    super();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(CONFIG_DEF, props);
    this.originalPath = config.getString('field') ?? '';
    this.path = new SingleFieldPath(this.originalPath, fieldSyntaxVersion(config.getString('field.syntax.version')));
    this.replaceNullWithDefault = config.getBoolean('replace.null.with.default') ?? true;
  }

  apply(record: R): R {
    const schema = this.side.schema(record);
    if (schema === null) {
      const map = requireMapOrNull(this.side.value(record), PURPOSE);
      return this.side.with(record, null, map === null ? null : this.path.valueFromMap(map));
    }
    const struct = requireStructOrNull(this.side.value(record), PURPOSE);
    const field = this.path.fieldFrom(schema);
    // Apache throws IllegalArgumentException here; the runtime treats it like any other transform failure.
    if (field === undefined) throw new Error(`Unknown field: ${this.originalPath}`);
    return this.side.with(
      record,
      field.schema,
      struct === null ? null : this.path.valueFromStruct(struct, this.replaceNullWithDefault),
    );
  }
}

export class ExtractFieldKey<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.ExtractField$Key`;
  constructor() {
    super(KEY);
  }
}

export class ExtractFieldValue<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.ExtractField$Value`;
  constructor() {
    super(VALUE);
  }
}
