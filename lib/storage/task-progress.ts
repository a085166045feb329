/**
 * When is a RUNNING task stalled? One rule, shared by the REST view (`GET /connectors/{name}/metrics`, the
 * `stalled` indicator) and the reconciler (which restarts a task stalled for longer than its restart threshold).
 * It reads only what the task reported with its last heartbeat (TaskProgress).
 *
 * - Sink with partitions: records wait on them (lag from the task's position to the end offset) and neither put()
 *   nor an offset commit happened for the threshold.
 * - Sink without partitions (joining a group whose old member has not left yet, e.g. after a SIGKILL): the group
 *   has lag and its committed offsets have not moved for the threshold — nobody is consuming.
 * - Source: we cannot see the external system, so "input waiting" is only what the task already polled: records
 *   polled and not acknowledged by Kafka for the threshold (a stuck producer). A source whose poll() returns
 *   nothing is idle, not stalled.
 */
import type { TaskProgress } from './ports';

/** Connector- or worker-level: no progress for this long while input waits → the `stalled` indicator. */
export const TASK_STALL_DETECTION_MS_CONFIG = 'skc.task.stall.detection.ms';
/** Connector- or worker-level: stalled for this long → the reconciler restarts the task (0 = never). */
export const TASK_STALL_RESTART_MS_CONFIG = 'skc.task.stall.restart.ms';

export const DEFAULT_STALL_DETECTION_MS = 30_000;
export const DEFAULT_STALL_RESTART_MS = 120_000;

export interface StallSettings {
  readonly detectionMs: number;
  readonly restartMs: number;
}

type Props = Readonly<Record<string, string>> | undefined;

const pickMs = (key: string, sources: readonly Props[], fallback: number): number => {
  for (const source of sources) {
    const raw = source?.[key]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 0) return value;
  }
  return fallback;
};

/** Connector config overrides worker config, which overrides the defaults. */
export function stallSettingsFor(workerConfig: Props, connectorConfig: Props): StallSettings {
  const sources = [connectorConfig, workerConfig];
  return {
    detectionMs: pickMs(TASK_STALL_DETECTION_MS_CONFIG, sources, DEFAULT_STALL_DETECTION_MS),
    restartMs: pickMs(TASK_STALL_RESTART_MS_CONFIG, sources, DEFAULT_STALL_RESTART_MS),
  };
}

export interface Stall {
  /** epoch ms since which the task has made no progress */
  readonly since: number;
  readonly reason: string;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** The stall of a task in `state` with `progress`, or undefined when it is progressing (or idle). */
export function stallOf(
  state: string,
  progress: TaskProgress | undefined,
  detectionMs: number,
  now: number,
): Stall | undefined {
  if (state !== 'RUNNING' || progress === undefined) return undefined;
  const stalled = (since: number, reason: string): Stall | undefined =>
    now - since >= detectionMs ? { since, reason: `${reason} for ${seconds(now - since)}` } : undefined;
  if (progress.kind === 'source') {
    if (progress.recordsActive <= 0) return undefined;
    const since = Math.max(progress.startedAt, progress.lastPutAt ?? 0);
    return stalled(since, `${progress.recordsActive} polled records not acknowledged by Kafka`);
  }
  const partitions = progress.metrics['partition-count'] ?? 0;
  if (partitions > 0) {
    const waiting = (progress.lag ?? []).reduce((sum, l) => sum + l.lag, 0);
    if (waiting <= 0) return undefined;
    const since = Math.max(progress.startedAt, progress.lastPutAt ?? 0, progress.lastCommitAt ?? 0);
    return stalled(since, `${waiting} records waiting on ${partitions} partition(s), no put() or offset commit`);
  }
  if ((progress.groupLag ?? 0) <= 0) return undefined;
  const since = Math.max(progress.startedAt, progress.groupCommitMovedAt ?? 0);
  return stalled(
    since,
    `no partitions assigned while the group has ${progress.groupLag} records waiting and its offsets do not move`,
  );
}
