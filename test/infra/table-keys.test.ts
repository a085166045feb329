import {
  connectorOfPk,
  connectorPk,
  LIST_PARTITION,
  STATE_SK,
  statusPk,
  TASK_CONFIGS_REQUEST_SK,
  WORKER_PARTITION,
} from '../../lib/adapters/dynamodb/table';
import { TABLE_KEYS } from '../../infra/table-keys';

describe('table keys used by IAM conditions and stream filters', () => {
  it('agree with the DynamoDB adapter', () => {
    expect(TABLE_KEYS.listPartition).toBe(LIST_PARTITION);
    expect(TABLE_KEYS.stateSk).toBe(STATE_SK);
    expect(connectorPk('c')).toBe(`${TABLE_KEYS.connectorPrefix}c`);
    expect(statusPk('c')).toBe(`${TABLE_KEYS.statusPrefix}c`);
    expect(connectorOfPk(`${TABLE_KEYS.statusPrefix}c`)).toBe('c');
    expect(TABLE_KEYS.workerPartition).toBe(WORKER_PARTITION);
    expect(TABLE_KEYS.taskConfigsRequestSk).toBe(TASK_CONFIGS_REQUEST_SK);
    expect(connectorOfPk(WORKER_PARTITION)).toBeUndefined();
  });
});
