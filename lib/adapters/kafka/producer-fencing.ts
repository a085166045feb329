/**
 * kafkajs adapter of the ProducerFencingPort. kafkajs has no `Admin.fenceProducers`; what that call does on the
 * broker is an InitProducerId for each transactional id, which is also what a transactional producer's first
 * `initTransactions()` sends. So each id is fenced by a throw-away transactional producer that initialises and
 * disconnects without writing anything.
 */
import type { Kafka } from 'kafkajs';
import type { ProducerFencingPort } from '../../storage/kafka-ports';
import { KafkajsTransactionalProducer } from './producer';

/** Ids fenced at once: each is a producer with its own connections, and a connector may have many tasks. */
const FENCE_CONCURRENCY = 10;

export class KafkajsProducerFencer implements ProducerFencingPort {
  constructor(private readonly kafka: Kafka) {}

  async fenceProducers(transactionalIds: readonly string[], timeoutMs: number): Promise<void> {
    let next = 0;
    const errors: unknown[] = [];
    const worker = async (): Promise<void> => {
      while (next < transactionalIds.length) {
        const id = transactionalIds[next++] as string;
        try {
          await this.fence(id, timeoutMs);
        } catch (error) {
          errors.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FENCE_CONCURRENCY, transactionalIds.length) }, worker));
    if (errors.length > 0) throw errors[0];
  }

  private async fence(transactionalId: string, timeoutMs: number): Promise<void> {
    const producer = new KafkajsTransactionalProducer(this.kafka, { transactionalId });
    try {
      await producer.connect();
      await producer.initTransactions(timeoutMs);
    } finally {
      await producer.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    // Every fence disconnects its own producer; the shared client holds no connection of its own.
  }
}
