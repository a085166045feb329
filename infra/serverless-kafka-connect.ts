import { resolve } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConnectApi } from './api';
import { ConnectorTaskRoles } from './connector-task-roles';
import type { ApiAuthorization, ApiThrottling } from './api';
import { FunctionBundling } from './functions';
import { DEFAULT_KAFKA_PORT, envKafkaAuth, grantKafkaClient, validateKafkaAuth } from './kafka-access';
import type { KafkaAuth, SaslScramMechanism } from './kafka-access';
import { suppressAcceptedFindings } from './nag-suppressions';
import { ConnectNetwork } from './network';
import type { EgressDestination } from './network';
import { LogGroups, Observability, taskMetricsNamespace } from './observability';
import { JavaCatalog } from './java-catalog';
import { JavaPluginLayer } from './java-plugins';
import type { JavaPlugins } from './java-plugins';
import { findProjectRoot, pluginDirectory } from './plugin-paths';
import { Reconciler } from './reconciler';
import { grantS3SinkBuckets } from './s3-sink-access';
import { ConnectState } from './state';
import { TaskCluster } from './task-cluster';
import { grantTaskSecrets } from './task-secrets';
import { AWS_WORKER_DEFAULTS, validateWorkerConfig } from './worker-config';

export type { KafkaAuth } from './kafka-access';
export type { JavaPlugins, JavaPluginsS3 } from './java-plugins';
export type { EgressDestination } from './network';
export type { ApiAuthorization, ApiThrottling } from './api';
export { DEFAULT_API_THROTTLING } from './api';
export { AWS_WORKER_DEFAULTS } from './worker-config';
export { METRICS_NAMESPACE } from './observability';
export { TASK_RUNNER_CONTAINER } from './task-cluster';

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
   * Security group of the Kafka brokers; if given, it gets an ingress rule from the tasks and Lambdas, and the
   * tasks' egress to Kafka is to it only.
   * @default none: see `kafkaPeers`
   */
  readonly kafkaSecurityGroup?: ec2.ISecurityGroup;

  /**
   * Where the brokers are when `kafkaSecurityGroup` is not given (e.g. `ec2.Peer.ipv4('10.20.0.0/16')` for a peered
   * VPC, `ec2.Peer.anyIpv4()` for a cluster on the internet, at the price of letting tasks reach any host on
   * `kafkaPort`).
   * @default the VPC's CIDR
   */
  readonly kafkaPeers?: ec2.IPeer[];

  /**
   * Create interface endpoints for the AWS APIs the tasks and VPC Lambdas call (ECR API and registry, S3 for image
   * layers, CloudWatch Logs, Secrets Manager, ECS, Lambda, DynamoDB), reachable from the tasks' security group only, and
   * limit HTTPS egress to them. About $7.30 per endpoint and AZ per month (8 endpoints).
   * @default true when the construct creates the VPC; false with `vpc`
   */
  readonly vpcEndpoints?: boolean;

  /**
   * Without `vpcEndpoints`: where the tasks reach the AWS APIs over HTTPS, e.g. your endpoints' security group, the
   * S3 and DynamoDB gateway endpoints' prefix lists (`ec2.Peer.prefixList('pl-…')`), or `ec2.Peer.anyIpv4()` to go
   * through NAT (no destination limit).
   * @default the VPC's CIDR (interface endpoints of the VPC)
   */
  readonly awsServicePeers?: ec2.IPeer[];

  /**
   * More destinations that connectors need (a database, an HTTPS API, S3 through NAT …), added to the tasks'
   * security group egress.
   * @default none
   */
  readonly extraEgress?: EgressDestination[];

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
   * Buckets (names) the S3 sink connector writes to: the task role gets exactly the S3 actions the sink needs on them
   * (infra/s3-sink-access.ts), nothing wider.
   * @default none
   */
  readonly s3SinkBuckets?: readonly string[];

  /**
   * Complete ARNs of the Secrets Manager secrets that connector configs reference (`${secretsmanager:…}`, resolved
   * in the task process): the connector task roles may `GetSecretValue` these and no other secret.
   * @default none
   */
  readonly taskSecretArns?: readonly string[];

  /**
   * SSM parameter names (`/connect/db-password`) or paths (`/connect/*`) that connector configs reference
   * (`${ssm:…}`): the connector task roles may `GetParameter` these and no other parameter.
   * @default none
   */
  readonly taskParameterNames?: readonly string[];

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
   * Stage-wide throttling of the REST API: steady requests per second and burst. Callers above it get 429.
   * @default { rateLimit: 50, burstLimit: 100 } (DEFAULT_API_THROTTLING)
   */
  readonly apiThrottling?: ApiThrottling;

  /**
   * Distributed-worker properties, the keys of Apache's `connect-distributed.properties` (`key.converter`,
   * `value.converter` and sub-keys, `offset.storage.topic` / `.partitions` / `.replication.factor`, `producer.*`,
   * `consumer.*`, `admin.*`, `config.providers*`). Secrets must be config-provider references (`${...}`).
   * Laid over AWS_WORKER_DEFAULTS: `connector.client.config.override.policy=Allowlist` with an allowlist of client
   * tuning keys, so connectors cannot override where their clients connect or how they authenticate; set the
   * two keys here to choose otherwise.
   * @default {} (the worker defaults, plus AWS_WORKER_DEFAULTS)
   */
  readonly workerConfig?: Record<string, string>;

  /**
   * Extra plug-in directories (`plugin.path`), relative to `projectRoot`: baked into the task-runner image
   * (`/app/plugins/<i>`) and copied into the API and reconciler bundles (`/var/task/plugins/<i>`).
   * @default none
   */
  readonly pluginPaths?: string[];

  /**
   * Java connector plug-ins (Debezium, Apache's connect-file / connect-mirror, any Kafka Connect jar;
   * docs/java-plugins.md): tasks then run the task-runner image with a JRE and the JVM host (target
   * `task-runner-jvm`, default 512 CPU / 1024 MiB), and a catalog Lambda function of that image answers the plug-in
   * requests of the API and the reconciler. Plug-ins come from a local `directory` (baked into the image) and/or S3
   * (downloaded at start; the task role and the catalog function read exactly those objects).
   * @default none: the Node-only image, no catalog function
   */
  readonly javaPlugins?: JavaPlugins;

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
   * Minutes in a row the largest sink lag must grow before the lag alarm fires.
   * @default 10
   */
  readonly lagAlarmMinutes?: number;

  /**
   * `LOG_LEVEL` of the Lambdas and tasks.
   * @default 'INFO'
   */
  readonly logLevel?: string;
}

/**
 * A serverless, Kafka Connect–compatible worker: the Kafka Connect REST API on API Gateway + Lambda, configs and
 * status in one DynamoDB table, a reconciler that runs each connector task as its own ECS Fargate task.
 *
 * It composes one part per concern: {@link ConnectState} (the table), {@link TaskCluster} (network, ECS cluster,
 * task definition), {@link ConnectApi}, {@link Reconciler} (reconciler and task-events Lambdas and what wakes them)
 * and {@link Observability} (alarms). The parts add their resources to this construct's own scope rather than
 * being child constructs: a child's id would enter the logical id of every resource under it, and CloudFormation
 * would replace the table (retained, so orphaned with every connector config), the cluster and the API of every
 * stack already deployed.
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
  /** Creates and deletes the per-connector task roles; invoked by the reconciler. */
  public readonly connectorRolesFunction: lambdaNodejs.NodejsFunction;
  public readonly reconcilerDeadLetterQueue: sqs.Queue;
  /** ECS task stops on their way to the reconciler (FIFO: one reconcile of them at a time). */
  public readonly taskStoppedQueue: sqs.Queue;
  /** the catalog Lambda function of Java plug-ins (with `javaPlugins` only) */
  public readonly javaCatalogFunction?: lambda.DockerImageFunction;
  public readonly alarms: cloudwatch.Alarm[];
  /** one CloudWatch dashboard per deployment: task metrics per connector, alarms, failed tasks */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Path, permissions boundary and shared policy of the per-connector task roles the reconciler creates. */
  public readonly connectorTaskRoles: ConnectorTaskRoles;

  private readonly taskCluster: TaskCluster;

  constructor(scope: Construct, id: string, props: ServerlessKafkaConnectProps) {
    super(scope, id);
    const projectRoot = resolve(props.projectRoot ?? findProjectRoot(__dirname));
    const kafkaAuth = props.kafkaAuth ?? 'none';
    const apiAuthorization = props.apiAuthorization ?? 'iam';
    const pluginDirs = (props.pluginPaths ?? []).map((p) => pluginDirectory(projectRoot, p));
    const javaPlugins = props.javaPlugins ? new JavaPluginLayer(projectRoot, props.javaPlugins) : undefined;
    const workerConfig = validateWorkerConfig({ ...AWS_WORKER_DEFAULTS, ...props.workerConfig });
    validateKafkaAuth(kafkaAuth, props);
    const logGroups = new LogGroups(this, props.logRetention ?? logs.RetentionDays.ONE_MONTH);
    const functions = new FunctionBundling(projectRoot, pluginDirs);

    const state = new ConnectState(this, props);
    this.table = state.table;

    const network = new ConnectNetwork(this, {
      logGroups,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      kafkaSecurityGroup: props.kafkaSecurityGroup,
      kafkaPeers: props.kafkaPeers,
      kafkaPort: props.kafkaPort ?? DEFAULT_KAFKA_PORT[kafkaAuth],
      vpcEndpoints: props.vpcEndpoints,
      awsServicePeers: props.awsServicePeers,
      extraEgress: props.extraEgress,
      // Config providers' `${ssm:…}` references are read by the tasks: only then is SSM reached.
      ssmEndpoint: (props.taskParameterNames ?? []).length > 0,
    });

    // Variables every composition root reads (docs/environment.md).
    const environment: Record<string, string> = {
      SKC_STORE: 'dynamodb',
      SKC_TABLE_NAME: this.table.tableName,
      SKC_BOOTSTRAP_SERVERS: props.kafkaBootstrapServers,
      SKC_WORKER_CONFIG: JSON.stringify(workerConfig),
      SKC_KAFKA_AUTH: envKafkaAuth(kafkaAuth, props.saslScramMechanism),
      LOG_LEVEL: props.logLevel ?? 'INFO',
      ...(props.kafkaSecret ? { SKC_KAFKA_SECRET_ARN: props.kafkaSecret.secretArn } : {}),
      ...network.environment,
    };

    // The task-runners write their metrics as EMF lines into this deployment's own namespace.
    const tasksNamespace = taskMetricsNamespace(this);
    this.taskCluster = new TaskCluster(this, {
      logGroups,
      projectRoot,
      pluginDirs,
      environment: { ...environment, SKC_METRICS_NAMESPACE: tasksNamespace },
      network,
      taskCpu: props.taskCpu,
      taskMemoryMiB: props.taskMemoryMiB,
      javaPlugins,
    });
    this.vpc = this.taskCluster.vpc;
    this.securityGroup = this.taskCluster.securityGroup;
    this.cluster = this.taskCluster.cluster;
    this.taskDefinition = this.taskCluster.taskDefinition;
    this.taskLogGroup = this.taskCluster.taskLogGroup;
    // Each connector's tasks run with a role of their own (created by the reconciler): what all tasks need goes
    // to the shared policy (and the boundary), the table partitions to the boundary only.
    this.connectorTaskRoles = new ConnectorTaskRoles(this, this.table.tableArn);
    const tasks = this.connectorTaskRoles.tasks;
    const taskPolicies = [this.connectorTaskRoles.sharedPolicy, this.connectorTaskRoles.boundary];
    state.grantTaskRunner(this.connectorTaskRoles.boundaryOnly, tasks);
    grantS3SinkBuckets(Stack.of(this), tasks, props.s3SinkBuckets ?? [], taskPolicies);
    grantTaskSecrets(
      Stack.of(this),
      tasks,
      { secretArns: props.taskSecretArns, parameterNames: props.taskParameterNames },
      taskPolicies,
    );
    javaPlugins?.grantRead(Stack.of(this), tasks, taskPolicies);

    const connectApi = new ConnectApi(this, {
      logGroups,
      functions,
      state,
      taskCluster: this.taskCluster,
      environment,
      authorization: apiAuthorization,
      privateApi: props.privateApi,
      apiVpcEndpoint: props.apiVpcEndpoint,
      apiWebAclArn: props.apiWebAclArn,
      apiCloudWatchRole: props.apiCloudWatchRole,
      apiThrottling: props.apiThrottling,
    });
    this.api = connectApi.api;
    this.apiFunction = connectApi.apiFunction;

    const reconciler = new Reconciler(this, {
      logGroups,
      functions,
      state,
      taskCluster: this.taskCluster,
      connectorTaskRoles: this.connectorTaskRoles,
      environment,
      assignPublicIp: props.assignPublicIp,
      fargateSpot: props.fargateSpot,
      reconcilerStreamFilters: props.reconcilerStreamFilters,
    });
    this.reconcilerFunction = reconciler.reconcilerFunction;
    this.taskEventsFunction = reconciler.taskEventsFunction;
    this.connectorRolesFunction = reconciler.connectorRolesFunction;
    this.reconcilerDeadLetterQueue = reconciler.reconcilerDeadLetterQueue;
    this.taskStoppedQueue = reconciler.taskStoppedQueue;

    // Java plug-ins: the API (list, config, validate) and the reconciler (task configs) ask the catalog function.
    if (javaPlugins) {
      const catalog = new JavaCatalog(this, {
        logGroups,
        projectRoot,
        pluginDirs,
        javaPlugins,
        taskCluster: this.taskCluster,
        memoryMiB: props.javaPlugins?.catalogMemoryMiB,
        logLevel: props.logLevel ?? 'INFO',
      });
      this.javaCatalogFunction = catalog.catalogFunction;
      for (const caller of [this.apiFunction, this.reconcilerFunction]) {
        caller.addEnvironment('SKC_JAVA_CATALOG_FUNCTION', catalog.catalogFunction.functionName);
        // The unqualified function only (grantInvoke would add every version and alias: a wildcard).
        iam.Grant.addToPrincipal({
          grantee: caller,
          actions: ['lambda:InvokeFunction'],
          resourceArns: [catalog.catalogFunction.functionArn],
        });
      }
      // No Kafka grant of its own: the callers send the worker properties, the Kafka authentication included.
      // Connector tasks: the same task definition and per-connector role as the tasks (no grant added).
      if (props.javaPlugins?.connectorTasks !== false) {
        this.reconcilerFunction.addEnvironment('SKC_JAVA_CONNECTOR_TASKS', 'true');
      }
    }

    // The Kafka clients: tasks, the API (offsets, topics) and the reconciler (task configs). With exactly-once
    // source support, tasks and the reconciler (zombie fencing) also use the transactional ids `<group.id>-…`.
    const exactlyOnce = (workerConfig['exactly.once.source.support'] ?? '').trim().toLowerCase() === 'enabled';
    // 'connect-cluster': the group.id every process defaults to (composition/worker-config.ts DISTRIBUTED_DEFAULTS).
    const transactionalIdPrefix = exactlyOnce ? `${workerConfig['group.id'] ?? 'connect-cluster'}-` : undefined;
    for (const client of [tasks, this.apiFunction, this.reconcilerFunction]) {
      grantKafkaClient(Stack.of(this), client, {
        kafkaAuth,
        kafkaSecret: props.kafkaSecret,
        mskClusterArn: props.mskClusterArn,
        transactionalIdPrefix: client === this.apiFunction ? undefined : transactionalIdPrefix,
      });
    }

    const observability = new Observability(this, {
      logGroups,
      cluster: this.cluster,
      api: this.api,
      reconcilerFunction: this.reconcilerFunction,
      reconcilerDeadLetterQueue: this.reconcilerDeadLetterQueue,
      alarmTopic: props.alarmTopic,
      taskMetricsNamespace: tasksNamespace,
      lagAlarmMinutes: props.lagAlarmMinutes ?? 10,
    });
    this.alarms = observability.alarms;
    this.dashboard = observability.dashboard;
    suppressAcceptedFindings(this, apiAuthorization, props.apiWebAclArn !== undefined, this.javaCatalogFunction);
  }

  /** `ecs:RunTask` of the task-runner family in this cluster only, and stop/describe/tag of this cluster's tasks. */
  public grantRunTasks(grantee: iam.IGrantable): void {
    this.taskCluster.grantRunTasks(grantee);
  }
}
