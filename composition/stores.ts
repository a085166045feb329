/** ConfigStore + StatusStore for SKC_STORE (adapters imported lazily: a Lambda loads only what it uses). */
import {
  InMemoryConfigStore,
  InMemoryLoggerLevelStore,
  InMemoryStatusStore,
} from '../lib/adapters/local/memory-stores';
import type { ConfigStore, LoggerLevelStore, StatusStore } from '../lib/storage/ports';
import type { CommonEnv } from './env';

export interface Stores {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
}

export async function createStores(
  env: Pick<CommonEnv, 'SKC_STORE' | 'SKC_TABLE_NAME' | 'SKC_STATE_DIR' | 'SKC_DYNAMODB_ENDPOINT'>,
): Promise<Stores> {
  if (env.SKC_STORE === 'dynamodb') {
    const [{ createDocumentClient }, { DynamoDbConfigStore }, { DynamoDbStatusStore }] = await Promise.all([
      import('../lib/adapters/dynamodb/table'),
      import('../lib/adapters/dynamodb/config-store'),
      import('../lib/adapters/dynamodb/status-store'),
    ]);
    const doc = createDocumentClient(env.SKC_DYNAMODB_ENDPOINT ? { endpoint: env.SKC_DYNAMODB_ENDPOINT } : {});
    const names = { table: env.SKC_TABLE_NAME! };
    return { configStore: new DynamoDbConfigStore(doc, names), statusStore: new DynamoDbStatusStore(doc, names) };
  }
  if (env.SKC_STORE === 'local') {
    const [{ FileConfigStore }, { FileStatusStore }] = await Promise.all([
      import('../lib/adapters/local/file-config-store'),
      import('../lib/adapters/local/file-status-store'),
    ]);
    return {
      configStore: new FileConfigStore(env.SKC_STATE_DIR!),
      statusStore: new FileStatusStore(env.SKC_STATE_DIR!),
    };
  }
  return { configStore: new InMemoryConfigStore(), statusStore: new InMemoryStatusStore() };
}

/** Where `/admin/loggers` levels live for SKC_STORE: shared by the API and every task process (composition/log-levels.ts). */
export async function createLoggerLevelStore(
  env: Pick<CommonEnv, 'SKC_STORE' | 'SKC_TABLE_NAME' | 'SKC_STATE_DIR' | 'SKC_DYNAMODB_ENDPOINT'>,
): Promise<LoggerLevelStore> {
  if (env.SKC_STORE === 'dynamodb') {
    const [{ createDocumentClient }, { DynamoDbLoggerLevelStore }] = await Promise.all([
      import('../lib/adapters/dynamodb/table'),
      import('../lib/adapters/dynamodb/logger-level-store'),
    ]);
    const doc = createDocumentClient(env.SKC_DYNAMODB_ENDPOINT ? { endpoint: env.SKC_DYNAMODB_ENDPOINT } : {});
    return new DynamoDbLoggerLevelStore(doc, { table: env.SKC_TABLE_NAME! });
  }
  if (env.SKC_STORE === 'local') {
    const { FileLoggerLevelStore } = await import('../lib/adapters/local/file-logger-level-store');
    return new FileLoggerLevelStore(env.SKC_STATE_DIR!);
  }
  return new InMemoryLoggerLevelStore();
}
