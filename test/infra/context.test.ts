import { PLACEHOLDER_BOOTSTRAP_SERVERS, stackPropsFromContext } from '../../infra/context';

const fromContext = (ctx: Record<string, unknown>, env: Record<string, string> = {}) =>
  stackPropsFromContext((key) => ctx[key], env);

describe('CDK context → stack props', () => {
  it('maps -c strings to typed props and leaves absent keys at their defaults', () => {
    const { stackName, props, warnings } = fromContext({
      bootstrapServers: 'b-1.msk:9098,b-2.msk:9098',
      kafkaAuth: 'msk-iam',
      mskClusterArn: 'arn:aws:kafka:eu-west-1:111111111111:cluster/c/uuid',
      taskCpu: '512',
      taskMemoryMiB: '1024',
      fargateSpot: 'true',
      privateApi: 'false',
      logRetentionDays: '90',
      pluginPaths: 'plugins/a, plugins/b',
      subnetIds: 'subnet-1,subnet-2',
      workerConfig: '{"offset.storage.topic":"connect-offsets","offset.storage.replication.factor":3}',
    });
    expect(stackName).toBe('ServerlessKafkaConnect');
    expect(warnings).toEqual([]);
    expect(props).toMatchObject({
      kafkaBootstrapServers: 'b-1.msk:9098,b-2.msk:9098',
      kafkaAuth: 'msk-iam',
      taskCpu: 512,
      taskMemoryMiB: 1024,
      fargateSpot: true,
      privateApi: false,
      logRetention: 90,
      pluginPaths: ['plugins/a', 'plugins/b'],
      subnetIds: ['subnet-1', 'subnet-2'],
      workerConfig: { 'offset.storage.topic': 'connect-offsets', 'offset.storage.replication.factor': '3' },
    });
    for (const absent of ['vpcId', 'env', 'apiAuthorization', 'kafkaSecretArn', 'kafkaPort']) {
      expect(props).not.toHaveProperty(absent);
    }
  });

  it('maps throttling and egress keys', () => {
    const { props } = fromContext({
      apiThrottlingRateLimit: '10',
      apiThrottlingBurstLimit: '20',
      kafkaCidrs: '10.20.0.0/16, 10.21.0.0/16',
      vpcEndpoints: 'false',
      awsServiceCidrs: '10.0.0.0/16',
    });
    expect(props.apiThrottling).toEqual({ rateLimit: 10, burstLimit: 20 });
    expect(props.kafkaPeers?.map((p) => p.uniqueId)).toEqual(['10.20.0.0/16', '10.21.0.0/16']);
    expect(props.vpcEndpoints).toBe(false);
    expect(props.awsServicePeers?.map((p) => p.uniqueId)).toEqual(['10.0.0.0/16']);
    expect(() => fromContext({ apiThrottlingRateLimit: '10' })).toThrow(/go together/);
  });

  it('maps the Java plug-in layer keys', () => {
    expect(fromContext({ javaPluginsDirectory: 'java-plugins' }).props.javaPlugins).toEqual({
      directory: 'java-plugins',
    });
    expect(
      fromContext({ javaPluginsS3Bucket: 'b', javaPluginsS3Keys: 'debezium.zip, jdbc.jar' }).props.javaPlugins,
    ).toEqual({ s3: { bucket: 'b', keys: ['debezium.zip', 'jdbc.jar'] } });
    expect(fromContext({ javaPluginsS3Bucket: 'b', javaPluginsS3Prefix: 'plugins/' }).props.javaPlugins).toEqual({
      s3: { bucket: 'b', prefix: 'plugins/' },
    });
    expect(fromContext({}).props).not.toHaveProperty('javaPlugins');
    expect(() => fromContext({ javaPluginsS3Prefix: 'p/' })).toThrow(/need javaPluginsS3Bucket/);
  });

  it('accepts typed values from cdk.json', () => {
    const { props } = fromContext({ bootstrapServers: 'k:9092', fargateSpot: true, taskCpu: 1024, pluginPaths: ['p'] });
    expect(props).toMatchObject({ fargateSpot: true, taskCpu: 1024, pluginPaths: ['p'] });
  });

  it('synthesizes without bootstrapServers (for CI) with a placeholder and a warning', () => {
    const { props, warnings } = fromContext({});
    expect(props.kafkaBootstrapServers).toBe(PLACEHOLDER_BOOTSTRAP_SERVERS);
    expect(warnings).toEqual([expect.stringContaining('-c bootstrapServers=')]);
  });

  it('looks a VPC up in the account and region of the credentials', () => {
    const env = { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' };
    expect(fromContext({ vpcId: 'vpc-1' }, env).props).toMatchObject({
      vpcId: 'vpc-1',
      env: { account: '111111111111', region: 'eu-west-1' },
    });
    expect(() => fromContext({ vpcId: 'vpc-1' })).toThrow(/credentials/);
  });

  it.each([
    [{ fargateSpot: 'yes' }, /fargateSpot must be true or false/],
    [{ taskCpu: '0.5' }, /taskCpu must be a positive integer/],
    [{ kafkaAuth: 'plain' }, /kafkaAuth must be one of none, tls, sasl-scram, msk-iam/],
    [{ apiAuthorization: 'cognito' }, /apiAuthorization must be one of iam, none/],
    [{ workerConfig: '["a"]' }, /workerConfig must be a JSON object/],
  ])('rejects invalid context %j', (ctx, message) => {
    expect(() => fromContext(ctx)).toThrow(message);
  });
});
