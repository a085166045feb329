import { Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ConnectNetwork } from './network';
import type { LogGroups } from './observability';
import type { JavaPluginLayer } from './java-plugins';
import type { PluginDirectory } from './plugin-paths';

/** Container name of the task-runner in the task definition (`SKC_CONTAINER_NAME`). */
export const TASK_RUNNER_CONTAINER = 'task-runner';
/** The task's writable scratch volume, mounted at /tmp. */
const SCRATCH_VOLUME = 'scratch';

export interface TaskClusterProps {
  readonly logGroups: LogGroups;
  readonly network: ConnectNetwork;
  /** Root of the sources: the Docker build context of the task-runner image. */
  readonly projectRoot: string;
  readonly pluginDirs: PluginDirectory[];
  /** Environment every composition root reads (docs/environment.md). */
  readonly environment: Record<string, string>;
  readonly taskCpu?: number | undefined;
  readonly taskMemoryMiB?: number | undefined;
  /** Java plug-ins: the image with a JRE and the JVM host (target task-runner-jvm), their plugin.path and S3 reads. */
  readonly javaPlugins?: JavaPluginLayer | undefined;
}

/** The task-runner image (task-runner/Dockerfile): Node only, or with a JRE and the JVM host for Java plug-ins. */
export function taskRunnerImageProps(
  pluginDirs: PluginDirectory[],
  javaPlugins: JavaPluginLayer | undefined,
  target?: 'jvm-catalog',
): { file: string; platform: Platform; buildArgs: Record<string, string>; target?: string } {
  return {
    file: 'task-runner/Dockerfile',
    platform: Platform.LINUX_ARM64,
    buildArgs: {
      SKC_PLUGIN_DIRS: pluginDirs.map((d) => d.relative).join(' '),
      ...(javaPlugins?.directory ? { SKC_JAVA_PLUGIN_DIR: javaPlugins.directory.relative } : {}),
    },
    ...(target ? { target } : javaPlugins ? { target: 'task-runner-jvm' } : {}),
  };
}

/** `SKC_PLUGIN_PATH` of the containers: the JavaScript plug-in directories, then the Java plug-in layer. */
export function containerPluginPath(pluginDirs: PluginDirectory[], javaPlugins: JavaPluginLayer | undefined): string[] {
  return [...pluginDirs.map((_, i) => `/app/plugins/${i}`), ...(javaPlugins?.pluginPath ?? [])];
}

/**
 * The concern "where tasks run": the ECS cluster in the {@link ConnectNetwork}, the one task-runner task
 * definition, and who may run tasks in it.
 */
export class TaskCluster {
  public readonly network: ConnectNetwork;
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
    this.network = props.network;
    this.vpc = this.network.vpc;
    this.vpcSubnets = this.network.vpcSubnets;
    this.securityGroup = this.network.securityGroup;

    // ---- ECS: cluster and the one task-runner task definition ----
    this.cluster = new ecs.Cluster(scope, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskRunner', {
      // A task with a JVM beside Node (Apache's plug-in scan is CPU-bound, the JVM host's heap is up to 512 MiB)
      // gets twice the Node-only defaults.
      cpu: props.taskCpu ?? (props.javaPlugins ? 512 : 256),
      memoryLimitMiB: props.taskMemoryMiB ?? (props.javaPlugins ? 1024 : 512),
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskLogGroup = props.logGroups.create('TaskLogs');
    const pluginDirs = props.pluginDirs;
    const pluginPath = containerPluginPath(pluginDirs, props.javaPlugins);
    // Scratch space of a read-only container: a volume on the task's ephemeral storage (Fargate has no tmpfs).
    this.taskDefinition.addVolume({ name: SCRATCH_VOLUME });
    const container = this.taskDefinition.addContainer(TASK_RUNNER_CONTAINER, {
      // Staged (copied) at synth, built by `cdk deploy` on the deploying machine: synth needs no Docker.
      image: ecs.ContainerImage.fromAsset(props.projectRoot, taskRunnerImageProps(pluginDirs, props.javaPlugins)),
      essential: true,
      // Nothing in the image may change at run time (the image also makes /app root-owned and read-only).
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.taskLogGroup, streamPrefix: 'task' }),
      environment: {
        ...props.environment,
        ...this.network.environment,
        ...(pluginPath.length > 0 ? { SKC_PLUGIN_PATH: pluginPath.join(',') } : {}),
        ...props.javaPlugins?.downloadEnvironment,
      },
      // SIGTERM → stop polling, flush, commit offsets, report status: give it time before SIGKILL.
      stopTimeout: Duration.seconds(60),
      // An init process as PID 1 forwards SIGTERM to node and reaps children.
      linuxParameters: new ecs.LinuxParameters(scope, 'TaskRunnerLinuxParameters', { initProcessEnabled: true }),
    });
    container.addMountPoints({ sourceVolume: SCRATCH_VOLUME, containerPath: '/tmp', readOnly: false });
  }

  /**
   * The task definition's own task role: it has no permissions. Every RunTask overrides it with the connector's
   * role (infra/connector-task-roles.ts); a task started without that override can do nothing.
   */
  get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /** Where a VPC Lambda of the construct runs: the tasks' subnets and security group. */
  get lambdaNetwork(): { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection; securityGroups: ec2.ISecurityGroup[] } {
    return this.network.lambdaNetwork;
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
