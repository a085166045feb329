/** `DropHeaders` and `InsertHeader` (KIP-145): remove headers by name, add a header with a literal value. */
import { ConfigDef, NonNullValidator, ValidList } from '../connect/config-def';
import type { ConnectRecord } from '../connect/records';
import { parseString } from '../connect/values';
import { connectHeader } from './connect-headers';
import { newRecord, simpleConfig } from './transform-support';
import { TRANSFORMS_PACKAGE, Transformation } from './transformation';

const DROP_HEADERS_DEF = new ConfigDef().define({
  name: 'headers',
  type: 'LIST',
  validator: ValidList.anyNonDuplicateValues(false, false),
  importance: 'HIGH',
  documentation: 'The name of the headers to be removed.',
});

export class DropHeaders<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.DropHeaders`;
  private headers = new Set<string>();

  config(): ConfigDef {
    return DROP_HEADERS_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    this.headers = new Set(simpleConfig(DROP_HEADERS_DEF, props).getList('headers') ?? []);
  }

  apply(record: R): R {
    return newRecord(record, { headers: record.headers.filter((h) => !this.headers.has(h.key)) });
  }
}

const INSERT_HEADER_DEF = new ConfigDef()
  .define({
    name: 'header',
    type: 'STRING',
    validator: NonNullValidator,
    importance: 'HIGH',
    documentation: 'The name of the header.',
  })
  .define({
    name: 'value.literal',
    type: 'STRING',
    validator: NonNullValidator,
    importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  });

export class InsertHeader<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.InsertHeader`;
  private header = '';
  private literal: { schema: ConnectRecord['valueSchema']; value: unknown } | null = null;

  config(): ConfigDef {
    return INSERT_HEADER_DEF;
  }

  configure(props: Readonly<Record<string, unknown>>): void {
    const config = simpleConfig(INSERT_HEADER_DEF, props);
    this.header = config.getString('header') ?? '';
    // The literal is typed as Values.parseString types it: "42" is an int8 header, "true" a boolean …
    this.literal = parseString(config.getString('value.literal'));
  }

  apply(record: R): R {
    const header = connectHeader(this.header, this.literal?.value ?? null, this.literal?.schema ?? null);
    return newRecord(record, { headers: [...record.headers, header] });
  }
}

const FILTER_DEF = new ConfigDef();

/** `Filter`: drops every record; used with a predicate (`transforms.<a>.predicate`). */
export class Filter<R extends ConnectRecord = ConnectRecord> extends Transformation<R> {
  static readonly className = `${TRANSFORMS_PACKAGE}.Filter`;

  config(): ConfigDef {
    return FILTER_DEF;
  }

  configure(): void {}

  apply(): null {
    return null;
  }
}
