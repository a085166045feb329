/**
 * Source offsets of a JVM host kept by its Node supervisor (standalone mode: the worker's
 * `offset.storage.file.filename` has one writer, this process, for JavaScript and Java tasks alike). The host
 * (init with `offsets: "supervisor"`, jvm-host SupervisorOffsetBackingStore) asks with the events
 * `{event:"offsetsRead", rid, keys}` and `{event:"offsetsWrite", rid, entries:[[key, value|null]]}`, keys and values
 * being the offsets-topic strings of Apache's format; each gets one `offsetsAnswer` request back:
 * `{rid, values:[value|null …]}` (in the order of `keys`), `{rid, values:[]}` for a write, or `{rid, error}`.
 */
import type { SourceMap } from '../../connect/records';
import { decodeOffsetKey, decodeOffsetValue, encodeOffsetValue, partitionKey } from '../../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../../storage/ports';
import type { JvmHostEvent } from './jvm-host';

interface OffsetsPeer {
  onEvent(listener: (event: JvmHostEvent) => void): void;
  request<T>(op: string, payload?: Readonly<Record<string, unknown>>): Promise<T>;
}

const strings = (v: unknown): (string | null)[] =>
  Array.isArray(v) ? v.map((s) => (typeof s === 'string' ? s : null)) : [];

async function read(store: OffsetStore, keys: readonly (string | null)[]): Promise<(string | null)[]> {
  const decoded = keys.map((k) => decodeOffsetKey(k));
  const byConnector = new Map<string, SourceMap[]>();
  for (const d of decoded) if (d) byConnector.set(d.connector, [...(byConnector.get(d.connector) ?? []), d.partition]);
  const found = new Map<string, Map<string, SourceMap | null>>();
  for (const [connector, partitions] of byConnector) found.set(connector, await store.get(connector, partitions));
  return decoded.map((d) =>
    d ? encodeOffsetValue(found.get(d.connector)?.get(partitionKey(d.partition)) ?? null) : null,
  );
}

async function write(store: OffsetStore, entries: unknown): Promise<void> {
  const byConnector = new Map<string, SourceOffsetEntry[]>();
  for (const entry of Array.isArray(entries) ? entries : []) {
    const [key, value] = strings(entry);
    const decoded = decodeOffsetKey(key);
    const offset = decodeOffsetValue(value);
    // Apache's reader skips what it cannot convert; a write of such a key would be lost there too.
    if (!decoded || offset === undefined) continue;
    byConnector.set(decoded.connector, [
      ...(byConnector.get(decoded.connector) ?? []),
      { partition: decoded.partition, offset },
    ]);
  }
  for (const [connector, list] of byConnector) await store.put(connector, list);
}

/** Answer the host's offset reads and writes from `store` (which the caller starts and stops). */
export function serveSupervisorOffsets(
  host: OffsetsPeer,
  store: OffsetStore,
  log: (message: string) => void = () => undefined,
): void {
  host.onEvent((event) => {
    if (event.event !== 'offsetsRead' && event.event !== 'offsetsWrite') return;
    const rid = event.rid;
    const work =
      event.event === 'offsetsRead' ? read(store, strings(event.keys)) : write(store, event.entries).then(() => []);
    void work
      .then(
        (values) => host.request('offsetsAnswer', { rid, values }),
        (error: unknown) =>
          host.request('offsetsAnswer', { rid, error: error instanceof Error ? error.message : String(error) }),
      )
      .catch((error: unknown) => log(`could not answer the JVM host's ${event.event}: ${String(error)}`));
  });
}
