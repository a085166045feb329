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
}

/**
 * The concern "is it healthy?": failed tasks counted from ECS events, API 5xx, reconciler errors and dead letters,
 * each an alarm. Like every concern of {@link ServerlessKafkaConnect} it adds its resources to the composing
 * construct's scope (see there why).
 */
export class Observability {
  public readonly alarms: cloudwatch.Alarm[] = [];

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
  }
}
