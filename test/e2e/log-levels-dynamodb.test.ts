/**
 * `/admin/loggers` reaching a running task on the AWS code path: the API composed with `SKC_STORE=dynamodb`
 * (DynamoDB Local) stores the levels in the worker-level item; the reconciler launches the task-runner bundle
 * (the container's entry, as a child process instead of a Fargate task) against the same table, and the task
 * applies a level set after it started.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../../composition/api/composition';
import { createReconciler } from '../../composition/reconciler';
import { createStores } from '../../composition/stores';
import { commonEnvSchema } from '../../composition/env';
import { createDocumentClient, createTables } from '../../lib/adapters/dynamodb/table';
import { ProcessLauncher } from '../../lib/adapters/local/process-launcher';
import { viaHttpServer } from '../rest/harness';
import { dynamoClientConfig, kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { bundleTaskRunner } from './helpers';

requireServices('kafka', 'dynamodb');

const logLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('/admin/loggers on DynamoDB reaches a running task', () => {
  it('a task started at INFO logs at DEBUG after PUT /admin/loggers/org.apache.kafka.connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-levels-e2e-'));
    const table = uniqueName('skc-levels');
    const client = dynamoClientConfig();
    await createTables(createDocumentClient(client), { table });
    const rawEnv = {
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: table,
      SKC_DYNAMODB_ENDPOINT: client.endpoint,
      SKC_BOOTSTRAP_SERVERS: kafkaBootstrap(),
      SKC_WORKER_CONFIG: JSON.stringify({
        'task.heartbeat.interval.ms': '300',
        'offset.storage.topic': uniqueName('connect-offsets'),
        'offset.storage.replication.factor': '1',
        'offset.storage.partitions': '1',
      }),
      LOG_LEVEL: 'INFO',
    };
    const env = commonEnvSchema.parse(rawEnv);
    const composition = await compose(env);
    const { call, server } = await viaHttpServer(composition);
    const launcher = new ProcessLauncher({
      args: [await bundleTaskRunner(dir)],
      env: { ...process.env, ...rawEnv, SKC_LOG_LEVELS_REFRESH_MS: '200' },
      runDir: join(dir, 'run'),
      logDir: join(dir, 'logs'),
      compileCacheDir: false,
    });
    const reconciler = await createReconciler(env, await createStores(env), launcher);
    const name = uniqueName('levels-sink');
    try {
      const created = await call('POST', '/connectors', {
        body: {
          name,
          config: {
            'connector.class': 'FileStreamSink',
            'tasks.max': '1',
            topics: uniqueName('levels-topic'),
            file: join(dir, 'sink.txt'),
          },
        },
      });
      expect(created.status).toBe(201);
      await reconciler.reconcile(name);
      const [instance] = await launcher.list();
      const logFile = launcher.logFile(instance!.instanceId)!;
      const progressLines = () => logLines(logFile).filter((l) => l['message'] === 'progress');
      await waitFor(async () => (await call('GET', `/connectors/${name}/status`)).text.includes('"RUNNING"'), {
        timeoutMs: 60_000,
        description: 'task RUNNING',
      });
      // Running at INFO: heartbeats come and go, no DEBUG line.
      await waitFor(() => logLines(logFile).some((l) => l['message'] === 'task started'), {
        timeoutMs: 30_000,
        description: 'task started logged',
      });
      expect(progressLines()).toEqual([]);

      const put = await call('PUT', '/admin/loggers/org.apache.kafka.connect', { body: { level: 'DEBUG' } });
      expect(put.status).toBe(200);
      expect(put.body).toEqual(['org.apache.kafka.connect']);
      await waitFor(() => progressLines().length > 0, { timeoutMs: 30_000, description: 'DEBUG progress line' });
      const line = progressLines()[0]!;
      expect(line).toMatchObject({ level: 'DEBUG', connector: name, taskId: 0, generation: 1 });

      // What GET shows is what the item holds, whichever API instance serves it (Apache's bodies).
      const other = await compose(env);
      try {
        expect((await other.herder.allLoggers())['org.apache.kafka.connect']).toEqual({
          level: 'DEBUG',
          last_modified: expect.any(Number),
        });
        expect(await other.herder.loggerLevel('root')).toEqual({ level: 'INFO', last_modified: null });
      } finally {
        await other.close();
      }
    } finally {
      await launcher.stopAll('test done');
      launcher.close();
      await server.close();
      await composition.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
