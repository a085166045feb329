/**
 * Template assertions of the per-connector task roles: what the reconciler may do in IAM (only on its path, only
 * with its boundary), what the boundary and the shared policy hold, and the config-provider secret grants.
 * These properties are proven here, by the policy documents, not by IAM evaluating them (moto does not).
 */
import { actionsOf, iamStatements, logicalId, resourcesOf, statementsFor, synth } from './synth';
import type { Statement } from './synth';

const s = synth();
const ids = {
  reconcilerRole: logicalId(s, 'ReconcilerFunction/ServiceRole'),
  rolesFunctionRole: logicalId(s, 'ConnectorRolesFunction/ServiceRole'),
  rolesFunction: logicalId(s, 'ConnectorRolesFunction'),
  boundary: logicalId(s, 'ConnectorTaskBoundary'),
  shared: logicalId(s, 'ConnectorTaskPolicy'),
  table: logicalId(s, 'Table'),
};
const ref = (id: string) => ({ Ref: id });
const iamOf = (statements: Statement[]) => statements.filter((st) => actionsOf(st).some((a) => a.startsWith('iam:')));

describe('per-connector task roles', () => {
  it('let only the connector-roles function change IAM, only roles on its path carrying its boundary; the reconciler only passes them', () => {
    const all = iamOf(iamStatements(s.template));
    const holders = (action: string) => [...new Set(statementsFor(s.template, action).flatMap((st) => st.roles))];
    expect(holders('iam:PassRole')).toEqual([ids.reconcilerRole]);
    expect([...new Set(all.flatMap((st) => st.roles))].sort()).toEqual(
      [ids.reconcilerRole, ids.rolesFunctionRole].sort(),
    );
    const reconcilerIam = all.filter((st) => st.roles.includes(ids.reconcilerRole)).flatMap(actionsOf);
    expect(reconcilerIam).toEqual(['iam:PassRole']);
    const byAction = new Map(all.flatMap((st) => actionsOf(st).map((a) => [a, st] as const)));
    expect([...byAction.keys()].sort()).toEqual([
      'iam:AttachRolePolicy',
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy',
      'iam:GetRole',
      'iam:PassRole',
      'iam:PutRolePolicy',
      'iam:TagRole',
    ]);
    for (const action of [...byAction.keys()].filter((a) => a !== 'iam:PassRole')) {
      expect(holders(action)).toEqual([ids.rolesFunctionRole]);
    }
    const boundary = { StringEquals: { 'iam:PermissionsBoundary': ref(ids.boundary) } };
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy']) {
      for (const st of statementsFor(s.template, action)) expect(st.Condition).toEqual(boundary);
    }
    expect(byAction.get('iam:AttachRolePolicy')?.Condition).toEqual({
      ...boundary,
      ArnEquals: { 'iam:PolicyARN': ref(ids.shared) },
    });
    // Every IAM statement but PassRole's (which also names the task definition's roles) is on the path only.
    for (const st of all.filter((x) => !actionsOf(x).includes('iam:PassRole'))) {
      expect(resourcesOf(st)).toHaveLength(1);
      expect(JSON.stringify(resourcesOf(st)[0])).toMatch(
        /:role\/serverless-kafka-connect\/SkcConnect[0-9A-F]{8}\/",\{"Fn::Select":\[2,\{"Fn::Split":\["\/",\{"Ref":"AWS::StackId"\}\]\}\]\},"\/\*"/,
      );
    }
    // Never: removing or replacing a boundary, creating policies, users, or passing roles elsewhere.
    for (const forbidden of [
      'iam:DeleteRolePermissionsBoundary',
      'iam:PutRolePermissionsBoundary',
      'iam:CreatePolicy',
    ]) {
      expect(byAction.has(forbidden)).toBe(false);
    }
  });

  it('run the connector-roles function outside the VPC, invoked by the reconciler only', () => {
    const functions = s.template.findResources('AWS::Lambda::Function');
    const reconcilerVars = (
      functions[logicalId(s, 'ReconcilerFunction')]?.['Properties'] as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(reconcilerVars['SKC_TASK_ROLE_FUNCTION']).toEqual(ref(ids.rolesFunction));
    expect(reconcilerVars['SKC_TASK_ROLE_BOUNDARY']).toBeUndefined();
    expect(functions[ids.rolesFunction]?.['Properties']).not.toHaveProperty('VpcConfig');
    const invokers = statementsFor(s.template, 'lambda:InvokeFunction').filter((st) =>
      JSON.stringify(st.Resource).includes(ids.rolesFunction),
    );
    expect([...new Set(invokers.flatMap((st) => st.roles))]).toEqual([ids.reconcilerRole]);
  });

  it('tell the connector-roles function the path, boundary, shared policy and table ARN', () => {
    const fn = s.template.findResources('AWS::Lambda::Function')[ids.rolesFunction];
    const vars = (fn?.['Properties'] as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(vars).toMatchObject({
      SKC_TASK_ROLE_BOUNDARY: ref(ids.boundary),
      SKC_TASK_ROLE_POLICY: ref(ids.shared),
      SKC_TABLE_ARN: { 'Fn::GetAtt': [ids.table, 'Arn'] },
    });
    expect(JSON.stringify(vars['SKC_TASK_ROLE_PATH'])).toContain('/serverless-kafka-connect/');
  });

  it('bound every role: the shared policy grants nothing on the table, and denies what no task does', () => {
    const shared = iamStatements(s.template).filter((st) => st.policy === ids.shared);
    expect(shared).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: expect.arrayContaining(['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']),
      }),
    ]);
    const boundary = iamStatements(s.template).filter((st) => st.policy === ids.boundary);
    // GetItem twice: the connector's own items, and the worker-level /admin/loggers item every task reads.
    expect(boundary.flatMap(actionsOf).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // The boundary is a managed policy of its own, attached to no role of the template.
    const policy = s.template.findResources('AWS::IAM::ManagedPolicy')[ids.boundary]?.['Properties'] as Record<
      string,
      unknown
    >;
    expect(policy['Roles']).toBeUndefined();
  });
});

describe('config-provider secret grants (taskSecretArns, taskParameterNames)', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-password-AbCdEf';

  it('grant nothing by default', () => {
    expect(statementsFor(s.template, 'secretsmanager:GetSecretValue')).toEqual([]);
    expect(statementsFor(s.template, 'ssm:GetParameter')).toEqual([]);
  });

  it('grant exactly the named secrets and parameters to the connector task roles, nobody else', () => {
    const { template } = synth({ taskSecretArns: [secretArn], taskParameterNames: ['/connect/api-token', '/db/*'] });
    const taskPolicies = [ids.shared, ids.boundary].sort();
    const secrets = statementsFor(template, 'secretsmanager:GetSecretValue');
    expect(secrets.map((st) => st.policy).sort()).toEqual(taskPolicies);
    for (const st of secrets) {
      expect(st.Action).toBe('secretsmanager:GetSecretValue');
      expect(st.Resource).toBe(secretArn);
    }
    const params = statementsFor(template, 'ssm:GetParameter');
    expect(params.map((st) => st.policy).sort()).toEqual(taskPolicies);
    for (const st of params) {
      expect(st.Action).toBe('ssm:GetParameter');
      const arns = JSON.stringify(st.Resource);
      expect(arns).toContain(':parameter/connect/api-token"');
      expect(arns).toContain(':parameter/db/*"');
    }
  });

  it('add an SSM interface endpoint to a created VPC only when parameters are named', () => {
    const ssm = (t: typeof s.template) =>
      Object.values(t.findResources('AWS::EC2::VPCEndpoint')).filter((r) =>
        JSON.stringify(r['Properties']).includes('.ssm"'),
      );
    expect(ssm(s.template)).toHaveLength(0);
    expect(ssm(synth({ taskParameterNames: ['/connect/api-token'] }).template)).toHaveLength(1);
  });

  it('refuse what is not a complete secret ARN or a parameter name', () => {
    expect(() => synth({ taskSecretArns: ['db-password'] })).toThrow(/taskSecretArns: not a complete/);
    expect(() => synth({ taskParameterNames: ['/*'] })).toThrow(/taskParameterNames/);
  });
});
