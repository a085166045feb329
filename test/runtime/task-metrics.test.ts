import { prometheusText } from '../../lib/herder/prometheus';
import { connectorMetricsInfo } from '../../lib/herder/connector-metrics';
import { TaskMetrics } from '../../lib/runtime/task-metrics';
import type { ConnectorState } from '../../lib/storage/ports';
import { stallOf, stallSettingsFor } from '../../lib/storage/task-progress';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('TaskMetrics', () => {
  it('counts a sink under Apache names: totals, rates over the window, put and commit times, lag from its position', () => {
    const c = clock();
    const m = new TaskMetrics('sink', c.now);
    m.recordAssignment(['t-0']);
    m.recordRead(10);
    c.advance(10_000);
    m.recordPut(10, 10, 4);
    m.recordPosition('t-0', 110);
    m.recordCommit('success', 6);
    m.recordCommit('failure', 2);
    m.setLag([
      { topic: 't', partition: 0, committed: 100, end: 115, lag: 15 },
      { topic: 't', partition: 1, committed: 0, end: 3, lag: 3 }, // another task's partition
    ]);
    const s = m.snapshot();
    expect(s).toMatchObject({ kind: 'sink', recordsIn: 10, recordsOut: 10, recordsActive: 0, groupLag: 18 });
    expect(s.metrics).toMatchObject({
      'sink-record-read-total': 10,
      'sink-record-read-rate': 1, // 10 records in 10 s
      'sink-record-send-total': 10,
      'put-batch-avg-time-ms': 4,
      'offset-commit-avg-time-ms': 4,
      'offset-commit-success-percentage': 0.5,
      'partition-count': 1,
      'records-lag': 5,
    });
    expect(s.lag).toEqual([{ topic: 't', partition: 0, position: 110, end: 115, lag: 5 }]);
    expect(s.metrics['source-record-poll-total']).toBeUndefined();
  });

  it('counts a source: polled, written, active records and skipped errors read from the tolerance operator', () => {
    const m = new TaskMetrics('source');
    m.trackSkipped(() => 2);
    m.recordPoll(5, 3);
    m.recordWrite(4, 5);
    const s = m.snapshot();
    expect(s.metrics).toMatchObject({
      'source-record-poll-total': 5,
      'source-record-write-total': 4,
      'source-record-active-count': 0,
      'poll-batch-avg-time-ms': 3,
      'total-records-skipped': 2,
      'total-record-errors': 2,
      'deadletterqueue-produce-requests': 0,
    });
  });
});

describe('stalled', () => {
  const sink = (over: object) => ({
    kind: 'sink' as const,
    startedAt: 0,
    at: 0,
    recordsIn: 0,
    recordsOut: 0,
    recordsActive: 0,
    lastPollAt: null,
    lastPutAt: null,
    lastCommitAt: null,
    metrics: { 'partition-count': 1 },
    ...over,
  });

  it('flags a RUNNING sink with lag and no put/commit for the threshold, not an idle or progressing one', () => {
    const lag = [{ topic: 't', partition: 0, position: 0, end: 4, lag: 4 }];
    expect(stallOf('RUNNING', sink({ lag }), 5000, 6000)?.reason).toBe(
      '4 records waiting on 1 partition(s), no put() or offset commit for 6 s',
    );
    expect(stallOf('RUNNING', sink({ lag, lastPutAt: 3000 }), 5000, 6000)).toBeUndefined();
    expect(stallOf('RUNNING', sink({ lag: [] }), 5000, 60_000)).toBeUndefined();
    expect(stallOf('PAUSED', sink({ lag }), 5000, 60_000)).toBeUndefined();
  });

  it('flags a sink without partitions while its group has lag that does not move', () => {
    const p = sink({ metrics: { 'partition-count': 0 }, groupLag: 9, groupCommitMovedAt: 1000 });
    expect(stallOf('RUNNING', p, 5000, 7000)?.reason).toContain('no partitions assigned');
    expect(stallOf('RUNNING', p, 5000, 5000)).toBeUndefined();
  });

  it('flags a source only for polled records Kafka did not acknowledge', () => {
    const src = { ...sink({}), kind: 'source' as const };
    expect(stallOf('RUNNING', src, 1000, 60_000)).toBeUndefined();
    expect(stallOf('RUNNING', { ...src, recordsActive: 3 }, 1000, 60_000)?.reason).toContain('3 polled records');
  });

  it('takes the thresholds from the connector, then the worker', () => {
    expect(stallSettingsFor({ 'skc.task.stall.detection.ms': '100' }, { 'skc.task.stall.restart.ms': '0' })).toEqual({
      detectionMs: 100,
      restartMs: 0,
    });
  });
});

describe('prometheusText', () => {
  it('names series kafka_connect_<group>_<metric> with connector and task labels', () => {
    const m = new TaskMetrics('sink');
    m.recordRead(3);
    const state = { name: 'my "sink"', config: {} } as unknown as ConnectorState;
    const info = connectorMetricsInfo(
      state,
      'sink',
      [{ id: 0, state: 'RUNNING', trace: null, workerId: 'w', generation: 1, updatedAt: 0, progress: m.snapshot() }],
      { detectionMs: 1000, restartMs: 0 },
      Date.now(),
    );
    const text = prometheusText([info]);
    expect(text).toContain('# TYPE kafka_connect_sink_task_metrics_sink_record_read_total counter');
    expect(text).toContain(
      'kafka_connect_sink_task_metrics_sink_record_read_total{connector="my \\"sink\\"",task="0"} 3',
    );
    expect(text).toContain(
      'kafka_connect_connector_task_metrics_status{connector="my \\"sink\\"",task="0",status="running"} 1',
    );
    expect(text).toContain('kafka_connect_task_stalled{connector="my \\"sink\\"",task="0"} 0');
  });
});
