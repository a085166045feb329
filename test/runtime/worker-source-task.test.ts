import { InMemoryOffsetStore } from '../../lib/adapters/local/memory-stores';
import { SourceTask } from '../../lib/connect/connector';
import type { RecordMetadata, SourceRecord } from '../../lib/connect/records';
import { RetriableException } from '../../lib/connect/errors';
import { errorHandlingConfig, RetryWithToleranceOperator } from '../../lib/runtime/error-handling';
import { TransformationChain } from '../../lib/runtime/transformation-chain';
import { WorkerSourceTask } from '../../lib/runtime/worker-source-task';
import type { TaskState } from '../../lib/runtime/worker-task';
import { staysTrue, waitFor } from '../services/env';
import { FakeProducer, MemoryLog, Utf8Converter } from './fakes';

const PARTITION = { source: 'list' };

/** Emits `values` in polls of `batch`, offsets {i: index+1}; can fail once with a retriable error. */
class ListSourceTask extends SourceTask {
  next = 0;
  committed: [unknown, RecordMetadata | null][] = [];
  commits = 0;
  failOnce = false;
  stopped = false;
  constructor(
    private readonly values: string[],
    private readonly batch = 10,
  ) {
    super();
  }
  version(): string {
    return '1';
  }
  async start(): Promise<void> {
    const offset = await this.context.offsetStorageReader().offset(PARTITION);
    this.next = typeof offset?.i === 'number' ? offset.i : 0;
  }
  async poll(): Promise<SourceRecord[] | null> {
    if (this.failOnce) {
      this.failOnce = false;
      throw new RetriableException('try again');
    }
    if (this.next >= this.values.length) {
      await new Promise((r) => setTimeout(r, 5));
      return null;
    }
    const out: SourceRecord[] = [];
    while (this.next < this.values.length && out.length < this.batch) {
      const i = this.next++;
      out.push({
        topic: 'out',
        kafkaPartition: null,
        keySchema: null,
        key: null,
        valueSchema: null,
        value: this.values[i],
        timestamp: null,
        headers: [],
        sourcePartition: PARTITION,
        sourceOffset: { i: i + 1 },
      });
    }
    return out;
  }
  override commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void {
    this.committed.push([record.value, metadata]);
  }
  override commit(): void {
    this.commits++;
  }
  stop(): void {
    this.stopped = true;
  }
}

const setup = (
  task: SourceTask,
  overrides: {
    tolerance?: 'all';
    flushMs?: number;
    maxRequestBytes?: number;
    batchSizeBytes?: number;
    lingerMs?: number;
    transforms?: TransformationChain<SourceRecord>;
  } = {},
) => {
  const log = new MemoryLog();
  const producer = new FakeProducer(log);
  const offsetStore = new InMemoryOffsetStore();
  const states: [TaskState, string | null][] = [];
  const errorConfig = overrides.tolerance ? { 'errors.tolerance': 'all' } : {};
  const worker = new WorkerSourceTask({
    connector: 'src',
    taskId: 0,
    task: task as SourceTask,
    taskConfig: {},
    producer,
    offsetStore,
    keyConverter: new Utf8Converter(),
    valueConverter: new Utf8Converter(),
    headerConverter: new Utf8Converter(),
    transforms: overrides.transforms ?? new TransformationChain(),
    errors: new RetryWithToleranceOperator(errorHandlingConfig(errorConfig), () => undefined),
    offsetFlushIntervalMs: overrides.flushMs ?? 60000,
    offsetFlushTimeoutMs: 5000,
    maxInFlight: 1,
    maxRequestBytes: overrides.maxRequestBytes ?? 1048576,
    ...(overrides.batchSizeBytes !== undefined ? { batchSizeBytes: overrides.batchSizeBytes } : {}),
    ...(overrides.lingerMs !== undefined ? { lingerMs: overrides.lingerMs } : {}),
    listener: (state, trace) => states.push([state, trace]),
    log: () => undefined,
  });
  const stored = async () => (await offsetStore.list('src')).map((e) => e.offset);
  return { log, producer, offsetStore, states, worker, stored };
};

const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('WorkerSourceTask', () => {
  it('produces every record in order, reports RUNNING, and flushes offsets and commits on stop', async () => {
    const task = new ListSourceTask(values(95));
    const { log, worker, states, stored, producer } = setup(task);
    const run = worker.run();
    await waitFor(() => log.values('out').length === 95);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(values(95));
    expect(states[0]).toEqual(['RUNNING', null]);
    expect(await stored()).toEqual([{ i: 95 }]);
    expect(task.commits).toBeGreaterThanOrEqual(1);
    expect(task.committed).toHaveLength(95);
    expect(task.committed[94]).toEqual(['v94', { topic: 'out', partition: 0, offset: 94 }]);
    expect(task.stopped).toBe(true);
    expect(producer.closed).toBe(true);
  });

  it('caps each request at batch.size bytes; batch.size=0 sends one record per request (Java: no batching)', async () => {
    const capped = setup(new ListSourceTask(values(10), 10), { batchSizeBytes: 3 * 26 });
    const run = capped.worker.run();
    await waitFor(() => capped.log.values('out').length === 10);
    capped.worker.stop();
    await run;
    expect(capped.log.values('out')).toEqual(values(10));
    expect(Math.max(...capped.producer.sends)).toBe(3);

    const single = setup(new ListSourceTask(values(4), 4), { batchSizeBytes: 0 });
    const run2 = single.worker.run();
    await waitFor(() => single.log.values('out').length === 4);
    single.worker.stop();
    await run2;
    expect(single.producer.sends).toEqual([1, 1, 1, 1]);
  });

  it('linger.ms: records polled within the linger go out in one request, sent when the linger ends', async () => {
    // One record per poll: without linger the first would leave alone, as soon as it is converted.
    const { log, worker, producer } = setup(new ListSourceTask(values(3), 1), { lingerMs: 300 });
    const run = worker.run();
    await waitFor(() => log.values('out').length === 3);
    expect(producer.sends).toEqual([3]);
    worker.stop();
    await run;
  });

  it('linger.ms: a stop sends what is lingering at once, and its offsets are committed', async () => {
    const { log, worker, producer, stored } = setup(new ListSourceTask(values(3), 1), { lingerMs: 600_000 });
    const run = worker.run();
    await staysTrue(() => producer.sends.length === 0, 200, 'nothing sent while lingering');
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(values(3));
    expect(producer.sends).toEqual([3]);
    expect(await stored()).toEqual([{ i: 3 }]);
  });

  it('never stores the offset of a record that was not acknowledged', async () => {
    const task = new ListSourceTask(values(20));
    const { producer, worker, stored, log } = setup(task, { flushMs: 1 });
    let release!: () => void;
    producer.gate = new Promise((r) => (release = r));
    const run = worker.run();
    await waitFor(() => producer.sends.length >= 1);
    // Flushes happen every loop, but the only batch is still in flight.
    await waitFor(() => task.next === 20);
    expect(await stored()).toEqual([]);
    release();
    await waitFor(async () => (await stored())[0]?.i === 20);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(values(20));
  });

  it('fails with an Apache-style trace when a send fails, keeping offsets of acknowledged records only', async () => {
    const task = new ListSourceTask(values(30));
    const { producer, worker, states, stored, log } = setup(task, { maxRequestBytes: 61 + 3 * 27 });
    let sends = 0;
    const send = producer.send.bind(producer);
    producer.send = async (records) => {
      if (++sends === 2) throw new Error('broker said no');
      return send(records);
    };
    await expect(worker.run()).rejects.toThrow('Tolerance exceeded in error handler');
    const failed = states.find(([s]) => s === 'FAILED');
    expect(failed?.[1]).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.ConnectException: Tolerance exceeded in error handler\n\tat /,
    );
    expect(failed?.[1]).toContain('Caused by: java.lang.RuntimeException: broker said no');
    expect(log.values('out')).toEqual(['v0', 'v1', 'v2']);
    expect(await stored()).toEqual([{ i: 3 }]);
  });

  it('retries retriable produce errors (a broker outage) even under errors.tolerance=all: nothing is skipped', async () => {
    const task = new ListSourceTask(values(30));
    const { producer, worker, states, stored, log } = setup(task, { tolerance: 'all', maxRequestBytes: 61 + 3 * 27 });
    let failures = 0;
    const send = producer.send.bind(producer);
    producer.send = async (records) => {
      if (log.values('out').length === 9 && failures < 3) {
        failures++;
        throw new RetriableException('broker unavailable');
      }
      return send(records);
    };
    const run = worker.run();
    await waitFor(() => log.values('out').length === 30, { timeoutMs: 10_000 });
    worker.stop();
    await run;
    expect(failures).toBe(3);
    expect(log.values('out')).toEqual(values(30));
    expect(await stored()).toEqual([{ i: 30 }]);
    expect(states.map(([s]) => s)).toEqual(['RUNNING']);
  });

  it('skips a batch with a non-retriable produce error under errors.tolerance=all', async () => {
    const task = new ListSourceTask(values(9));
    const { producer, worker, log } = setup(task, { tolerance: 'all', maxRequestBytes: 61 + 3 * 27 });
    let sends = 0;
    const send = producer.send.bind(producer);
    producer.send = async (records) => {
      if (++sends === 2) throw new Error('RecordTooLargeException');
      return send(records);
    };
    const run = worker.run();
    await waitFor(() => task.committed.length === 9);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(['v0', 'v1', 'v2', 'v6', 'v7', 'v8']);
  });

  it('skips records that fail conversion under errors.tolerance=all, still committing their offsets', async () => {
    const task = new ListSourceTask(['a', 'poison', 'b']);
    const { worker, log, stored } = setup(task, { tolerance: 'all' });
    const run = worker.run();
    await waitFor(() => task.committed.length === 3);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(['a', 'b']);
    expect(task.committed.map(([v, m]) => [v, m === null])).toEqual([
      ['a', false],
      ['poison', true],
      ['b', false],
    ]);
    expect(await stored()).toEqual([{ i: 3 }]);
  });

  it('runs the transformation chain and drops filtered records', async () => {
    const task = new ListSourceTask(values(6));
    const transforms = new TransformationChain<SourceRecord>([
      {
        alias: 'dropOdd',
        negate: false,
        transformation: {
          apply: (r) => (Number(String(r.value).slice(1)) % 2 === 1 ? null : { ...r, value: `${String(r.value)}!` }),
        },
      },
    ]);
    const { worker, log } = setup(task, { transforms });
    const run = worker.run();
    await waitFor(() => task.committed.length === 6);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(['v0!', 'v2!', 'v4!']);
  });

  it('retries poll() after a RetriableException', async () => {
    const task = new ListSourceTask(values(3));
    task.failOnce = true;
    const { worker, log, states } = setup(task);
    const run = worker.run();
    await waitFor(() => log.values('out').length === 3);
    worker.stop();
    await run;
    expect(states.map(([s]) => s)).toEqual(['RUNNING']);
  });

  it('commits the offsets of every acknowledged record when paused, without waiting for the flush interval', async () => {
    const task = new ListSourceTask(values(40));
    const { worker, stored, log } = setup(task);
    const run = worker.run();
    await waitFor(() => log.values('out').length === 40);
    expect(await stored()).toEqual([]);
    worker.pause();
    await waitFor(async () => (await stored())[0]?.i === 40);
    worker.stop();
    await run;
  });

  it('stops polling while paused and resumes where it was', async () => {
    const task = new ListSourceTask(values(1000), 1);
    const { worker, log, states } = setup(task);
    const run = worker.run();
    await waitFor(() => log.values('out').length > 5);
    worker.pause();
    const atPause = task.next;
    // At most the poll in flight when pause() was called completes.
    await staysTrue(() => task.next <= atPause + 1, 200, 'no polling while paused', 10);
    worker.resume();
    await waitFor(() => log.values('out').length === 1000);
    worker.stop();
    await run;
    expect(log.values('out')).toEqual(values(1000));
    expect(states.map(([s]) => s)).toEqual(['RUNNING', 'PAUSED', 'RUNNING']);
  });

  it('resumes from the stored offset after a restart', async () => {
    const first = new ListSourceTask(values(10));
    const a = setup(first);
    const runA = a.worker.run();
    await waitFor(() => a.log.values('out').length === 10);
    a.worker.stop();
    await runA;
    const second = new ListSourceTask(values(15));
    const b = setup(second);
    await b.offsetStore.put('src', await a.offsetStore.list('src'));
    const runB = b.worker.run();
    await waitFor(() => b.log.values('out').length === 5);
    b.worker.stop();
    await runB;
    expect(b.log.values('out')).toEqual(values(15).slice(10));
  });
});
