import { connectorMetricsInfo } from '../../lib/herder/connector-metrics';
import { prometheusText } from '../../lib/herder/prometheus';
import { JvmTaskMetrics, parseJvmMetricsReport } from '../../lib/runtime/jvm-task-metrics';
import type { ConnectorState } from '../../lib/storage/ports';
import { stallOf } from '../../lib/storage/task-progress';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('JvmTaskMetrics (progress of a Java task from Apache’s own metrics)', () => {
  it('reads the JVM’s metrics event, ignoring what it does not understand', () => {
    expect(parseJvmMetricsReport({ event: 'metrics', kind: 'other', at: 1, metrics: {} })).toBeUndefined();
    expect(
      parseJvmMetricsReport({
        event: 'metrics',
        kind: 'sink',
        at: 5,
        metrics: { 'sink-record-read-total': 3, status: 'running' },
        assigned: [{ topic: 't', partition: 0 }, { topic: 1 }],
        lastPollAt: 4,
      }),
    ).toEqual({
      kind: 'sink',
      at: 5,
      metrics: { 'sink-record-read-total': 3 },
      assigned: [{ topic: 't', partition: 0 }],
      lastPollAt: 4,
    });
  });

  it('a source: totals and active count from Apache, poll and write times from their movement, the JVM’s commit time', () => {
    const c = clock();
    const m = new JvmTaskMetrics(c.now);
    expect(m.snapshot()).toBeUndefined(); // nothing reported yet: the heartbeat carries no progress
    const metrics = { 'source-record-poll-total': 0, 'source-record-write-total': 0, 'source-record-active-count': 0 };
    m.report({ kind: 'source', at: c.now(), metrics });
    c.advance(1000);
    const polledAt = c.now();
    m.report({ kind: 'source', at: polledAt, metrics: { ...metrics, 'source-record-poll-total': 5 } });
    c.advance(1000);
    m.report({
      kind: 'source',
      at: c.now(),
      metrics: { ...metrics, 'source-record-poll-total': 5, 'source-record-active-count': 5 },
    });
    const s = m.snapshot()!;
    expect(s).toMatchObject({ kind: 'source', recordsIn: 5, recordsOut: 0, recordsActive: 5, lastPollAt: polledAt });
    expect(s.lastPutAt).toBeNull();
    // Polled records Kafka does not acknowledge: stalled after the detection time, as a JavaScript source.
    expect(stallOf('RUNNING', s, 5000, c.now() + 10_000)?.reason).toContain('5 polled records');

    c.advance(1000);
    m.report({
      kind: 'source',
      at: c.now(),
      metrics: { ...metrics, 'source-record-poll-total': 5, 'source-record-write-total': 5 },
      lastCommitAt: c.now() - 10,
    });
    const t = m.snapshot()!;
    expect(t).toMatchObject({ recordsOut: 5, recordsActive: 0, lastPutAt: c.now(), lastCommitAt: c.now() - 10 });
    expect(stallOf('RUNNING', t, 5000, c.now() + 10_000)).toBeUndefined();
  });

  it('a sink: lag from the group for the partitions its consumer fetches; stalled while records wait', async () => {
    const c = clock();
    const m = new JvmTaskMetrics(c.now);
    let lag = [
      { topic: 't', partition: 0, committed: 0, end: 8, lag: 8 },
      { topic: 't', partition: 1, committed: 2, end: 2, lag: 0 }, // another task's partition
    ];
    let closed = false;
    m.setLagProbe(
      async () => lag,
      async () => void (closed = true),
    );
    const base = { 'sink-record-read-total': 0, 'sink-record-send-total': 0, 'partition-count': 1 };
    m.report({ kind: 'sink', at: c.now(), metrics: base, assigned: [{ topic: 't', partition: 0 }], lastPollAt: 7 });
    m.refreshLag();
    await new Promise(setImmediate);
    const s = m.snapshot()!;
    expect(s).toMatchObject({ kind: 'sink', lastPollAt: 7, lastPutAt: null, groupLag: 8 });
    expect(s.lag).toEqual([{ topic: 't', partition: 0, position: 0, end: 8, lag: 8 }]);
    expect(s.metrics['records-lag']).toBe(8);
    expect(stallOf('RUNNING', s, 5000, c.now() + 6000)?.reason).toBe(
      '8 records waiting on 1 partition(s), no put() or offset commit for 6 s',
    );

    c.advance(2000);
    m.report({
      kind: 'sink',
      at: c.now(),
      metrics: {
        ...base,
        'sink-record-read-total': 8,
        'sink-record-send-total': 8,
        'offset-commit-completion-total': 1,
      },
      assigned: [{ topic: 't', partition: 0 }],
    });
    lag = [{ topic: 't', partition: 0, committed: 8, end: 8, lag: 0 }];
    m.refreshLag();
    await new Promise(setImmediate);
    const t = m.snapshot()!;
    expect(t).toMatchObject({ recordsIn: 8, recordsOut: 8, lastPutAt: c.now(), lastCommitAt: c.now(), groupLag: 0 });
    expect(stallOf('RUNNING', t, 5000, c.now() + 60_000)).toBeUndefined();
    await m.close();
    expect(closed).toBe(true);
  });

  it('Apache’s extra task metrics land in their own groups on /metrics', () => {
    const m = new JvmTaskMetrics();
    m.report({
      kind: 'source',
      at: 1,
      metrics: { 'running-ratio': 1, 'batch-size-avg': 2, 'total-retries': 0, 'transaction-size-avg': 0 },
    });
    const state = { name: 'java', config: {} } as unknown as ConnectorState;
    const status = { id: 0, state: 'RUNNING' as const, trace: null, workerId: 'w', generation: 1, updatedAt: 0 };
    const info = connectorMetricsInfo(
      state,
      'source',
      [{ ...status, progress: m.snapshot()! }],
      {
        detectionMs: 1000,
        restartMs: 0,
      },
      Date.now(),
    );
    const text = prometheusText([info]);
    for (const series of [
      'kafka_connect_connector_task_metrics_running_ratio',
      'kafka_connect_connector_task_metrics_batch_size_avg',
      'kafka_connect_task_error_metrics_total_retries',
      'kafka_connect_source_task_metrics_transaction_size_avg',
    ])
      expect(text).toContain(`${series}{connector="java",task="0"}`);
  });
});
