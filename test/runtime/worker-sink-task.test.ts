import { SinkTask } from '../../lib/connect/connector';
import type { SinkRecord } from '../../lib/connect/records';
import { RetriableException } from '../../lib/connect/errors';
import { errorHandlingConfig, RetryWithToleranceOperator } from '../../lib/runtime/error-handling';
import type { ErrorContext, ErrorReporter } from '../../lib/runtime/error-handling';
import { TransformationChain } from '../../lib/runtime/transformation-chain';
import { WorkerSinkTask } from '../../lib/runtime/worker-sink-task';
import type { TaskState } from '../../lib/runtime/worker-task';
import { waitFor } from '../services/env';
import { FakeConsumer, MemoryLog, Utf8Converter } from './fakes';

/** Collects values; flush() marks what is durable; can fail put() with a retriable error. */
class CollectingSinkTask extends SinkTask {
  readonly values: unknown[] = [];
  flushed = 0;
  opened: string[] = [];
  failNextPut = 0;
  rewindAt: { value: string; offset: number } | undefined;
  version(): string {
    return '1';
  }
  start(): void {}
  put(records: readonly SinkRecord[]): void {
    if (this.failNextPut > 0) {
      this.failNextPut--;
      throw new RetriableException('later');
    }
    for (const r of records) {
      this.values.push(r.value);
      if (this.rewindAt && r.value === this.rewindAt.value) {
        this.context.offset({ topic: r.topic, partition: r.kafkaPartition }, this.rewindAt.offset);
        this.rewindAt = undefined;
        return;
      }
    }
  }
  override flush(): void {
    this.flushed = this.values.length;
  }
  override open(partitions: readonly { topic: string }[]): void {
    this.opened.push(...partitions.map((p) => p.topic));
  }
  stop(): void {}
}

const setup = (task: SinkTask, records: string[], opts: { commitMs?: number; tolerance?: 'all' } = {}) => {
  const log = new MemoryLog();
  for (const value of records) {
    log.append({ topic: 'in', partition: 0, key: null, value: Buffer.from(value), timestamp: 1, headers: [] });
  }
  const consumer = new FakeConsumer(log, 7);
  const states: TaskState[] = [];
  const worker = new WorkerSinkTask({
    connector: 'snk',
    taskId: 0,
    task,
    taskConfig: {},
    consumer,
    subscription: { topics: ['in'] },
    keyConverter: new Utf8Converter(),
    valueConverter: new Utf8Converter(),
    headerConverter: new Utf8Converter(),
    transforms: new TransformationChain(),
    errors: new RetryWithToleranceOperator(
      errorHandlingConfig(opts.tolerance ? { 'errors.tolerance': 'all' } : {}),
      () => undefined,
    ),
    offsetCommitIntervalMs: opts.commitMs ?? 60000,
    listener: (state) => states.push(state),
    log: () => undefined,
  });
  return { log, consumer, worker, states };
};

const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('WorkerSinkTask', () => {
  it('puts converted records in order and commits the next offset after flush on stop', async () => {
    const task = new CollectingSinkTask();
    const { worker, consumer, states } = setup(task, values(50));
    const run = worker.run();
    await waitFor(() => task.values.length === 50);
    expect(consumer.committed.size).toBe(0);
    worker.stop();
    await run;
    expect(task.values).toEqual(values(50));
    expect(task.flushed).toBe(50);
    expect(consumer.committed.get('in-0')).toBe(50);
    expect(task.opened).toEqual(['in']);
    expect(states).toEqual(['RUNNING']);
    expect(consumer.closed).toBe(true);
  });

  it('commits at every offset.flush.interval.ms', async () => {
    const task = new CollectingSinkTask();
    const { worker, consumer } = setup(task, values(20), { commitMs: 1 });
    const run = worker.run();
    await waitFor(() => consumer.committed.get('in-0') === 20);
    worker.stop();
    await run;
  });

  it('redelivers the same batch after a RetriableException from put()', async () => {
    const task = new CollectingSinkTask();
    task.failNextPut = 2;
    const { worker } = setup(task, values(10));
    const run = worker.run();
    await waitFor(() => task.values.length === 10, { timeoutMs: 5000 });
    worker.stop();
    await run;
    expect(task.values).toEqual(values(10));
  });

  it('honours context.offset() rewinds', async () => {
    const task = new CollectingSinkTask();
    task.rewindAt = { value: 'v4', offset: 2 };
    const { worker } = setup(task, values(6));
    const run = worker.run();
    await waitFor(() => task.values.length === 9);
    worker.stop();
    await run;
    expect(task.values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v2', 'v3', 'v4', 'v5']);
  });

  it('skips unconvertible records under errors.tolerance=all but commits past them', async () => {
    const task = new CollectingSinkTask();
    const { worker, consumer } = setup(task, ['a', 'poison', 'b'], { tolerance: 'all' });
    const run = worker.run();
    await waitFor(() => task.values.length === 2);
    worker.stop();
    await run;
    expect(task.values).toEqual(['a', 'b']);
    expect(consumer.committed.get('in-0')).toBe(3);
  });

  it('fails with the conversion error under errors.tolerance=none, committing nothing of the failed batch', async () => {
    const task = new CollectingSinkTask();
    const { worker, consumer, states } = setup(task, ['a', 'poison']);
    await expect(worker.run()).rejects.toThrow('Tolerance exceeded in error handler');
    expect(states).toEqual(['RUNNING', 'FAILED']);
    expect(consumer.committed.size).toBe(0);
  });

  it('puts nothing while paused', async () => {
    const task = new CollectingSinkTask();
    const { worker, log, states } = setup(task, values(3));
    const run = worker.run('PAUSED');
    await waitFor(() => states.length === 1);
    expect(states).toEqual(['PAUSED']);
    log.append({ topic: 'in', partition: 0, key: null, value: Buffer.from('late'), timestamp: 1, headers: [] });
    worker.resume();
    await waitFor(() => task.values.length === 4);
    worker.stop();
    await run;
    expect(states).toEqual(['PAUSED', 'RUNNING']);
  });

  it('hands records reported through the errant record reporter to the reporters, and commits them only after', async () => {
    /** Reports every record whose value starts with "bad" from put(), as a sink rejecting them would. */
    class RejectingSinkTask extends CollectingSinkTask {
      override put(records: readonly SinkRecord[]): void {
        const reporter = this.context.errantRecordReporter?.();
        if (!reporter) throw new Error('no errant record reporter');
        for (const r of records) {
          if (String(r.value).startsWith('bad')) void reporter.report(r, new Error(`rejected ${String(r.value)}`));
          else this.values.push(r.value);
        }
      }
    }
    const reported: ErrorContext[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reporter: ErrorReporter = {
      report: (context) => {
        reported.push(context);
        return released;
      },
    };
    const log = new MemoryLog();
    for (const value of ['a', 'bad1', 'b', 'bad2']) {
      log.append({ topic: 'in', partition: 0, key: null, value: Buffer.from(value), timestamp: 1, headers: [] });
    }
    const consumer = new FakeConsumer(log, 7);
    const task = new RejectingSinkTask();
    const worker = new WorkerSinkTask({
      connector: 'snk',
      taskId: 0,
      task,
      taskConfig: {},
      consumer,
      subscription: { topics: ['in'] },
      keyConverter: new Utf8Converter(),
      valueConverter: new Utf8Converter(),
      headerConverter: new Utf8Converter(),
      transforms: new TransformationChain(),
      errors: new RetryWithToleranceOperator(errorHandlingConfig({ 'errors.tolerance': 'all' }), () => undefined, [
        reporter,
      ]),
      errantRecordReporter: true,
      offsetCommitIntervalMs: 1,
      listener: () => undefined,
      log: () => undefined,
    });
    const run = worker.run();
    await waitFor(() => reported.length === 2);
    expect(reported.map((c) => [c.stage, c.original?.offset, Buffer.from(c.original?.value ?? []).toString()])).toEqual(
      [
        ['TASK_PUT', 1, 'bad1'],
        ['TASK_PUT', 3, 'bad2'],
      ],
    );
    expect(task.values).toEqual(['a', 'b']);
    // The reports are not durable yet: nothing may be committed past them.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(consumer.committed.get('in-0')).toBeUndefined();
    release();
    await waitFor(() => consumer.committed.get('in-0') === 4);
    worker.stop();
    await run;
  });
});
