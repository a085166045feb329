/**
 * Java's pull-style `poll()` over a push-style Kafka client: records and rebalances arrive from the client in the
 * background, and poll() waits for them (or its timeout) and runs the rebalance callbacks itself, as Java's
 * consumer does, so they never interleave with put(). Both consumer adapters (kafkajs, @platformatic/kafka) need
 * exactly this; SDK-free, so the adapters (which never import each other) share it.
 */
import type { TopicPartition } from '../connect/records';
import type { RebalanceListener } from './kafka-ports';

/** A rebalance the client reported, waiting for poll() to hand it to the listener. */
export type RebalanceEvent = { kind: 'assigned' | 'revoked'; partitions: TopicPartition[] };

/** Hands the queued rebalance events to `listener`, in order (inside poll(), as Java's consumer does). */
export async function runRebalanceCallbacks(
  events: RebalanceEvent[],
  listener: RebalanceListener | undefined,
): Promise<void> {
  while (events.length > 0 && listener) {
    const event = events.shift() as RebalanceEvent;
    if (event.kind === 'revoked') await listener.onPartitionsRevoked(event.partitions);
    else await listener.onPartitionsAssigned(event.partitions);
  }
}

/** poll()'s wait: ends at its timeout or as soon as something arrives (wake()), whichever comes first. */
export class PollWait {
  private waiter: (() => void) | undefined;

  /** Waits up to `timeoutMs` (a timer, so the event loop keeps running) or until wake(). */
  wait(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.waiter === done) this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }

  /** Ends the wait in progress, if any (records, a rebalance, a failure or a subscription change arrived). */
  wake(): void {
    this.waiter?.();
  }
}
