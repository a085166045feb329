/**
 * Per-connector task roles on the reconciler's RunTask path, against moto's IAM and ECS: the role is created with
 * the deployment's path, boundary, trust, shared policy and an inline policy naming only its connector's
 * partition keys; every RunTask of the connector carries it as `overrides.taskRoleArn`; a relaunch (also by a new
 * reconciler process) reuses it; deleting the connector deletes it once its tasks are gone.
 *
 * moto does not evaluate IAM policies: what a role may do is proven by the policy documents asserted here and by
 * the template assertions (test/infra/connector-task-roles.test.ts), not by a denied call.
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { EcsTaskLauncher } from '../../lib/adapters/ecs/ecs-task-launcher';
import {
  CONNECTOR_POLICY_NAME,
  IamConnectorTaskRoles,
  connectorPolicy,
  connectorRoleName,
} from '../../lib/adapters/iam/connector-task-roles';
import { InMemoryConfigStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { Reconciler } from '../../lib/scheduler/reconciler';
import { testPlugins } from '../scheduler/fakes';
import { ecsClientConfig, requireServices, uniqueName } from '../services/env';

requireServices('moto');

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/skc-test';
const policyDocument = (name: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN, Sid: name.replace(/\W/g, '') }],
  });

let ecs: ECSClient;
let iam: IAMClient;
let subnet: string;

beforeAll(async () => {
  const config = ecsClientConfig();
  ecs = new ECSClient(config);
  iam = new IAMClient(config);
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(await response.text())?.[1] ?? '';
  // moto advances a task one lifecycle step per look unless told otherwise; real tasks stay RUNNING.
  await fetch(`${config.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
});

afterAll(() => {
  ecs.destroy();
  iam.destroy();
});

/** A deployment: its cluster, task definition, role path, boundary and shared policy. */
async function deployment() {
  const id = uniqueName('skc');
  await ecs.send(new CreateClusterCommand({ clusterName: id }));
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: id,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'task-runner', image: 'skc/task-runner:test', essential: true, cpu: 256, memory: 512 },
      ],
    }),
  );
  const boundary = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${id}-boundary`, PolicyDocument: policyDocument('boundary') }),
  );
  const shared = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${id}-shared`, PolicyDocument: policyDocument('shared') }),
  );
  const path = `/serverless-kafka-connect/${id}/`;
  const boundaryArn = boundary.Policy!.Arn!;
  const sharedArn = shared.Policy!.Arn!;
  const newLauncher = () =>
    new EcsTaskLauncher({
      client: ecs,
      cluster: id,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      subnets: [subnet],
      startedBy: id.slice(0, 36),
      taskRoles: new IamConnectorTaskRoles({
        client: iam,
        path,
        permissionsBoundary: boundaryArn,
        sharedPolicyArn: sharedArn,
        tableArn: TABLE_ARN,
      }),
    });
  return { cluster: id, path, boundaryArn, sharedArn, newLauncher };
}

/** taskRoleArn of each live ECS task of the cluster, by connector env. */
async function taskRoles(cluster: string): Promise<Array<{ connector: string; taskRoleArn: string | undefined }>> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  return tasks.map((t) => ({
    connector: t.overrides?.containerOverrides?.[0]?.environment?.find((e) => e.name === 'SKC_CONNECTOR')?.value ?? '',
    taskRoleArn: t.overrides?.taskRoleArn,
  }));
}

const rolesOnPath = async (path: string): Promise<string[]> =>
  ((await iam.send(new ListRolesCommand({ PathPrefix: path }))).Roles ?? []).map((r) => r.RoleName ?? '').sort();

const config = (name: string, tasks: number) => ({
  name,
  'connector.class': 'PartitionedSource',
  'tasks.max': String(tasks),
  'task.restart.backoff.initial.ms': '0',
});

describe('per-connector task roles: reconciler → IAM → RunTask (moto)', () => {
  it('creates one bounded role per connector with its own partition keys, passes it to RunTask, reuses it, deletes it with the connector', async () => {
    const d = await deployment();
    const configStore = new InMemoryConfigStore();
    const statusStore = new InMemoryStatusStore();
    const reconciler = new Reconciler({ configStore, statusStore, launcher: d.newLauncher(), plugins: testPlugins });
    await configStore.create('orders', config('orders', 2), 'STARTED');
    await configStore.create('orders2', config('orders2', 1), 'STARTED');
    await reconciler.reconcile();

    // The role: path, boundary, trust of ECS tasks of this account, tag, shared policy, own partitions only.
    const ordersRole = connectorRoleName(d.path, 'orders');
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: ordersRole }));
    expect(Role?.Path).toBe(d.path);
    expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(d.boundaryArn);
    expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        },
      ],
    });
    expect(Role?.Tags).toEqual([{ Key: 'skc:connector', Value: 'orders' }]);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: ordersRole, PolicyName: CONNECTOR_POLICY_NAME }),
    );
    const doc = JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '{}')) as Record<string, unknown>;
    expect(doc).toEqual(connectorPolicy(TABLE_ARN, 'orders'));
    expect(JSON.stringify(doc)).not.toContain('orders2');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ordersRole }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([d.sharedArn]);

    // Every RunTask of a connector carries its own role; the other connector has another.
    const orders2Arn = (await iam.send(new GetRoleCommand({ RoleName: connectorRoleName(d.path, 'orders2') }))).Role
      ?.Arn;
    expect(orders2Arn).toBeDefined();
    expect(orders2Arn).not.toBe(Role?.Arn);
    expect((await taskRoles(d.cluster)).sort((a, b) => a.connector.localeCompare(b.connector))).toEqual([
      { connector: 'orders', taskRoleArn: Role?.Arn },
      { connector: 'orders', taskRoleArn: Role?.Arn },
      { connector: 'orders2', taskRoleArn: orders2Arn },
    ]);
    expect(await rolesOnPath(d.path)).toEqual([ordersRole, connectorRoleName(d.path, 'orders2')].sort());

    // Idempotent: a new reconciler process (no memory of the role) scaling the connector up reuses the role.
    const state = await configStore.get('orders');
    await configStore.update('orders', state!.version, { config: config('orders', 3) });
    const again = new Reconciler({ configStore, statusStore, launcher: d.newLauncher(), plugins: testPlugins });
    await again.reconcile(); // stops generation 1 (moto stops at once)
    await again.reconcile(); // launches generation 2
    const orders = (await taskRoles(d.cluster)).filter((t) => t.connector === 'orders');
    expect(orders).toHaveLength(3);
    expect(orders.every((t) => t.taskRoleArn === Role?.Arn)).toBe(true);
    expect(await rolesOnPath(d.path)).toHaveLength(2);

    // Deleted: tasks stop first, the role goes once they are gone; the other connector keeps its own.
    await configStore.delete('orders');
    await again.reconcile();
    await again.reconcile();
    expect((await taskRoles(d.cluster)).map((t) => t.connector)).toEqual(['orders2']);
    await expect(iam.send(new GetRoleCommand({ RoleName: ordersRole }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    expect(await rolesOnPath(d.path)).toEqual([connectorRoleName(d.path, 'orders2')]);
  });

  it('never adopts a role of the same name that is not on its path or lacks its boundary', async () => {
    const d = await deployment();
    const roles = new IamConnectorTaskRoles({
      client: iam,
      path: d.path,
      permissionsBoundary: d.boundaryArn,
      tableArn: TABLE_ARN,
    });
    const name = roles.roleName('squatted');
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        Path: '/elsewhere/',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      }),
    );
    await expect(roles.roleFor('squatted')).rejects.toThrow(/is not a connector role of this deployment/);
    const other = await iam
      .send(new GetRolePolicyCommand({ RoleName: name, PolicyName: CONNECTOR_POLICY_NAME }))
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ name: 'NoSuchEntityException' });
  });
});
