/**
 * What the S3 sink (docs/s3-sink.md) needs on its buckets, granted to the connector task roles: write, read back, delete (the
 * uncommitted tail under wall-clock rotation), tag, abort abandoned multipart uploads, and list the bucket and its
 * uploads (recovery, HeadBucket). Scoped to the configured buckets; nothing account-wide.
 */
import type { Stack } from 'aws-cdk-lib';
import { Arn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const S3_SINK_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:GetObject',
  's3:DeleteObject',
  's3:PutObjectTagging',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

export const S3_SINK_BUCKET_ACTIONS = ['s3:ListBucket', 's3:ListBucketMultipartUploads'] as const;

/**
 * Grant the S3 sink's actions on `buckets` (names) to `grantee` (the connector task roles); no statement (and no
 * suppression) when there are none. `suppressOn`: the IAM resources that end up holding the statements.
 */
export function grantS3SinkBuckets(
  scope: Stack,
  grantee: iam.IGrantable,
  buckets: readonly string[],
  suppressOn: IConstruct[],
): void {
  if (buckets.length === 0) return;
  const bucketArn = (name: string): string =>
    Arn.format({ partition: scope.partition, service: 's3', region: '', account: '', resource: name }, scope);
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...S3_SINK_OBJECT_ACTIONS],
    resourceArns: buckets.map((b) => `${bucketArn(b)}/*`),
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...S3_SINK_BUCKET_ACTIONS],
    resourceArns: buckets.map(bucketArn),
  });
  NagSuppressions.addResourceSuppressions(
    suppressOn,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "S3 sink: objects of the buckets named in s3SinkBuckets (keys are the connector's data, named from topics and offsets at run time).",
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::[^/*]+\\/\\*$/' }],
      },
    ],
    true,
  );
}
