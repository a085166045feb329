import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ApiAuthorization } from './api';
import type { KafkaAuth } from './kafka-access';
import type { JavaPlugins } from './java-plugins';
import type { ServerlessKafkaConnectStackProps } from './serverless-kafka-connect-stack';

/** Used when no bootstrapServers context is given, so that CI can synth; the `.invalid` TLD never resolves. */
export const PLACEHOLDER_BOOTSTRAP_SERVERS = 'kafka.invalid:9092';

export interface AppSettings {
  readonly stackName: string;
  readonly props: ServerlessKafkaConnectStackProps;
  readonly warnings: string[];
}

/**
 * Maps CDK context values (`-c key=value`, or `context` in cdk.json) to stack props. Values from `-c` are strings;
 * cdk.json may hold typed values, so everything is normalised to strings first.
 */
export function stackPropsFromContext(
  get: (key: string) => unknown,
  env: Record<string, string | undefined>,
): AppSettings {
  const str = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  const bool = (key: string): boolean | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new Error(`context ${key} must be true or false, got ${v}`);
    return v === 'true';
  };
  const int = (key: string): number | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`context ${key} must be a positive integer, got ${v}`);
    return n;
  };
  const list = (key: string): string[] | undefined => {
    const v = get(key);
    if (Array.isArray(v)) return v.map(String);
    return str(key)
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T | undefined => {
    const v = str(key);
    if (v !== undefined && !(values as readonly string[]).includes(v)) {
      throw new Error(`context ${key} must be one of ${values.join(', ')}, got ${v}`);
    }
    return v as T | undefined;
  };
  const workerConfig = (): Record<string, string> | undefined => {
    const v = get('workerConfig');
    if (v === undefined || v === null || v === '') return undefined;
    const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('context workerConfig must be a JSON object of worker properties');
    }
    return Object.fromEntries(Object.entries(parsed).map(([k, val]) => [k, String(val)]));
  };

  const throttling = (): { rateLimit: number; burstLimit: number } | undefined => {
    const rateLimit = int('apiThrottlingRateLimit');
    const burstLimit = int('apiThrottlingBurstLimit');
    if (rateLimit === undefined && burstLimit === undefined) return undefined;
    if (rateLimit === undefined || burstLimit === undefined) {
      throw new Error('context apiThrottlingRateLimit and apiThrottlingBurstLimit go together');
    }
    return { rateLimit, burstLimit };
  };

  const warnings: string[] = [];
  const bootstrapServers = str('bootstrapServers');
  if (!bootstrapServers) {
    warnings.push(
      `No bootstrapServers context: synthesized with ${PLACEHOLDER_BOOTSTRAP_SERVERS}; deploy with -c bootstrapServers=host:port,…`,
    );
  }
  const vpcId = str('vpcId');
  const account = env['CDK_DEFAULT_ACCOUNT'];
  const region = env['CDK_DEFAULT_REGION'];
  if (vpcId && !(account && region)) throw new Error('context vpcId needs AWS credentials with an account and region');

  // javaPluginsDirectory, javaPluginsS3Bucket with javaPluginsS3Prefix or javaPluginsS3Keys (comma-separated);
  // javaConnectorTasks=false polls the Java connectors' task configs instead of running connector tasks.
  const javaPlugins = (): JavaPlugins | undefined => {
    const directory = str('javaPluginsDirectory');
    const bucket = str('javaPluginsS3Bucket');
    const prefix = str('javaPluginsS3Prefix');
    const keys = list('javaPluginsS3Keys');
    if ((prefix !== undefined || keys !== undefined) && bucket === undefined)
      throw new Error('context javaPluginsS3Prefix / javaPluginsS3Keys need javaPluginsS3Bucket');
    const s3 =
      bucket === undefined
        ? undefined
        : { bucket, ...(prefix !== undefined ? { prefix } : {}), ...(keys !== undefined ? { keys } : {}) };
    if (directory === undefined && s3 === undefined) return undefined;
    const connectorTasks = bool('javaConnectorTasks');
    return {
      ...(directory !== undefined ? { directory } : {}),
      ...(s3 ? { s3 } : {}),
      ...(connectorTasks !== undefined ? { connectorTasks } : {}),
    };
  };

  const settings: Record<string, unknown> = {
    description: 'Serverless Kafka Connect: REST API on Lambda, configs and status in DynamoDB, tasks on ECS Fargate',
    // A VPC lookup needs a concrete environment; otherwise the stack stays environment-agnostic.
    env: vpcId ? { account, region } : undefined,
    kafkaBootstrapServers: bootstrapServers ?? PLACEHOLDER_BOOTSTRAP_SERVERS,
    vpcId,
    subnetIds: list('subnetIds'),
    kafkaAuth: oneOf<KafkaAuth>('kafkaAuth', ['none', 'tls', 'sasl-scram', 'msk-iam']),
    saslScramMechanism: oneOf('saslScramMechanism', ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const),
    kafkaSecretArn: str('kafkaSecretArn'),
    mskClusterArn: str('mskClusterArn'),
    kafkaSecurityGroupId: str('kafkaSecurityGroupId'),
    kafkaPort: int('kafkaPort'),
    taskCpu: int('taskCpu'),
    taskMemoryMiB: int('taskMemoryMiB'),
    fargateSpot: bool('fargateSpot'),
    assignPublicIp: bool('assignPublicIp'),
    apiAuthorization: oneOf<ApiAuthorization>('apiAuthorization', ['iam', 'none']),
    privateApi: bool('privateApi'),
    apiCloudWatchRole: bool('apiCloudWatchRole'),
    apiWebAclArn: str('apiWebAclArn'),
    apiThrottling: throttling(),
    kafkaPeers: list('kafkaCidrs')?.map((cidr) => ec2.Peer.ipv4(cidr)),
    vpcEndpoints: bool('vpcEndpoints'),
    awsServicePeers: list('awsServiceCidrs')?.map((cidr) => ec2.Peer.ipv4(cidr)),
    logRetention: int('logRetentionDays') as RetentionDays | undefined,
    logLevel: str('logLevel'),
    pluginPaths: list('pluginPaths'),
    taskSecretArns: list('taskSecretArns'),
    taskParameterNames: list('taskParameterNames'),
    javaPlugins: javaPlugins(),
    workerConfig: workerConfig(),
    alarmTopicArn: str('alarmTopicArn'),
  };
  // exactOptionalPropertyTypes: an absent context key leaves the prop absent, i.e. at its documented default.
  const props = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as unknown as ServerlessKafkaConnectStackProps;
  return { stackName: str('stackName') ?? 'ServerlessKafkaConnect', props, warnings };
}
