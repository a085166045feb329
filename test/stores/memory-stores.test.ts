import {
  InMemoryConfigStore,
  InMemoryLoggerLevelStore,
  InMemoryOffsetStore,
  InMemoryStatusStore,
} from '../../lib/adapters/local/memory-stores';
import { describeConfigStoreContract } from './config-store.contract';
import { describeLoggerLevelStoreContract } from './logger-level-store.contract';
import { describeOffsetStoreContract } from './offset-store.contract';
import { describeStatusStoreContract } from './status-store.contract';

describeConfigStoreContract('memory', { open: async () => new InMemoryConfigStore(), notifies: true });
describeStatusStoreContract('memory', { open: async () => new InMemoryStatusStore() });
describeOffsetStoreContract('memory', { open: async () => new InMemoryOffsetStore() });
describeLoggerLevelStoreContract('memory', { open: async () => ({ store: new InMemoryLoggerLevelStore() }) });

describe('InMemoryConfigStore', () => {
  it('hands out copies: mutating a returned state does not change the store', async () => {
    const store = new InMemoryConfigStore();
    const created = await store.create('copy', { a: '1' }, 'STARTED');
    (created.config as Record<string, string>)['a'] = 'changed';
    expect((await store.get('copy'))?.config).toEqual({ a: '1' });
  });
});
