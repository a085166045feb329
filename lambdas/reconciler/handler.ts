/**
 * The reconciler Lambda. DynamoDB stream records → reconcile the connectors whose desired state (`STATE` or
 * list-index item) changed; an ECS task of ours STOPPED → reconcile its connector (relaunch without waiting for
 * the schedule); any other event (the one-minute schedule) → reconcile all, asking the stateless catalog again
 * for the task configs of running Java connectors (docs/java-plugins.md). Status items are
 * ignored: the reconciler writes them itself, and heartbeats would wake it every few seconds.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { connectorsInStreamEvent } from '../../lib/adapters/dynamodb/stream-records';
import { ECS_TASK_STATE_CHANGE, instanceOfTaskStateChange } from '../../lib/adapters/ecs/task-state-change';
import type { Reconciler, ReconcileReport } from '../../lib/scheduler/reconciler';
import { commonEnvSchema, ecsEnvSchema, parseEnv } from '../../composition/env';
import { createEcsLauncher } from '../../composition/ecs';
import { createLogger, withLogKeys } from '../../composition/logger';
import { javaCatalogFromEnv } from '../../composition/java-catalog';
import { createReconciler } from '../../composition/reconciler';
import { createStores } from '../../composition/stores';
import { sleep } from '../../lib/retry';

/** exported for tests: its lines carry `connector` while one connector is reconciled */
export const logger = createLogger('skc-reconciler');

const recordsOf = (event: unknown): Record<string, unknown>[] | undefined => {
  const records = typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  return Array.isArray(records) ? (records as Record<string, unknown>[]) : undefined;
};

const isTaskStateChange = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === ECS_TASK_STATE_CHANGE;

/** A task of ours that stopped → its connector; another cluster user's task or a non-stop → none. */
const connectorsOfTaskStateChange = (event: unknown): string[] => {
  const instance = instanceOfTaskStateChange(event);
  return instance?.state === 'STOPPED' ? [instance.connector] : [];
};

const parseJson = (body: unknown): unknown => {
  try {
    return typeof body === 'string' ? (JSON.parse(body) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The connectors an event concerns; undefined: all of them (the schedule). DynamoDB stream batches name the
 * connectors whose desired state changed; ECS task stops arrive through an SQS FIFO queue (one reconcile at a
 * time for them, and a burst of stops of one connector coalesces into one batch).
 */
export function connectorsOfEvent(event: unknown): string[] | undefined {
  const records = recordsOf(event);
  if (records?.every((r) => r['eventSource'] === 'aws:sqs')) {
    const names = records.flatMap((r) => connectorsOfTaskStateChange(parseJson(r['body'])));
    return [...new Set(names)].sort();
  }
  if (records) return connectorsInStreamEvent(event as DynamoDBStreamEvent);
  if (isTaskStateChange(event)) return connectorsOfTaskStateChange(event);
  return undefined;
}

/** Time kept free at the end of an invocation. */
const SAFETY_MS = 10_000;
/**
 * Polls (one catalog call each, sequential) stop when less than this is left of the invocation, so a long list of
 * Java connectors cannot run the reconcile into its timeout; the rest are asked on the next scheduled run.
 */
const POLL_RESERVE_MS = 60_000;
/** A relaunch due within this long is waited for in the same invocation rather than left to the schedule. */
const MAX_WAIT_MS = 30_000;

export async function handleReconcileEvent(
  event: unknown,
  reconciler: Reconciler,
  remainingMs: () => number,
): Promise<{ reconciled: string[] }> {
  const names = connectorsOfEvent(event);
  if (names !== undefined && names.length === 0) return { reconciled: [] };
  // The schedule (names undefined) polls the task configs of Java connectors of a stateless catalog, once per
  // invocation: the relaunch waits below reconcile again without asking the catalog again.
  let poll = names === undefined;
  const run = async (): Promise<ReconcileReport> => {
    if (names === undefined) {
      const polls = poll;
      poll = false;
      return reconciler.reconcile(undefined, { pollTaskConfigs: () => polls && remainingMs() > POLL_RESERVE_MS });
    }
    let report: ReconcileReport = { connectors: [], launched: [], stopped: [], nextWakeAt: undefined };
    for (const name of names) {
      const one = await withLogKeys(logger, { connector: name }, () => reconciler.reconcile(name));
      report = {
        connectors: [...report.connectors, ...one.connectors],
        launched: [...report.launched, ...one.launched],
        stopped: [...report.stopped, ...one.stopped],
        nextWakeAt: Math.min(report.nextWakeAt ?? Infinity, one.nextWakeAt ?? Infinity),
      };
    }
    return { ...report, nextWakeAt: Number.isFinite(report.nextWakeAt) ? report.nextWakeAt : undefined };
  };
  let report = await run();
  logger.info('reconciled', {
    connectors: report.connectors,
    launched: report.launched.length,
    stopped: report.stopped.length,
  });
  // A short restart backoff would otherwise wait for the next scheduled run (a minute).
  while (report.nextWakeAt !== undefined) {
    const wait = report.nextWakeAt - Date.now();
    if (wait > MAX_WAIT_MS || wait > remainingMs() - SAFETY_MS) break;
    await sleep(wait);
    report = await run();
  }
  return { reconciled: [...report.connectors] };
}

let reconciler: Promise<Reconciler> | undefined;
const load = (): Promise<Reconciler> =>
  (reconciler ??= (async () => {
    const env = parseEnv(commonEnvSchema, process.env);
    const ecs = parseEnv(ecsEnvSchema, process.env);
    const stores = await createStores(env);
    // Task configs of Java connectors: the catalog Lambda of the JVM image (composition/java-catalog.ts).
    const javaCatalog = await javaCatalogFromEnv(env);
    return createReconciler(env, stores, createEcsLauncher(ecs), {
      log: (message, details) => logger.info(message, details ?? {}),
      ...(javaCatalog ? { javaCatalog } : {}),
      // The construct's javaConnectorTasks (docs/java-plugins.md, "the connector task").
      javaConnectorTasks: process.env.SKC_JAVA_CONNECTOR_TASKS === 'true',
    });
  })().catch((error: unknown) => {
    reconciler = undefined;
    throw error;
  }));

export const handler = async (event: unknown, context: Context): Promise<{ reconciled: string[] }> =>
  handleReconcileEvent(event, await load(), () => context.getRemainingTimeInMillis());
