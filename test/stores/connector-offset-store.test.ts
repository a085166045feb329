/**
 * KIP-618 connector-specific offsets topics: which store a connector's offsets live in (Apache's
 * `Worker.offsetStoreFor…`) and ConnectorOffsetStore's read fallback and three-phase writes
 * (Apache's ConnectorOffsetBackingStore), over in-memory stores. The Kafka-backed path runs in
 * test/runtime/connector-offsets-topic.test.ts.
 */
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { connectorOffsetsTopic, type OffsetsTopicWorker } from '../../lib/runtime/connector-offsets-topic';
import { ConnectorOffsetStore } from '../../lib/storage/connector-offset-store';
import type { OffsetStore, SourceOffsetEntry } from '../../lib/storage/ports';

const worker: OffsetsTopicWorker = {
  distributed: true,
  exactlyOnce: false,
  offsetsTopic: 'connect-offsets',
  bootstrapServers: ['a:9092', 'b:9092'],
};

describe('connectorOffsetsTopic', () => {
  it('distributed at-least-once: the connector topic when set, the worker store otherwise', () => {
    expect(connectorOffsetsTopic(worker, { 'offsets.storage.topic': 'own' })).toBe('own');
    expect(connectorOffsetsTopic(worker, {})).toBeUndefined();
  });

  it("standalone: the key has no effect (Apache's connectorOffsetsTopicsPermitted)", () => {
    expect(connectorOffsetsTopic({ ...worker, distributed: false }, { 'offsets.storage.topic': 'own' })).toBe(
      undefined,
    );
  });

  it("a topic named as the worker's, on the worker's cluster, is the worker's store", () => {
    expect(connectorOffsetsTopic(worker, { 'offsets.storage.topic': 'connect-offsets' })).toBeUndefined();
    expect(
      connectorOffsetsTopic(worker, {
        'offsets.storage.topic': 'connect-offsets',
        'producer.override.bootstrap.servers': 'b:9092, a:9092',
      }),
    ).toBeUndefined();
    // Another cluster: the same name is another topic (Apache's sameOffsetTopicAsWorker compares bootstrap servers).
    expect(
      connectorOffsetsTopic(worker, {
        'offsets.storage.topic': 'connect-offsets',
        'producer.override.bootstrap.servers': 'other:9092',
      }),
    ).toBe('connect-offsets');
  });

  it("exactly-once: the connector topic, or the worker's topic name on the producer's cluster", () => {
    const eos = { ...worker, exactlyOnce: true };
    expect(connectorOffsetsTopic(eos, { 'offsets.storage.topic': 'own' })).toBe('own');
    expect(connectorOffsetsTopic(eos, {})).toBeUndefined();
    expect(connectorOffsetsTopic(eos, { 'producer.override.bootstrap.servers': 'other:9092' })).toBe('connect-offsets');
  });
});

/** An in-memory store that records its writes and can be made to fail them. */
class RecordingStore extends InMemoryOffsetStore {
  readonly writes: SourceOffsetEntry[][] = [];
  failWrites = false;
  override async put(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    if (this.failWrites) throw new Error('write refused');
    this.writes.push([...entries]);
    await super.put(connector, entries);
  }
}

describe('ConnectorOffsetStore', () => {
  const p = (n: number) => ({ file: `f${n}` });
  let own: RecordingStore;
  let global: RecordingStore;
  let store: OffsetStore;
  let warnings: unknown[];
  beforeEach(() => {
    own = new RecordingStore();
    global = new RecordingStore();
    warnings = [];
    store = new ConnectorOffsetStore({
      connectorStore: own,
      workerStore: global,
      onSecondaryWriteError: (e) => warnings.push(e),
    });
  });

  it("reads the connector's topic first and falls back to the worker's for partitions it lacks", async () => {
    await global.put('c', [
      { partition: p(1), offset: { pos: 1 } },
      { partition: p(2), offset: { pos: 2 } },
    ]);
    await own.put('c', [{ partition: p(1), offset: { pos: 10 } }]);
    const found = await store.get('c', [p(1), p(2), p(3)]);
    expect([...found.values()]).toEqual([{ pos: 10 }, { pos: 2 }, null]);
    expect(await store.list('c')).toEqual(
      expect.arrayContaining([
        { partition: p(1), offset: { pos: 10 } },
        { partition: p(2), offset: { pos: 2 } },
      ]),
    );
    expect(await store.list('c')).toHaveLength(2);
  });

  it("writes the connector's topic, then copies non-tombstones to the worker's; tombstones go there first", async () => {
    await store.put('c', [{ partition: p(1), offset: { pos: 1 } }]);
    expect(own.writes).toEqual([[{ partition: p(1), offset: { pos: 1 } }]]);
    expect(global.writes).toEqual([[{ partition: p(1), offset: { pos: 1 } }]]);
    await store.put('c', [
      { partition: p(1), offset: null },
      { partition: p(2), offset: { pos: 2 } },
    ]);
    expect(global.writes.slice(1)).toEqual([
      [{ partition: p(1), offset: null }],
      [{ partition: p(2), offset: { pos: 2 } }],
    ]);
    // The deleted partition does not come back through the fallback.
    expect([...(await store.get('c', [p(1)])).values()]).toEqual([null]);
  });

  it("a failed copy to the worker's topic is only reported; a failed tombstone write there fails the write", async () => {
    global.failWrites = true;
    await store.put('c', [{ partition: p(1), offset: { pos: 1 } }]);
    expect(warnings).toHaveLength(1);
    expect([...(await own.get('c', [p(1)])).values()]).toEqual([{ pos: 1 }]);
    await expect(store.put('c', [{ partition: p(1), offset: null }])).rejects.toThrow('write refused');
    // The connector's topic was not touched: the write never reached phase 2.
    expect([...(await own.get('c', [p(1)])).values()]).toEqual([{ pos: 1 }]);
  });
});
