/**
 * ProducerFencingPort on `@platformatic/kafka`. What Java's `Admin.fenceProducers` does on the broker is an
 * InitProducerId per transactional id, which is also what a transactional producer's `initTransactions()` sends
 * (this adapter sends it as Java does, see ./producer). So each id is fenced by a throw-away transactional producer
 * that initialises and closes without writing anything, as in the kafkajs adapter.
 */
import type { BaseOptions } from '@platformatic/kafka';
import type { ProducerFencingPort } from '../../storage/kafka-ports';
import { PlatformaticTransactionalProducer } from './producer';

/** Ids fenced at once: each is a producer with its own connections, and a connector may have many tasks. */
const FENCE_CONCURRENCY = 10;

export class PlatformaticProducerFencer implements ProducerFencingPort {
  constructor(private readonly base: BaseOptions) {}

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
    const producer = new PlatformaticTransactionalProducer(
      { ...this.base, clientId: `${this.base.clientId}-fence` },
      { transactionalId },
    );
    try {
      await producer.connect();
      await producer.initTransactions(timeoutMs);
    } finally {
      await producer.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    // Every fence closes its own producer.
  }
}
