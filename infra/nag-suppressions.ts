import type { FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { NagSuppressions } from 'cdk-nag';

/** The resources of ServerlessKafkaConnect the findings are about (a shape, so this module does not import it). */
export interface AcceptedFindingsScope {
  readonly api: IConstruct;
  readonly apiFunction: IFunction;
  readonly reconcilerFunction: IFunction;
  readonly taskEventsFunction: IFunction;
  readonly connectorRolesFunction: IFunction;
  readonly reconcilerDeadLetterQueue: Queue;
  readonly taskStoppedQueue: Queue;
  readonly taskDefinition: FargateTaskDefinition;
  /** The permissions boundary and the shared policy of the per-connector task roles. */
  readonly connectorTaskRoles: { readonly boundary: ManagedPolicy; readonly sharedPolicy: ManagedPolicy };
}

/** cdk-nag AwsSolutions findings that are accepted by design, each with the reason a reviewer needs. */
export function suppressAcceptedFindings(
  connect: AcceptedFindingsScope,
  apiAuthorization: 'iam' | 'none',
  webAcl: boolean,
  javaCatalogFunction?: IFunction,
): void {
  // Only IAM authorization is an accepted alternative to Cognito; with 'none', cdk-nag keeps reporting it.
  if (apiAuthorization === 'iam') {
    NagSuppressions.addResourceSuppressions(
      connect.api,
      [
        {
          id: 'AwsSolutions-COG4',
          reason:
            'Every method is authorized with AWS_IAM (SigV4), like AWS control-plane APIs; there are no Cognito users.',
        },
        ...(webAcl
          ? []
          : [
              {
                id: 'AwsSolutions-APIG3',
                reason:
                  'API Gateway rejects unsigned requests before any integration runs; a WAF web ACL can be attached with apiWebAclArn.',
              },
            ]),
      ],
      true,
    );
  }
  const functions = [
    connect.apiFunction,
    connect.reconcilerFunction,
    connect.taskEventsFunction,
    connect.connectorRolesFunction,
  ];
  const lambdaRoles = functions.map((f) => f.role!);
  NagSuppressions.addResourceSuppressions(
    [...lambdaRoles, ...(javaCatalogFunction ? [javaCatalogFunction.role!] : [])],
    [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AWSLambdaBasicExecutionRole (write own logs) and AWSLambdaVPCAccessExecutionRole (manage ENIs) are the AWS-maintained minimal policies for Lambda; ENI actions cannot be scoped to resources.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
        ],
      },
    ],
    true,
  );
  const ecsArn = 'arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>';
  const taskPolicies = [connect.connectorTaskRoles.sharedPolicy, connect.connectorTaskRoles.boundary];
  NagSuppressions.addResourceSuppressions(
    [...lambdaRoles, ...taskPolicies],
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'ecs:StopTask/DescribeTasks/TagResource on tasks of this one cluster: task ids are random.',
        appliesTo: [{ regex: `/^Resource::${escapeRegex(`${ecsArn}:task/<`)}.*Cluster[0-9A-F]{8}>\\/\\*$/` }],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'ecs:RunTask on every revision of the one task-runner family (an update registers a new revision), conditioned on this cluster.',
        appliesTo: [{ regex: `/^Resource::${escapeRegex(`${ecsArn}:task-definition/`)}[^:/]+:\\*$/` }],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Resource * only for actions without a resource type: ecs:ListTasks (conditioned on ecs:cluster) and dynamodb:ListStreams (added by the stream event source).',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Topics and consumer groups of the one MSK cluster, and its transactional ids under the worker group.id ' +
          'prefix (exactly-once source): their names come from connector configs at run time.',
        appliesTo: [
          { regex: '/^Resource::arn:.*:kafka:.*:((topic|group)\\/.*\\/|transactional-id\\/.*\\/[^/*]+-)\\*$/' },
        ],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Per-connector task roles: one role per connector (named from the connector at run time) under this deployment's own IAM path, created only with this deployment's permissions boundary and passed only to ECS tasks; the wildcard is that path's role names.",
        appliesTo: [
          {
            regex:
              '/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role\\/serverless-kafka-connect\\/[^*]+\\/\\*$/',
          },
        ],
      },
    ],
    true,
  );
  NagSuppressions.addResourceSuppressions(
    connect.taskDefinition,
    [
      {
        id: 'AwsSolutions-ECS2',
        reason:
          'The environment holds only non-secret settings (table name, bootstrap servers, worker properties validated to contain secrets only as config-provider references); the Kafka secret is passed by ARN and read with IAM.',
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'ecr:GetAuthorizationToken added by CDK to the execution role has no resource type; image pulls themselves are scoped to the asset repository.',
        appliesTo: ['Resource::*'],
      },
    ],
    true,
  );
  NagSuppressions.addResourceSuppressions(connect.reconcilerDeadLetterQueue, [
    {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter (on-failure) destination of the reconciler stream mapping.',
    },
  ]);
  const taskStoppedDlq = connect.taskStoppedQueue.deadLetterQueue?.queue;
  if (taskStoppedDlq)
    NagSuppressions.addResourceSuppressions(taskStoppedDlq, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the task-stopped queue.' },
    ]);
  NagSuppressions.addResourceSuppressions(
    connect.api,
    [
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'The API Lambda validates every request with zod and answers with Kafka Connect error bodies ({error_code, message}); API Gateway validation would return non-Kafka-Connect error shapes.',
      },
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy of the account-level API Gateway logging role, required for access and execution logs.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      },
    ],
    true,
  );
  NagSuppressions.addResourceSuppressions(functions, [
    {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22, the runtime the task-runner image and local development use (engines node >=22), so all three composition roots run the same major.',
    },
  ]);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
