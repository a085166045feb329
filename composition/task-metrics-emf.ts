/**
 * The task-runner's metrics exporter in AWS: each progress snapshot (one per heartbeat) becomes one CloudWatch
 * embedded-metric-format line on stdout through Powertools Metrics; the awslogs driver ships it and CloudWatch
 * turns it into metrics under `namespace`, dimensions ConnectorName and Task — Apache's metric names unchanged.
 * Locally (no `SKC_METRICS_NAMESPACE`) nothing is emitted: `GET /metrics` serves the same numbers.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TaskProgress } from '../lib/storage/ports';

export interface EmfTarget {
  readonly namespace: string;
  readonly connector: string;
  readonly taskId: number;
  readonly serviceName?: string;
}

const unitOf = (metric: string): (typeof MetricUnit)[keyof typeof MetricUnit] => {
  if (metric.endsWith('-time-ms')) return MetricUnit.Milliseconds;
  if (metric.endsWith('-rate')) return MetricUnit.CountPerSecond;
  if (metric.endsWith('-percentage')) return MetricUnit.Percent;
  if (metric === 'last-error-timestamp') return MetricUnit.Milliseconds;
  return MetricUnit.Count;
};

/** Metrics the dashboard and alarms use; the rest stay in the snapshot (REST) to keep EMF lines small. */
export const EMF_METRICS = new Set([
  'source-record-poll-rate',
  'source-record-poll-total',
  'source-record-write-rate',
  'source-record-write-total',
  'sink-record-read-rate',
  'sink-record-read-total',
  'sink-record-send-rate',
  'sink-record-send-total',
  'offset-commit-avg-time-ms',
  'offset-commit-success-percentage',
  'put-batch-avg-time-ms',
  'poll-batch-avg-time-ms',
  'total-record-errors',
  'total-records-skipped',
  'deadletterqueue-produce-requests',
  'records-lag',
]);

/** The service dimension of the deployment-wide line (what the construct's alarms select). */
export const EMF_SERVICE = 'skc-task-runner';

/**
 * Two lines per snapshot: per task (dimensions ConnectorName, Task; Apache's values, totals as totals) for the
 * dashboard, and one deployment-wide (dimension service only) for the alarms, which cannot search dimensions:
 * `records-lag` and `task-stalled` as gauges, `deadletterqueue-records` as the increase since the last line.
 */
export function emfPublisher(target: EmfTarget, stalled: (p: TaskProgress) => boolean): (p: TaskProgress) => void {
  const service = target.serviceName ?? EMF_SERVICE;
  const perTask = new Metrics({
    namespace: target.namespace,
    serviceName: service,
    defaultDimensions: { ConnectorName: target.connector, Task: String(target.taskId) },
  });
  const deployment = new Metrics({ namespace: target.namespace, serviceName: service });
  let dlqBefore = 0;
  return (progress) => {
    const isStalled = stalled(progress) ? 1 : 0;
    for (const [name, value] of Object.entries(progress.metrics)) {
      if (!EMF_METRICS.has(name) || !Number.isFinite(value)) continue;
      // Percentages: ours are 0..1 (as Apache's), CloudWatch's Percent unit is 0..100.
      perTask.addMetric(name, unitOf(name), name.endsWith('-percentage') ? value * 100 : value);
    }
    perTask.addMetric('task-stalled', MetricUnit.Count, isStalled);
    perTask.publishStoredMetrics();
    const dlq = progress.metrics['deadletterqueue-produce-requests'] ?? 0;
    deployment.addMetric('deadletterqueue-records', MetricUnit.Count, Math.max(0, dlq - dlqBefore));
    dlqBefore = dlq;
    deployment.addMetric('records-lag', MetricUnit.Count, progress.metrics['records-lag'] ?? 0);
    deployment.addMetric('task-stalled', MetricUnit.Count, isStalled);
    deployment.publishStoredMetrics();
  };
}
