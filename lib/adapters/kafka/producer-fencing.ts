/**
 * kafkajs adapter of the ProducerFencingPort: kafkajs has no `Admin.fenceProducers`, so each id is fenced by a
 * throw-away transactional producer (lib/storage/producer-fencing.ts).
 */
import type { Kafka } from 'kafkajs';
import type { ProducerFencingPort } from '../../storage/kafka-ports';
import { fenceWithThrowawayProducers } from '../../storage/producer-fencing';
import { KafkajsTransactionalProducer } from './producer';

export class KafkajsProducerFencer implements ProducerFencingPort {
  constructor(private readonly kafka: Kafka) {}

  fenceProducers(transactionalIds: readonly string[], timeoutMs: number): Promise<void> {
    return fenceWithThrowawayProducers(
      transactionalIds,
      timeoutMs,
      (transactionalId) => new KafkajsTransactionalProducer(this.kafka, { transactionalId }),
    );
  }

  async close(): Promise<void> {
    // Every fence disconnects its own producer; the shared client holds no connection of its own.
  }
}
