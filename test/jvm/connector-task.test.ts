/**
 * The connector task of AWS (docs/java-plugins.md, "Java connectors in AWS: the connector task") end to end, with
 * Apache's connect-mirror 4.3.1 MirrorSourceConnector on the test broker: the reconciler, wired as the reconciler
 * Lambda wires it (the stateless catalog, here jvm-host's Lambda handler class as a process; DynamoDB Local), runs
 * the task-runner bundle in the role "connector" (SKC_TASK_ID=-1) as a child process instead of a Fargate task.
 * A topic created after the start reaches the stored task configs through the running connector's
 * `requestTaskReconfiguration()`: its request item, the stream record it makes, the reconcile that record
 * triggers; no scheduled poll and no second catalog call. The connector's tasks themselves are not run (a fake
 * launcher takes them): what they do is the ordinary task path, tested elsewhere.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonEnvSchema } from '../../composition/env';
import { createReconciler } from '../../composition/reconciler';
import { createStores } from '../../composition/stores';
import { handleReconcileEvent } from '../../lambdas/reconciler/handler';
import { createDocumentClient, createTables } from '../../lib/adapters/dynamodb/table';
import { localCatalogInvoke, RemoteJvmCatalog } from '../../lib/adapters/jvm/remote-catalog';
import { ensureTopic } from '../../lib/adapters/kafka/admin';
import { createKafka } from '../../lib/adapters/kafka/client';
import { ProcessLauncher } from '../../lib/adapters/local/process-launcher';
import { CONNECTOR_TASK_ID } from '../../lib/scheduler/connector-task';
import type { LaunchSpec, TaskInstance, TaskLauncher } from '../../lib/storage/ports';
import { bundleTaskRunner } from '../e2e/helpers';
import { FakeTaskLauncher } from '../scheduler/fakes';
import { dynamoClientConfig, kafkaBootstrap, requireServices, uniqueName, waitFor } from '../services/env';
import { mirrorSourceConfig, pluginPathWith } from './helpers';

requireServices('kafka', 'dynamodb');

/** Connector tasks as real task-runner processes; the connector's tasks in a fake. */
class ConnectorTasksOnly implements TaskLauncher {
  constructor(
    readonly processes: ProcessLauncher,
    readonly tasks: FakeTaskLauncher,
  ) {}
  async list(): Promise<TaskInstance[]> {
    return [...(await this.processes.list()), ...(await this.tasks.list())];
  }
  launch(spec: LaunchSpec): Promise<TaskInstance> {
    return spec.taskId === CONNECTOR_TASK_ID ? this.processes.launch(spec) : this.tasks.launch(spec);
  }
  stop(instanceId: string, reason: string): Promise<void> {
    return this.tasks.instances.has(instanceId)
      ? this.tasks.stop(instanceId, reason)
      : this.processes.stop(instanceId, reason);
  }
}

describe('the connector task of a Java connector (AWS)', () => {
  it('hears MirrorSourceConnector’s reconfiguration request for a topic created after it started: new task configs without a poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-conntask-'));
    const pluginPath = pluginPathWith('connect-mirror');
    const table = uniqueName('skc-conntask');
    const client = dynamoClientConfig();
    await createTables(createDocumentClient(client), { table });
    const rawEnv = {
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: table,
      SKC_DYNAMODB_ENDPOINT: client.endpoint,
      SKC_BOOTSTRAP_SERVERS: kafkaBootstrap(),
      SKC_PLUGIN_PATH: pluginPath,
      // The connector task reads the connector's state at the heartbeat interval.
      SKC_WORKER_CONFIG: JSON.stringify({ 'plugin.discovery': 'service_load', 'task.heartbeat.interval.ms': '500' }),
    };
    const env = commonEnvSchema.parse(rawEnv);
    const stores = await createStores(env);
    const catalogProcess = localCatalogInvoke();
    let catalogTaskConfigs = 0;
    const catalog = await RemoteJvmCatalog.start(
      (request) => {
        if (request.op === 'taskConfigs') catalogTaskConfigs++;
        return catalogProcess.invoke(request);
      },
      { 'bootstrap.servers': kafkaBootstrap(), 'plugin.path': pluginPath, 'plugin.discovery': 'service_load' },
    );
    const processes = new ProcessLauncher({
      args: [await bundleTaskRunner(dir)],
      env: { ...process.env, ...rawEnv },
      runDir: join(dir, 'run'),
      logDir: join(dir, 'logs'),
      compileCacheDir: false,
    });
    const launcher = new ConnectorTasksOnly(processes, new FakeTaskLauncher());
    const reconciler = await createReconciler(env, stores, launcher, {
      javaCatalog: catalog,
      javaConnectorTasks: true,
    });
    const connectorLog = () =>
      processes.list().then((all) => all.map((i) => readFileSync(processes.logFile(i.instanceId)!, 'utf8')).join('\n'));

    const prefix = uniqueName('mm2ct');
    const [first, second] = [`${prefix}-a`, `${prefix}-b`];
    const name = uniqueName('mm2-conntask');
    const admin = createKafka({ bootstrapServers: kafkaBootstrap(), clientId: name });
    await ensureTopic(admin, first, { partitions: 1 });
    const assigned = async () =>
      (await stores.configStore.get(name))?.taskConfigs[0]?.['task.assigned.partitions']?.split(',').sort();
    try {
      await stores.configStore.create(
        name,
        {
          name,
          ...mirrorSourceConfig(prefix),
        },
        'STARTED',
      );
      // The desired state's stream record: task configs from the catalog (generation 1), the task and the
      // connector task launched.
      await reconciler.reconcile(name);
      expect(await assigned()).toEqual([`${first}-0`]);
      expect(catalogTaskConfigs).toBe(1);
      const [connectorTask] = await processes.list();
      expect(connectorTask).toMatchObject({ taskId: -1, generation: 1 });
      expect(launcher.tasks.live(name).map((i) => [i.taskId, i.generation])).toEqual([[0, 1]]);

      // The connector's status now comes from the running connector.
      await waitFor(
        async () => {
          const status = await stores.statusStore.getConnector(name);
          return status?.state === 'RUNNING' && status.workerId !== 'reconciler' && status.version === '4.3.1';
        },
        { timeoutMs: 120_000, description: 'connector RUNNING reported by the connector task', intervalMs: 200 },
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await connectorLog()}`);
      });

      // A topic created after the start: the running connector notices it and requests new task configs.
      await ensureTopic(admin, second, { partitions: 1 });
      const request = await waitFor(
        async () => {
          const r = await stores.statusStore.getTaskConfigsRequest(name);
          return r?.taskConfigs[0]?.['task.assigned.partitions']?.includes(`${second}-0`) ? r : undefined;
        },
        { timeoutMs: 60_000, description: 'task-config request with the new topic', intervalMs: 200 },
      );
      expect(request.generation).toBe(1);

      // Its item's stream record (what the reconciler Lambda receives) stores them as generation 2.
      const streamEvent = {
        Records: [
          {
            eventSource: 'aws:dynamodb',
            eventName: 'INSERT',
            dynamodb: { Keys: { pk: { S: `STATUS#${name}` }, sk: { S: 'TASKCONFIGS_REQUEST' } } },
          },
        ],
      };
      expect(await handleReconcileEvent(streamEvent, reconciler, () => 120_000)).toEqual({ reconciled: [name] });
      const after = await stores.configStore.get(name);
      expect(after?.generation).toBe(2);
      expect(await assigned()).toEqual([`${first}-0`, `${second}-0`]);
      expect(catalogTaskConfigs).toBe(1);
      // The old task was replaced; the connector task kept running (no restart of the connector).
      await reconciler.reconcile(name);
      expect(launcher.tasks.live(name).map((i) => [i.taskId, i.generation])).toEqual([[0, 2]]);
      expect((await processes.list()).map((i) => [i.instanceId, i.state])).toEqual([
        [connectorTask!.instanceId, 'RUNNING'],
      ]);

      // Deleted: the connector task is stopped and exits cleanly.
      await stores.configStore.delete(name);
      await reconciler.reconcile(name);
      const [stopped] = await waitFor(
        async () => {
          const all = await processes.list();
          return all.every((i) => i.state === 'STOPPED') ? all : undefined;
        },
        { timeoutMs: 60_000, description: 'connector task exited' },
      );
      expect(stopped?.exitCode).toBe(0);
    } finally {
      await processes.stopAll('test done');
      processes.close();
      await catalogProcess.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(pluginPath, { recursive: true, force: true });
    }
  }, 240_000);
});
