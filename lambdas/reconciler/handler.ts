/**
 * The reconciler Lambda. DynamoDB stream records → reconcile the connectors whose desired state (`STATE` or
 * list-index item) changed; any other event (the one-minute schedule) → reconcile all. Status items are
 * ignored: the reconciler writes them itself, and heartbeats would wake it every few seconds.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { connectorOfPk, LIST_PARTITION, STATE_SK } from '../../lib/adapters/dynamodb/table';
import type { Reconciler, ReconcileReport } from '../../lib/scheduler/reconciler';
import { commonEnvSchema, ecsEnvSchema, parseEnv } from '../shared/env';
import { createEcsLauncher } from '../shared/ecs';
import { createLogger } from '../shared/logger';
import { createReconciler } from '../shared/reconciler';
import { createStores } from '../shared/stores';

const logger = createLogger('skc-reconciler');

/** Connector names whose desired state a batch of stream records touched. */
export function connectorsInStreamEvent(event: DynamoDBStreamEvent): string[] {
  const names = new Set<string>();
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    const pk = keys?.['pk']?.S;
    const sk = keys?.['sk']?.S;
    if (pk === undefined || sk === undefined) continue;
    if (pk === LIST_PARTITION) names.add(sk);
    else if (sk === STATE_SK && pk.startsWith('CONNECTOR#')) {
      const name = connectorOfPk(pk);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names].sort();
}

const isStreamEvent = (event: unknown): event is DynamoDBStreamEvent =>
  typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records);

/** Time kept free at the end of an invocation. */
const SAFETY_MS = 10_000;
/** A relaunch due within this long is waited for in the same invocation rather than left to the schedule. */
const MAX_WAIT_MS = 30_000;

export async function handleReconcileEvent(
  event: unknown,
  reconciler: Reconciler,
  remainingMs: () => number,
): Promise<{ reconciled: string[] }> {
  const names = isStreamEvent(event) ? connectorsInStreamEvent(event) : undefined;
  if (names !== undefined && names.length === 0) return { reconciled: [] };
  const run = async (): Promise<ReconcileReport> => {
    if (names === undefined) return reconciler.reconcile();
    let report: ReconcileReport = { connectors: [], launched: [], stopped: [], nextWakeAt: undefined };
    for (const name of names) {
      const one = await reconciler.reconcile(name);
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
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
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
    return createReconciler(env, stores, createEcsLauncher(ecs), {
      log: (message, details) => logger.info(message, details ?? {}),
    });
  })().catch((error: unknown) => {
    reconciler = undefined;
    throw error;
  }));

export const handler = async (event: unknown, context: Context): Promise<{ reconciled: string[] }> =>
  handleReconcileEvent(event, await load(), () => context.getRemainingTimeInMillis());
