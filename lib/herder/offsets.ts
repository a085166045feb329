/**
 * KIP-875 offsets request validation, with Apache's messages (`SinkUtils.parseSinkConnectorOffsets`,
 * `OffsetUtils.validateFormat`). Pure functions over the PATCH body.
 */
import type { SourceMap, TopicPartition } from '../connect/records';
import { BadRequestError } from '../errors';
import type { SinkOffsetEntry } from '../storage/sink-offsets';
import type { SourceOffsetEntry } from '../storage/ports';
import type { ConnectorOffset } from './entities';

const KAFKA_TOPIC = 'kafka_topic';
const KAFKA_PARTITION = 'kafka_partition';
const KAFKA_OFFSET = 'kafka_offset';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Java's `Long.parseLong`/`Integer.parseInt` accept an optional sign and decimal digits only. */
function parseInteger(value: unknown, max: number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && Math.abs(value) <= max ? value : undefined;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) && Math.abs(n) <= max ? n : undefined;
  }
  return undefined;
}

export function parseSinkOffsets(offsets: readonly ConnectorOffset[]): SinkOffsetEntry[] {
  return offsets.map(({ partition, offset }) => {
    if (!isObject(partition))
      throw new BadRequestError('The partition for a sink connector offset cannot be null or missing');
    if (!(KAFKA_TOPIC in partition) || !(KAFKA_PARTITION in partition)) {
      throw new BadRequestError(
        `The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC}' and '${KAFKA_PARTITION}'`,
      );
    }
    const topic = partition[KAFKA_TOPIC];
    if (typeof topic !== 'string')
      throw new BadRequestError('Kafka topic names must be valid strings and may not be null');
    const rawPartition = partition[KAFKA_PARTITION];
    if (rawPartition === null || rawPartition === undefined) {
      throw new BadRequestError('Kafka partitions must be valid numbers and may not be null');
    }
    const partitionNumber = parseInteger(rawPartition, 2 ** 31 - 1);
    if (partitionNumber === undefined) {
      throw new BadRequestError(
        `Failed to parse the following Kafka partition value in the provided offsets: '${String(rawPartition)}'. Partition values for sink connectors need to be integers.`,
      );
    }
    const tp: TopicPartition = { topic, partition: partitionNumber };
    if (offset === null || offset === undefined) return { partition: tp, offset: null };
    if (!isObject(offset) || !(KAFKA_OFFSET in offset)) {
      throw new BadRequestError(
        `The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET}'`,
      );
    }
    const rawOffset = offset[KAFKA_OFFSET];
    const offsetNumber = parseInteger(rawOffset, Number.MAX_SAFE_INTEGER);
    if (offsetNumber === undefined) {
      throw new BadRequestError(
        `Failed to parse the following Kafka offset value in the provided offsets: '${String(rawOffset)}'. Offset values for sink connectors need to be integers.`,
      );
    }
    return { partition: tp, offset: offsetNumber };
  });
}

function validateSourceMap(map: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === null) continue;
    if (typeof value === 'object') {
      throw new BadRequestError(
        `Offsets may only contain primitive types as values, but field ${key} contains ${Array.isArray(value) ? 'ARRAY' : 'MAP'}`,
      );
    }
  }
}

export function parseSourceOffsets(offsets: readonly ConnectorOffset[]): SourceOffsetEntry[] {
  return offsets.map(({ partition, offset }) => {
    if (!isObject(partition)) throw new BadRequestError('Source partitions may not be null');
    validateSourceMap(partition);
    if (offset !== null && offset !== undefined) {
      if (!isObject(offset)) throw new BadRequestError('Offsets must be specified as a Map');
      validateSourceMap(offset);
    }
    return { partition: partition as SourceMap, offset: (offset ?? null) as SourceMap | null };
  });
}

/** Sink offsets as the REST API shows them: `{kafka_partition, kafka_topic}` → `{kafka_offset}` (Jackson sorts nothing; Apache prints partition first). */
export const sinkOffsetToRest = (entry: SinkOffsetEntry): ConnectorOffset => ({
  partition: { [KAFKA_PARTITION]: entry.partition.partition, [KAFKA_TOPIC]: entry.partition.topic },
  offset: entry.offset === null ? null : { [KAFKA_OFFSET]: entry.offset },
});

export const modifiedMessage = (op: 'altered' | 'reset', connectorHandled: boolean): string =>
  connectorHandled
    ? `The offsets for this connector have been ${op} successfully`
    : `The Connect framework-managed offsets for this connector have been ${op} successfully. However, if this connector manages offsets externally, they will need to be manually ${op} in the system that the connector uses.`;
