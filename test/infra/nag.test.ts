import { Match } from 'aws-cdk-lib/assertions';
import type { Annotations } from 'aws-cdk-lib/assertions';
import { actionsOf, iamStatements, RESOURCE_STAR_EXCEPTIONS, resourcesOf, synth } from './synth';
import type { ServerlessKafkaConnectStackProps } from '../../infra/serverless-kafka-connect-stack';

const nagFindings = (annotations: Annotations, level: 'error' | 'warning'): string[] =>
  (level === 'error' ? annotations.findError : annotations.findWarning)
    .call(annotations, '*', Match.stringLikeRegexp('AwsSolutions-.*'))
    .map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);

const variants: Record<string, Partial<ServerlessKafkaConnectStackProps>> = {
  default: {},
  'sasl-scram on Fargate Spot': {
    kafkaAuth: 'sasl-scram',
    kafkaSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_skc-AbCdEf',
    fargateSpot: true,
  },
  'msk-iam': {
    kafkaAuth: 'msk-iam',
    mskClusterArn: 'arn:aws:kafka:us-east-1:111111111111:cluster/skc/0123abcd-1234-5678-9abc-def012345678-2',
  },
  'msk-iam with exactly-once source': {
    kafkaAuth: 'msk-iam',
    mskClusterArn: 'arn:aws:kafka:us-east-1:111111111111:cluster/skc/0123abcd-1234-5678-9abc-def012345678-2',
    workerConfig: { 'exactly.once.source.support': 'enabled' },
  },
  'private API': { privateApi: true },
  'S3 sink buckets': { s3SinkBuckets: ['lake-raw', 'lake-curated'] },
  'config-provider secrets': {
    taskSecretArns: ['arn:aws:secretsmanager:us-east-1:111111111111:secret:db-password-AbCdEf'],
    taskParameterNames: ['/connect/api-token', '/connect/db/*'],
  },
  'WAF web ACL': {
    apiWebAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/skc/0123abcd-1234-5678-9abc-def012345678',
  },
};

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.entries(variants))('reports no unacknowledged error or warning: %s', (_name, props) => {
    const { annotations, template } = synth(props, { nag: true });
    expect(nagFindings(annotations, 'error')).toEqual([]);
    expect(nagFindings(annotations, 'warning')).toEqual([]);
    // …and, whatever the options, Resource "*" only for the actions that have no resource type.
    const star = iamStatements(template).filter((st) => resourcesOf(st).includes('*'));
    expect(star.flatMap(actionsOf).sort()).toEqual(Object.keys(RESOURCE_STAR_EXCEPTIONS).sort());
  });

  it('still reports an unauthenticated API: COG4 is suppressed only with IAM authorization', () => {
    // Error annotations fail synthesis, so the findings arrive as the validation error's report.
    let report = '';
    try {
      synth({ apiAuthorization: 'none' }, { nag: true });
    } catch (e) {
      report = String(e);
    }
    const errorRules = new Set([...report.matchAll(/ERROR (AwsSolutions-[A-Z0-9]+)/g)].map((m) => m[1]));
    expect([...errorRules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-COG4']);
  });

  it('suppresses only reviewed rules, each with a specific reason', () => {
    const { template } = synth({}, { nag: true });
    const suppressions = Object.values(
      template.toJSON()['Resources'] as Record<string, Record<string, unknown>>,
    ).flatMap((r) => {
      const meta = r['Metadata'] as { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string }> } };
      return meta?.cdk_nag?.rules_to_suppress ?? [];
    });
    expect([...new Set(suppressions.map((s) => s.id))].sort()).toEqual([
      'AwsSolutions-APIG2', // zod validation in the Lambda answers with Kafka Connect error bodies
      'AwsSolutions-APIG3', // no WAF by default: unsigned requests never reach the integration
      'AwsSolutions-COG4', // IAM (SigV4) authorization instead of Cognito
      'AwsSolutions-ECS2', // non-secret environment variables
      'AwsSolutions-IAM4', // AWS-maintained Lambda/API Gateway service-role policies
      'AwsSolutions-IAM5', // wildcards bounded to this table, cluster, task family, MSK cluster
      'AwsSolutions-L1', // Node.js 22 pinned like the task-runner image
      'AwsSolutions-SQS3', // the queue is itself a dead-letter queue
    ]);
    for (const s of suppressions) {
      expect(s.reason.length).toBeGreaterThanOrEqual(60);
      expect(s.reason).not.toMatch(/TODO|FIXME|temporary/i);
    }
  });
});
