import type { OffsetStorageReader } from '../connect/connector';
import type { SourceMap } from '../connect/records';
import { partitionKey } from '../storage/offsets-codec';
import type { OffsetStore } from '../storage/ports';

/** `OffsetStorageReaderImpl`: a connector's view of its committed source offsets. */
export class OffsetStorageReaderImpl implements OffsetStorageReader {
  constructor(
    private readonly connector: string,
    private readonly store: OffsetStore,
  ) {}

  async offset(partition: SourceMap): Promise<SourceMap | null> {
    const found = await this.store.get(this.connector, [partition]);
    return found.get(partitionKey(partition)) ?? null;
  }

  async offsets(partitions: readonly SourceMap[]): Promise<Map<SourceMap, SourceMap | null>> {
    const found = await this.store.get(this.connector, partitions);
    return new Map(partitions.map((p) => [p, found.get(partitionKey(p)) ?? null]));
  }
}
