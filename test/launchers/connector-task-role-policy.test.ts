/**
 * The per-connector role's name and policy (pure functions), and the ECS launcher's handling of a role IAM has
 * not propagated yet. moto never refuses a role, so that refusal is played by a stub ECS client here: it answers
 * the way ECS does ("ECS was unable to assume the role …") for the first calls.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { EcsTaskLauncher } from '../../lib/adapters/ecs/ecs-task-launcher';
import type { TaskRoles } from '../../lib/adapters/ecs/ecs-task-launcher';
import { connectorPolicy, connectorRoleName } from '../../lib/adapters/iam/connector-task-roles';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/t';

describe('connector role name', () => {
  it('is a valid IAM role name, at most 64 characters, whatever the connector name', () => {
    for (const connector of ['orders', 'a'.repeat(300), 'weird name/with#chars${x}*?', 'ünïcødé']) {
      const name = connectorRoleName('/p/', connector);
      expect(name).toMatch(/^[\w+=,.@-]{1,64}$/);
    }
    expect(connectorRoleName('/p/', 'orders')).toMatch(/^skc-orders-[0-9a-f]{24}$/);
  });

  it('differs per connector and per deployment path, even when the readable part is the same', () => {
    const names = new Set([
      connectorRoleName('/p/', 'a b'),
      connectorRoleName('/p/', 'a_b'),
      connectorRoleName('/q/', 'a b'),
      connectorRoleName('/p/', `${'x'.repeat(100)}1`),
      connectorRoleName('/p/', `${'x'.repeat(100)}2`),
    ]);
    expect(names.size).toBe(5);
  });
});

describe('connector role policy', () => {
  it('reads its own config and status partitions and writes its own status partition, by exact key', () => {
    expect(connectorPolicy(TABLE, 'orders')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOwnConfigAndStatus',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query'],
          Resource: TABLE,
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONNECTOR#orders', 'STATUS#orders'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
        {
          Sid: 'WriteOwnStatus',
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: TABLE,
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['STATUS#orders'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
        {
          Sid: 'ReadLogLevels',
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: TABLE,
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WORKER'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
      ],
    });
  });

  it('keeps a connector name literal: `$` cannot start an IAM policy variable, `*` is no wildcard', () => {
    const text = JSON.stringify(connectorPolicy(TABLE, 'x${aws:username}*'));
    expect(text).toContain('"CONNECTOR#x${$}{aws:username}*"');
    expect(text).not.toMatch(/StringLike/);
  });
});

describe('RunTask with a role IAM has not propagated yet', () => {
  const roleArn = 'arn:aws:iam::123456789012:role/p/skc-orders-x';
  const refusal = Object.assign(
    new Error(
      `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
    ),
    { name: 'InvalidParameterException' },
  );
  const stubEcs = (refusals: number) => {
    const calls: Array<Record<string, unknown>> = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        calls.push(command.input);
        if (calls.length <= refusals) throw refusal;
        return { tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/1', lastStatus: 'PROVISIONING' }] };
      },
    };
    return { client: client as unknown as ECSClient, calls };
  };
  const roles = (createdAt: number | undefined): TaskRoles => ({
    roleFor: async () => ({ arn: roleArn, createdAt }),
    remove: async () => {},
  });
  const launcher = (client: ECSClient, createdAt: number | undefined) =>
    new EcsTaskLauncher({ client, cluster: 'c', taskDefinition: 'td', subnets: ['s'], taskRoles: roles(createdAt) });

  it('retries a refusal of a role this process just created, with the role in every request', async () => {
    const { client, calls } = stubEcs(2);
    const instance = await launcher(client, Date.now()).launch({ connector: 'orders', taskId: 0, generation: 1 });
    expect(instance.instanceId).toBe('arn:aws:ecs:us-east-1:123456789012:task/c/1');
    expect(calls).toHaveLength(3);
    for (const input of calls) expect(input['overrides']).toMatchObject({ taskRoleArn: roleArn });
    // One launch, one idempotency token, however many attempts.
    expect(new Set(calls.map((c) => c['clientToken'])).size).toBe(1);
  });

  it('does not retry for a role that existed already: the refusal is a real error', async () => {
    const { client, calls } = stubEcs(1);
    await expect(launcher(client, undefined).launch({ connector: 'orders', taskId: 0, generation: 1 })).rejects.toBe(
      refusal,
    );
    expect(calls).toHaveLength(1);
  });
});
