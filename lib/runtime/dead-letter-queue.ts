/**
 * Apache's `DeadLetterQueueReporter` (KIP-298): a sink record that failed conversion, a transformation or put()
 * is written, as the bytes it was consumed with (key, value, headers, timestamp), to the connector's
 * `errors.deadletterqueue.topic.name`, optionally with `__connect.errors.*` context headers
 * (`errors.deadletterqueue.context.headers.enable`). The topic is created as Apache creates it: on task start,
 * when missing, with 1 partition and `errors.deadletterqueue.topic.replication.factor`.
 */
import { retry } from '../retry';
import { javaClassName, traceOf } from './trace';
import type { KafkaHeader, ProducerPort, ProducerRecord, TopicAdminPort } from '../storage/kafka-ports';
import type { ErrorContext, ErrorReporter } from './error-handling';

export const DLQ_HEADER_PREFIX = '__connect.errors.';
export const DLQ_HEADERS = {
  topic: `${DLQ_HEADER_PREFIX}topic`,
  partition: `${DLQ_HEADER_PREFIX}partition`,
  offset: `${DLQ_HEADER_PREFIX}offset`,
  connectorName: `${DLQ_HEADER_PREFIX}connector.name`,
  taskId: `${DLQ_HEADER_PREFIX}task.id`,
  stage: `${DLQ_HEADER_PREFIX}stage`,
  executingClass: `${DLQ_HEADER_PREFIX}class.name`,
  exception: `${DLQ_HEADER_PREFIX}exception.class.name`,
  exceptionMessage: `${DLQ_HEADER_PREFIX}exception.message`,
  exceptionStackTrace: `${DLQ_HEADER_PREFIX}exception.stacktrace`,
} as const;

const DLQ_SEND_BACKOFF = { initialDelayMs: 100, maxDelayMs: 5_000 };

/** Apache's `DLQ_NUM_DESIRED_PARTITIONS`. */
const DLQ_PARTITIONS = 1;

export interface DeadLetterQueueSettings {
  readonly topic: string;
  readonly replicationFactor: number;
  readonly contextHeaders: boolean;
}

const utf8 = (text: string | null | undefined): Uint8Array | null =>
  text === null || text === undefined ? null : Buffer.from(text, 'utf8');

export class DeadLetterQueueReporter implements ErrorReporter {
  private started = false;
  private readonly closing = new AbortController();
  private readonly queue: { record: ProducerRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private sending = false;

  constructor(
    private readonly settings: DeadLetterQueueSettings,
    private readonly connector: string,
    private readonly taskId: number,
    private readonly producer: ProducerPort,
    private readonly admin: TopicAdminPort,
    private readonly log: (message: string) => void = (m) => console.error(m),
    /** Apache's `deadletterqueue-produce-requests` / `-failures`, one per record written or not */
    private readonly metrics?: { recordDeadLetter(failed: boolean): void },
  ) {}

  /** Create the topic when missing and connect the producer (Apache: `createAndSetup`, when the task starts). */
  async start(): Promise<void> {
    const { topic, replicationFactor } = this.settings;
    try {
      if (await this.admin.ensureTopic(topic, { partitions: DLQ_PARTITIONS, replicationFactor })) {
        this.log(`Topic ${topic} doesn't exist. Created it for the dead letter queue of ${this.connector}.`);
      }
    } catch (error) {
      throw new Error(`Could not initialize dead letter queue with topic=${topic}`, { cause: error });
    }
    await this.producer.connect();
    this.started = true;
  }

  async report(context: ErrorContext, error: unknown): Promise<void> {
    const original = context.original;
    // Apache reports nothing to the DLQ without the consumed record (source tasks have none).
    if (original === undefined) return;
    const headers: KafkaHeader[] = [...original.headers];
    if (this.settings.contextHeaders) {
      const add = (key: string, value: string | null | undefined): void => {
        headers.push({ key, value: utf8(value) });
      };
      add(DLQ_HEADERS.topic, original.topic);
      add(DLQ_HEADERS.partition, String(original.partition));
      add(DLQ_HEADERS.offset, String(original.offset));
      add(DLQ_HEADERS.connectorName, this.connector);
      add(DLQ_HEADERS.taskId, String(this.taskId));
      add(DLQ_HEADERS.stage, context.stage);
      add(DLQ_HEADERS.executingClass, context.executingClass);
      if (error !== undefined && error !== null) {
        add(DLQ_HEADERS.exception, javaClassName(error));
        add(DLQ_HEADERS.exceptionMessage, error instanceof Error ? error.message : String(error));
        add(DLQ_HEADERS.exceptionStackTrace, traceOf(error));
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        record: {
          topic: this.settings.topic,
          partition: null,
          key: original.key,
          value: original.value,
          // Apache keeps the original timestamp unless the record had none (the producer stamps it then).
          timestamp: original.timestampType === 'NoTimestampType' || original.timestamp < 0 ? null : original.timestamp,
          headers,
        },
        resolve,
        reject,
      });
      if (!this.sending) void this.drain();
    });
  }

  /**
   * One produce request at a time, with everything reported meanwhile: the DLQ keeps the order of the failures
   * (as Apache's producer with one request in flight) without a round trip per record. Like Apache's DLQ producer
   * (delivery.timeout.ms forever), retriable errors are retried until the task stops.
   */
  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const records = batch.map((entry) => entry.record);
        try {
          await retry(() => this.producer.send(records, { metadata: false }), {
            ...DLQ_SEND_BACKOFF,
            signal: this.closing.signal,
          });
          for (const entry of batch) {
            this.metrics?.recordDeadLetter(false);
            entry.resolve();
          }
        } catch (failure) {
          this.log(`Could not produce message to dead letter queue. topic=${this.settings.topic}: ${String(failure)}`);
          for (const entry of batch) {
            this.metrics?.recordDeadLetter(true);
            entry.reject(failure);
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    if (this.started) await this.producer.close().catch(() => undefined);
  }
}
