/**
 * `@platformatic/kafka` adapter of the runtime's ProducerPort. One `send()` is one `producer.send()` (one produce
 * request per leader, the client builds the record batches itself); keyed records go to Java's partition
 * (`toPositive(murmur2(key)) % n`: the client's own default drops the sign differently); null keys stick to one
 * partition per send and topic, the next partition on the next send (Java's sticky partitioner, KIP-794, moves on
 * per batch too): one record batch per request instead of one per partition, and no per-record choice.
 */
import { Producer } from '@platformatic/kafka';
import type { BaseOptions, MessageToProduce, ProduceResult } from '@platformatic/kafka';
import type { ProducerSettings } from '../../config/client-config';
import { RetriableException } from '../../connect/errors';
import { withRootCauses } from './client-options';
import type { RecordMetadata } from '../../connect/records';
import { awaitInitProducerId } from '../../storage/init-transactions';
import type { KafkaHeader, ProducerPort, ProducerRecord, TransactionalProducerPort } from '../../storage/kafka-ports';
import { murmur2 } from '../../storage/offsets-codec';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
type BufferProducer = Producer<Buffer, Buffer, Buffer, Buffer>;
/** The client's transaction (its class is not exported). */
type Transaction = Awaited<ReturnType<BufferProducer['beginTransaction']>>;

export const toBuffer = (bytes: Uint8Array | null): Buffer | undefined =>
  bytes === null
    ? undefined
    : Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Headers as a Map keyed by Buffer objects: one distinct key object per header, so repeated keys survive (Kafka
 * allows them), and a null value stays null on the wire (kafkajs can only write an empty one).
 */
const toHeaders = (headers: readonly KafkaHeader[]): Map<Buffer, Buffer> | undefined => {
  if (headers.length === 0) return undefined;
  const out = new Map<Buffer, Buffer>();
  for (const { key, value } of headers) out.set(Buffer.from(key), (toBuffer(value) ?? null) as Buffer);
  return out;
};

/** Errors the client marks retriable (network, leader moving, timeouts) anywhere in the cause chain. */
const isRetriableCause = (error: unknown): boolean => {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    const link = current as { canRetry?: unknown; errors?: unknown; cause?: unknown };
    if (link.canRetry === true) return true;
    if (Array.isArray(link.errors) && link.errors.some(isRetriableCause)) return true;
    current = link.cause;
  }
  return false;
};

/** The port's contract: a rejected send is `retriable` when sending the same records again may succeed. */
export const asProduceError = (error: unknown): unknown =>
  error instanceof RetriableException || !isRetriableCause(error)
    ? withRootCauses(error)
    : new RetriableException(`Failed to send records: ${(error as { message?: unknown }).message}`, { cause: error });

/**
 * Records per send, measured for this client (its cost per record does not grow with the request, unlike
 * kafkajs'). Raw client, 300k × 100 B, acks=all, one request in flight, idempotent, loaded 2-core machine:
 * 500 → 60k rec/s, 2000 → 70k, 5000 → 66k: within the machine's noise. Our source task with 2000 peaked at
 * 256–282 MiB RSS against 176–236 MiB with 500 (more records and their encoded copies alive per request), so it
 * stays at the runtime's 500: no measured gain pays for memory over the 200 MiB budget.
 */
export const PLATFORMATIC_RECORDS_PER_SEND = 500;

export class PlatformaticProducer implements ProducerPort {
  readonly maxRecordsPerSend = PLATFORMATIC_RECORDS_PER_SEND;
  protected readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly acks: -1 | 0 | 1;
  private readonly compression: NonNullable<ProducerSettings['compression']>;
  private readonly roundRobin = new Map<string, number>();

  constructor(base: BaseOptions, settings: ProducerSettings = {}) {
    const transactional = settings.transactionalId !== undefined;
    const idempotent = transactional || (settings.idempotent ?? false);
    this.producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      idempotent,
      // InitProducerId as Java sends it (no producer id yet: -1/-1). The client's default 0/0 names a producer
      // id the broker may not know, which it answers with PRODUCER_FENCED when another producer holds the
      // transactional id: a new task could not take over its predecessor's id.
      producerId: -1n,
      producerEpoch: -1,
      ...(transactional ? { transactionalId: settings.transactionalId } : {}),
      autocreateTopics: settings.allowAutoTopicCreation ?? true,
      // Not idempotent: `max.in.flight.requests.per.connection` (the client's default is 5). Idempotent: the
      // client keeps one in flight per connection, so retries never reorder.
      ...(!idempotent && settings.maxInFlightRequests !== undefined
        ? { maxInflights: settings.maxInFlightRequests }
        : {}),
      ...(settings.metadataMaxAge !== undefined ? { metadataMaxAge: settings.metadataMaxAge } : {}),
      ...(settings.timeout !== undefined ? { timeout: settings.timeout } : {}),
    });
    this.acks = idempotent ? -1 : (settings.acks ?? -1);
    this.compression = settings.compression ?? 'none';
  }

  async connect(): Promise<void> {
    // The client connects lazily: one Metadata request proves the brokers answer (as kafkajs' connect() does).
    await this.producer.metadata({ topics: [] }).catch((error: unknown) => {
      throw withRootCauses(error);
    });
  }

  async send(records: readonly ProducerRecord[], options?: { readonly metadata?: boolean }): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const messages = new Array<Message>(records.length);
    let timestamp: number | null = null;
    let timestampBig: bigint | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProducerRecord;
      if (r.timestamp !== timestamp) {
        timestamp = r.timestamp;
        timestampBig = timestamp === null ? undefined : BigInt(timestamp);
      }
      const message: Message = {
        topic: r.topic,
        key: toBuffer(r.key) as Buffer,
        value: toBuffer(r.value) as Buffer,
        timestamp: timestampBig as bigint,
      };
      if (r.partition !== null) message.partition = r.partition;
      if (r.headers.length > 0) message.headers = toHeaders(r.headers) as Map<Buffer, Buffer>;
      messages[i] = message;
    }
    // The partitions chosen for this send's records without one, in record order (the client calls the
    // partitioner synchronously, record by record); only kept when the caller wants metadata.
    const wantsMetadata = options?.metadata !== false;
    const chosen: number[] = [];
    // The null-key partition of this send, per topic (sticky for the whole send).
    let stickyTopic: string | undefined;
    let stickyPartition = 0;
    let result: ProduceResult;
    try {
      result = await this.sender().send({
        messages,
        acks: this.acks,
        compression: this.compression,
        partitioner: (message: Message, key: Buffer | undefined) => {
          let partition: number;
          if (key !== undefined && key !== null) partition = murmur2(key) & 0x7fffffff;
          else if (message.topic === stickyTopic) partition = stickyPartition;
          else {
            partition = this.nextSticky(message.topic);
            stickyTopic = message.topic;
            stickyPartition = partition;
          }
          if (wantsMetadata) chosen.push(partition);
          return partition;
        },
      });
    } catch (error) {
      throw asProduceError(error);
    }
    if (!wantsMetadata) return [];
    return this.metadataOf(records, chosen, result);
  }

  /**
   * The null-key partition of a send: the topic's next one (a random start per topic). A send with null-key
   * records of several interleaved topics asks again on each change; each call moves on, which only spreads more.
   * The client applies `% partitions`.
   */
  private nextSticky(topic: string): number {
    const partition = ((this.roundRobin.get(topic) ?? Math.floor(Math.random() * 0x7fff)) + 1) & 0x7fffffff;
    this.roundRobin.set(topic, partition);
    return partition;
  }

  /** Per-record metadata: records of one partition are written in send order, so the n-th gets base + n. */
  private metadataOf(records: readonly ProducerRecord[], chosen: number[], result: ProduceResult): RecordMetadata[] {
    const next = new Map<string, number>();
    for (const o of result.offsets ?? []) next.set(`${o.topic}:${o.partition}`, Number(o.offset));
    const metadata = this.producer.currentMetadata;
    let c = 0;
    const out = new Array<RecordMetadata>(records.length);
    for (let i = 0; i < records.length; i++) {
      const { topic, partition: explicit } = records[i] as ProducerRecord;
      let partition = explicit ?? chosen[c++] ?? -1;
      const count = metadata?.topics.get(topic)?.partitionsCount;
      if (explicit === null && count !== undefined && partition >= 0) partition %= count;
      const key = `${topic}:${partition}`;
      const offset = next.get(key) ?? -1;
      if (offset >= 0) next.set(key, offset + 1);
      out[i] = { topic, partition, offset };
    }
    return out;
  }

  /** Where a send goes: the producer itself, or (transactional) the open transaction. */
  protected sender(): Pick<Producer<Buffer, Buffer, Buffer, Buffer>, 'send'> | Pick<Transaction, 'send'> {
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

/**
 * The transactional producer (`transactional.id`): Java's `initTransactions()` is the client's InitProducerId for
 * the transactional id (bumping the epoch fences older producers of the id); `send()` joins the open
 * transaction (AddPartitionsToTxn as partitions appear), commit/abort end it (EndTxn).
 */
const FENCING_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

const isFencing = (error: unknown): boolean => {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    const link = current as { apiId?: unknown; producerFenced?: unknown; errors?: unknown; cause?: unknown };
    if (link.producerFenced === true || (typeof link.apiId === 'string' && FENCING_ERRORS.has(link.apiId))) return true;
    if (Array.isArray(link.errors) && link.errors.some(isFencing)) return true;
    current = link.cause;
  }
  return false;
};

export class PlatformaticTransactionalProducer extends PlatformaticProducer implements TransactionalProducerPort {
  private transaction: Transaction | undefined;
  /**
   * Set once the broker fenced this producer (a newer one holds the transactional id). Java's producer is then
   * unusable; the client would instead claim the id again on its next transaction and fence the newer producer,
   * so every later call fails with the fencing error.
   */
  private fenced: unknown;

  /** Runs `op`, remembering a fencing error for good. */
  private async guarded<T>(op: () => Promise<T>): Promise<T> {
    if (this.fenced !== undefined) throw this.fenced;
    try {
      return await op();
    } catch (error) {
      if (isFencing(error)) this.fenced = error;
      throw error;
    }
  }

  constructor(
    base: BaseOptions,
    settings: ProducerSettings & { readonly transactionalId: string },
    private readonly transactionalId = settings.transactionalId,
  ) {
    super(base, settings);
  }

  async initTransactions(timeoutMs: number): Promise<void> {
    await this.guarded(() => this.init(timeoutMs));
  }

  private async init(timeoutMs: number): Promise<void> {
    const transaction = await awaitInitProducerId(this.producer.beginTransaction(), timeoutMs, this.transactionalId);
    // Nothing was written: ends locally (no EndTxn); the producer id and epoch stay for the next transaction.
    await transaction.cancel();
  }

  private async open(): Promise<Transaction> {
    this.transaction ??= await this.producer.beginTransaction();
    return this.transaction;
  }

  override async send(
    records: readonly ProducerRecord[],
    options?: { readonly metadata?: boolean },
  ): Promise<RecordMetadata[]> {
    return this.guarded(async () => {
      if (records.length > 0) await this.open();
      return super.send(records, options);
    });
  }

  protected override sender(): Pick<Transaction, 'send'> {
    return this.transaction as Transaction;
  }

  async commitTransaction(last: readonly ProducerRecord[] = []): Promise<void> {
    if (last.length > 0) await this.send(last, { metadata: false });
    const open = this.transaction;
    if (!open) return;
    this.transaction = undefined;
    await this.guarded(() => open.commit());
  }

  async abortTransaction(): Promise<void> {
    const open = this.transaction;
    if (!open) return;
    this.transaction = undefined;
    if (!open.completed) await this.guarded(() => open.abort());
  }
}
