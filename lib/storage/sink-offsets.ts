/**
 * Sink connector offsets (KIP-875): the committed offsets of the sink's consumer group (`connect-<name>`, or
 * `consumer.override.group.id`). Apache reads and alters them with the Kafka admin client; so do we.
 */
import type { TopicPartition } from '../connect/records';

export interface SinkOffsetEntry {
  readonly partition: TopicPartition;
  /** next offset to consume; null = delete the committed offset of this partition */
  readonly offset: number | null;
}

export interface SinkOffsets {
  /** Committed offsets of the group (partitions without a commit are omitted). Empty if the group is unknown. */
  list(groupId: string): Promise<SinkOffsetEntry[]>;
  /** Alter (offset set) and delete (offset null) committed offsets; the group must have no active members. */
  alter(groupId: string, entries: readonly SinkOffsetEntry[]): Promise<void>;
  /** Delete the whole consumer group (Apache's reset); a group that does not exist is already reset. */
  reset(groupId: string): Promise<void>;
}

/** Apache's `SinkUtils.consumerGroupId`, honouring `consumer.override.group.id`. */
export const sinkConsumerGroupId = (name: string, config: Readonly<Record<string, string>>): string =>
  config['consumer.override.group.id'] ?? `connect-${name}`;
