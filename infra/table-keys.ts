import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Key prefixes of the single-table design (lib/adapters/dynamodb/table.ts, which the infra does not import: it
 * pulls the DynamoDB SDK). test/infra checks that both agree.
 */
export const TABLE_KEYS = {
  /** pk of the list index: one item per connector, sk = connector name */
  listPartition: 'CONNECTORS',
  /** pk prefix of a connector's config items (STATE, TASKCONFIGS#…) */
  connectorPrefix: 'CONNECTOR#',
  /** sk of a connector's desired state */
  stateSk: 'STATE',
  /** pk prefix of a connector's status items (connector, tasks, topics) */
  statusPrefix: 'STATUS#',
  /** sk of a connector task's request for new task configs (in the status partition): wakes the reconciler */
  taskConfigsRequestSk: 'TASKCONFIGS_REQUEST',
  /** pk of worker-level items: the `/admin/loggers` levels every task reads */
  workerPartition: 'WORKER',
} as const;

/**
 * Only desired-state changes wake the reconciler: list-index items, `STATE` items and a connector task's request
 * for new task configs. Other status writes (heartbeats every few seconds per task) would otherwise invoke it for
 * nothing; its handler ignores them anyway.
 */
export function desiredStateFilters(): Array<Record<string, unknown>> {
  return [
    lambda.FilterCriteria.filter({
      dynamodb: { Keys: { pk: { S: lambda.FilterRule.isEqual(TABLE_KEYS.listPartition) } } },
    }),
    lambda.FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual(TABLE_KEYS.stateSk) } } } }),
    lambda.FilterCriteria.filter({
      dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual(TABLE_KEYS.taskConfigsRequestSk) } } },
    }),
  ];
}
