/**
 * Java's `Admin.fenceProducers` on a Node Kafka client (neither has it): on the broker that call is an
 * InitProducerId per transactional id, which is also what a transactional producer's `initTransactions()` sends.
 * So each id is fenced by a throw-away transactional producer that initialises and closes without writing
 * anything. Both adapters' ProducerFencingPort run this with their own producer.
 */
import type { TransactionalProducerPort } from './kafka-ports';

/** Ids fenced at once: each is a producer with its own connections, and a connector may have many tasks. */
const FENCE_CONCURRENCY = 10;

/** Fences every id (up to FENCE_CONCURRENCY at once); rejects with the first failure once all have been tried. */
export async function fenceWithThrowawayProducers(
  transactionalIds: readonly string[],
  timeoutMs: number,
  newProducer: (transactionalId: string) => TransactionalProducerPort,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const fence = async (transactionalId: string): Promise<void> => {
    const producer = newProducer(transactionalId);
    try {
      await producer.connect();
      await producer.initTransactions(timeoutMs);
    } finally {
      await producer.close().catch(() => undefined);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < transactionalIds.length) {
      const id = transactionalIds[next++] as string;
      try {
        await fence(id);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FENCE_CONCURRENCY, transactionalIds.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
