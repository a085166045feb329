/** Kafka Connect's schema types (`Schema.Type`), by their JSON names. */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

/** Immutable schema, as `org.apache.kafka.connect.data.Schema`. */
export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue?: unknown;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** array/map only */
  readonly keySchema?: Schema;
  readonly valueSchema?: Schema;
  /** struct only, in declaration order */
  readonly fields?: readonly Field[];
}
