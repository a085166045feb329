/**
 * ProducerFencingPort on `@platformatic/kafka`: each id is fenced by a throw-away transactional producer
 * (lib/storage/producer-fencing.ts), whose InitProducerId this adapter sends as Java does (see ./producer).
 */
import type { BaseOptions } from '@platformatic/kafka';
import type { ProducerFencingPort } from '../../storage/kafka-ports';
import { fenceWithThrowawayProducers } from '../../storage/producer-fencing';
import { PlatformaticTransactionalProducer } from './producer';

export class PlatformaticProducerFencer implements ProducerFencingPort {
  constructor(private readonly base: BaseOptions) {}

  fenceProducers(transactionalIds: readonly string[], timeoutMs: number): Promise<void> {
    return fenceWithThrowawayProducers(
      transactionalIds,
      timeoutMs,
      (transactionalId) =>
        new PlatformaticTransactionalProducer(
          { ...this.base, clientId: `${this.base.clientId}-fence` },
          { transactionalId },
        ),
    );
  }

  async close(): Promise<void> {
    // Every fence closes its own producer.
  }
}
