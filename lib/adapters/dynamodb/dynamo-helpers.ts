/** Small DynamoDB helpers shared by the config and status stores: paging, batch deletes, cancellation reasons. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, unknown>;

/** All items of a (strongly consistent) query, following pagination. */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ConsistentRead: true, ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Deletes keys in batches of 25, re-sending unprocessed ones (throttling) with a short backoff. */
export async function deleteKeys(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly { pk: string; sk: string }[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

export type CancellationCode = 'ConditionalCheckFailed' | 'TransactionConflict' | 'None' | string;

/**
 * Runs a transaction; returns the cancellation codes (one per action) when it was cancelled, undefined when
 * it committed. A `TransactionConflict` (another transaction on the same item in flight) is retried a few
 * times, so callers see the outcome of their conditions.
 */
export async function transact(
  doc: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
): Promise<CancellationCode[] | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand(input));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      if (codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed') && attempt < 8) {
        await new Promise((resolve) => setTimeout(resolve, (10 + Math.random() * 20) * (attempt + 1)));
        continue;
      }
      return codes;
    }
  }
}
