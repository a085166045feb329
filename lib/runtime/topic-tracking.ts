/**
 * KIP-558 active topics for a task-runner: decorates the runtime's KafkaClientFactory so every topic a source
 * task produces to, or a sink task consumes from, is reported once (`StatusStore.addTopics`).
 */
import { DLQ_PRODUCER_CLIENT_ID_PREFIX } from '../config/client-config';
import type { ConsumerPort, KafkaClientFactory, ProducerPort } from '../storage/kafka-ports';

/** `target` with one method replaced; every other member is the target's own, bound to it. */
function withMethod<T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop === key) return replacement;
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

export function trackTopics(factory: KafkaClientFactory, report: (topics: string[]) => unknown): KafkaClientFactory {
  const seen = new Set<string>();
  const note = (topics: Iterable<string>): void => {
    const fresh = [...new Set(topics)].filter((t) => !seen.has(t));
    if (fresh.length === 0) return;
    for (const t of fresh) seen.add(t);
    report(fresh);
  };
  return {
    newProducer(props): ProducerPort {
      const producer = factory.newProducer(props);
      // A sink's dead letter queue is not one of the connector's topics (Apache tracks task records only).
      if (props['client.id']?.startsWith(DLQ_PRODUCER_CLIENT_ID_PREFIX)) return producer;
      // Hot path of every source batch: pass `options` on (metadata: false spares the adapter per-record
      // metadata) and look at each topic once per run of equal topics, not through a per-record array and Set.
      const send: ProducerPort['send'] = async (records, options) => {
        const result = await producer.send(records, options);
        let fresh: string[] | undefined;
        let last: string | undefined;
        for (const { topic } of records) {
          if (topic === last) continue;
          last = topic;
          if (!seen.has(topic)) (fresh ??= []).push(topic);
        }
        if (fresh) note(fresh);
        return result;
      };
      return withMethod(producer, 'send', send);
    },
    newConsumer(props): ConsumerPort {
      const consumer = factory.newConsumer(props);
      const poll: ConsumerPort['poll'] = async (timeoutMs) => {
        const records = await consumer.poll(timeoutMs);
        note(records.map((r) => r.topic));
        return records;
      };
      return withMethod(consumer, 'poll', poll);
    },
    newTopicAdmin: (props) => factory.newTopicAdmin(props),
    // Lag reading tracks no topic; it must survive the wrapping, or sinks would report no lag.
    ...(factory.newGroupLag ? { newGroupLag: (props) => factory.newGroupLag!(props) } : {}),
  };
}
