/**
 * The admin side of the `@platformatic/kafka` adapter: topic creation and topic configs (WorkerTopicAdminPort), a
 * sink's consumer-group offsets and the cluster id (GroupOffsetsAdminPort), group lag (GroupLagPort). The last
 * two keep one admin client, connected on first use (readers that ask once per request or heartbeat pay the
 * connection once), closed by `close()`.
 */
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import type { BaseOptions } from '@platformatic/kafka';
import type {
  GroupLagPort,
  GroupOffsetsAdminPort,
  PartitionLag,
  TopicSettings,
  WorkerTopicAdminPort,
} from '../../storage/kafka-ports';
import type { SinkOffsetEntry } from '../../storage/sink-offsets';
import { flagged, hasApiId, isUnknownTopic } from './errors';

const EARLIEST = -2n;
const LATEST = -1n;

/** One admin client per adapter object, made on first use (the client connects lazily itself). */
class AdminHolder {
  private admin: Admin | undefined;

  constructor(private readonly base: BaseOptions) {}

  get(): Admin {
    this.admin ??= new Admin(this.base);
    return this.admin;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.close().catch(() => undefined);
  }
}

/**
 * Like the kafkajs adapter: a just-created topic's partitions get their leaders asynchronously (KRaft metadata
 * reaches the request handlers a moment later), so wait until fresh metadata shows every partition led, and the
 * caller's next produce, fetch or commit does not fail on it. Bounded: a topic that exists is enough.
 */
async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    try {
      const described = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic);
      if (described && described.partitionsCount > 0 && described.partitions.every((p) => p && p.leader >= 0)) return;
    } catch {
      // not visible yet: ask again
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * Topic admin: each call opens its own admin client and closes it (the runtime's callers ask once per topic and
 * hold the port for the task's life; an idle connection kept for that long is not worth it).
 */
export class PlatformaticTopicAdmin implements WorkerTopicAdminPort {
  constructor(private readonly base: BaseOptions) {}

  private withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    return flagged(async () => {
      const admin = new Admin(this.base);
      try {
        return await fn(admin);
      } finally {
        await admin.close().catch(() => undefined);
      }
    });
  }

  /** Apache's `listTopics` then `createTopics`, an "already exists" race being success; true when created here. */
  ensureTopic(topic: string, settings: TopicSettings): Promise<boolean> {
    return this.withAdmin(async (admin) => {
      const existing = await admin.listTopics({ includeInternals: true });
      if (existing.includes(topic)) return false;
      try {
        await admin.createTopics({
          topics: [topic],
          partitions: settings.partitions,
          replicas: settings.replicationFactor,
          configs: Object.entries(settings.configs ?? {}).map(([name, value]) => ({ name, value })),
        });
        await waitForLeaders(admin, topic);
        return true;
      } catch (error) {
        // Lost a race with another creator: the topic exists, which is all we asked for.
        if (hasApiId(error, 'TOPIC_ALREADY_EXISTS')) return false;
        throw error;
      }
    });
  }

  topicConfig(topic: string, name: string): Promise<string | undefined> {
    return this.withAdmin(async (admin) => {
      try {
        const [described] = await admin.describeConfigs({
          resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [name] }],
          includeSynonyms: false,
        });
        return described?.configs.find((c) => c.name === name)?.value ?? undefined;
      } catch (error) {
        // Not allowed to describe configs, or a broker too old: Apache logs a warning and goes on.
        if (hasApiId(error, 'TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION')) {
          return undefined;
        }
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    // Every call closes its own admin client.
  }
}

const byTopicPartition = (a: SinkOffsetEntry, b: SinkOffsetEntry): number =>
  a.partition.topic === b.partition.topic
    ? a.partition.partition - b.partition.partition
    : a.partition.topic < b.partition.topic
      ? -1
      : 1;

/** Per topic, the partitions of `entries` (in input order). */
const groupByTopic = <T>(entries: readonly { partition: { topic: string; partition: number }; value: T }[]) => {
  const byTopic = new Map<string, { partition: number; value: T }[]>();
  for (const { partition, value } of entries) {
    const list = byTopic.get(partition.topic) ?? [];
    list.push({ partition: partition.partition, value });
    byTopic.set(partition.topic, list);
  }
  return byTopic;
};

/**
 * A sink connector's committed offsets as Apache's `Worker.alterSinkConnectorOffsets`/`resetSinkConnectorOffsets`
 * use them: OffsetCommit through the admin API for set offsets, OffsetDelete for deleted ones (Apache's
 * `deleteConsumerGroupOffsets`), DeleteGroups for a reset.
 */
export class PlatformaticGroupOffsets implements GroupOffsetsAdminPort {
  private readonly holder: AdminHolder;

  constructor(base: BaseOptions) {
    this.holder = new AdminHolder(base);
  }

  list(groupId: string): Promise<SinkOffsetEntry[]> {
    return flagged(async () => {
      const groups = await this.holder.get().listConsumerGroupOffsets({ groups: [groupId] });
      const entries: SinkOffsetEntry[] = [];
      for (const { topics } of groups) {
        for (const { name, partitions } of topics) {
          for (const { partitionIndex, committedOffset } of partitions) {
            if (committedOffset >= 0n) {
              entries.push({ partition: { topic: name, partition: partitionIndex }, offset: Number(committedOffset) });
            }
          }
        }
      }
      return entries.sort(byTopicPartition);
    });
  }

  alter(groupId: string, entries: readonly SinkOffsetEntry[]): Promise<void> {
    return flagged(async () => {
      const admin = this.holder.get();
      const set = groupByTopic(
        entries.filter((e) => e.offset !== null).map((e) => ({ partition: e.partition, value: e.offset! })),
      );
      if (set.size > 0) {
        await admin.alterConsumerGroupOffsets({
          groupId,
          topics: [...set].map(([name, partitions]) => ({
            name,
            partitionOffsets: partitions.map((p) => ({ partition: p.partition, offset: BigInt(p.value) })),
          })),
        });
      }
      const deleted = groupByTopic(entries.filter((e) => e.offset === null).map((e) => ({ ...e, value: null })));
      if (deleted.size > 0) {
        try {
          await admin.deleteConsumerGroupOffsets({
            groupId,
            topics: [...deleted].map(([name, partitions]) => ({
              name,
              partitionIndexes: partitions.map((p) => p.partition),
            })),
          });
        } catch (error) {
          // Nothing was committed for the group (or the topic): there is nothing to delete.
          if (!hasApiId(error, 'GROUP_ID_NOT_FOUND', 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
        }
      }
    });
  }

  reset(groupId: string): Promise<void> {
    return flagged(async () => {
      try {
        await this.holder.get().deleteGroups({ groups: [groupId] });
      } catch (error) {
        // A group that does not exist is already reset.
        if (!hasApiId(error, 'GROUP_ID_NOT_FOUND', 'COORDINATOR_NOT_AVAILABLE')) throw error;
      }
    });
  }

  clusterId(): Promise<string> {
    return flagged(async () => (await this.holder.get().metadata({ topics: [] })).id);
  }

  close(): Promise<void> {
    return this.holder.close();
  }
}

/** Group lag: committed offsets (OffsetFetch) against each partition's end offset (ListOffsets latest). */
export class PlatformaticGroupLag implements GroupLagPort {
  private readonly holder: AdminHolder;

  constructor(base: BaseOptions) {
    this.holder = new AdminHolder(base);
  }

  lag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return flagged(async () => {
      const admin = this.holder.get();
      const committed = new Map<string, number>();
      const all = new Set(topics);
      for (const group of await admin.listConsumerGroupOffsets({ groups: [groupId] })) {
        for (const { name, partitions } of group.topics) {
          all.add(name);
          for (const { partitionIndex, committedOffset } of partitions) {
            if (committedOffset >= 0n) committed.set(`${name}\u0000${partitionIndex}`, Number(committedOffset));
          }
        }
      }
      const out: PartitionLag[] = [];
      for (const topic of [...all].sort()) {
        let ends: Map<number, bigint>;
        let starts: Map<number, bigint>;
        try {
          const metadata = await admin.metadata({ topics: [topic] });
          const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
          if (count === 0) continue;
          const partitions = Array.from({ length: count }, (_, i) => i);
          [ends, starts] = (await Promise.all(
            [LATEST, EARLIEST].map(async (timestamp) => {
              const [listed] = await admin.listOffsets({
                topics: [
                  { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) },
                ],
              });
              return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
            }),
          )) as [Map<number, bigint>, Map<number, bigint>];
        } catch (error) {
          if (isUnknownTopic(error)) continue; // a subscribed topic that does not exist (yet) has no lag
          throw error;
        }
        for (const [partition, high] of [...ends].sort((a, b) => a[0] - b[0])) {
          const end = Number(high);
          const c = committed.get(`${topic}\u0000${partition}`);
          const from = c ?? Number(starts.get(partition) ?? 0n);
          out.push({ topic, partition, committed: c ?? null, end, lag: Math.max(0, end - from) });
        }
      }
      return out;
    });
  }

  close(): Promise<void> {
    return this.holder.close();
  }
}
