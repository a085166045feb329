import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { LogGroups } from './observability';

/** One more destination the tasks (and the VPC Lambdas) may reach: a database, an HTTPS API, S3 through NAT … */
export interface EgressDestination {
  readonly peer: ec2.IPeer;
  readonly port: ec2.Port;
  readonly description?: string;
}

export interface ConnectNetworkProps {
  readonly logGroups: LogGroups;
  /** Existing VPC; none: a new one. */
  readonly vpc?: ec2.IVpc | undefined;
  /** Subnets of the tasks and VPC Lambdas; none: private subnets with egress. */
  readonly vpcSubnets?: ec2.SubnetSelection | undefined;
  /** Security group of the Kafka brokers. */
  readonly kafkaSecurityGroup?: ec2.ISecurityGroup | undefined;
  /** Where the brokers are without a security group; none: the VPC's CIDR. */
  readonly kafkaPeers?: ec2.IPeer[] | undefined;
  readonly kafkaPort: number;
  /** Create interface endpoints for the AWS APIs; none: true for a new VPC, false for an existing one. */
  readonly vpcEndpoints?: boolean | undefined;
  /** Where the AWS APIs are reached over HTTPS without the construct's endpoints; none: the VPC's CIDR. */
  readonly awsServicePeers?: ec2.IPeer[] | undefined;
  readonly extraEgress?: EgressDestination[] | undefined;
  /** Also an SSM endpoint (tasks read `${ssm:…}` parameters); none: false. */
  readonly ssmEndpoint?: boolean | undefined;
}

/**
 * The AWS APIs the tasks and VPC Lambdas call, as interface endpoints: image pulls (ECR API, ECR registry and S3,
 * where ECR keeps the layers), CloudWatch Logs (the awslogs driver), Secrets Manager (the Kafka secret, config
 * providers), ECS (the reconciler's RunTask), Lambda (the reconciler invokes the connector-roles function) and
 * DynamoDB (configs and status).
 */
const AWS_SERVICE_ENDPOINTS: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
  EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  S3Endpoint: ec2.InterfaceVpcEndpointAwsService.S3,
  LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  SecretsManagerEndpoint: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  EcsEndpoint: ec2.InterfaceVpcEndpointAwsService.ECS,
  // The reconciler invokes the connector-roles function (per-connector task roles).
  LambdaEndpoint: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
};

/**
 * The concern "what tasks may reach": the VPC, the one security group of the tasks and of the Lambdas that reach
 * Kafka, and its egress. Nothing goes to 0.0.0.0/0 by default: Kafka (the brokers' security group, the given
 * peers, else the VPC's CIDR), the AWS APIs through interface endpoints (or the given peers), and the
 * destinations the deployer adds for connectors that need them. A connector that tries to send data or the
 * cluster's credentials anywhere else is refused by the network.
 */
export class ConnectNetwork {
  public readonly vpc: ec2.IVpc;
  public readonly vpcSubnets: ec2.SubnetSelection;
  public readonly securityGroup: ec2.SecurityGroup;
  /** Environment that points the SDK at the endpoints that have no private DNS name (DynamoDB). */
  public readonly environment: Record<string, string> = {};

  constructor(scope: Construct, props: ConnectNetworkProps) {
    // aws-cdk-lib's classes declare `prop: string | undefined` where their interfaces say `prop?: string`, which
    // exactOptionalPropertyTypes rejects; the casts below only bridge that declaration mismatch.
    this.vpc = props.vpc ?? (createVpc(scope, props.logGroups) as unknown as ec2.IVpc);
    this.vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'Kafka Connect tasks and the Lambdas that reach Kafka',
      allowAllOutbound: false,
    });
    const vpcCidr = (what: string): ec2.IPeer => {
      try {
        return ec2.Peer.ipv4(this.vpc.vpcCidrBlock);
      } catch {
        throw new Error(`the VPC's CIDR is unknown (an imported VPC without vpcCidrBlock): pass ${what}`);
      }
    };

    const kafkaPort = ec2.Port.tcp(props.kafkaPort);
    if (props.kafkaSecurityGroup) {
      this.securityGroup.connections.allowTo(props.kafkaSecurityGroup, kafkaPort, 'Kafka brokers');
    } else {
      for (const peer of props.kafkaPeers ?? [vpcCidr('kafkaSecurityGroup or kafkaPeers')]) {
        this.securityGroup.addEgressRule(peer, kafkaPort, 'Kafka brokers');
      }
    }

    const https = ec2.Port.tcp(443);
    if (props.vpcEndpoints ?? props.vpc === undefined) {
      const endpoints = new ec2.SecurityGroup(scope, 'VpcEndpointsSecurityGroup', {
        vpc: this.vpc,
        description: 'Interface endpoints of the AWS APIs that Kafka Connect tasks and Lambdas call',
        allowAllOutbound: false,
      });
      this.securityGroup.connections.allowTo(endpoints, https, 'AWS APIs through interface endpoints');
      const subnets = this.vpcSubnets;
      const services = {
        ...AWS_SERVICE_ENDPOINTS,
        ...(props.ssmEndpoint ? { SsmEndpoint: ec2.InterfaceVpcEndpointAwsService.SSM } : {}),
      };
      for (const [id, service] of Object.entries(services)) {
        new ec2.InterfaceVpcEndpoint(scope, id, {
          vpc: this.vpc,
          service,
          subnets,
          securityGroups: [endpoints],
          open: false, // only the tasks' security group, not the whole VPC CIDR
          privateDnsEnabled: true,
        });
      }
      // DynamoDB's interface endpoint has no private DNS name: the SDK is pointed at it (SKC_DYNAMODB_ENDPOINT).
      const dynamodb = new ec2.InterfaceVpcEndpoint(scope, 'DynamoDbEndpoint', {
        vpc: this.vpc,
        service: ec2.InterfaceVpcEndpointAwsService.DYNAMODB,
        subnets,
        securityGroups: [endpoints],
        open: false,
        privateDnsEnabled: false,
      });
      // DnsEntries are `<hosted zone id>:<name>`, the regional name first.
      const dnsName = Fn.select(1, Fn.split(':', Fn.select(0, dynamodb.vpcEndpointDnsEntries)));
      this.environment['SKC_DYNAMODB_ENDPOINT'] = `https://${dnsName}`;
    } else {
      for (const peer of props.awsServicePeers ?? [vpcCidr('vpcEndpoints: true or awsServicePeers')]) {
        this.securityGroup.addEgressRule(peer, https, 'AWS APIs over HTTPS');
      }
    }

    for (const extra of props.extraEgress ?? []) {
      this.securityGroup.addEgressRule(extra.peer, extra.port, extra.description ?? 'Connector destination');
    }
  }

  /** Where a VPC Lambda of the construct runs: the tasks' subnets and security group. */
  get lambdaNetwork(): { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection; securityGroups: ec2.ISecurityGroup[] } {
    return { vpc: this.vpc, vpcSubnets: this.vpcSubnets, securityGroups: [this.securityGroup] };
  }
}

function createVpc(scope: Construct, logGroups: LogGroups): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
    // Free gateway endpoint: DynamoDB traffic of anything outside the tasks' security group skips NAT.
    gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    flowLogs: {
      rejected: {
        trafficType: ec2.FlowLogTrafficType.REJECT,
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroups.create('VpcFlowLogs')),
      },
    },
    // Restricting the default SG needs a custom-resource Lambda; nothing here uses the default SG.
    restrictDefaultSecurityGroup: false,
  });
}
