/**
 * GroupLagPort on the kafkajs admin client: the group's committed offsets (OffsetFetch) against each
 * partition's end offset (ListOffsets latest). A few requests per call; the admin connection is opened on first
 * use and kept, because the task asks once per heartbeat.
 */
import type { Admin, Kafka } from 'kafkajs';
import { LazyAdmin } from './lazy-admin';
import type { GroupLagPort, PartitionLag } from '../../storage/kafka-ports';

export class KafkajsGroupLag implements GroupLagPort {
  private readonly lazyAdmin: LazyAdmin;

  constructor(kafka: Kafka) {
    this.lazyAdmin = new LazyAdmin(kafka);
  }

  private admin(): Promise<Admin> {
    return this.lazyAdmin.get();
  }

  async lag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    const admin = await this.admin();
    const committedTopics = await admin.fetchOffsets({ groupId });
    const committed = new Map<string, number>();
    const all = new Set(topics);
    for (const { topic, partitions } of committedTopics) {
      all.add(topic);
      for (const { partition, offset } of partitions)
        if (Number(offset) >= 0) committed.set(`${topic}\u0000${partition}`, Number(offset));
    }
    const out: PartitionLag[] = [];
    for (const topic of [...all].sort()) {
      let ends: { partition: number; high: string; low: string }[];
      try {
        ends = await admin.fetchTopicOffsets(topic);
      } catch {
        continue; // a subscribed topic that does not exist (yet) has no lag
      }
      for (const { partition, high, low } of ends.sort((a, b) => a.partition - b.partition)) {
        const end = Number(high);
        const c = committed.get(`${topic}\u0000${partition}`);
        const from = c ?? Number(low);
        out.push({ topic, partition, committed: c ?? null, end, lag: Math.max(0, end - from) });
      }
    }
    return out;
  }

  close(): Promise<void> {
    return this.lazyAdmin.close();
  }
}
