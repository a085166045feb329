import { Duration, Fn } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ConnectorTaskRoles } from './connector-task-roles';
import type { FunctionBundling } from './functions';
import { TASK_STATE_CHANGE } from './observability';
import type { LogGroups } from './observability';
import type { ConnectState } from './state';
import { desiredStateFilters } from './table-keys';
import { TASK_RUNNER_CONTAINER } from './task-cluster';
import type { TaskCluster } from './task-cluster';

export interface ReconcilerProps {
  readonly logGroups: LogGroups;
  readonly functions: FunctionBundling;
  readonly state: ConnectState;
  readonly taskCluster: TaskCluster;
  /** The per-connector task roles the reconciler creates, passes to RunTask and deletes. */
  readonly connectorTaskRoles: ConnectorTaskRoles;
  /** Environment every composition root reads (docs/environment.md). */
  readonly environment: Record<string, string>;
  readonly assignPublicIp?: boolean | undefined;
  readonly fargateSpot?: boolean | undefined;
  /** Event filters of the stream mapping; none: desired-state changes only. */
  readonly reconcilerStreamFilters?: Array<Record<string, unknown>> | undefined;
}

/**
 * The concern "converge running tasks to the desired state": the reconciler Lambda and what wakes it (the table's
 * stream, a schedule, unplanned task stops), and the task-events Lambda that records ECS task state as task status.
 */
export class Reconciler {
  public readonly reconcilerFunction: lambdaNodejs.NodejsFunction;
  public readonly taskEventsFunction: lambdaNodejs.NodejsFunction;
  /** Creates and deletes the per-connector task roles; invoked by the reconciler. */
  public readonly connectorRolesFunction: lambdaNodejs.NodejsFunction;
  public readonly reconcilerDeadLetterQueue: sqs.Queue;
  /** ECS task stops on their way to the reconciler (FIFO: one reconcile of them at a time). */
  public readonly taskStoppedQueue: sqs.Queue;

  constructor(scope: Construct, props: ReconcilerProps) {
    const { functions, state, taskCluster } = props;
    const table = state.table;
    const subnetIds = taskCluster.vpc.selectSubnets(taskCluster.vpcSubnets).subnetIds;
    this.reconcilerFunction = new lambdaNodejs.NodejsFunction(scope, 'ReconcilerFunction', {
      ...functions.props('lambdas/reconciler/handler.ts'),
      description: 'Converges running ECS tasks to the connector configs in DynamoDB',
      ...taskCluster.lambdaNetwork, // asks connectors for task configs, which may need Kafka metadata
      memorySize: 512,
      timeout: Duration.minutes(2),
      // Single flight: the stream, the schedule and task stops each invoke it, and two concurrent reconciles would
      // both see a task missing and both launch it. Invocations beyond one are throttled and retried by their source.
      reservedConcurrentExecutions: 1,
      logGroup: props.logGroups.create('ReconcilerFunctionLogs'),
      environment: {
        ...props.environment,
        ...functions.pluginEnv,
        ...functions.sourceMaps,
        SKC_ECS_CLUSTER: taskCluster.cluster.clusterArn,
        SKC_TASK_DEFINITION: taskCluster.taskDefinition.taskDefinitionArn,
        SKC_CONTAINER_NAME: TASK_RUNNER_CONTAINER,
        SKC_SUBNETS: Fn.join(',', subnetIds),
        SKC_SECURITY_GROUPS: taskCluster.securityGroup.securityGroupId,
        SKC_ASSIGN_PUBLIC_IP: props.assignPublicIp ? 'ENABLED' : 'DISABLED',
        SKC_CAPACITY_PROVIDER: props.fargateSpot ? 'FARGATE_SPOT' : 'FARGATE',
      },
    });
    state.grantControlPlane(this.reconcilerFunction);
    taskCluster.grantRunTasks(this.reconcilerFunction);

    // Per-connector task roles: created and deleted by a function of their own, outside the VPC (IAM is not
    // reachable from it) and apart from the reconciler, which runs connector code and gets no IAM write grant.
    this.connectorRolesFunction = new lambdaNodejs.NodejsFunction(scope, 'ConnectorRolesFunction', {
      ...functions.props('lambdas/connector-roles/handler.ts', false),
      description: 'Creates and deletes the per-connector ECS task roles (own table partitions, bounded)',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup: props.logGroups.create('ConnectorRolesFunctionLogs'),
      environment: {
        ...props.connectorTaskRoles.environment(table.tableArn),
        LOG_LEVEL: props.environment['LOG_LEVEL'] ?? 'INFO',
        ...functions.sourceMaps,
      },
    });
    props.connectorTaskRoles.grantManage(this.connectorRolesFunction);
    // The unqualified function only (grantInvoke would add every version and alias, `<arn>:*`).
    iam.Grant.addToPrincipal({
      grantee: this.reconcilerFunction,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.connectorRolesFunction.functionArn],
    });
    props.connectorTaskRoles.grantPass(this.reconcilerFunction);
    this.reconcilerFunction.addEnvironment('SKC_TASK_ROLE_FUNCTION', this.connectorRolesFunction.functionName);

    this.reconcilerDeadLetterQueue = new sqs.Queue(scope, 'ReconcilerDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.reconcilerFunction.addEventSource(
      new lambdaEventSources.DynamoEventSource(table as unknown as dynamodb.ITable, {
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
    new events.Rule(scope, 'ReconcileSchedule', {
      description: 'Periodic reconcile of Kafka Connect tasks',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new eventsTargets.LambdaFunction(this.reconcilerFunction, { retryAttempts: 0 })],
    });

    this.taskEventsFunction = new lambdaNodejs.NodejsFunction(scope, 'TaskEventsFunction', {
      ...functions.props('lambdas/task-events/handler.ts', false),
      description: 'Records ECS task state changes as Kafka Connect task status',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup: props.logGroups.create('TaskEventsFunctionLogs'),
      environment: {
        SKC_STORE: 'dynamodb',
        SKC_TABLE_NAME: table.tableName,
        SKC_ECS_CLUSTER: taskCluster.cluster.clusterArn,
        LOG_LEVEL: props.environment['LOG_LEVEL'] ?? 'INFO',
        ...functions.sourceMaps,
      },
    });
    state.grantTaskEventRecorder(this.taskEventsFunction);
    new events.Rule(scope, 'TaskStateChangeRule', {
      description: 'ECS task state changes of the Kafka Connect cluster',
      eventPattern: { ...TASK_STATE_CHANGE, detail: { clusterArn: [taskCluster.cluster.clusterArn] } },
      targets: [new eventsTargets.LambdaFunction(this.taskEventsFunction)],
    });

    // An unplanned task stop wakes the reconciler at once (the relaunch would otherwise wait for the schedule).
    // Through a FIFO queue with one message group: a burst of stops (a broker outage fails every task at once)
    // is reconciled in batches, one at a time, instead of by concurrent runs that would each launch the missing
    // tasks. Our own StopTask calls (UserInitiated) need no reconcile.
    const taskStoppedDlq = new sqs.Queue(scope, 'TaskStoppedDlq', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.taskStoppedQueue = new sqs.Queue(scope, 'TaskStoppedQueue', {
      fifo: true,
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.hours(1), // the one-minute schedule re-converges anything older
      visibilityTimeout: Duration.minutes(12), // 6× the reconciler's timeout, as Lambda's SQS guide advises
      // A receive throttled by the reconciler's single flight counts too: 5, as Lambda's SQS guide advises with
      // reserved concurrency, before a stop is dead-lettered (the schedule would still relaunch the task).
      deadLetterQueue: { queue: taskStoppedDlq, maxReceiveCount: 5 },
    });
    new events.Rule(scope, 'TaskStoppedRule', {
      description: 'Unplanned stops of Kafka Connect tasks, to relaunch them without waiting for the schedule',
      eventPattern: {
        ...TASK_STATE_CHANGE,
        detail: {
          clusterArn: [taskCluster.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          stopCode: [{ 'anything-but': 'UserInitiated' }],
        },
      },
      targets: [new eventsTargets.SqsQueue(this.taskStoppedQueue, { messageGroupId: 'task-stopped' })],
    });
    this.reconcilerFunction.addEventSource(
      new lambdaEventSources.SqsEventSource(this.taskStoppedQueue, { batchSize: 10, reportBatchItemFailures: false }),
    );
  }
}
