/**
 * Issue 16's acceptance on the real broker: `GET /metrics` shows Apache-named metrics moving while a pipeline
 * runs, `GET /connectors/{name}/metrics` reports progress and lag, and a sink whose task is SIGKILLed shows
 * `stalled` (or a restarted task) within 10 s, after which its lag returns to 0 with no line lost.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import type { ConnectorMetricsInfo } from '../../lib/herder/connector-metrics';
import { kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { lines, liveInstances, pidOf, readLines, useE2eStack } from './helpers';

requireServices('kafka');

const e2e = useE2eStack();

async function pipeline(sinkExtra: Record<string, string> = {}) {
  const { api, dir } = e2e();
  const topic = uniqueName('obs-topic');
  const kafka = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: 'obs-admin' });
  await ensureTopic(kafka, topic, { partitions: 1, replicationFactor: 1 });
  const source = uniqueName('obs-src');
  const sink = uniqueName('obs-sink');
  const input = join(dir, `${source}.txt`);
  const output = join(dir, `${sink}.txt`);
  writeFileSync(input, '');
  await api.create(source, { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic });
  await api.create(sink, {
    'connector.class': 'FileStreamSink',
    'tasks.max': '1',
    file: output,
    topics: topic,
    ...sinkExtra,
  });
  await api.waitForState(source, 'RUNNING', 1);
  await api.waitForState(sink, 'RUNNING', 1);
  const append = (from: number, to: number) => appendFileSync(input, `${lines(from, to).join('\n')}\n`);
  const waitForLines = (count: number) =>
    waitFor(() => readLines(output).length >= count, { timeoutMs: 60_000, description: `${count} lines` });
  return { source, sink, output, append, waitForLines };
}

/** The value of one Prometheus series with `connector` = name, or undefined. */
async function scrape(metric: string, connector: string): Promise<number | undefined> {
  const response = await fetch(`${e2e().stack.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && l.includes(`connector="${connector}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const metricsOf = async (name: string) =>
  (await e2e().api.get<ConnectorMetricsInfo>(`/connectors/${encodeURIComponent(name)}/metrics`)).body;

describe('observability on the local stack', () => {
  it('GET /metrics shows the Apache-named metrics moving while a pipeline runs', async () => {
    const p = await pipeline();
    p.append(0, 20);
    await p.waitForLines(20);
    const atLeast = (metric: string, connector: string, n: number) =>
      waitFor(async () => ((await scrape(metric, connector)) ?? -1) >= n, {
        timeoutMs: 20_000,
        description: `${metric} of ${connector} >= ${n}`,
      });
    await atLeast('kafka_connect_source_task_metrics_source_record_poll_total', p.source, 20);
    await atLeast('kafka_connect_source_task_metrics_source_record_write_total', p.source, 20);
    await atLeast('kafka_connect_sink_task_metrics_sink_record_read_total', p.sink, 20);
    await atLeast('kafka_connect_sink_task_metrics_sink_record_send_total', p.sink, 20);
    expect(
      await scrape('kafka_connect_connector_task_metrics_offset_commit_avg_time_ms', p.sink),
    ).toBeGreaterThanOrEqual(0);
    expect(await scrape('kafka_connect_task_error_metrics_total_record_errors', p.sink)).toBe(0);
    expect(await scrape('kafka_connect_task_error_metrics_deadletterqueue_produce_requests', p.sink)).toBe(0);

    p.append(20, 50); // moving: the counters follow the new records
    await p.waitForLines(50);
    await atLeast('kafka_connect_source_task_metrics_source_record_write_total', p.source, 50);
    await atLeast('kafka_connect_sink_task_metrics_sink_record_send_total', p.sink, 50);
    await atLeast('kafka_connect_connector_task_metrics_offset_commit_success_percentage', p.sink, 1);

    const sink = await waitFor(
      async () => {
        const m = await metricsOf(p.sink);
        return m.lag === 0 && m.tasks[0]?.records_out === 50 && m.tasks[0].last_commit_time !== null ? m : undefined;
      },
      { timeoutMs: 20_000, description: 'sink metrics: 50 records out, lag 0, a commit' },
    );
    expect(sink).toMatchObject({ name: p.sink, type: 'sink', stalled: false });
    expect(sink.tasks[0]).toMatchObject({ id: 0, state: 'RUNNING', reporting: true, records_in: 50, stalled: false });
    expect(sink.tasks[0]!.last_put_time).toEqual(expect.any(Number));
    expect(sink.tasks[0]!.lag).toEqual([expect.objectContaining({ partition: 0, lag: 0 })]);
    const expanded =
      await e2e().api.get<Record<string, { metrics?: ConnectorMetricsInfo }>>('/connectors?expand=metrics');
    expect(expanded.body[p.source]?.metrics).toMatchObject({ type: 'source', lag: null });
    // Apache's bodies stay as they were: status carries no metrics.
    expect(Object.keys((await e2e().api.status(p.sink))!.tasks[0]!).sort()).toEqual([
      'id',
      'state',
      'version',
      'worker_id',
    ]);
  });

  it('a SIGKILLed sink task shows stalled or restarted within 10 s, then its lag returns to 0', async () => {
    const { api, stack } = e2e();
    const p = await pipeline({ 'skc.task.stall.detection.ms': '2000' });
    p.append(0, 10);
    await p.waitForLines(10);
    const before = (await api.status(p.sink))!.tasks[0]!.worker_id;
    const [instance] = await liveInstances(stack, p.sink);
    process.kill(pidOf(stack, instance!.instanceId), 'SIGKILL');
    const killedAt = Date.now();
    p.append(10, 30); // input waits for the sink

    const seen = await waitFor(
      async () => {
        const m = await metricsOf(p.sink);
        const task = m.tasks[0];
        if (task?.stalled) return `stalled: ${task.stalled_reason}`;
        if (task && task.worker_id !== before && task.state === 'RUNNING') return 'restarted';
        return undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, description: 'stalled or restarted sink task' },
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(seen).toMatch(/^(stalled|restarted)/);

    await p.waitForLines(30);
    const settled = await waitFor(
      async () => {
        const m = await metricsOf(p.sink);
        const task = m.tasks[0];
        return m.lag === 0 && task && task.worker_id !== before && !task.stalled ? m : undefined;
      },
      { timeoutMs: 60_000, description: 'lag back to 0 in the restarted task' },
    );
    expect(settled.tasks[0]!.state).toBe('RUNNING');
    expect(new Set(readLines(p.output))).toEqual(new Set(lines(0, 30)));
  });
});
