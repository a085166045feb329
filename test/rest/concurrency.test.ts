/** Optimistic concurrency of the herder over the in-memory and the embedded file store (see concurrency.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConfigStore } from '../../lib/adapters/local/file-config-store';
import { FileStatusStore } from '../../lib/adapters/local/file-status-store';
import { fiftyConcurrentPuts } from './concurrency';
import { createTestApi, viaHttpServer, viaLambdaV1 } from './harness';

describe('50 concurrent PUT /connectors/x/config', () => {
  it('loses nothing through the Lambda handler over the in-memory store', async () => {
    const t = await createTestApi();
    await fiftyConcurrentPuts(viaLambdaV1(t.composition), t.configStore, 'concurrent-memory');
  });

  it('loses nothing through the local HTTP server over the embedded file store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-rest-concurrency-'));
    try {
      const t = await createTestApi({ configStore: new FileConfigStore(dir), statusStore: new FileStatusStore(dir) });
      const { call, server } = await viaHttpServer(t.composition);
      try {
        await fiftyConcurrentPuts(call, t.configStore, 'concurrent-file');
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
