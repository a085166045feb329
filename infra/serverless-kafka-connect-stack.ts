import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ServerlessKafkaConnect } from './serverless-kafka-connect';
import type { ServerlessKafkaConnectProps } from './serverless-kafka-connect';

/** The construct's props, plus ids/ARNs of existing resources that the stack imports (for context values). */
export interface ServerlessKafkaConnectStackProps extends StackProps, ServerlessKafkaConnectProps {
  /**
   * Id of an existing VPC to look up (needs `env` with account and region).
   * @default `vpc`, else a new VPC
   */
  readonly vpcId?: string;
  /**
   * Ids of the subnets for tasks and VPC Lambdas.
   * @default `vpcSubnets`, else the private subnets with egress
   */
  readonly subnetIds?: string[];
  /**
   * Complete ARN of the SASL/SCRAM secret.
   * @default `kafkaSecret`
   */
  readonly kafkaSecretArn?: string;
  /**
   * Id of the Kafka brokers' security group.
   * @default `kafkaSecurityGroup`
   */
  readonly kafkaSecurityGroupId?: string;
  /**
   * ARN of the SNS topic for alarm notifications.
   * @default `alarmTopic`
   */
  readonly alarmTopicArn?: string;
}

/** A deployable stack: the {@link ServerlessKafkaConnect} construct and the outputs a user needs. */
export class ServerlessKafkaConnectStack extends Stack {
  public readonly connect: ServerlessKafkaConnect;

  constructor(scope: Construct, id: string, props: ServerlessKafkaConnectStackProps) {
    super(scope, id, props);
    const { vpcId, subnetIds, kafkaSecretArn, kafkaSecurityGroupId, alarmTopicArn, ...connectProps } = props;
    const imported: Partial<ServerlessKafkaConnectProps> = {};
    if (vpcId) Object.assign(imported, { vpc: ec2.Vpc.fromLookup(this, 'Vpc', { vpcId }) });
    if (subnetIds && subnetIds.length > 0) {
      const subnets = subnetIds.map((s) => ec2.Subnet.fromSubnetId(this, `Subnet-${s}`, s));
      Object.assign(imported, { vpcSubnets: { subnets } });
    }
    if (kafkaSecretArn) {
      const kafkaSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'KafkaSecret', kafkaSecretArn);
      Object.assign(imported, { kafkaSecret });
    }
    if (kafkaSecurityGroupId) {
      const sg = ec2.SecurityGroup.fromSecurityGroupId(this, 'KafkaSecurityGroup', kafkaSecurityGroupId);
      Object.assign(imported, { kafkaSecurityGroup: sg });
    }
    if (alarmTopicArn)
      Object.assign(imported, { alarmTopic: sns.Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn) });

    this.connect = new ServerlessKafkaConnect(this, 'Connect', { ...connectProps, ...imported });
    const output = (id: string, description: string, value: string): CfnOutput =>
      new CfnOutput(this, id, { description, value });
    output('ApiUrl', 'Kafka Connect REST API base URL (SigV4, service execute-api)', this.connect.api.url);
    output('TableName', 'DynamoDB table of connector configs and status', this.connect.table.tableName);
    output('ClusterName', 'ECS cluster of the task-runner tasks', this.connect.cluster.clusterName);
    output('TaskLogGroup', 'Log group of the task-runner tasks', this.connect.taskLogGroup.logGroupName);
  }
}
