import { join, resolve } from 'node:path';
import { ArnFormat, Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DEFAULT_KAFKA_PORT, envKafkaAuth, grantMskIam, validateKafkaAuth } from './kafka-access';
import type { KafkaAuth, SaslScramMechanism } from './kafka-access';
import { suppressAcceptedFindings } from './nag-suppressions';
import { copyPluginsHooks, findProjectRoot, pluginDirectory } from './plugin-paths';
import { desiredStateFilters, TABLE_KEYS } from './table-keys';
import { validateWorkerConfig } from './worker-config';

export type { KafkaAuth } from './kafka-access';

/** Who may call the Kafka Connect REST API. */
export type ApiAuthorization = 'iam' | 'none';

export interface ServerlessKafkaConnectProps {
  /** Kafka bootstrap servers, comma-separated (`bootstrap.servers`). */
  readonly kafkaBootstrapServers: string;

  /**
   * VPC for the Fargate tasks and the Lambdas that talk to Kafka.
   * @default a new VPC over two AZs: public and private subnets, one NAT gateway, a DynamoDB gateway endpoint
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets for tasks and VPC Lambdas; they need a route to Kafka, ECR, CloudWatch Logs and DynamoDB.
   * @default private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Give tasks a public IP (only for public subnets without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * Kafka authentication.
   * @default 'none'
   */
  readonly kafkaAuth?: KafkaAuth;

  /** Secrets Manager secret `{"username","password"}`; required with `kafkaAuth: 'sasl-scram'`. */
  readonly kafkaSecret?: secretsmanager.ISecret;

  /**
   * SCRAM mechanism with `kafkaAuth: 'sasl-scram'`.
   * @default 'SCRAM-SHA-512'
   */
  readonly saslScramMechanism?: SaslScramMechanism;

  /** MSK cluster ARN; required with `kafkaAuth: 'msk-iam'` to scope `kafka-cluster:*` grants to this cluster. */
  readonly mskClusterArn?: string;

  /**
   * Security group of the Kafka brokers; if given, it gets an ingress rule from the tasks and Lambdas.
   * @default none: egress to any IPv4 address on `kafkaPort`
   */
  readonly kafkaSecurityGroup?: ec2.ISecurityGroup;

  /**
   * Broker port that tasks and Lambdas may reach.
   * @default the MSK port of `kafkaAuth`: 9092 (none), 9094 (tls), 9096 (sasl-scram), 9098 (msk-iam)
   */
  readonly kafkaPort?: number;

  /**
   * Fargate CPU units of one task (256 = 0.25 vCPU).
   * @default 256
   */
  readonly taskCpu?: number;

  /**
   * Fargate memory of one task in MiB.
   * @default 512
   */
  readonly taskMemoryMiB?: number;

  /**
   * Run tasks on Fargate Spot (about 70% cheaper; tasks may be interrupted and are then restarted).
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * Retention of every log group the construct creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * `iam`: every API method requires SigV4 (AWS_IAM). `none`: anyone who can reach the API may call it.
   * @default 'iam'
   */
  readonly apiAuthorization?: ApiAuthorization;

  /**
   * Make the API a PRIVATE endpoint reachable only through an execute-api interface endpoint of the VPC.
   * @default false
   */
  readonly privateApi?: boolean;

  /**
   * The execute-api interface endpoint for `privateApi`.
   * @default a new interface endpoint in the VPC
   */
  readonly apiVpcEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * ARN of a WAFv2 web ACL (scope REGIONAL) to associate with the API stage.
   * @default none
   */
  readonly apiWebAclArn?: string;

  /**
   * Create the account-level CloudWatch role that API Gateway needs for access and execution logs. It is one
   * setting per account and region; pass false if the account already has one.
   * @default true
   */
  readonly apiCloudWatchRole?: boolean;

  /**
   * Distributed-worker properties, the keys of Apache's `connect-distributed.properties` (`key.converter`,
   * `value.converter` and sub-keys, `offset.storage.topic` / `.partitions` / `.replication.factor`, `producer.*`,
   * `consumer.*`, `admin.*`, `config.providers*`). Secrets must be config-provider references (`${...}`).
   * @default {} (the worker defaults)
   */
  readonly workerConfig?: Record<string, string>;

  /**
   * Extra plug-in directories (`plugin.path`), relative to `projectRoot`: baked into the task-runner image
   * (`/app/plugins/<i>`) and copied into the API and reconciler bundles (`/var/task/plugins/<i>`).
   * @default none
   */
  readonly pluginPaths?: string[];

  /**
   * Root of the serverless-kafka-connect sources: Docker build context and Lambda entry points.
   * @default the nearest ancestor directory of this file holding `task-runner/Dockerfile`
   */
  readonly projectRoot?: string;

  /**
   * Customer-managed KMS key of the table.
   * @default the AWS-managed key
   */
  readonly tableEncryptionKey?: kms.IKey;

  /**
   * What happens to the table when it leaves the stack (deletion protection is on regardless).
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * Event filters of the reconciler's DynamoDB stream mapping.
   * @default desired-state changes only (list-index and `STATE` items), not status writes
   */
  readonly reconcilerStreamFilters?: Array<Record<string, unknown>>;

  /**
   * SNS topic notified by the alarms.
   * @default no alarm actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * `LOG_LEVEL` of the Lambdas and tasks.
   * @default 'INFO'
   */
  readonly logLevel?: string;
}

/** Container name of the task-runner in the task definition (`SKC_CONTAINER_NAME`). */
export const TASK_RUNNER_CONTAINER = 'task-runner';
/** CloudWatch namespace of the construct's own metrics. */
export const METRICS_NAMESPACE = 'ServerlessKafkaConnect';

/**
 * A serverless, Kafka Connect–compatible worker: the Kafka Connect REST API on API Gateway + Lambda, configs and
 * status in one DynamoDB table, a reconciler that runs each connector task as its own ECS Fargate task.
 */
export class ServerlessKafkaConnect extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly table: dynamodb.Table;
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly taskLogGroup: logs.LogGroup;
  public readonly api: apigw.RestApi;
  public readonly apiFunction: lambdaNodejs.NodejsFunction;
  public readonly reconcilerFunction: lambdaNodejs.NodejsFunction;
  public readonly taskEventsFunction: lambdaNodejs.NodejsFunction;
  public readonly reconcilerDeadLetterQueue: sqs.Queue;
  /** ECS task stops on their way to the reconciler (FIFO: one reconcile of them at a time). */
  public readonly taskStoppedQueue: sqs.Queue;
  public readonly alarms: cloudwatch.Alarm[] = [];

  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: ServerlessKafkaConnectProps) {
    super(scope, id);
    const projectRoot = resolve(props.projectRoot ?? findProjectRoot(__dirname));
    const kafkaAuth = props.kafkaAuth ?? 'none';
    const apiAuthorization = props.apiAuthorization ?? 'iam';
    const pluginDirs = (props.pluginPaths ?? []).map((p) => pluginDirectory(projectRoot, p));
    const workerConfig = validateWorkerConfig(props.workerConfig ?? {});
    validateKafkaAuth(kafkaAuth, props);
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    // ---- network ----
    // aws-cdk-lib's classes declare `prop: string | undefined` where their interfaces say `prop?: string`, which
    // exactOptionalPropertyTypes rejects; the casts below only bridge that declaration mismatch.
    this.vpc = props.vpc ?? (this.createVpc() as unknown as ec2.IVpc);
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'Kafka Connect tasks and the Lambdas that reach Kafka',
      allowAllOutbound: false,
    });
    const kafkaPort = ec2.Port.tcp(props.kafkaPort ?? DEFAULT_KAFKA_PORT[kafkaAuth]);
    if (props.kafkaSecurityGroup) {
      this.securityGroup.connections.allowTo(props.kafkaSecurityGroup, kafkaPort, 'Kafka brokers');
    } else {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), kafkaPort, 'Kafka brokers');
    }
    // AWS APIs (DynamoDB, ECS, ECR, CloudWatch Logs, Secrets Manager) are HTTPS, through NAT or VPC endpoints.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');

    // ---- state: one table, single-table design; its stream drives the reconciler ----
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.tableEncryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.tableEncryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Variables every composition root reads (docs/environment.md).
    const commonEnv: Record<string, string> = {
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: this.table.tableName,
      SKC_BOOTSTRAP_SERVERS: props.kafkaBootstrapServers,
      SKC_WORKER_CONFIG: JSON.stringify(workerConfig),
      SKC_KAFKA_AUTH: envKafkaAuth(kafkaAuth, props.saslScramMechanism),
      LOG_LEVEL: props.logLevel ?? 'INFO',
      ...(props.kafkaSecret ? { SKC_KAFKA_SECRET_ARN: props.kafkaSecret.secretArn } : {}),
    };

    // ---- ECS: cluster and the one task-runner task definition ----
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskRunner', {
      cpu: props.taskCpu ?? 256,
      memoryLimitMiB: props.taskMemoryMiB ?? 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskLogGroup = this.logGroup('TaskLogs');
    this.taskDefinition.addContainer(TASK_RUNNER_CONTAINER, {
      // Staged (copied) at synth, built by `cdk deploy` on the deploying machine: synth needs no Docker.
      image: ecs.ContainerImage.fromAsset(projectRoot, {
        file: 'task-runner/Dockerfile',
        platform: Platform.LINUX_ARM64,
        buildArgs: { SKC_PLUGIN_DIRS: pluginDirs.map((d) => d.relative).join(' ') },
      }),
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.taskLogGroup, streamPrefix: 'task' }),
      environment: {
        ...commonEnv,
        ...(pluginDirs.length > 0 ? { SKC_PLUGIN_PATH: pluginDirs.map((_, i) => `/app/plugins/${i}`).join(',') } : {}),
      },
      // SIGTERM → stop polling, flush, commit offsets, report status: give it time before SIGKILL.
      stopTimeout: Duration.seconds(60),
      // An init process as PID 1 forwards SIGTERM to node and reaps children.
      linuxParameters: new ecs.LinuxParameters(this, 'TaskRunnerLinuxParameters', { initProcessEnabled: true }),
    });
    const taskRole = this.taskDefinition.taskRole;
    // A task reads connector configs and status, and writes status: no Scan, no Delete, no batch or transaction.
    // All tasks share this role (ECS has no per-task session tags), so partitions are scoped by prefix only.
    const leadingKeys = (...prefixes: string[]) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) },
    });
    iam.Grant.addToPrincipal({
      grantee: taskRole,
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn],
      conditions: leadingKeys(TABLE_KEYS.connectorPrefix, TABLE_KEYS.statusPrefix),
    });
    iam.Grant.addToPrincipal({
      grantee: taskRole,
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: leadingKeys(TABLE_KEYS.statusPrefix),
    });
    // Unlike grantReadWriteData, these statements leave a customer key out: it needs its own grant.
    props.tableEncryptionKey?.grantEncryptDecrypt(taskRole);

    // ---- Lambdas ----
    // Plug-ins go to the Lambdas that instantiate connectors (validation, task configs), not to task-events.
    const functionProps = (entry: string, withPlugins = true): lambdaNodejs.NodejsFunctionProps => ({
      entry: join(projectRoot, entry),
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'handler',
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        ...(withPlugins && pluginDirs.length > 0 ? { commandHooks: copyPluginsHooks(pluginDirs) } : {}),
      },
    });
    const pluginEnv: Record<string, string> =
      pluginDirs.length > 0 ? { SKC_PLUGIN_PATH: pluginDirs.map((_, i) => `/var/task/plugins/${i}`).join(',') } : {};
    // Stack traces (logs, FAILED task traces) point at TypeScript lines of the bundled source maps.
    const sourceMaps = { NODE_OPTIONS: '--enable-source-maps' };
    const inVpc = { vpc: this.vpc, vpcSubnets, securityGroups: [this.securityGroup] };

    this.apiFunction = new lambdaNodejs.NodejsFunction(this, 'ApiFunction', {
      ...functionProps('lambdas/api/handler.ts'),
      description: 'Kafka Connect REST API',
      ...inVpc, // offsets and topic endpoints talk to Kafka
      memorySize: 1024,
      timeout: Duration.seconds(29), // API Gateway's integration timeout
      logGroup: this.logGroup('ApiFunctionLogs'),
      environment: { ...commonEnv, ...pluginEnv, ...sourceMaps },
    });
    this.table.grantReadWriteData(this.apiFunction);

    const subnetIds = this.vpc.selectSubnets(vpcSubnets).subnetIds;
    this.reconcilerFunction = new lambdaNodejs.NodejsFunction(this, 'ReconcilerFunction', {
      ...functionProps('lambdas/reconciler/handler.ts'),
      description: 'Converges running ECS tasks to the connector configs in DynamoDB',
      ...inVpc, // asks connectors for task configs, which may need Kafka metadata
      memorySize: 512,
      timeout: Duration.minutes(2),
      logGroup: this.logGroup('ReconcilerFunctionLogs'),
      environment: {
        ...commonEnv,
        ...pluginEnv,
        ...sourceMaps,
        SKC_ECS_CLUSTER: this.cluster.clusterArn,
        SKC_TASK_DEFINITION: this.taskDefinition.taskDefinitionArn,
        SKC_CONTAINER_NAME: TASK_RUNNER_CONTAINER,
        SKC_SUBNETS: Fn.join(',', subnetIds),
        SKC_SECURITY_GROUPS: this.securityGroup.securityGroupId,
        SKC_ASSIGN_PUBLIC_IP: props.assignPublicIp ? 'ENABLED' : 'DISABLED',
        SKC_CAPACITY_PROVIDER: props.fargateSpot ? 'FARGATE_SPOT' : 'FARGATE',
      },
    });
    this.table.grantReadWriteData(this.reconcilerFunction);
    this.grantRunTasks(this.reconcilerFunction);

    this.reconcilerDeadLetterQueue = new sqs.Queue(this, 'ReconcilerDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.reconcilerFunction.addEventSource(
      new lambdaEventSources.DynamoEventSource(this.table as unknown as dynamodb.ITable, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1), // coalesce a burst of writes into one reconcile
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.hours(1), // the one-minute schedule re-converges anything dropped
        parallelizationFactor: 1,
        onFailure: new lambdaEventSources.SqsDlq(this.reconcilerDeadLetterQueue),
        filters: props.reconcilerStreamFilters ?? desiredStateFilters(),
      }),
    );
    // The schedule catches what events miss: dead tasks without events, backoff expiry, lag-based scaling.
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Periodic reconcile of Kafka Connect tasks',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new eventsTargets.LambdaFunction(this.reconcilerFunction, { retryAttempts: 0 })],
    });

    this.taskEventsFunction = new lambdaNodejs.NodejsFunction(this, 'TaskEventsFunction', {
      ...functionProps('lambdas/task-events/handler.ts', false),
      description: 'Records ECS task state changes as Kafka Connect task status',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup: this.logGroup('TaskEventsFunctionLogs'),
      environment: {
        SKC_STORE: 'dynamodb',
        SKC_TABLE_NAME: this.table.tableName,
        SKC_ECS_CLUSTER: this.cluster.clusterArn,
        LOG_LEVEL: commonEnv['LOG_LEVEL'] ?? 'INFO',
        ...sourceMaps,
      },
    });
    this.table.grantReadWriteData(this.taskEventsFunction);
    const taskStateChange = { source: ['aws.ecs'], detailType: ['ECS Task State Change'] };
    new events.Rule(this, 'TaskStateChangeRule', {
      description: 'ECS task state changes of the Kafka Connect cluster',
      eventPattern: { ...taskStateChange, detail: { clusterArn: [this.cluster.clusterArn] } },
      targets: [new eventsTargets.LambdaFunction(this.taskEventsFunction)],
    });

    // An unplanned task stop wakes the reconciler at once (the relaunch would otherwise wait for the schedule).
    // Through a FIFO queue with one message group: a burst of stops (a broker outage fails every task at once)
    // is reconciled in batches, one at a time, instead of by concurrent runs that would each launch the missing
    // tasks. Our own StopTask calls (UserInitiated) need no reconcile.
    const taskStoppedDlq = new sqs.Queue(this, 'TaskStoppedDlq', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.taskStoppedQueue = new sqs.Queue(this, 'TaskStoppedQueue', {
      fifo: true,
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.hours(1), // the one-minute schedule re-converges anything older
      visibilityTimeout: Duration.minutes(12), // 6× the reconciler's timeout, as Lambda's SQS guide advises
      deadLetterQueue: { queue: taskStoppedDlq, maxReceiveCount: 3 },
    });
    new events.Rule(this, 'TaskStoppedRule', {
      description: 'Unplanned stops of Kafka Connect tasks, to relaunch them without waiting for the schedule',
      eventPattern: {
        ...taskStateChange,
        detail: {
          clusterArn: [this.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          stopCode: [{ 'anything-but': 'UserInitiated' }],
        },
      },
      targets: [new eventsTargets.SqsQueue(this.taskStoppedQueue, { messageGroupId: 'task-stopped' })],
    });
    this.reconcilerFunction.addEventSource(
      new lambdaEventSources.SqsEventSource(this.taskStoppedQueue, { batchSize: 10, reportBatchItemFailures: false }),
    );

    // ---- Kafka credentials ----
    const kafkaClients: iam.IGrantable[] = [taskRole, this.apiFunction, this.reconcilerFunction];
    if (props.kafkaSecret) for (const c of kafkaClients) props.kafkaSecret.grantRead(c);
    if (kafkaAuth === 'msk-iam' && props.mskClusterArn) {
      for (const c of kafkaClients) grantMskIam(Stack.of(this), c, props.mskClusterArn);
    }

    // ---- API ----
    this.api = this.createApi(props, apiAuthorization);

    // ---- alarms ----
    this.createAlarms(props.alarmTopic, taskStateChange);
    if (props.apiWebAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'ApiWebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.apiWebAclArn,
      });
    }
    suppressAcceptedFindings(this, apiAuthorization, props.apiWebAclArn !== undefined);
  }

  /** `ecs:RunTask` of the task-runner family in this cluster only, and stop/describe/tag of this cluster's tasks. */
  public grantRunTasks(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const clusterCondition = { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } };
    const clusterTasks = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${this.cluster.clusterName}/*`,
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:RunTask'],
      // Every revision of the family: a stack update registers a new revision.
      resourceArns: [
        stack.formatArn({
          service: 'ecs',
          resource: 'task-definition',
          resourceName: `${this.taskDefinition.family}:*`,
        }),
      ],
      conditions: clusterCondition,
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
      resourceArns: [clusterTasks],
    });
    // RunTask with tags (connector name, task id) needs TagResource, allowed only as part of RunTask.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:TagResource'],
      resourceArns: [clusterTasks],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    });
    // ListTasks has no resource type of its own: it is scoped by the ecs:cluster condition key.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:ListTasks'],
      resourceArns: ['*'],
      conditions: clusterCondition,
    });
    const passRoles = [this.taskDefinition.taskRole.roleArn];
    if (this.taskDefinition.executionRole) passRoles.push(this.taskDefinition.executionRole.roleArn);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: passRoles,
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  }

  private logGroup(id: string, logGroupName?: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      retention: this.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logGroupName ? { logGroupName } : {}),
    });
  }

  private createVpc(): ec2.Vpc {
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // Free gateway endpoint: DynamoDB traffic (status heartbeats) does not pay NAT data processing.
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: {
        rejected: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup('VpcFlowLogs')),
        },
      },
      // Restricting the default SG needs a custom-resource Lambda; nothing here uses the default SG.
      restrictDefaultSecurityGroup: false,
    });
  }

  private createApi(props: ServerlessKafkaConnectProps, authorization: ApiAuthorization): apigw.RestApi {
    const privateApi = props.privateApi ?? false;
    const endpoint = privateApi ? (props.apiVpcEndpoint ?? this.createApiEndpoint(props.vpcSubnets)) : undefined;
    const api = new apigw.RestApi(this, 'Api', {
      description: 'Kafka Connect REST API',
      endpointConfiguration: endpoint
        ? { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [endpoint] }
        : { types: [apigw.EndpointType.REGIONAL] },
      ...(endpoint ? { policy: privateApiPolicy(endpoint, authorization) } : {}),
      defaultMethodOptions: {
        authorizationType: authorization === 'iam' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
      },
      cloudWatchRole: props.apiCloudWatchRole ?? true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        accessLogDestination: new apigw.LogGroupLogDestination(this.logGroup('ApiAccessLogs')),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Bodies carry connector configs: never log them.
        dataTraceEnabled: false,
      },
    });
    const integration = new apigw.LambdaIntegration(this.apiFunction, { allowTestInvoke: false });
    api.root.addMethod('ANY', integration);
    api.root.addProxy({ defaultIntegration: integration, anyMethod: true });
    return api;
  }

  private createApiEndpoint(subnets: ec2.SubnetSelection | undefined): ec2.InterfaceVpcEndpoint {
    const endpoint = new ec2.InterfaceVpcEndpoint(this, 'ApiEndpoint', {
      vpc: this.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      privateDnsEnabled: true,
      subnets: subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    NagSuppressions.addResourceSuppressions(
      endpoint,
      [
        {
          id: 'AwsSolutions-EC23',
          reason:
            "The endpoint's security group admits HTTPS from the VPC CIDR only; cdk-nag cannot resolve that CIDR, an intrinsic of the VPC.",
        },
      ],
      true,
    );
    return endpoint;
  }

  private createAlarms(topic: sns.ITopic | undefined, taskStateChange: Record<string, string[]>): void {
    const period = Duration.minutes(5);
    // Failed task = stopped without being asked to: failed to start, or its container exited non-zero. The events go
    // to a log group (an audit trail with stoppedReason) whose metric filter counts them.
    const failedTasksLog = this.logGroup(
      'FailedTasksLog',
      `/aws/events/${Names.uniqueResourceName(this, { maxLength: 80 })}-failed-tasks`, // EventBridge's required prefix
    );
    const logsPolicy = new logs.ResourcePolicy(this, 'FailedTasksLogPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [failedTasksLog.logGroupArn],
        }),
      ],
    });
    const failedTasksRule = new events.Rule(this, 'FailedTasksRule', {
      description: 'Kafka Connect tasks that stopped without a StopTask',
      eventPattern: {
        ...taskStateChange,
        detail: {
          clusterArn: [this.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: ['TaskFailedToStart'] },
            { stopCode: ['EssentialContainerExited'], containers: { exitCode: [{ 'anything-but': 0 }] } },
          ],
        },
      },
    });
    const logGroupTargetArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: failedTasksLog.logGroupName,
    });
    // Not eventsTargets.CloudWatchLogGroup: that one installs its resource policy with a custom-resource Lambda.
    failedTasksRule.addTarget({ bind: () => ({ arn: logGroupTargetArn }) });
    failedTasksRule.node.addDependency(logsPolicy);
    failedTasksLog.addMetricFilter('FailedTasksMetric', {
      filterPattern: logs.FilterPattern.allEvents(),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'FailedTasks',
      metricValue: '1',
      dimensions: { ClusterArn: '$.detail.clusterArn' }, // several stacks may share an account
    });
    const failedTasks = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'FailedTasks',
      dimensionsMap: { ClusterArn: this.cluster.clusterArn },
      statistic: cloudwatch.Stats.SUM,
      period,
    });

    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold = 1): void => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (topic) a.addAlarmAction(new cwActions.SnsAction(topic));
      this.alarms.push(a);
    };
    alarm('FailedTasksAlarm', 'Kafka Connect tasks stopped unexpectedly', failedTasks);
    alarm('Api5xxAlarm', 'Kafka Connect REST API 5xx responses', this.api.metricServerError({ period }));
    alarm('ReconcilerErrorsAlarm', 'Reconciler Lambda errors', this.reconcilerFunction.metricErrors({ period }));
    alarm(
      'ReconcilerDlqAlarm',
      'DynamoDB stream batches the reconciler gave up on',
      this.reconcilerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
    );
  }
}

function privateApiPolicy(endpoint: ec2.IInterfaceVpcEndpoint, authorization: ApiAuthorization): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        // With IAM authorization the caller's own IAM policy must still allow execute-api:Invoke.
        principals: [authorization === 'iam' ? new iam.AccountRootPrincipal() : new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint.vpcEndpointId } },
      }),
    ],
  });
}
