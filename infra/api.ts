import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { FunctionBundling } from './functions';
import type { LogGroups } from './observability';
import type { ConnectState } from './state';
import type { TaskCluster } from './task-cluster';

/** Who may call the Kafka Connect REST API. */
export type ApiAuthorization = 'iam' | 'none';

/** Stage-wide throttling of the REST API (API Gateway's token bucket, for all methods together). */
export interface ApiThrottling {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests that may arrive at once above the steady rate. */
  readonly burstLimit: number;
}

/**
 * A Kafka Connect REST API is an admin API: a handful of requests per deployment, polling clients included. The
 * limits keep one runaway or hostile caller from spending the API Lambda's concurrency (and the table's capacity)
 * of everyone, while staying far above what operators and CI scripts send.
 */
export const DEFAULT_API_THROTTLING: ApiThrottling = { rateLimit: 50, burstLimit: 100 };

export interface ConnectApiProps {
  readonly logGroups: LogGroups;
  readonly functions: FunctionBundling;
  readonly state: ConnectState;
  readonly taskCluster: TaskCluster;
  /** Environment every composition root reads (docs/environment.md). */
  readonly environment: Record<string, string>;
  readonly authorization: ApiAuthorization;
  readonly privateApi?: boolean | undefined;
  readonly apiVpcEndpoint?: ec2.IInterfaceVpcEndpoint | undefined;
  readonly apiWebAclArn?: string | undefined;
  readonly apiCloudWatchRole?: boolean | undefined;
  readonly apiThrottling?: ApiThrottling | undefined;
}

/** The concern "the Kafka Connect REST API": API Gateway in front of the API Lambda, and who may reach it. */
export class ConnectApi {
  public readonly api: apigw.RestApi;
  public readonly apiFunction: lambdaNodejs.NodejsFunction;

  constructor(scope: Construct, props: ConnectApiProps) {
    this.apiFunction = new lambdaNodejs.NodejsFunction(scope, 'ApiFunction', {
      ...props.functions.props('lambdas/api/handler.ts'),
      description: 'Kafka Connect REST API',
      ...props.taskCluster.lambdaNetwork, // offsets and topic endpoints talk to Kafka
      memorySize: 1024,
      timeout: Duration.seconds(29), // API Gateway's integration timeout
      logGroup: props.logGroups.create('ApiFunctionLogs'),
      environment: { ...props.environment, ...props.functions.pluginEnv, ...props.functions.sourceMaps },
    });
    props.state.grantControlPlane(this.apiFunction);

    const authorization = props.authorization;
    const throttling = props.apiThrottling ?? DEFAULT_API_THROTTLING;
    if (!(throttling.rateLimit > 0 && Number.isInteger(throttling.burstLimit) && throttling.burstLimit > 0)) {
      throw new Error('apiThrottling needs a positive rateLimit and a positive integer burstLimit');
    }
    const endpoint = props.privateApi
      ? (props.apiVpcEndpoint ?? createApiEndpoint(scope, props.taskCluster.vpc, props.taskCluster.vpcSubnets))
      : undefined;
    this.api = new apigw.RestApi(scope, 'Api', {
      description: 'Kafka Connect REST API',
      endpointConfiguration: endpoint
        ? { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [endpoint] }
        : { types: [apigw.EndpointType.REGIONAL] },
      ...(endpoint ? { policy: privateApiPolicy(endpoint, authorization) } : {}),
      defaultMethodOptions: {
        authorizationType: authorization === 'iam' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
      },
      cloudWatchRole: props.apiCloudWatchRole ?? true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        accessLogDestination: new apigw.LogGroupLogDestination(props.logGroups.create('ApiAccessLogs')),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Bodies carry connector configs: never log them.
        dataTraceEnabled: false,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
    });
    const integration = new apigw.LambdaIntegration(this.apiFunction, { allowTestInvoke: false });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });

    if (props.apiWebAclArn) {
      new wafv2.CfnWebACLAssociation(scope, 'ApiWebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.apiWebAclArn,
      });
    }
  }
}

function createApiEndpoint(scope: Construct, vpc: ec2.IVpc, subnets: ec2.SubnetSelection): ec2.InterfaceVpcEndpoint {
  const endpoint = new ec2.InterfaceVpcEndpoint(scope, 'ApiEndpoint', {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
    privateDnsEnabled: true,
    subnets,
  });
  NagSuppressions.addResourceSuppressions(
    endpoint,
    [
      {
        id: 'AwsSolutions-EC23',
        reason:
          "The endpoint's security group admits HTTPS from the VPC CIDR only; cdk-nag cannot resolve that CIDR, an intrinsic of the VPC.",
      },
    ],
    true,
  );
  return endpoint;
}

function privateApiPolicy(endpoint: ec2.IInterfaceVpcEndpoint, authorization: ApiAuthorization): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        // With IAM authorization the caller's own IAM policy must still allow execute-api:Invoke.
        principals: [authorization === 'iam' ? new iam.AccountRootPrincipal() : new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint.vpcEndpointId } },
      }),
    ],
  });
}
