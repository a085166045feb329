/** The connector task roles (their shared policy, within their boundary) get exactly the S3 sink's actions on the configured buckets (prop `s3SinkBuckets`), nothing wider. */
import { actionsOf, iamStatements, logicalId, resourcesOf, synth } from './synth';

const bucketArn = (name: string): unknown => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${name}`]],
});
const objectsArn = (name: string): unknown => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${name}/*`]],
});

describe('S3 sink bucket grants', () => {
  it('grants object and bucket actions on exactly the configured buckets, to the connector task roles only', () => {
    const s = synth({ s3SinkBuckets: ['lake-raw', 'lake-curated'] });
    const taskPolicies = [logicalId(s, 'ConnectorTaskPolicy'), logicalId(s, 'ConnectorTaskBoundary')];
    const all = iamStatements(s.template).filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
    expect([...new Set(all.map((st) => st.policy))].sort()).toEqual([...taskPolicies].sort());
    const s3Statements = all.filter((st) => st.policy === taskPolicies[0]);
    const byActions = new Map(s3Statements.map((st) => [actionsOf(st).sort().join(','), resourcesOf(st)]));
    expect([...byActions.keys()].sort()).toEqual([
      's3:AbortMultipartUpload,s3:DeleteObject,s3:GetObject,s3:ListMultipartUploadParts,s3:PutObject,s3:PutObjectTagging',
      's3:ListBucket,s3:ListBucketMultipartUploads',
    ]);
    // (CDK sorts a statement's resources)
    expect(byActions.get('s3:ListBucket,s3:ListBucketMultipartUploads')).toEqual([
      bucketArn('lake-curated'),
      bucketArn('lake-raw'),
    ]);
    expect(
      byActions.get(
        's3:AbortMultipartUpload,s3:DeleteObject,s3:GetObject,s3:ListMultipartUploadParts,s3:PutObject,s3:PutObjectTagging',
      ),
    ).toEqual([objectsArn('lake-curated'), objectsArn('lake-raw')]);
    expect(s3Statements.every((st) => st.Effect === 'Allow' && st.Condition === undefined)).toBe(true);
  });

  it('grants no S3 action without buckets', () => {
    const s = synth();
    expect(iamStatements(s.template).filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')))).toEqual([]);
  });
});
