import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** CloudWatch namespace of the construct's own metrics. */
export const METRICS_NAMESPACE = 'ServerlessKafkaConnect';

/** The event pattern of every ECS task state change (task events, task stops, failed tasks). */
export const TASK_STATE_CHANGE = { source: ['aws.ecs'], detailType: ['ECS Task State Change'] };

/** Every log group of the construct: one retention, destroyed with the stack (logs are not state). */
export class LogGroups {
  constructor(
    private readonly scope: Construct,
    private readonly retention: logs.RetentionDays,
  ) {}

  create(id: string, logGroupName?: string): logs.LogGroup {
    return new logs.LogGroup(this.scope, id, {
      retention: this.retention,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logGroupName ? { logGroupName } : {}),
    });
  }
}

export interface ObservabilityProps {
  readonly logGroups: LogGroups;
  readonly cluster: ecs.Cluster;
  readonly api: apigw.RestApi;
  readonly reconcilerFunction: lambda.IFunction;
  readonly reconcilerDeadLetterQueue: sqs.IQueue;
  /** SNS topic notified by the alarms; none: alarms without actions. */
  readonly alarmTopic?: sns.ITopic | undefined;
  /** CloudWatch namespace of this deployment's task metrics (EMF lines of the task-runners) */
  readonly taskMetricsNamespace: string;
  /** minutes of growing sink lag before the lag alarm fires */
  readonly lagAlarmMinutes: number;
}

/** The `service` dimension of the task-runners' deployment-wide EMF line (composition/task-metrics-emf.ts). */
export const TASK_METRICS_SERVICE = 'skc-task-runner';

/** This deployment's task-metrics namespace: the construct's namespace plus a per-deployment suffix. */
export const taskMetricsNamespace = (scope: Construct): string =>
  `${METRICS_NAMESPACE}/${Names.uniqueResourceName(scope, { maxLength: 64 })}`;

/**
 * The concern "is it healthy?": failed tasks counted from ECS events, API 5xx, reconciler errors and dead letters,
 * each an alarm. Like every concern of {@link ServerlessKafkaConnect} it adds its resources to the composing
 * construct's scope (see there why).
 */
export class Observability {
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, props: ObservabilityProps) {
    const period = Duration.minutes(5);
    // Failed task = stopped without being asked to: failed to start, or its container exited non-zero. The events go
    // to a log group (an audit trail with stoppedReason) whose metric filter counts them.
    const failedTasksLog = props.logGroups.create(
      'FailedTasksLog',
      `/aws/events/${Names.uniqueResourceName(scope, { maxLength: 80 })}-failed-tasks`, // EventBridge's required prefix
    );
    const logsPolicy = new logs.ResourcePolicy(scope, 'FailedTasksLogPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [failedTasksLog.logGroupArn],
        }),
      ],
    });
    const failedTasksRule = new events.Rule(scope, 'FailedTasksRule', {
      description: 'Kafka Connect tasks that stopped without a StopTask',
      eventPattern: {
        ...TASK_STATE_CHANGE,
        detail: {
          clusterArn: [props.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: ['TaskFailedToStart'] },
            { stopCode: ['EssentialContainerExited'], containers: { exitCode: [{ 'anything-but': 0 }] } },
          ],
        },
      },
    });
    const logGroupTargetArn = Stack.of(scope).formatArn({
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
      dimensionsMap: { ClusterArn: props.cluster.clusterArn },
      statistic: cloudwatch.Stats.SUM,
      period,
    });

    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold = 1): void => {
      const a = new cloudwatch.Alarm(scope, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.alarmTopic) a.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      this.alarms.push(a);
    };
    alarm('FailedTasksAlarm', 'Kafka Connect tasks stopped unexpectedly', failedTasks);
    alarm('Api5xxAlarm', 'Kafka Connect REST API 5xx responses', props.api.metricServerError({ period }));
    alarm('ReconcilerErrorsAlarm', 'Reconciler Lambda errors', props.reconcilerFunction.metricErrors({ period }));
    alarm(
      'ReconcilerDlqAlarm',
      'DynamoDB stream batches the reconciler gave up on',
      props.reconcilerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
    );

    // Task metrics (EMF from the task-runners, docs/observability.md). Alarms cannot search dimensions, so they
    // read the deployment-wide line (dimension `service` only).
    const ns = props.taskMetricsNamespace;
    const deploymentMetric = (metricName: string, statistic: string, p: Duration) =>
      new cloudwatch.Metric({
        namespace: ns,
        metricName,
        dimensionsMap: { service: TASK_METRICS_SERVICE },
        statistic,
        period: p,
      });
    alarm(
      'DeadLetterQueueAlarm',
      'Kafka Connect tasks wrote records to a dead letter queue topic',
      deploymentMetric('deadletterqueue-records', cloudwatch.Stats.SUM, period),
    );
    alarm(
      'StalledTasksAlarm',
      'A Kafka Connect task is RUNNING but makes no progress while input waits',
      deploymentMetric('task-stalled', cloudwatch.Stats.MAXIMUM, period),
    );
    // Lag growing: the largest task lag rose in each of the last N one-minute periods.
    const minutes = Math.max(1, Math.floor(props.lagAlarmMinutes));
    const lagGrowing = new cloudwatch.Alarm(scope, 'LagGrowingAlarm', {
      alarmDescription: `Kafka Connect sink lag grew for ${minutes} minute(s) in a row`,
      metric: new cloudwatch.MathExpression({
        expression: 'DIFF(lag)',
        usingMetrics: { lag: deploymentMetric('records-lag', cloudwatch.Stats.MAXIMUM, Duration.minutes(1)) },
        period: Duration.minutes(1),
        label: 'lag growth per minute',
      }),
      threshold: 0,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) lagGrowing.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
    this.alarms.push(lagGrowing);

    // One dashboard per deployment: per-connector series found by SEARCH over the task dimensions.
    const search = (metricName: string, statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${ns},ConnectorName,Task,service} MetricName="${metricName}"', '${statistic}', 60)`,
        usingMetrics: {},
        period: Duration.minutes(1),
        label,
      });
    const graph = (title: string, metrics: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left: metrics, width: 12, height: 6 });
    this.dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
      dashboardName: Names.uniqueResourceName(scope, { maxLength: 255 }).replace(/[^A-Za-z0-9_-]/g, '-'),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph('Source records polled / written per second', [
        search('source-record-poll-rate', 'Average', 'poll'),
        search('source-record-write-rate', 'Average', 'write'),
      ]),
      graph('Sink records read / sent per second', [
        search('sink-record-read-rate', 'Average', 'read'),
        search('sink-record-send-rate', 'Average', 'send'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Sink lag (records)', [search('records-lag', 'Maximum', 'lag')]),
      graph('Stalled tasks', [search('task-stalled', 'Maximum', 'stalled')]),
    );
    this.dashboard.addWidgets(
      graph('Offset commit avg time (ms) / success %', [
        search('offset-commit-avg-time-ms', 'Average', 'commit ms'),
        search('offset-commit-success-percentage', 'Average', 'success %'),
      ]),
      graph('Put / poll batch avg time (ms)', [
        search('put-batch-avg-time-ms', 'Average', 'put'),
        search('poll-batch-avg-time-ms', 'Average', 'poll'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Record errors, skipped, dead letter queue', [
        search('total-record-errors', 'Maximum', 'errors'),
        search('total-records-skipped', 'Maximum', 'skipped'),
        search('deadletterqueue-produce-requests', 'Maximum', 'DLQ'),
      ]),
      graph('Failed tasks and reconciler errors', [failedTasks, props.reconcilerFunction.metricErrors({ period })]),
    );
  }
}
