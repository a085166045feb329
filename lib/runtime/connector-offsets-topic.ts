/**
 * Which offsets topic a source connector's offsets live in (KIP-618 `offsets.storage.topic`), as Apache's
 * `Worker.offsetStoreFor…` decide it:
 *
 * - standalone mode: always the worker's store (Apache's `connectorOffsetsTopicsPermitted()` is false there; the
 *   key's documentation says it has no effect);
 * - distributed, at-least-once: the connector's own topic when `offsets.storage.topic` is set;
 * - distributed, `exactly.once.source.support=enabled`: the connector's own topic, or the worker's topic name
 *   when the key is not set (on the producer's cluster, where the transaction writes it);
 * - a connector topic that is the worker's topic (same name, and the producer's `bootstrap.servers` are the
 *   worker's) is the worker's store: no second store reads the same topic (`sameOffsetTopicAsWorker`).
 *
 * `undefined` means "the worker's store only"; a topic name means a ConnectorOffsetStore over that topic (primary)
 * and the worker's topic (secondary).
 */
import { OFFSETS_TOPIC_CONFIG } from '../config/connector-config';
import type { WorkerConfig } from '../config/worker-config';

export interface OffsetsTopicWorker {
  readonly distributed: boolean;
  readonly exactlyOnce: boolean;
  /** the worker's `offset.storage.topic` */
  readonly offsetsTopic: string;
  /** the worker's `bootstrap.servers` */
  readonly bootstrapServers: readonly string[];
  /** the worker's `producer.bootstrap.servers`, if set */
  readonly producerBootstrapServers?: readonly string[] | undefined;
}

const servers = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function connectorOffsetsTopic(
  worker: OffsetsTopicWorker,
  connectorConfig: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!worker.distributed) return undefined;
  const configured = connectorConfig[OFFSETS_TOPIC_CONFIG];
  const topic = configured !== undefined && configured.trim() !== '' ? configured : undefined;
  const effective = topic ?? (worker.exactlyOnce ? worker.offsetsTopic : undefined);
  if (effective === undefined) return undefined;
  const override = connectorConfig['producer.override.bootstrap.servers'];
  const producerServers =
    override !== undefined ? servers(override) : (worker.producerBootstrapServers ?? worker.bootstrapServers);
  const sameCluster =
    new Set(producerServers).size === new Set(worker.bootstrapServers).size &&
    producerServers.every((s) => worker.bootstrapServers.includes(s));
  return effective === worker.offsetsTopic && sameCluster ? undefined : effective;
}

/** The worker side of the decision from raw worker properties (the API, which has no parsed WorkerConfig). */
export const offsetsTopicWorker = (props: Readonly<Record<string, string | undefined>>): OffsetsTopicWorker => {
  const producer = props['producer.bootstrap.servers'];
  return {
    distributed: true,
    exactlyOnce: (props['exactly.once.source.support'] ?? '').trim().toLowerCase() === 'enabled',
    offsetsTopic: props['offset.storage.topic'] ?? 'connect-offsets',
    bootstrapServers: servers(props['bootstrap.servers'] ?? ''),
    ...(producer !== undefined ? { producerBootstrapServers: servers(producer) } : {}),
  };
};

/** The worker side of the decision from a parsed WorkerConfig (task processes). */
export const offsetsTopicWorkerOf = (worker: WorkerConfig): OffsetsTopicWorker => {
  const producer = worker.producer['bootstrap.servers'];
  return {
    distributed: worker.mode === 'distributed',
    exactlyOnce: worker.exactlyOnceSourceSupport === 'enabled',
    offsetsTopic: worker.offsetStorageTopic ?? 'connect-offsets',
    bootstrapServers: worker.bootstrapServers,
    ...(producer !== undefined ? { producerBootstrapServers: servers(producer) } : {}),
  };
};
