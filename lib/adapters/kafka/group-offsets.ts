/**
 * `SinkOffsets` over the Kafka admin API (kafkajs): the committed offsets of a sink connector's consumer group,
 * as Apache's `Worker.alterSinkConnectorOffsets`/`resetSinkConnectorOffsets` use them. Also answers the cluster
 * id for `GET /`.
 *
 * kafkajs has no OffsetDelete: deleting single partitions' offsets (a `null` offset in PATCH) rewrites the group
 * — delete it, then commit the remaining offsets again. The group has no members then (the connector is
 * STOPPED), so nobody can observe the gap.
 */
import type { Admin, Kafka } from 'kafkajs';
import { LazyAdmin } from './lazy-admin';
import type { SinkOffsetEntry, SinkOffsets } from '../../storage/sink-offsets';

const GROUP_NOT_FOUND = new Set(['GROUP_ID_NOT_FOUND', 'COORDINATOR_NOT_AVAILABLE']);

const errorType = (error: unknown): string | undefined => {
  const e = error as { type?: string; groups?: { error?: { type?: string } }[] } | null;
  return e?.groups?.[0]?.error?.type ?? e?.type;
};

export class KafkaGroupOffsets implements SinkOffsets {
  private readonly lazyAdmin: LazyAdmin;

  constructor(kafka: Kafka) {
    this.lazyAdmin = new LazyAdmin(kafka);
  }

  private admin(): Promise<Admin> {
    return this.lazyAdmin.get();
  }

  async list(groupId: string): Promise<SinkOffsetEntry[]> {
    const admin = await this.admin();
    const topics = await admin.fetchOffsets({ groupId });
    const entries: SinkOffsetEntry[] = [];
    for (const { topic, partitions } of topics) {
      for (const { partition, offset } of partitions) {
        if (Number(offset) >= 0) entries.push({ partition: { topic, partition }, offset: Number(offset) });
      }
    }
    return entries.sort((a, b) =>
      a.partition.topic === b.partition.topic
        ? a.partition.partition - b.partition.partition
        : a.partition.topic < b.partition.topic
          ? -1
          : 1,
    );
  }

  async alter(groupId: string, entries: readonly SinkOffsetEntry[]): Promise<void> {
    let target = entries.filter((e) => e.offset !== null);
    if (entries.some((e) => e.offset === null)) {
      const key = (e: SinkOffsetEntry): string => `${e.partition.topic}\u0000${e.partition.partition}`;
      const merged = new Map((await this.list(groupId)).map((e) => [key(e), e]));
      for (const entry of entries) {
        if (entry.offset === null) merged.delete(key(entry));
        else merged.set(key(entry), entry);
      }
      await this.reset(groupId);
      target = [...merged.values()];
    }
    const admin = await this.admin();
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { partition, offset } of target) {
      const list = byTopic.get(partition.topic) ?? [];
      list.push({ partition: partition.partition, offset: String(offset) });
      byTopic.set(partition.topic, list);
    }
    for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId, topic, partitions });
  }

  async reset(groupId: string): Promise<void> {
    const admin = await this.admin();
    try {
      await admin.deleteGroups([groupId]);
    } catch (error) {
      if (!GROUP_NOT_FOUND.has(errorType(error) ?? '')) throw error;
    }
  }

  async clusterId(): Promise<string> {
    return (await (await this.admin()).describeCluster()).clusterId;
  }

  close(): Promise<void> {
    return this.lazyAdmin.close();
  }
}
