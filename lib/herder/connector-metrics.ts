/**
 * `GET /connectors/{name}/metrics` (ours; Apache exposes these numbers only over JMX): per task, what its last
 * heartbeat reported — records in/out, the times of the last poll, put and offset commit, a sink's lag per
 * partition, the Apache-named metric values — and whether it is `stalled` (lib/storage/task-progress.ts).
 */
import type { ConnectorType } from './entities';
import type { ConnectorState, TaskPartitionLag, TaskStatus } from '../storage/ports';
import { stallOf, type StallSettings } from '../storage/task-progress';

export interface TaskMetricsInfo {
  id: number;
  state: string;
  worker_id: string;
  /** epoch ms of the task's last status write (its heartbeat) */
  reported_at: number;
  /** whether the task reported progress at all (a task of an older runtime, or not yet started, does not) */
  reporting: boolean;
  records_in: number;
  records_out: number;
  records_active: number;
  last_poll_time: number | null;
  last_put_time: number | null;
  last_commit_time: number | null;
  lag: TaskPartitionLag[];
  stalled: boolean;
  stalled_reason?: string;
  stalled_since?: number;
  metrics: Record<string, number>;
}

export interface ConnectorMetricsInfo {
  name: string;
  type: ConnectorType;
  /** sink: the consumer group's total lag as last read by a task; null for sources or when unknown */
  lag: number | null;
  stalled: boolean;
  tasks: TaskMetricsInfo[];
}

export function connectorMetricsInfo(
  state: ConnectorState,
  type: ConnectorType,
  tasks: readonly TaskStatus[],
  settings: StallSettings,
  now: number,
): ConnectorMetricsInfo {
  const infos = [...tasks]
    .sort((a, b) => a.id - b.id)
    .map((task): TaskMetricsInfo => {
      const p = task.progress;
      const stall = stallOf(task.state, p, settings.detectionMs, now);
      return {
        id: task.id,
        state: task.state,
        worker_id: task.workerId,
        reported_at: task.updatedAt,
        reporting: p !== undefined,
        records_in: p?.recordsIn ?? 0,
        records_out: p?.recordsOut ?? 0,
        records_active: p?.recordsActive ?? 0,
        last_poll_time: p?.lastPollAt ?? null,
        last_put_time: p?.lastPutAt ?? null,
        last_commit_time: p?.lastCommitAt ?? null,
        lag: [...(p?.lag ?? [])],
        stalled: stall !== undefined,
        ...(stall ? { stalled_reason: stall.reason, stalled_since: stall.since } : {}),
        metrics: { ...(p?.metrics ?? {}) },
      };
    });
  // Every sink task reads the same group's lag; the freshest report wins.
  const newest = [...tasks]
    .filter((t) => t.progress?.groupLag !== undefined)
    .sort((a, b) => (b.progress?.at ?? 0) - (a.progress?.at ?? 0))[0];
  return {
    name: state.name,
    type,
    lag: type === 'sink' ? (newest?.progress?.groupLag ?? null) : null,
    stalled: infos.some((t) => t.stalled),
    tasks: infos,
  };
}
