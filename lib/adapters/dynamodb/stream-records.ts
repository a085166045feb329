/**
 * DynamoDB stream records of the state table → the connectors whose desired state changed (their `STATE` item or
 * their list-index item), and those whose connector task asked for new task configs (its `TASKCONFIGS_REQUEST`
 * item). Other status items are left out: the reconciler writes them itself, and heartbeats would wake it every
 * few seconds.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { connectorOfPk, LIST_PARTITION, STATE_SK, TASK_CONFIGS_REQUEST_SK } from './table';

/** Connector names whose desired state a batch of stream records touched. */
export function connectorsInStreamEvent(event: DynamoDBStreamEvent): string[] {
  const names = new Set<string>();
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    const pk = keys?.['pk']?.S;
    const sk = keys?.['sk']?.S;
    if (pk === undefined || sk === undefined) continue;
    if (pk === LIST_PARTITION) names.add(sk);
    else if (
      (sk === STATE_SK && pk.startsWith('CONNECTOR#')) ||
      (sk === TASK_CONFIGS_REQUEST_SK && pk.startsWith('STATUS#'))
    ) {
      const name = connectorOfPk(pk);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names].sort();
}
