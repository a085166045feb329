/** Smoke test: the ECS calls the task launcher makes, against moto's ECS emulator. */
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { ecsClientConfig, motoDefaultNetwork, requireServices, uniqueName, waitFor } from '../services/env';

requireServices('moto');

describe('moto ECS emulator (smoke)', () => {
  let ecs: ECSClient;

  beforeAll(() => {
    ecs = new ECSClient(ecsClientConfig());
  });

  afterAll(() => ecs.destroy());

  it('creates a cluster, runs, describes and stops a task', async () => {
    const clusterName = uniqueName('smoke-cluster');
    const family = uniqueName('smoke-task');
    const cluster = await ecs.send(new CreateClusterCommand({ clusterName }));
    expect(cluster.cluster?.status).toBe('ACTIVE');

    const definition = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'task-runner',
            image: 'public.ecr.aws/docker/library/node:22-slim',
            essential: true,
            // moto 5.2.5 needs a container-level memory (or memoryReservation): without it RunTask fails with a
            // 500 (TypeError in _calculate_task_resource_requirements). Real Fargate accepts task-level only.
            memory: 512,
            command: ['node', 'dist/task-runner.js'],
            environment: [{ name: 'CONNECTOR_NAME', value: 'smoke' }],
          },
        ],
      }),
    );
    const taskDefinitionArn = definition.taskDefinition?.taskDefinitionArn;
    expect(taskDefinitionArn).toContain(family);

    const network = await motoDefaultNetwork();
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: clusterName,
        taskDefinition: taskDefinitionArn,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'smoke-test',
        // moto 5.2.5 checks that the subnets exist and needs securityGroups (a 500 without them).
        networkConfiguration: { awsvpcConfiguration: { ...network, assignPublicIp: 'DISABLED' } },
        overrides: {
          containerOverrides: [{ name: 'task-runner', environment: [{ name: 'TASK_ID', value: '0' }] }],
        },
      }),
    );
    expect(run.failures ?? []).toEqual([]);
    const taskArn = run.tasks?.[0]?.taskArn;
    expect(taskArn).toBeDefined();

    const described = await ecs.send(new DescribeTasksCommand({ cluster: clusterName, tasks: [taskArn as string] }));
    expect(described.tasks?.[0]).toMatchObject({ taskArn, taskDefinitionArn, startedBy: 'smoke-test' });
    const listed = await ecs.send(new ListTasksCommand({ cluster: clusterName }));
    expect(listed.taskArns).toContain(taskArn);

    const stopped = await ecs.send(
      new StopTaskCommand({ cluster: clusterName, task: taskArn as string, reason: 'smoke test done' }),
    );
    expect(stopped.task?.stoppedReason).toBe('smoke test done');
    await waitFor(
      async () => {
        const after = await ecs.send(new DescribeTasksCommand({ cluster: clusterName, tasks: [taskArn as string] }));
        return after.tasks?.[0]?.desiredStatus === 'STOPPED';
      },
      { timeoutMs: 10_000, description: 'task desired status STOPPED' },
    );

    await ecs.send(new DeleteClusterCommand({ cluster: clusterName }));
  });
});
