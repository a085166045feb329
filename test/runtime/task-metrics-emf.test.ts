import { emfPublisher } from '../../composition/task-metrics-emf';
import { TaskMetrics } from '../../lib/runtime/task-metrics';

describe('EMF export of task metrics (Powertools Metrics)', () => {
  it('writes one embedded-metric-format line per snapshot, Apache names, connector and task dimensions', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const m = new TaskMetrics('sink');
      m.recordRead(7);
      m.recordPut(7, 7, 3);
      emfPublisher({ namespace: 'SkcTest', connector: 'c1', taskId: 2 }, () => true)(m.snapshot());
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
    const emf = lines.map((l) => l.trim()).filter((l) => l.startsWith('{"_aws"'));
    expect(emf).toHaveLength(2); // per task, and deployment-wide for the alarms
    const doc = JSON.parse(emf[0]!) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    };
    const [directive] = doc._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe('SkcTest');
    expect(directive!.Dimensions[0]).toEqual(expect.arrayContaining(['ConnectorName', 'Task']));
    expect(doc).toMatchObject({
      ConnectorName: 'c1',
      Task: '2',
      'sink-record-read-total': 7,
      'sink-record-send-total': 7,
      'put-batch-avg-time-ms': 3,
      'task-stalled': 1,
    });
    expect(directive!.Metrics.map((x) => x.Name)).toContain('sink-record-send-rate');
    const wide = JSON.parse(emf[1]!) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
    };
    expect(wide._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(wide).toMatchObject({ service: 'skc-task-runner', 'task-stalled': 1, 'deadletterqueue-records': 0 });
  });
});
