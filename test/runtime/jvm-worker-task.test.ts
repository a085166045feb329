/**
 * JvmWorkerTask's side of the protocol additions (docs/java-plugins.md): the startTask request asks for the
 * generation check and the metrics reports, a `mayCommit` question is answered with the supervisor's check
 * (`commitAnswer`), and `metrics` events reach the progress. The JVM itself is exercised by test/jvm.
 */
import type { JvmHostExitInfo, JvmTaskProcess } from '../../lib/runtime/jvm-worker-task';
import { JvmWorkerTask } from '../../lib/runtime/jvm-worker-task';
import type { JvmMetricsReport } from '../../lib/runtime/jvm-task-metrics';

class FakeHost implements JvmTaskProcess {
  readonly requests: { op: string; payload: Readonly<Record<string, unknown>> }[] = [];
  private listener: ((event: { readonly event: string } & Readonly<Record<string, unknown>>) => void) | undefined;
  private exit!: (info: JvmHostExitInfo) => void;
  readonly exited = new Promise<JvmHostExitInfo>((resolve) => (this.exit = resolve));

  async request<T>(op: string, payload: Readonly<Record<string, unknown>> = {}): Promise<T> {
    this.requests.push({ op, payload });
    return {} as T;
  }
  onEvent(listener: (event: { readonly event: string } & Readonly<Record<string, unknown>>) => void): void {
    this.listener = listener;
  }
  async stop(): Promise<JvmHostExitInfo> {
    const info = { code: 0, signal: null, stderrTail: '' };
    this.exit(info);
    return info;
  }
  emit(event: { readonly event: string } & Readonly<Record<string, unknown>>): void {
    this.listener?.(event);
  }
}

const spec = {
  connector: 'c',
  taskId: 0,
  connectorConfig: {},
  taskConfig: {},
  taskCount: 1,
  workerProperties: {},
  workerId: 'w',
  stopGraceMs: 1000,
};

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise(setImmediate);
};

describe('JvmWorkerTask: generation check and metrics over the JVM protocol', () => {
  it('asks for the check and the reports at startTask, answers mayCommit with the supervisor’s verdict', async () => {
    const host = new FakeHost();
    const verdicts = [true, false];
    const reports: JvmMetricsReport[] = [];
    const logs: string[] = [];
    const task = new JvmWorkerTask(
      host,
      { ...spec, mayCommit: async () => verdicts.shift()!, onMetrics: (r) => reports.push(r), metricsIntervalMs: 250 },
      () => undefined,
      (m) => logs.push(m),
    );
    const run = task.run();
    await until(() => host.requests.some((r) => r.op === 'startTask'));
    expect(host.requests.find((r) => r.op === 'startTask')?.payload).toMatchObject({
      fenceOffsets: true,
      metricsIntervalMs: 250,
    });

    host.emit({ event: 'mayCommit', question: 1 });
    host.emit({ event: 'mayCommit', question: 2 });
    await until(() => host.requests.filter((r) => r.op === 'commitAnswer').length === 2);
    expect(host.requests.filter((r) => r.op === 'commitAnswer').map((r) => r.payload)).toEqual([
      { question: 1, allowed: true },
      { question: 2, allowed: false },
    ]);
    expect(logs).toContain('offset commit refused: c-0 was superseded');

    host.emit({ event: 'metrics', kind: 'source', at: 5, metrics: { 'source-record-poll-total': 3 } });
    expect(reports).toEqual([{ kind: 'source', at: 5, metrics: { 'source-record-poll-total': 3 } }]);
    task.stop();
    await run;
  });

  it('without a check (in-process) the JVM commits unchecked and sends no reports unless asked', async () => {
    const host = new FakeHost();
    const task = new JvmWorkerTask(host, spec, () => undefined);
    const run = task.run();
    await until(() => host.requests.some((r) => r.op === 'startTask'));
    expect(host.requests.find((r) => r.op === 'startTask')?.payload).toMatchObject({
      fenceOffsets: false,
      metricsIntervalMs: 0,
    });
    task.stop();
    await run;
  });

  it('a failing check refuses the commit (replay, never loss)', async () => {
    const host = new FakeHost();
    const task = new JvmWorkerTask(
      host,
      {
        ...spec,
        mayCommit: async () => {
          throw new Error('store unreachable');
        },
      },
      () => undefined,
    );
    const run = task.run();
    await until(() => host.requests.some((r) => r.op === 'startTask'));
    host.emit({ event: 'mayCommit', question: 9 });
    await until(() => host.requests.some((r) => r.op === 'commitAnswer'));
    expect(host.requests.find((r) => r.op === 'commitAnswer')?.payload).toEqual({ question: 9, allowed: false });
    task.stop();
    await run;
  });
});
