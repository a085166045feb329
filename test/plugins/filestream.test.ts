import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import type { SourceMap, SourceRecord, SinkRecord } from '../../lib/connect/records';
import { FileStreamSinkConnector } from '../../lib/plugins/filestream/file-stream-sink-connector';
import { FileStreamSinkTask } from '../../lib/plugins/filestream/file-stream-sink-task';
import { FileStreamSourceConnector } from '../../lib/plugins/filestream/file-stream-source-connector';
import { FileStreamSourceTask } from '../../lib/plugins/filestream/file-stream-source-task';
import { OffsetStorageReaderImpl } from '../../lib/runtime/offset-storage-reader';

const dir = mkdtempSync(join(tmpdir(), 'filestream-'));
let n = 0;
const tmpFile = (content?: string | Buffer): string => {
  const file = join(dir, `f${n++}.txt`);
  if (content !== undefined) writeFileSync(file, content);
  return file;
};

const startSource = async (
  props: Record<string, string>,
  store = new InMemoryOffsetStore(),
): Promise<FileStreamSourceTask> => {
  const task = new FileStreamSourceTask();
  task.initialize({ configs: () => props, offsetStorageReader: () => new OffsetStorageReaderImpl('c', store) });
  await task.start(props);
  return task;
};

/** Poll until `count` records came (each poll() either returns data or waits 1 s for some). */
const pollN = async (task: FileStreamSourceTask, count: number): Promise<SourceRecord[]> => {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + 10000;
  while (out.length < count && Date.now() < deadline) out.push(...((await task.poll()) ?? []));
  return out;
};

describe('FileStreamSourceConnector', () => {
  it('always makes one task from the connector config', async () => {
    const c = new FileStreamSourceConnector();
    c.start({ file: 'a.txt', topic: 't' });
    expect(await c.taskConfigs(5)).toEqual([{ file: 'a.txt', topic: 't' }]);
    expect(c.version()).toBe('4.3.1');
  });

  it('validates topic like Apache', () => {
    const errors = (props: Record<string, string>) =>
      new FileStreamSourceConnector()
        .config()
        .validate(props)
        .flatMap((v) => v.errorMessages);
    expect(errors({})).toEqual(['Missing required configuration "topic" which has no default value.']);
    expect(errors({ topic: '' })).toEqual(['Invalid value  for configuration topic: String must be non-empty']);
    expect(errors({ topic: 't', 'batch.size': 'x' })).toEqual([
      'Invalid value x for configuration batch.size: Not a number of type INT',
    ]);
  });

  it('supports exactly-once only with a file', () => {
    const c = new FileStreamSourceConnector();
    expect(c.exactlyOnceSupport({ topic: 't', file: 'f' })).toBe('SUPPORTED');
    expect(c.exactlyOnceSupport({ topic: 't' })).toBe('UNSUPPORTED');
  });

  it('applies the alterOffsets rules with Apache messages', () => {
    const c = new FileStreamSourceConnector();
    const alter = (config: Record<string, string>, partition: SourceMap, offset: SourceMap | null) => () =>
      c.alterOffsets(config, new Map([[partition, offset]]));
    const cfg = { topic: 't', file: 'f' };
    expect(alter({ topic: 't' }, { filename: 'f' }, null)).toThrow(
      "Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked.",
    );
    expect(alter(cfg, { filename: 'f' }, {})).toThrow(
      "Offset objects should either be null or contain the key 'position'",
    );
    expect(alter(cfg, { filename: 'f' }, { position: '1' })).toThrow(
      "The value for the 'position' key in the offset is expected to be a Long value",
    );
    expect(alter(cfg, { filename: 'f' }, { position: 1.5 })).toThrow('expected to be a Long value');
    expect(alter(cfg, { filename: 'f' }, { position: -1 })).toThrow(
      "The value for the 'position' key in the offset should be a non-negative value",
    );
    expect(alter(cfg, { other: 'f' }, { position: 1 })).toThrow("Partition objects should contain the key 'filename'");
    expect(alter(cfg, { other: 'x' }, null)()).toBe(true);
    expect(alter(cfg, { filename: 'f' }, { position: 10 })()).toBe(true);
  });
});

describe('FileStreamSourceTask', () => {
  it('splits lines on \\n, \\r\\n and \\r with byte positions through the terminator', async () => {
    const file = tmpFile('a\nbb\r\nccc\rdd');
    const task = await startSource({ file, topic: 'top' });
    const records = await pollN(task, 3);
    expect(records.map((r) => r.value)).toEqual(['a', 'bb', 'ccc']);
    expect(records.map((r) => r.sourceOffset)).toEqual([{ position: 2 }, { position: 6 }, { position: 10 }]);
    expect(records[0]).toMatchObject({
      topic: 'top',
      kafkaPartition: null,
      key: null,
      keySchema: null,
      sourcePartition: { filename: file },
      valueSchema: { type: 'string', optional: false },
    });
    // The unterminated tail is emitted once its line ends.
    appendFileSync(file, '\n');
    expect((await pollN(task, 1)).map((r) => [r.value, r.sourceOffset])).toEqual([['dd', { position: 13 }]]);
    await task.stop();
  });

  it('waits for the byte after a trailing \\r to tell \\r from \\r\\n', async () => {
    const file = tmpFile('x\r');
    const task = await startSource({ file, topic: 't' });
    expect(await task.poll()).toBeNull();
    appendFileSync(file, '\ny\n');
    expect((await pollN(task, 2)).map((r) => [r.value, r.sourceOffset])).toEqual([
      ['x', { position: 3 }],
      ['y', { position: 5 }],
    ]);
    await task.stop();
  });

  it('counts UTF-8 bytes and resumes exactly at the stored position', async () => {
    const file = tmpFile('héllo\n日本語\n🙂\n');
    const store = new InMemoryOffsetStore();
    const first = await startSource({ file, topic: 't' }, store);
    const records = await pollN(first, 3);
    expect(records.map((r) => r.value)).toEqual(['héllo', '日本語', '🙂']);
    expect(records.map((r) => r.sourceOffset)).toEqual([{ position: 7 }, { position: 17 }, { position: 22 }]);
    await first.stop();
    await store.put('c', [{ partition: { filename: file }, offset: { position: 7 } }]);
    const second = await startSource({ file, topic: 't' }, store);
    expect((await pollN(second, 2)).map((r) => r.value)).toEqual(['日本語', '🙂']);
    await second.stop();
  });

  it('returns at most batch.size records per poll and reads large files in chunks', async () => {
    const lines = Array.from({ length: 50000 }, (_, i) => `line-${i}-${'x'.repeat(i % 50)}`);
    const file = tmpFile(`${lines.join('\n')}\n`);
    const task = await startSource({ file, topic: 't', 'batch.size': '700' });
    const sizes: number[] = [];
    const values: unknown[] = [];
    while (values.length < lines.length) {
      const r = (await task.poll()) ?? [];
      sizes.push(r.length);
      values.push(...r.map((x) => x.value));
    }
    expect(Math.max(...sizes)).toBe(700);
    expect(values).toEqual(lines);
    await task.stop();
  });

  it('fails on a stored position that is not a long', async () => {
    const file = tmpFile('a\n');
    const store = new InMemoryOffsetStore();
    await store.put('c', [{ partition: { filename: file }, offset: { position: 'x' } }]);
    const task = await startSource({ file, topic: 't' }, store);
    await expect(task.poll()).rejects.toThrow('Offset position is the incorrect type');
  });

  it('waits for a missing file to appear', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = tmpFile();
    const task = await startSource({ file, topic: 't' });
    const started = Date.now();
    expect(await task.poll()).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(warn).toHaveBeenCalledWith(
      `Couldn't find file ${file} for FileStreamSourceTask, sleeping to wait for it to be created`,
    );
    writeFileSync(file, 'now\n');
    expect((await task.poll())?.map((r) => r.value)).toEqual(['now']);
    await task.stop();
    warn.mockRestore();
  });

  it('wakes a waiting poll when stopped', async () => {
    jest.spyOn(console, 'warn').mockImplementationOnce(() => undefined);
    const task = await startSource({ file: tmpFile(), topic: 't' });
    const started = Date.now();
    const polling = task.poll();
    await task.stop();
    expect(await polling).toBeNull();
    expect(Date.now() - started).toBeLessThan(900);
  });
});

const sinkRecord = (value: unknown): SinkRecord => ({
  topic: 't',
  kafkaPartition: 0,
  kafkaOffset: 0,
  keySchema: null,
  key: null,
  valueSchema: null,
  value,
  timestamp: null,
  timestampType: 'CreateTime',
  headers: [],
  originalTopic: 't',
  originalKafkaPartition: 0,
  originalKafkaOffset: 0,
});

describe('FileStreamSink', () => {
  it('makes tasks.max identical task configs', async () => {
    const c = new FileStreamSinkConnector();
    c.start({ file: 'out', topics: 't' });
    expect(await c.taskConfigs(3)).toEqual([
      { file: 'out', topics: 't' },
      { file: 'out', topics: 't' },
      { file: 'out', topics: 't' },
    ]);
    expect(c.alterOffsets({}, new Map([[{ topic: 't', partition: 0 }, 5]]))).toBe(true);
  });

  it('appends String.valueOf(value) and a newline per record', async () => {
    const file = tmpFile('existing\n');
    const task = new FileStreamSinkTask();
    await task.start({ file });
    task.put([
      sinkRecord('héllo'),
      sinkRecord(null),
      sinkRecord(42),
      sinkRecord(true),
      sinkRecord(new Map([['a', 1]])),
      sinkRecord({ b: 'x' }),
      sinkRecord(['p', 2]),
    ]);
    await task.flush(new Map());
    task.stop();
    expect(readFileSync(file, 'utf8')).toBe('existing\nhéllo\nnull\n42\ntrue\n{a=1}\n{b=x}\n[p, 2]\n');
  });

  it("fails to start when the file can't be created", () => {
    const file = join(dir, 'missing-dir', 'out.txt');
    expect(() => new FileStreamSinkTask().start({ file })).toThrow(
      `Couldn't find or create file '${file}' for FileStreamSinkTask`,
    );
  });
});
