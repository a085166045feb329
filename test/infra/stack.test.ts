import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AWS_WORKER_DEFAULTS } from '../../infra/worker-config';
import {
  actionsOf,
  iamStatements,
  logicalId,
  onlyResource,
  RESOURCE_STAR_EXCEPTIONS,
  resourcesOf,
  statementsFor,
  synth,
  synthConstruct,
} from './synth';

const s = synth();
const { template } = s;
const ids = {
  table: logicalId(s, 'Table'),
  cluster: logicalId(s, 'Cluster'),
  api: logicalId(s, 'ApiFunction'),
  reconciler: logicalId(s, 'ReconcilerFunction'),
  taskEvents: logicalId(s, 'TaskEventsFunction'),
  taskDefinition: logicalId(s, 'TaskRunner'),
  securityGroup: logicalId(s, 'SecurityGroup'),
};
const getAtt = (id: string, attr: string): object => ({ 'Fn::GetAtt': [id, attr] });

/** The task-runner container's environment, as a name → value map. */
function taskEnv(): Record<string, unknown> {
  const td = template.findResources('AWS::ECS::TaskDefinition')[ids.taskDefinition];
  const containers = (
    td?.['Properties'] as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] }
  ).ContainerDefinitions;
  return Object.fromEntries(containers[0]!.Environment.map((e) => [e.Name, e.Value]));
}

function lambdaEnv(id: string): Record<string, unknown> {
  const fn = template.findResources('AWS::Lambda::Function')[id];
  return (
    (fn?.['Properties'] as Record<string, { Variables: Record<string, unknown> }>)['Environment'] ?? {
      Variables: {},
    }
  ).Variables;
}

describe('API Gateway', () => {
  it('requires AWS_IAM authorization on every method, root and {proxy+}', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(2);
    for (const m of methods) {
      expect(m['Properties']).toMatchObject({ HttpMethod: 'ANY', AuthorizationType: 'AWS_IAM' });
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('proxies to the API Lambda and writes access logs without request bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('throttles the stage by default, and as asked with apiThrottling', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ],
    });
    const { template: t } = synth({ apiThrottling: { rateLimit: 5, burstLimit: 10 } });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
    expect(() => synth({ apiThrottling: { rateLimit: 0, burstLimit: 10 } })).toThrow(/apiThrottling/);
  });

  it('outputs the API URL and the table name', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('TableName', { Value: { Ref: ids.table } });
  });
});

describe('DynamoDB table', () => {
  it('is pk/sk, on-demand, PITR, encrypted, streamed, deletion-protected and retained, without GSIs', () => {
    const { props, resource } = onlyResource(template, 'AWS::DynamoDB::Table');
    expect(props).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      DeletionProtectionEnabled: true,
    });
    expect(props['GlobalSecondaryIndexes']).toBeUndefined();
    expect(resource['DeletionPolicy']).toBe('Retain');
  });

  it('uses a customer-managed KMS key when given', () => {
    const { template: t } = synthConstruct((stack) => ({
      kafkaBootstrapServers: 'b-1:9092',
      tableEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    }));
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    // Every role that touches items may use the key, the connector task roles included (Table.grant leaves keys
    // out): theirs through the shared policy, within the boundary.
    const decrypts = iamStatements(t).filter((st) => actionsOf(st).includes('kms:Decrypt'));
    expect(new Set(decrypts.flatMap((st) => st.roles)).size).toBe(3); // API, reconciler, task-events
    const policies = decrypts.map((st) => st.policy);
    expect(policies.filter((p) => /ConnectorTask(Policy|Boundary)/.test(p))).toHaveLength(2);
  });

  it('passes its name to every composition root as SKC_TABLE_NAME with SKC_STORE=dynamodb', () => {
    for (const id of [ids.api, ids.reconciler, ids.taskEvents]) {
      expect(lambdaEnv(id)).toMatchObject({ SKC_STORE: 'dynamodb', SKC_TABLE_NAME: { Ref: ids.table } });
    }
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'SKC_STORE', Value: 'dynamodb' },
            { Name: 'SKC_TABLE_NAME', Value: { Ref: ids.table } },
          ]),
        }),
      ],
    });
  });
});

describe('reconciler', () => {
  it('consumes desired-state changes of the stream in batches, bisects on error, retries 3 times, then dead-letters', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const stream = mappings.filter((m) => JSON.stringify(m).includes('StreamArn'));
    expect(stream).toHaveLength(1);
    const props = stream[0]!['Properties'] as Record<string, unknown>;
    expect(props).toMatchObject({
      EventSourceArn: getAtt(ids.table, 'StreamArn'),
      FunctionName: { Ref: ids.reconciler },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: getAtt(logicalId(s, 'ReconcilerDlq'), 'Arn') } },
    });
    // Desired-state items only: the list index, STATE items and connector tasks' task-config requests, not status
    // heartbeats.
    expect(props['FilterCriteria']).toEqual({
      Filters: [
        { Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: ['CONNECTORS'] } } } }) },
        { Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: ['STATE'] } } } }) },
        { Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: ['TASKCONFIGS_REQUEST'] } } } }) },
      ],
    });
  });

  it('runs single-flight: reserved concurrency 1', () => {
    const fn = template.findResources('AWS::Lambda::Function')[ids.reconciler]?.['Properties'];
    expect(fn).toMatchObject({ ReservedConcurrentExecutions: 1 });
    for (const id of [ids.api, ids.taskEvents]) {
      expect(template.findResources('AWS::Lambda::Function')[id]?.['Properties']).not.toHaveProperty(
        'ReservedConcurrentExecutions',
      );
    }
  });

  it('also runs on a one-minute schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: getAtt(ids.reconciler, 'Arn') })],
    });
  });

  it('gets what RunTask needs in its environment', () => {
    expect(lambdaEnv(ids.reconciler)).toMatchObject({
      SKC_ECS_CLUSTER: getAtt(ids.cluster, 'Arn'),
      SKC_TASK_DEFINITION: { Ref: ids.taskDefinition },
      SKC_CONTAINER_NAME: 'task-runner',
      SKC_SUBNETS: { 'Fn::Join': [',', [expect.anything(), expect.anything()]] },
      SKC_SECURITY_GROUPS: getAtt(ids.securityGroup, 'GroupId'),
      SKC_ASSIGN_PUBLIC_IP: 'DISABLED',
      SKC_CAPACITY_PROVIDER: 'FARGATE',
      SKC_BOOTSTRAP_SERVERS: 'b-1.example.com:9092,b-2.example.com:9092',
      SKC_WORKER_CONFIG: JSON.stringify(AWS_WORKER_DEFAULTS),
      SKC_KAFKA_AUTH: 'none',
    });
  });
});

describe('task events', () => {
  it('receives ECS Task State Change events of this cluster only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [getAtt(ids.cluster, 'Arn')] },
      },
      Targets: [Match.objectLike({ Arn: getAtt(ids.taskEvents, 'Arn') })],
    });
    expect(lambdaEnv(ids.taskEvents)).toMatchObject({ SKC_ECS_CLUSTER: getAtt(ids.cluster, 'Arn') });
  });

  it('sends unplanned stops to the reconciler through an encrypted FIFO queue, one batch at a time', () => {
    const queueId = logicalId(s, 'TaskStoppedQueue');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [getAtt(ids.cluster, 'Arn')],
          lastStatus: ['STOPPED'],
          stopCode: [{ 'anything-but': 'UserInitiated' }],
        },
      },
      Targets: [Match.objectLike({ Arn: getAtt(queueId, 'Arn'), SqsParameters: { MessageGroupId: 'task-stopped' } })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queueId, 'Arn'),
      FunctionName: { Ref: ids.reconciler },
      BatchSize: 10,
    });
  });
});

describe('ECS', () => {
  it('has a cluster with Container Insights and Fargate capacity providers', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith(['FARGATE', 'FARGATE_SPOT']),
    });
  });

  it('runs the container with a read-only root file system and a /tmp scratch volume', () => {
    const { props } = onlyResource(template, 'AWS::ECS::TaskDefinition');
    expect(props['Volumes']).toEqual([{ Name: 'scratch' }]);
    const [container] = props['ContainerDefinitions'] as Array<Record<string, unknown>>;
    expect(container).toMatchObject({
      ReadonlyRootFilesystem: true,
      MountPoints: [{ SourceVolume: 'scratch', ContainerPath: '/tmp', ReadOnly: false }],
    });
  });

  it('runs the task-runner image on ARM64 Linux with 256 CPU / 512 MiB, logging to a retained log group', () => {
    const { props } = onlyResource(template, 'AWS::ECS::TaskDefinition');
    expect(props).toMatchObject({
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    const [container] = props['ContainerDefinitions'] as Array<Record<string, unknown>>;
    expect(container).toMatchObject({
      Name: 'task-runner',
      Essential: true,
      LogConfiguration: { LogDriver: 'awslogs', Options: expect.anything() },
    });
    expect(JSON.stringify(container?.['Image'])).toContain('container-assets');
    const logGroupId = (container?.['LogConfiguration'] as { Options: { 'awslogs-group': { Ref: string } } }).Options[
      'awslogs-group'
    ].Ref;
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.['Properties']).toMatchObject({
      RetentionInDays: 30,
    });
  });

  it('keeps tasks and Lambdas in one security group whose egress is Kafka in the VPC and the AWS endpoints only', () => {
    const sg = template.findResources('AWS::EC2::SecurityGroup')[ids.securityGroup]?.['Properties'] as {
      SecurityGroupEgress: Array<Record<string, unknown>>;
    };
    const vpc = logicalId(s, 'Vpc');
    const endpointsSg = logicalId(s, 'VpcEndpointsSecurityGroup');
    expect(sg.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: getAtt(vpc, 'CidrBlock'), FromPort: 9092, ToPort: 9092, IpProtocol: 'tcp' }),
    ]);
    // HTTPS only to the interface endpoints' security group (a separate rule: the two groups reference each other).
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r['Properties']);
    expect(egress).toEqual([
      expect.objectContaining({
        GroupId: getAtt(ids.securityGroup, 'GroupId'),
        DestinationSecurityGroupId: getAtt(endpointsSg, 'GroupId'),
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroup'))).not.toContain('0.0.0.0/0');
    expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroupEgress'))).not.toContain('0.0.0.0/0');
  });

  it('reaches the AWS APIs through interface endpoints open to the tasks only, DynamoDB by its endpoint name', () => {
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map(
      (r) => r['Properties'] as Record<string, unknown>,
    );
    const interfaces = endpoints.filter((e) => e['VpcEndpointType'] === 'Interface');
    const service = (e: Record<string, unknown>): string => JSON.stringify(e['ServiceName']).replace(/.*\./, '');
    expect(interfaces.map(service).sort()).toEqual(
      [
        'dkr"]]}',
        'dynamodb"]]}',
        'ecs"]]}',
        'lambda"]]}',
        'logs"]]}',
        's3"]]}',
        'secretsmanager"]]}',
        'api"]]}',
      ].sort(),
    );
    const endpointsSg = logicalId(s, 'VpcEndpointsSecurityGroup');
    for (const e of interfaces) expect(e['SecurityGroupIds']).toEqual([getAtt(endpointsSg, 'GroupId')]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: getAtt(endpointsSg, 'GroupId'),
      SourceSecurityGroupId: getAtt(ids.securityGroup, 'GroupId'),
      FromPort: 443,
    });
    expect(
      template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { CidrIp: Match.anyValue() } }),
    ).toEqual({});
    const dynamodbEndpoint = {
      'Fn::Join': ['', ['https://', expect.objectContaining({ 'Fn::Select': expect.anything() })]],
    };
    for (const id of [ids.api, ids.reconciler]) {
      expect(lambdaEnv(id)).toMatchObject({ SKC_DYNAMODB_ENDPOINT: dynamodbEndpoint });
    }
    // The task-events Lambda runs outside the VPC: the public endpoint.
    expect(lambdaEnv(ids.taskEvents)).not.toHaveProperty('SKC_DYNAMODB_ENDPOINT');
    const [container] = onlyResource(template, 'AWS::ECS::TaskDefinition').props['ContainerDefinitions'] as Array<{
      Environment: Array<{ Name: string; Value: unknown }>;
    }>;
    expect(container!.Environment.find((e) => e.Name === 'SKC_DYNAMODB_ENDPOINT')?.Value).toEqual(dynamodbEndpoint);
  });

  it('adds Kafka peers, AWS API peers and extra destinations as asked, never 0.0.0.0/0 unless given', () => {
    const { template: t } = synthConstruct((stack) => ({
      kafkaBootstrapServers: 'b-1:9096',
      kafkaAuth: 'none',
      kafkaPeers: [ec2.Peer.ipv4('10.20.0.0/16')],
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
        privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
      }),
      awsServicePeers: [ec2.Peer.prefixList('pl-02cd2c6b')],
      extraEgress: [{ peer: ec2.Peer.ipv4('10.30.1.5/32'), port: ec2.Port.tcp(5432), description: 'orders database' }],
    }));
    const { props } = onlyResource(t, 'AWS::EC2::SecurityGroup');
    // CDK renders a prefix-list rule as its own resource, the others inline.
    const separate = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r['Properties']);
    expect([...(props['SecurityGroupEgress'] as unknown[]), ...separate]).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 9092 }),
      expect.objectContaining({ CidrIp: '10.30.1.5/32', FromPort: 5432, Description: 'orders database' }),
      expect.objectContaining({ DestinationPrefixListId: 'pl-02cd2c6b', FromPort: 443 }),
    ]);
    // An existing VPC gets no endpoints of ours (it may have its own, with the same private DNS names).
    expect(t.findResources('AWS::EC2::VPCEndpoint')).toEqual({});
    expect(() =>
      synthConstruct((stack) => ({
        kafkaBootstrapServers: 'b-1:9092',
        vpc: ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', {
          vpcId: 'vpc-0123456789abcdef0',
          availabilityZones: ['us-east-1a'],
          privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
        }),
      })),
    ).toThrow(/CIDR is unknown.*kafkaSecurityGroup or kafkaPeers/);
  });
});

describe('Lambda functions', () => {
  it('are exactly four, on nodejs22.x arm64', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(4); // API, reconciler, task events, connector roles
    for (const fn of fns) {
      expect(fn['Properties']).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
  });

  it('puts the API and the reconciler (Kafka clients) in the VPC, the task-events and connector-roles Lambdas outside', () => {
    const vpcConfig = (id: string): unknown =>
      (template.findResources('AWS::Lambda::Function')[id]?.['Properties'] as Record<string, unknown>)['VpcConfig'];
    for (const id of [ids.api, ids.reconciler]) {
      expect(vpcConfig(id)).toMatchObject({ SecurityGroupIds: [getAtt(ids.securityGroup, 'GroupId')] });
    }
    expect(vpcConfig(ids.taskEvents)).toBeUndefined();
    expect(vpcConfig(logicalId(s, 'ConnectorRolesFunction'))).toBeUndefined();
  });
});

describe('alarms', () => {
  it('watch failed tasks, API 5xx, reconciler errors, its dead-letter queue, task DLQ records and stalled tasks', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => (a['Properties'] as { MetricName?: string }).MetricName)
      .filter((n) => n !== undefined);
    expect(names.sort()).toEqual([
      '5XXError',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'FailedTasks',
      'deadletterqueue-records',
      'task-stalled',
    ]);
    const ns = taskEnv()['SKC_METRICS_NAMESPACE'];
    expect(ns).toEqual(expect.stringMatching(/^ServerlessKafkaConnect\//));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'deadletterqueue-records',
      Namespace: ns,
      Dimensions: [{ Name: 'service', Value: 'skc-task-runner' }],
      Statistic: 'Sum',
    });
  });

  it('fire when the sink lag grew for 10 minutes in a row (the default)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'DIFF(lag)' }),
        Match.objectLike({
          Id: 'lag',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'records-lag', Namespace: taskEnv()['SKC_METRICS_NAMESPACE'] }),
            Stat: 'Maximum',
          }),
        }),
      ]),
    });
  });

  it('notify the alarmTopic, every alarm; the lag alarm takes lagAlarmMinutes', () => {
    const { template: t } = synthConstruct((stack) => ({
      kafkaBootstrapServers: 'b-1.example.com:9092',
      alarmTopic: new sns.Topic(stack, 'Alerts'),
      lagAlarmMinutes: 3,
    }));
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const a of alarms) expect((a['Properties'] as { AlarmActions?: unknown[] }).AlarmActions).toHaveLength(1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 3, Threshold: 0 });
  });
});

describe('dashboard', () => {
  it('one per deployment, with the Apache-named task metrics per connector and the alarms', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!['Properties']);
    for (const metric of [
      'source-record-poll-rate',
      'source-record-write-rate',
      'sink-record-read-rate',
      'sink-record-send-rate',
      'records-lag',
      'offset-commit-avg-time-ms',
      'total-record-errors',
      'deadletterqueue-produce-requests',
      'task-stalled',
      'FailedTasks',
    ])
      expect(body).toContain(metric);
    expect(body).toContain('ConnectorName,Task,service');
    expect(body).toContain('LagGrowingAlarm'); // the alarm status widget
  });

  it('count failed tasks from stopped-task events of this cluster', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: Match.objectLike({ clusterArn: [getAtt(ids.cluster, 'Arn')], lastStatus: ['STOPPED'] }),
      }),
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'FailedTasks', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::Logs::ResourcePolicy', {});
  });
});

describe('least privilege', () => {
  it(`has no Resource "*" except for ${Object.keys(RESOURCE_STAR_EXCEPTIONS).join(', ')}`, () => {
    const star = iamStatements(template).filter((st) => resourcesOf(st).includes('*'));
    const actions = star.flatMap(actionsOf).sort();
    expect(actions).toEqual(Object.keys(RESOURCE_STAR_EXCEPTIONS).sort());
    const listTasks = star.find((st) => actionsOf(st).includes('ecs:ListTasks'));
    expect(listTasks?.Condition).toEqual({ ArnEquals: { 'ecs:cluster': getAtt(ids.cluster, 'Arn') } });
  });

  it('has no Allow with a wildcard action', () => {
    for (const st of iamStatements(template)) {
      for (const a of actionsOf(st)) expect(a).not.toMatch(/\*/);
    }
  });

  it("gives the task definition's own task role nothing: every RunTask overrides it with the connector's role", () => {
    const taskRole = logicalId(s, 'TaskRunner/TaskRole');
    expect(iamStatements(template).filter((st) => st.roles.includes(taskRole))).toEqual([]);
    expect(template.findResources('AWS::IAM::Role')[taskRole]?.['Properties']).not.toHaveProperty('ManagedPolicyArns');
  });

  it("bounds every connector task role to reading configs and status and writing status, by partition-key prefix (each role's own inline policy narrows it to its connector)", () => {
    const boundary = logicalId(s, 'ConnectorTaskBoundary');
    const statements = iamStatements(template).filter((st) => st.policy === boundary);
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: getAtt(ids.table, 'Arn'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONNECTOR#*', 'STATUS#*'] } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: getAtt(ids.table, 'Arn'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STATUS#*'] } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: getAtt(ids.table, 'Arn'),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WORKER'] } },
      }),
    ]);
  });

  it('lets the task-events Lambda read configs and status and put status only, by partition-key prefix', () => {
    const role = logicalId(s, 'TaskEventsFunction/ServiceRole');
    const dynamo = iamStatements(template)
      .filter((st) => st.roles.includes(role))
      .filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: getAtt(ids.table, 'Arn'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONNECTOR#*', 'STATUS#*'] } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: getAtt(ids.table, 'Arn'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STATUS#*'] } },
      }),
    ]);
  });

  it('scopes ecs:RunTask to every revision of the task-runner family, in this cluster', () => {
    const [runTask, ...more] = statementsFor(template, 'ecs:RunTask');
    expect(more).toHaveLength(0);
    const family = (onlyResource(template, 'AWS::ECS::TaskDefinition').props['Family'] as string) ?? '';
    expect(JSON.stringify(runTask?.Resource)).toContain(`:task-definition/${family}:*`);
    expect(runTask?.Condition).toEqual({ ArnEquals: { 'ecs:cluster': getAtt(ids.cluster, 'Arn') } });
  });

  it('scopes StopTask, DescribeTasks and TagResource to tasks of this cluster', () => {
    for (const action of ['ecs:StopTask', 'ecs:DescribeTasks', 'ecs:TagResource']) {
      const [st, ...more] = statementsFor(template, action);
      expect(more).toHaveLength(0);
      expect(JSON.stringify(st?.Resource)).toMatch(new RegExp(`:task/",\\{"Ref":"${ids.cluster}"\\},"/\\*"`));
    }
    expect(statementsFor(template, 'ecs:TagResource')[0]?.Condition).toEqual({
      StringEquals: { 'ecs:CreateAction': 'RunTask' },
    });
  });

  it("passes only the task and execution roles and the connector roles of this deployment's path, only to ECS tasks", () => {
    const [passRole, ...more] = statementsFor(template, 'iam:PassRole');
    expect(more).toHaveLength(0);
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(resourcesOf(passRole!)).toEqual(
      expect.arrayContaining([
        getAtt(logicalId(s, 'TaskRunner/TaskRole'), 'Arn'),
        getAtt(logicalId(s, 'TaskRunner/ExecutionRole'), 'Arn'),
      ]),
    );
    expect(resourcesOf(passRole!)).toHaveLength(3);
    expect(JSON.stringify(resourcesOf(passRole!)[2])).toContain(':role/serverless-kafka-connect/');
  });

  it('gives no ECS permissions to the API and task-events Lambdas', () => {
    const ecsHolders = new Set(
      iamStatements(template)
        .filter((st) => actionsOf(st).some((a) => a.startsWith('ecs:') || a === 'iam:PassRole'))
        .flatMap((st) => st.roles),
    );
    expect([...ecsHolders]).toEqual([logicalId(s, 'ReconcilerFunction/ServiceRole')]);
  });
});

describe('options', () => {
  it('imports a VPC and opens the Kafka security group to the tasks on the Kafka port', () => {
    const { template: t } = synthConstruct((stack) => ({
      kafkaBootstrapServers: 'b-1:9094',
      kafkaAuth: 'tls',
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
        privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
      }),
      kafkaSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Brokers', 'sg-0b0b0b0b0b0b0b0b0'),
    }));
    expect(t.findResources('AWS::EC2::VPC')).toEqual({});
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0b0b0b0b0b0b0b0b0',
      FromPort: 9094,
      ToPort: 9094,
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] }),
    });
  });

  it('runs on Fargate Spot with other sizes when asked', () => {
    const { template: t } = synth({ fargateSpot: true, taskCpu: 512, taskMemoryMiB: 1024 });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SKC_CAPACITY_PROVIDER: 'FARGATE_SPOT' }) },
    });
  });

  it('grants the SASL/SCRAM secret to every Kafka client and passes it by ARN', () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_skc-AbCdEf';
    const { template: t } = synth({ kafkaAuth: 'sasl-scram', kafkaSecretArn: secretArn });
    const reads = statementsFor(t, 'secretsmanager:GetSecretValue');
    expect(reads).toHaveLength(4); // connector task roles' shared policy and boundary, API, reconciler
    for (const st of reads) expect(st.Resource).toBe(secretArn);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SKC_KAFKA_AUTH: 'sasl-scram-512', SKC_KAFKA_SECRET_ARN: secretArn }),
      },
    });
    expect(JSON.stringify(t.toJSON())).not.toMatch(/"password"/i);
  });

  it('scopes MSK IAM grants to the cluster and to its topics and groups', () => {
    const cluster = 'arn:aws:kafka:us-east-1:111111111111:cluster/skc/0123abcd-1234-5678-9abc-def012345678-2';
    const { template: t } = synth({ kafkaAuth: 'msk-iam', mskClusterArn: cluster });
    const kafka = iamStatements(t).filter((st) => actionsOf(st).some((a) => a.startsWith('kafka-cluster:')));
    expect(kafka.length).toBeGreaterThan(0);
    const resources = new Set(kafka.flatMap(resourcesOf));
    expect([...resources].sort()).toEqual(
      [
        cluster,
        'arn:aws:kafka:us-east-1:111111111111:group/skc/0123abcd-1234-5678-9abc-def012345678-2/*',
        'arn:aws:kafka:us-east-1:111111111111:topic/skc/0123abcd-1234-5678-9abc-def012345678-2/*',
      ].sort(),
    );
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([Match.objectLike({ FromPort: 9098 })]),
    });
  });

  it('grants transactional ids <group.id>-* to tasks and the reconciler (not the API) with exactly-once source', () => {
    const cluster = 'arn:aws:kafka:us-east-1:111111111111:cluster/skc/0123abcd-1234-5678-9abc-def012345678-2';
    const { template: t } = synth({
      kafkaAuth: 'msk-iam',
      mskClusterArn: cluster,
      workerConfig: { 'exactly.once.source.support': 'enabled', 'group.id': 'prod' },
    });
    const txn = iamStatements(t).filter((st) => actionsOf(st).some((a) => a.endsWith('TransactionalId')));
    for (const st of txn) {
      expect(actionsOf(st).sort()).toEqual([
        'kafka-cluster:AlterTransactionalId',
        'kafka-cluster:DescribeTransactionalId',
      ]);
      expect(resourcesOf(st)).toEqual([
        'arn:aws:kafka:us-east-1:111111111111:transactional-id/skc/0123abcd-1234-5678-9abc-def012345678-2/prod-*',
      ]);
    }
    // The tasks' shared policy and their permissions boundary (per-connector roles), and the reconciler.
    const where = txn.map((st) => `${st.policy} ${st.roles.join(' ')}`);
    expect(where.filter((w) => /ConnectorTaskRoles|TaskRoles|Shared|Boundary/i.test(w)).length).toBeGreaterThan(0);
    expect(where.filter((w) => /Reconciler/.test(w)).length).toBeGreaterThan(0);
    expect(where.filter((w) => /Api/.test(w))).toEqual([]);
  });

  it('makes a private API reachable only through the VPC endpoint', () => {
    const { template: t } = synth({ privateApi: true });
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [Match.anyValue()] },
      Policy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { StringNotEquals: { 'aws:SourceVpce': Match.anyValue() } },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  });

  it('leaves methods open only when apiAuthorization is none', () => {
    const { template: t } = synth({ apiAuthorization: 'none' });
    for (const m of Object.values(t.findResources('AWS::ApiGateway::Method'))) {
      expect(m['Properties']).toMatchObject({ AuthorizationType: 'NONE' });
    }
  });

  it('passes worker properties through as JSON and refuses clear-text secrets in them', () => {
    const workerConfig = {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'offset.storage.topic': 'connect-offsets',
      'producer.ssl.truststore.password': '${file:/run/secrets/kafka.properties:truststore.password}',
    };
    const { template: t } = synth({ workerConfig });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SKC_WORKER_CONFIG: JSON.stringify({ ...AWS_WORKER_DEFAULTS, ...workerConfig }) }),
      },
    });
    expect(() => synth({ workerConfig: { 'producer.sasl.jaas.config': 'ScramLoginModule password="x";' } })).toThrow(
      /looks like a secret/,
    );
  });

  it('rejects inconsistent Kafka authentication settings', () => {
    expect(() => synth({ kafkaAuth: 'sasl-scram' })).toThrow(/requires kafkaSecret/);
    expect(() => synth({ kafkaAuth: 'msk-iam' })).toThrow(/requires mskClusterArn/);
  });

  it('rejects plug-in directories outside the Docker build context', () => {
    expect(() => synth({ pluginPaths: ['/tmp'] })).toThrow(/inside/);
    expect(() => synth({ pluginPaths: ['no/such/dir'] })).toThrow(/is not a directory/);
    expect(() => synth({ pluginPaths: ['test/infra'] })).toThrow(/excluded from the Docker build context/);
  });
});
