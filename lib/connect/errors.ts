/**
 * Errors of the plugin SPI, named after Kafka Connect's. `retriable` follows kafkajs: a retriable error
 * means "the same call may succeed later", and drives the one shared backoff policy.
 */
export class ConnectException extends Error {
  readonly retriable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Record data that cannot be converted or does not match its schema. */
export class DataException extends ConnectException {}

/** A transient failure: the runtime retries the same call (poll/put) with backoff. */
export class RetriableException extends ConnectException {
  override readonly retriable = true;
}

/** A config that does not satisfy its ConfigDef. */
export class ConfigException extends ConnectException {
  constructor(
    readonly configName: string | undefined,
    readonly configValue: unknown,
    message: string,
  ) {
    super(message);
  }
}
