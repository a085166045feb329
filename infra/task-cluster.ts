import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LogGroups } from './observability';
import type { PluginDirectory } from './plugin-paths';

/** Container name of the task-runner in the task definition (`SKC_CONTAINER_NAME`). */
export const TASK_RUNNER_CONTAINER = 'task-runner';

export interface TaskClusterProps {
  readonly logGroups: LogGroups;
  /** Root of the sources: the Docker build context of the task-runner image. */
  readonly projectRoot: string;
  readonly pluginDirs: PluginDirectory[];
  /** Environment every composition root reads (docs/environment.md). */
  readonly environment: Record<string, string>;
  /** Existing VPC; none: a new one. */
  readonly vpc?: ec2.IVpc | undefined;
  /** Subnets of the tasks and VPC Lambdas; none: private subnets with egress. */
  readonly vpcSubnets?: ec2.SubnetSelection | undefined;
  /** Security group of the Kafka brokers; none: egress to any IPv4 address on the Kafka port. */
  readonly kafkaSecurityGroup?: ec2.ISecurityGroup | undefined;
  readonly kafkaPort: number;
  readonly taskCpu?: number | undefined;
  readonly taskMemoryMiB?: number | undefined;
}

/**
 * The concern "where tasks run": the network (VPC, the one security group of tasks and of the Lambdas that reach
 * Kafka), the ECS cluster and the one task-runner task definition, and who may run tasks in it.
 */
export class TaskCluster {
  public readonly vpc: ec2.IVpc;
  public readonly vpcSubnets: ec2.SubnetSelection;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly taskLogGroup: logs.LogGroup;

  constructor(
    private readonly scope: Construct,
    props: TaskClusterProps,
  ) {
    // ---- network ----
    // aws-cdk-lib's classes declare `prop: string | undefined` where their interfaces say `prop?: string`, which
    // exactOptionalPropertyTypes rejects; the casts below only bridge that declaration mismatch.
    this.vpc = props.vpc ?? (createVpc(scope, props.logGroups) as unknown as ec2.IVpc);
    this.vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'Kafka Connect tasks and the Lambdas that reach Kafka',
      allowAllOutbound: false,
    });
    const kafkaPort = ec2.Port.tcp(props.kafkaPort);
    if (props.kafkaSecurityGroup) {
      this.securityGroup.connections.allowTo(props.kafkaSecurityGroup, kafkaPort, 'Kafka brokers');
    } else {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), kafkaPort, 'Kafka brokers');
    }
    // AWS APIs (DynamoDB, ECS, ECR, CloudWatch Logs, Secrets Manager) are HTTPS, through NAT or VPC endpoints.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');

    // ---- ECS: cluster and the one task-runner task definition ----
    this.cluster = new ecs.Cluster(scope, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskRunner', {
      cpu: props.taskCpu ?? 256,
      memoryLimitMiB: props.taskMemoryMiB ?? 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskLogGroup = props.logGroups.create('TaskLogs');
    const pluginDirs = props.pluginDirs;
    this.taskDefinition.addContainer(TASK_RUNNER_CONTAINER, {
      // Staged (copied) at synth, built by `cdk deploy` on the deploying machine: synth needs no Docker.
      image: ecs.ContainerImage.fromAsset(props.projectRoot, {
        file: 'task-runner/Dockerfile',
        platform: Platform.LINUX_ARM64,
        buildArgs: { SKC_PLUGIN_DIRS: pluginDirs.map((d) => d.relative).join(' ') },
      }),
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.taskLogGroup, streamPrefix: 'task' }),
      environment: {
        ...props.environment,
        ...(pluginDirs.length > 0 ? { SKC_PLUGIN_PATH: pluginDirs.map((_, i) => `/app/plugins/${i}`).join(',') } : {}),
      },
      // SIGTERM → stop polling, flush, commit offsets, report status: give it time before SIGKILL.
      stopTimeout: Duration.seconds(60),
      // An init process as PID 1 forwards SIGTERM to node and reaps children.
      linuxParameters: new ecs.LinuxParameters(scope, 'TaskRunnerLinuxParameters', { initProcessEnabled: true }),
    });
  }

  get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /** Where a VPC Lambda of the construct runs: the tasks' subnets and security group. */
  get lambdaNetwork(): { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection; securityGroups: ec2.ISecurityGroup[] } {
    return { vpc: this.vpc, vpcSubnets: this.vpcSubnets, securityGroups: [this.securityGroup] };
  }

  /** `ecs:RunTask` of the task-runner family in this cluster only, and stop/describe/tag of this cluster's tasks. */
  grantRunTasks(grantee: iam.IGrantable): void {
    const stack = Stack.of(this.scope);
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
}

function createVpc(scope: Construct, logGroups: LogGroups): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
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
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroups.create('VpcFlowLogs')),
      },
    },
    // Restricting the default SG needs a custom-resource Lambda; nothing here uses the default SG.
    restrictDefaultSecurityGroup: false,
  });
}
