/**
 * The reconciler's side of per-connector roles in AWS: LambdaConnectorTaskRoles invokes the connector-roles
 * function through the real Lambda SDK (Invoke API), and the function's handler creates and deletes the roles in
 * moto's IAM. moto's own Lambda needs Docker, so the Invoke API is served here by a small HTTP endpoint on
 * 127.0.0.1 that runs the real handler in-process and answers as Lambda does (payload, X-Amz-Function-Error).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreatePolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { IamConnectorTaskRoles, connectorRoleName } from '../../lib/adapters/iam/connector-task-roles';
import { LambdaConnectorTaskRoles } from '../../lib/adapters/lambda/connector-task-roles-client';
import { handleConnectorRoles } from '../../lambdas/connector-roles/handler';
import { ecsClientConfig, requireServices, uniqueName } from '../services/env';

requireServices('moto');

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/skc-test';
let iam: IAMClient;
let server: Server;
let lambda: LambdaClient;
let roles: IamConnectorTaskRoles;
let path: string;
const invoked: string[] = [];

beforeAll(async () => {
  const config = ecsClientConfig();
  iam = new IAMClient(config);
  const id = uniqueName('skc-fn');
  path = `/serverless-kafka-connect/${id}/`;
  const boundary = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${id}-boundary`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN }],
      }),
    }),
  );
  roles = new IamConnectorTaskRoles({
    client: iam,
    path,
    permissionsBoundary: boundary.Policy!.Arn!,
    tableArn: TABLE_ARN,
  });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      invoked.push(decodeURIComponent(req.url ?? ''));
      handleConnectorRoles(JSON.parse(body) as unknown, roles).then(
        (out) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        },
        (error: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
          res.end(JSON.stringify({ errorType: 'Error', errorMessage: (error as Error).message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  lambda = new LambdaClient({ ...config, endpoint: `http://127.0.0.1:${port}` });
});

afterAll(async () => {
  lambda.destroy();
  iam.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('connector-roles function invoked by the reconciler', () => {
  it('creates the role on roleFor, reuses it, deletes it on remove', async () => {
    const client = new LambdaConnectorTaskRoles(lambda, 'skc-connector-roles');
    // Concurrent launches of one connector's tasks make one request.
    const before = invoked.length;
    const [first, second] = await Promise.all([client.roleFor('payments'), client.roleFor('payments')]);
    expect(invoked.length - before).toBe(1);
    expect(invoked.at(-1)).toContain('/functions/skc-connector-roles/invocations');
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: connectorRoleName(path, 'payments') }));
    expect(first).toEqual(second);
    expect(first.arn).toBe(Role?.Arn);
    expect(typeof first.createdAt).toBe('number');
    expect((await client.roleFor('payments')).arn).toBe(Role?.Arn);

    await client.remove('payments');
    await expect(iam.send(new GetRoleCommand({ RoleName: connectorRoleName(path, 'payments') }))).rejects.toMatchObject(
      { name: 'NoSuchEntityException' },
    );
    await client.remove('payments'); // idempotent
  });

  it("surfaces the function's error", async () => {
    const client = new LambdaConnectorTaskRoles(lambda, 'skc-connector-roles');
    await expect(client.roleFor('')).rejects.toThrow(
      /connector-roles Lambda failed \(roleFor \): connector-roles: a request needs a connector name/,
    );
  });
});
