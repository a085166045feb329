import type { Schema } from './schema-types';

/** A record header; `schema` null means "infer from the value". */
export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** Fields shared by source and sink records (`ConnectRecord`). */
export interface ConnectRecord {
  readonly topic: string;
  /** null lets the producer's partitioner choose. */
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  /** epoch ms; null = let the producer stamp it */
  readonly timestamp: number | null;
  readonly headers: readonly Header[];
}

/** JSON-compatible map used for source partitions and offsets (stored in the offsets topic as JSON). */
export type SourceMap = Readonly<Record<string, unknown>>;

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourceMap | null;
  readonly sourceOffset: SourceMap | null;
}

export type TimestampType = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly timestampType: TimestampType;
  /** topic/partition/offset before any transform changed them (KIP-793) */
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Offset to commit for a partition: the offset of the next record to consume, as in Kafka. */
export interface OffsetAndMetadata {
  readonly offset: number;
  readonly metadata?: string;
}

/** Key for TopicPartition maps. */
export const topicPartitionKey = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** What the producer reported for an acknowledged source record. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
