/**
 * OffsetStore of standalone mode (`offset.storage.file.filename`). Apache writes a Java-serialized
 * `HashMap<byte[],byte[]>` there; we keep the same content in our own JSON format:
 *
 *   {"format":"skc-offsets","version":1,"entries":[["<offsets-topic key>","<offsets-topic value>"], …]}
 *
 * where key and value are exactly the offsets-topic record strings of Apache's format (lib/storage/offsets-codec),
 * so entries could be replayed into an offsets topic as-is. Deleted (tombstoned) partitions are dropped.
 *
 * The whole file is rewritten atomically on every put (temp file, fsync, rename, fsync dir), so `put` is durable
 * when it resolves and a crash leaves the previous file. A missing file means no offsets; a file that is not
 * valid is an error naming the file (unlike Apache, which silently starts empty, losing every offset).
 * One process owns the file (standalone mode); puts within it are serialised.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SourceMap } from '../../connect/records';
import {
  decodeOffsetKey,
  decodeOffsetValue,
  encodeOffsetKey,
  encodeOffsetValue,
  lookupOffsets,
  validateOffsetEntries,
} from '../../storage/offsets-codec';
import type { OffsetStore, SourceOffsetEntry } from '../../storage/ports';
import { readFileIfExists, writeFileAtomic } from './atomic-file';

const FORMAT = 'skc-offsets';

const offsetFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  entries: z.array(z.tuple([z.string(), z.string()])),
});

export class FileOffsetStore implements OffsetStore {
  /** offsets-topic key string → value string */
  private entries: Map<string, string> | undefined;
  private loading: Promise<Map<string, string>> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async start(): Promise<void> {
    await this.load();
  }

  async stop(): Promise<void> {
    await this.writes.catch(() => undefined);
  }

  private load(): Promise<Map<string, string>> {
    if (this.entries) return Promise.resolve(this.entries);
    this.loading ??= this.readFile().then(
      (entries) => (this.entries = entries),
      (error: unknown) => {
        this.loading = undefined; // let a later call retry, e.g. after the file was repaired
        throw error;
      },
    );
    return this.loading;
  }

  private async readFile(): Promise<Map<string, string>> {
    const text = await readFileIfExists(this.file);
    if (text === undefined) return new Map();
    let parsed: z.infer<typeof offsetFileSchema>;
    try {
      parsed = offsetFileSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new Error(
        `Offset file ${this.file} is corrupt or not a ${FORMAT} file (${(error as Error).message.split('\n')[0]}); ` +
          'move it away to start without offsets',
        { cause: error },
      );
    }
    return new Map(parsed.entries);
  }

  private decoded(connector: string): SourceOffsetEntry[] {
    const result: SourceOffsetEntry[] = [];
    for (const [key, value] of this.entries ?? []) {
      const decodedKey = decodeOffsetKey(key);
      const offset = decodeOffsetValue(value);
      if (decodedKey?.connector === connector && offset) result.push({ partition: decodedKey.partition, offset });
    }
    return result;
  }

  async get(connector: string, partitions: readonly SourceMap[]): Promise<Map<string, SourceMap | null>> {
    const entries = await this.load();
    return lookupOffsets(connector, partitions, (key) => {
      const value = entries.get(key);
      return value === undefined ? undefined : (decodeOffsetValue(value) ?? undefined);
    });
  }

  async list(connector: string): Promise<SourceOffsetEntry[]> {
    await this.load();
    return this.decoded(connector);
  }

  async put(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    validateOffsetEntries(entries);
    const write = this.writes.then(async () => {
      const next = new Map(await this.load());
      for (const { partition, offset } of entries) {
        const key = encodeOffsetKey(connector, partition);
        const value = encodeOffsetValue(offset);
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, version: 1, entries: [...next] }));
      this.entries = next; // only once durable
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}
