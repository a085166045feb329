/**
 * `GET /metrics` of the local stack and connect-standalone: the task metrics in the Prometheus text format
 * (0.0.4), named as the Prometheus JMX exporter's usual Kafka Connect rules name Apache's MBeans —
 * `kafka_connect_<group>_<metric>` with `-` turned into `_` and the connector and task as labels — so
 * dashboards written for an Apache worker find the same series.
 */
import type { ConnectorMetricsInfo } from './connector-metrics';

/** Apache's metric group of each metric name (ConnectMetricsRegistry). */
const groupOf = (metric: string): string => {
  if (metric.startsWith('source-record-') || metric.startsWith('poll-batch-') || metric.startsWith('transaction-size-'))
    return 'source-task-metrics';
  if (
    metric.startsWith('sink-record-') ||
    metric.startsWith('put-batch-') ||
    metric === 'partition-count' ||
    metric === 'records-lag' ||
    metric.startsWith('offset-commit-completion') ||
    metric.startsWith('offset-commit-skip') ||
    metric === 'offset-commit-seq-no'
  )
    return 'sink-task-metrics';
  // Java tasks (the JVM task host) report the rest of Apache's connector-task-metrics too.
  if (metric.startsWith('offset-commit-') || metric.endsWith('-ratio') || metric.startsWith('batch-size-'))
    return 'connector-task-metrics';
  return 'task-error-metrics';
};

const promName = (group: string, metric: string): string =>
  `kafka_connect_${group}_${metric}`.replace(/[^a-zA-Z0-9_]/g, '_');

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const labels = (pairs: Record<string, string | number>): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escape(String(v))}"`)
    .join(',')}}`;

export function prometheusText(connectors: readonly ConnectorMetricsInfo[]): string {
  const series = new Map<string, { type: string; help: string; lines: string[] }>();
  const add = (name: string, type: string, help: string, pairs: Record<string, string | number>, value: number) => {
    let entry = series.get(name);
    if (!entry) series.set(name, (entry = { type, help, lines: [] }));
    entry.lines.push(`${name}${labels(pairs)} ${Number.isFinite(value) ? value : 0}`);
  };
  for (const connector of connectors) {
    for (const task of connector.tasks) {
      const base = { connector: connector.name, task: task.id };
      add(
        promName('connector-task-metrics', 'status'),
        'gauge',
        'The task status (1 for the current one), as Apache reports it',
        { ...base, status: task.state.toLowerCase() },
        1,
      );
      add(
        'kafka_connect_task_stalled',
        'gauge',
        'Ours: 1 while the task is RUNNING but makes no progress with input waiting',
        base,
        task.stalled ? 1 : 0,
      );
      for (const [metric, value] of Object.entries(task.metrics)) {
        const type = metric.endsWith('-total') ? 'counter' : 'gauge';
        add(promName(groupOf(metric), metric), type, `Apache Kafka Connect ${groupOf(metric)} ${metric}`, base, value);
      }
      for (const lag of task.lag)
        add(
          'kafka_connect_sink_task_partition_records_lag',
          'gauge',
          'Ours: records between the task position and the end of the partition',
          { ...base, topic: lag.topic, partition: lag.partition },
          lag.lag,
        );
    }
    if (connector.lag !== null)
      add(
        'kafka_connect_sink_connector_records_lag',
        'gauge',
        "Ours: the sink connector's consumer group lag (committed offsets to end offsets)",
        { connector: connector.name },
        connector.lag,
      );
  }
  const out: string[] = [];
  for (const [name, { type, help, lines }] of [...series].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
