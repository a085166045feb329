import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EcsTaskLauncher, instanceState, runTaskClientToken, tagValue } from '../../lib/adapters/ecs/ecs-task-launcher';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { configFingerprint } from '../../lib/scheduler/connector-task';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { testPlugins } from '../scheduler/fakes';
import { ecsClientConfig, requireServices, uniqueName } from '../services/env';
import { launcherContract } from './launcher-contract';

requireServices('moto');

/** A default-VPC subnet of moto's EC2 (moto creates one per availability zone), through the EC2 query API. */
async function motoSubnet(endpoint: string): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  const subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(await response.text())?.[1];
  if (!subnet) throw new Error('moto returned no subnet');
  return subnet;
}

let client: ECSClient | undefined;

/**
 * moto moves an ECS task one lifecycle step (RUNNING → DEACTIVATING → …) per DescribeTasks by default; real tasks
 * stay RUNNING until they stop. Make moto's tasks advance only after very many looks.
 */
async function keepMotoTasksRunning(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
  if (!response.ok) throw new Error(`moto state manager: ${response.status}`);
}

async function ecsLauncher(startedBy: string) {
  const config = ecsClientConfig();
  client ??= new ECSClient(config);
  const cluster = uniqueName('cluster');
  await client.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = uniqueName('task-runner');
  const taskDefinition = await client.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      // moto needs container-level cpu/memory to place the task
      containerDefinitions: [
        { name: 'task-runner', image: 'skc/task-runner:test', essential: true, cpu: 256, memory: 512 },
      ],
    }),
  );
  const subnet = await motoSubnet(config.endpoint);
  await keepMotoTasksRunning(config.endpoint);
  return {
    cluster,
    launcher: new EcsTaskLauncher({
      client,
      cluster,
      taskDefinition: taskDefinition.taskDefinition!.taskDefinitionArn!,
      subnets: [subnet],
      securityGroups: [],
      startedBy,
    }),
  };
}

launcherContract('ECS launcher on moto', async () => {
  const { launcher } = await ecsLauncher('skc-contract');
  // same cluster would be the harder case, but moto keys started-by per cluster too; a second deployment
  // (other startedBy) on its own cluster must not see ours either
  const { launcher: other } = await ecsLauncher('skc-other');
  return {
    launcher,
    other,
    cleanup: async () => {
      client?.destroy();
    },
  };
});

describe('EcsTaskLauncher request shape', () => {
  const launcher = new EcsTaskLauncher({
    client: {} as ECSClient,
    cluster: 'c',
    taskDefinition: 'arn:td',
    subnets: ['subnet-1', 'subnet-2'],
    securityGroups: ['sg-1'],
    assignPublicIp: 'ENABLED',
    capacityProvider: 'FARGATE_SPOT',
    environment: { SKC_STORE: 'dynamodb' },
  });

  it('runs FARGATE_SPOT through the capacity-provider strategy, awsvpc, env overrides and tags', () => {
    const input = launcher.runTaskInput({ connector: 'my connector#1', taskId: 3, generation: 9 });
    expect(input).toMatchObject({
      cluster: 'c',
      taskDefinition: 'arn:td',
      count: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      startedBy: 'serverless-kafka-connect',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' },
      },
      overrides: {
        containerOverrides: [
          {
            name: 'task-runner',
            environment: [
              { name: 'SKC_STORE', value: 'dynamodb' },
              { name: 'SKC_CONNECTOR', value: 'my connector#1' },
              { name: 'SKC_TASK_ID', value: '3' },
              { name: 'SKC_GENERATION', value: '9' },
            ],
          },
        ],
      },
      tags: [
        { key: 'skc:connector', value: 'my connector_1' },
        { key: 'skc:task', value: '3' },
        { key: 'skc:generation', value: '9' },
      ],
    });
    expect(input.launchType).toBeUndefined();
  });

  it('names each launch with a clientToken: the same launch twice, one token; another task, generation or predecessor, another', () => {
    const spec = { connector: 'orders', taskId: 0, generation: 4 };
    const token = launcher.runTaskInput(spec).clientToken!;
    // ECS: up to 64 ASCII characters in 33-126.
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(launcher.runTaskInput({ ...spec }).clientToken).toBe(token);
    const others = [
      { ...spec, connector: 'orders2' },
      { ...spec, taskId: 1 },
      { ...spec, generation: 5 },
      { ...spec, replaces: 'arn:aws:ecs:us-east-1:111111111111:task/c/0123' },
      { ...spec, replaces: 'arn:aws:ecs:us-east-1:111111111111:task/c/4567' },
    ].map((s) => launcher.runTaskInput(s).clientToken);
    expect(new Set([token, ...others]).size).toBe(6);
    // The token covers the whole request: another network or task definition is another launch.
    const { clientToken: _t, ...request } = launcher.runTaskInput(spec);
    expect(runTaskClientToken(request)).toBe(token);
    expect(runTaskClientToken({ ...request, taskDefinition: 'arn:td:2' })).not.toBe(token);
  });

  it('maps ECS statuses to instance states', () => {
    expect(instanceState({ lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' })).toBe('PENDING');
    expect(instanceState({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' })).toBe('RUNNING');
    expect(instanceState({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' })).toBe('STOPPING');
    expect(instanceState({ lastStatus: 'DEACTIVATING', desiredStatus: 'RUNNING' })).toBe('STOPPING');
    expect(instanceState({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })).toBe('STOPPED');
    expect(tagValue('a/b:c=d@e f+g-h.i_j')).toBe('a/b:c=d@e f+g-h.i_j');
  });
});

describe('Reconciler driving ECS tasks on moto', () => {
  it('runs one ECS task per task config and replaces them on a new generation', async () => {
    const { launcher } = await ecsLauncher(uniqueName('skc-reconcile').slice(0, 36));
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const reconciler = new Reconciler({ configStore, statusStore, launcher, plugins: testPlugins });
    const created = await configStore.create(
      'orders',
      // No restart backoff: a dead task is relaunched by the next reconcile.
      {
        name: 'orders',
        'connector.class': 'PartitionedSource',
        'tasks.max': '1',
        'task.restart.backoff.initial.ms': '0',
      },
      'STARTED',
    );
    await reconciler.reconcile();
    const live = async () =>
      (await launcher.list())
        .filter((i) => i.state === 'RUNNING' || i.state === 'PENDING')
        .map((i) => [i.taskId, i.generation]);
    expect(await live()).toEqual([[0, 1]]);

    const state = await configStore.get('orders');
    await configStore.update('orders', state!.version, { config: { ...created.config, 'tasks.max': '2' } });
    await reconciler.reconcile(); // stops generation 1 (moto stops at once)
    await reconciler.reconcile(); // launches generation 2
    expect((await live()).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const stopped = (await launcher.list()).filter((i) => i.state === 'STOPPED');
    expect(stopped.map((i) => i.stoppedReason)).toEqual(['Stopped by reconciler: superseded by generation 2']);

    // A restart relaunches task 0 of generation 2 as a new launch: it names the instance it replaces, so its
    // RunTask clientToken differs from the first launch's (ECS would otherwise hand back the stopped task).
    const sent: Array<{ clientToken?: string; env: string }> = [];
    const send = launcher['options'].client.send.bind(launcher['options'].client);
    jest.spyOn(launcher['options'].client, 'send').mockImplementation(((command: {
      input: Record<string, unknown>;
    }) => {
      if ('clientToken' in command.input) {
        sent.push({
          clientToken: command.input['clientToken'] as string,
          env: JSON.stringify(command.input['overrides']),
        });
      }
      return send(command as never);
    }) as never);
    const first = (await launcher.list()).find((i) => i.taskId === 0 && i.generation === 2)!;
    await launcher.stop(first.instanceId, 'test: task died');
    await reconciler.reconcile();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.clientToken).toBe(
      launcher.runTaskInput({ connector: 'orders', taskId: 0, generation: 2, replaces: first.instanceId }).clientToken,
    );
    jest.restoreAllMocks();

    await configStore.delete('orders');
    await reconciler.reconcile();
    expect(await live()).toEqual([]);
  });
});

describe('Reconciler driving a Java connector’s connector task on moto', () => {
  it('runs one connector task (task id -1) beside the tasks, keeps it across generations, stores its requests only while they apply, stops it on pause and delete', async () => {
    const { launcher } = await ecsLauncher(uniqueName('skc-conntask').slice(0, 36));
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const reconciler = new Reconciler({
      configStore,
      statusStore,
      launcher,
      // As withJavaTaskConfigs answers for a Java connector with connector tasks (AWS).
      plugins: { ...testPlugins, runsConnectorTask: () => true },
    });
    const name = uniqueName('conn');
    const config = {
      name,
      'connector.class': 'PartitionedSource',
      'tasks.max': '4',
      partitions: '1',
      'task.restart.backoff.initial.ms': '0',
    };
    await configStore.create(name, config, 'STARTED');
    const live = async () =>
      (await launcher.list())
        .filter((i) => i.state === 'RUNNING' || i.state === 'PENDING')
        .sort((a, b) => a.taskId - b.taskId);
    const shape = async () => (await live()).map((i) => [i.taskId, i.generation]);
    await reconciler.reconcile(name);
    expect(await shape()).toEqual([
      [-1, 1],
      [0, 1],
    ]);
    const connectorTask = (await live())[0]!;
    expect(launcher.runTaskInput({ connector: name, taskId: -1, generation: 1 }).tags).toContainEqual({
      key: 'skc:task',
      value: '-1',
    });

    // The running connector asks for two tasks (a new topic, a new table): a new generation with its task configs;
    // the connector task stays (task configs do not restart the connector), the old task is replaced.
    const request = (generation: number, taskConfigs: Record<string, string>[], forConfig = config) => ({
      generation,
      configFingerprint: configFingerprint(forConfig),
      taskConfigs,
      version: '2.1',
      workerId: 'connector-task',
      requestedAt: Date.now(),
    });
    const requested = [
      { partition: '0', 'task.class': 'NoopTask' },
      { partition: '1', 'task.class': 'NoopTask' },
    ];
    await statusStore.putTaskConfigsRequest(name, request(1, requested));
    await reconciler.reconcile(name); // stores generation 2, stops task 0 of generation 1 (moto stops at once)
    expect((await configStore.get(name))?.taskConfigs).toEqual(requested);
    await reconciler.reconcile(name); // launches generation 2
    expect(await shape()).toEqual([
      [-1, 1],
      [0, 2],
      [1, 2],
    ]);
    expect((await live())[0]!.instanceId).toBe(connectorTask.instanceId);

    // Requests that no longer apply change nothing: made for an older generation (a zombie, or one that lost a
    // race) or from another config.
    await statusStore.putTaskConfigsRequest(name, request(1, [requested[0]!]));
    await reconciler.reconcile(name);
    await statusStore.putTaskConfigsRequest(name, request(2, [requested[0]!], { ...config, partitions: '9' }));
    await reconciler.reconcile(name);
    expect((await configStore.get(name))?.generation).toBe(2);

    // The connector task died: relaunched through the restart policy (backoff 0 here), naming its predecessor.
    await launcher.stop(connectorTask.instanceId, 'test: connector task died');
    await reconciler.reconcile(name);
    const relaunched = (await live()).find((i) => i.taskId === -1);
    expect(relaunched?.instanceId).not.toBe(connectorTask.instanceId);
    expect(relaunched?.generation).toBe(2);

    // FAILED by its own report (the Java trace) and exited: not relaunched until a restart, as a failed connector.
    await statusStore.putConnector(name, {
      state: 'FAILED',
      trace: 'java.lang.RuntimeException: boom',
      workerId: 'connector-task',
      generation: 2,
      updatedAt: Date.now(),
    });
    await launcher.stop(relaunched!.instanceId, 'test: exited 1');
    await reconciler.reconcile(name);
    expect((await shape()).filter(([taskId]) => taskId === -1)).toEqual([]);
    expect(await statusStore.getConnector(name)).toMatchObject({
      state: 'FAILED',
      trace: expect.stringContaining('boom'),
    });
    const failed = (await configStore.get(name))!;
    await configStore.update(name, failed.version, {
      restartRequest: { requestId: 'r1', includeTasks: false, onlyFailed: true, requestedAt: new Date().toISOString() },
    });
    await reconciler.reconcile(name);
    expect((await shape()).filter(([taskId]) => taskId === -1)).toHaveLength(1);

    // Paused: Apache stops a paused connector's instance; resumed: started again.
    const paused = await configStore.update(name, (await configStore.get(name))!.version, { targetState: 'PAUSED' });
    await reconciler.reconcile(name);
    expect((await shape()).filter(([taskId]) => taskId === -1)).toEqual([]);
    await configStore.update(name, paused.version, { targetState: 'STARTED' });
    await reconciler.reconcile(name);
    expect((await shape()).filter(([taskId]) => taskId === -1)).toHaveLength(1);

    await configStore.delete(name);
    await reconciler.reconcile(name);
    expect(await live()).toEqual([]);
  });
});
