/**
 * Self-healing of task instances. Apache Kafka Connect never restarts a failed task on its own (a human calls
 * `POST …/restart`); here a task whose process dies is relaunched with exponential backoff by default, because
 * a task is a process (an ECS task) that can be killed under it: spot interruption, OOM, a lost host.
 *
 * The policy is stateless: the attempt number is derived from the launcher's history of stopped instances of the
 * same task and generation, so the reconciler Lambda needs no memory between invocations.
 */
import { z } from 'zod';
import { backoffDelay as retryBackoffDelay } from '../retry';
import type { TaskInstance } from '../storage/ports';

/** Connector- or worker-level: `always` (default) relaunches dead task instances; `never` leaves them FAILED. */
export const TASK_RESTART_POLICY_CONFIG = 'task.restart.policy';
/** Delay before the first relaunch; doubles with every consecutive short-lived instance. */
export const TASK_RESTART_BACKOFF_INITIAL_MS_CONFIG = 'task.restart.backoff.initial.ms';
/** Cap of the relaunch delay; an instance that ran at least this long before dying resets the backoff. */
export const TASK_RESTART_BACKOFF_MAX_MS_CONFIG = 'task.restart.backoff.max.ms';
/** Worker-level: how often a task-runner rewrites its status (its heartbeat). */
export const TASK_HEARTBEAT_INTERVAL_MS_CONFIG = 'task.heartbeat.interval.ms';
/** Worker-level: a RUNNING instance without a status write for this long is considered hung and replaced. */
export const TASK_HEARTBEAT_TIMEOUT_MS_CONFIG = 'task.heartbeat.timeout.ms';

export type RestartPolicyMode = 'always' | 'never';

export interface RestartPolicy {
  readonly mode: RestartPolicyMode;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface HeartbeatSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { mode: 'always', backoffInitialMs: 1000, backoffMaxMs: 60_000 };
export const DEFAULT_HEARTBEAT: HeartbeatSettings = { intervalMs: 10_000, timeoutMs: 60_000 };

type Props = Readonly<Record<string, string>>;

const mode = z.enum(['always', 'never']);
const millis = z.coerce.number().int().min(0);

/** The first valid value among the sources (connector config first), else the default. Invalid values are ignored. */
function pick<T>(schema: z.ZodType<T>, key: string, sources: readonly (Props | undefined)[], fallback: T): T {
  for (const source of sources) {
    const raw = source?.[key];
    if (raw === undefined || raw.trim() === '') continue;
    const parsed = schema.safeParse(raw.trim().toLowerCase());
    if (parsed.success) return parsed.data;
  }
  return fallback;
}

/** Connector config overrides worker config, which overrides the defaults. */
export function restartPolicyFor(workerConfig: Props | undefined, connectorConfig: Props | undefined): RestartPolicy {
  const sources = [connectorConfig, workerConfig];
  const backoffInitialMs = pick(
    millis,
    TASK_RESTART_BACKOFF_INITIAL_MS_CONFIG,
    sources,
    DEFAULT_RESTART_POLICY.backoffInitialMs,
  );
  const backoffMaxMs = pick(millis, TASK_RESTART_BACKOFF_MAX_MS_CONFIG, sources, DEFAULT_RESTART_POLICY.backoffMaxMs);
  return {
    mode: pick(mode, TASK_RESTART_POLICY_CONFIG, sources, DEFAULT_RESTART_POLICY.mode),
    backoffInitialMs,
    backoffMaxMs: Math.max(backoffMaxMs, backoffInitialMs),
  };
}

export function heartbeatSettingsFor(workerConfig: Props | undefined): HeartbeatSettings {
  const intervalMs = pick(millis, TASK_HEARTBEAT_INTERVAL_MS_CONFIG, [workerConfig], DEFAULT_HEARTBEAT.intervalMs);
  const timeoutMs = pick(millis, TASK_HEARTBEAT_TIMEOUT_MS_CONFIG, [workerConfig], DEFAULT_HEARTBEAT.timeoutMs);
  // A timeout shorter than two intervals would flag healthy tasks whose one write was slow.
  return { intervalMs: Math.max(intervalMs, 100), timeoutMs: Math.max(timeoutMs, 2 * intervalMs) };
}

/**
 * Stop reasons the reconciler gives when it stops an instance on purpose. A stop with this prefix is not a
 * failure: it neither counts as a restart attempt nor shows FAILED.
 */
export const INTENTIONAL_STOP_PREFIX = 'Stopped by reconciler: ';
export const intentionalStopReason = (why: string): string => `${INTENTIONAL_STOP_PREFIX}${why}`;
export const isIntentionalStop = (instance: TaskInstance): boolean =>
  instance.stoppedReason?.startsWith(INTENTIONAL_STOP_PREFIX) === true;

/** The reconciler stops hung instances with a reason carrying this prefix; that is a failure. */
export const HEARTBEAT_TIMEOUT_PREFIX = 'Heartbeat timeout: ';
/** … and stalled ones (RUNNING, no progress while input waits) with this one; also a failure. */
export const STALLED_PREFIX = 'Stalled: ';

export type RelaunchDecision =
  | { readonly action: 'launch'; readonly attempt: number }
  | { readonly action: 'wait'; readonly attempt: number; readonly dueAt: number; readonly lastFailure: TaskInstance }
  | { readonly action: 'give-up'; readonly lastFailure: TaskInstance | undefined };

/**
 * Whether a desired task that has no live instance may be launched now.
 *
 * @param history stopped instances of this task id and generation, any order
 * @param failedByItself the task's own status says FAILED at this generation (it may exit before we see it)
 */
export function decideRelaunch(
  history: readonly TaskInstance[],
  failedByItself: boolean,
  policy: RestartPolicy,
  now: number,
): RelaunchDecision {
  const newestFirst = [...history].sort((a, b) => stopTime(b) - stopTime(a));
  // Consecutive unplanned deaths since the last planned stop; a long-lived instance resets the count.
  let attempts = 0;
  for (const instance of newestFirst) {
    if (isIntentionalStop(instance)) break;
    attempts++;
    if (stopTime(instance) - instance.startedAt >= policy.backoffMaxMs) break;
  }
  const lastFailure = attempts > 0 ? newestFirst[0] : undefined;
  if (policy.mode === 'never') {
    return lastFailure || failedByItself ? { action: 'give-up', lastFailure } : { action: 'launch', attempt: 0 };
  }
  if (!lastFailure) return { action: 'launch', attempt: failedByItself ? 1 : 0 };
  const delay = backoffDelay(policy, attempts);
  const dueAt = stopTime(lastFailure) + delay;
  return now >= dueAt
    ? { action: 'launch', attempt: attempts }
    : { action: 'wait', attempt: attempts, dueAt, lastFailure };
}

/** initial × 2^(attempt−1), capped: the shared policy (lib/retry), without jitter so the status can show it. */
export const backoffDelay = (policy: RestartPolicy, attempt: number): number =>
  retryBackoffDelay({ initialDelayMs: policy.backoffInitialMs, maxDelayMs: policy.backoffMaxMs }, attempt);

const stopTime = (instance: TaskInstance): number => instance.stoppedAt ?? instance.startedAt;

/** A human-readable account of how an instance ended, for the FAILED status trace. */
export function describeExit(instance: TaskInstance): string {
  const parts = [`Task instance ${instance.instanceId} of ${instance.connector}-${instance.taskId} stopped`];
  if (instance.exitCode !== undefined && instance.exitCode !== null) parts.push(`with exit code ${instance.exitCode}`);
  if (instance.stoppedReason) parts.push(`(${instance.stoppedReason})`);
  return parts.join(' ');
}

/** An unplanned stop that is not a failure: a clean exit 0 we did not ask for (spot interruption, scale-in). */
export const isCleanExit = (instance: TaskInstance): boolean =>
  instance.exitCode === 0 &&
  !instance.stoppedReason?.startsWith(HEARTBEAT_TIMEOUT_PREFIX) &&
  !instance.stoppedReason?.startsWith(STALLED_PREFIX);
