import { ArnFormat, Fn } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** How tasks, the API and the reconciler authenticate to Kafka (`SKC_KAFKA_AUTH`). */
export type KafkaAuth = 'none' | 'tls' | 'sasl-scram' | 'msk-iam';
export type SaslScramMechanism = 'SCRAM-SHA-512' | 'SCRAM-SHA-256';

/** Amazon MSK's broker port of each authentication. */
export const DEFAULT_KAFKA_PORT: Record<KafkaAuth, number> = {
  none: 9092,
  tls: 9094,
  'sasl-scram': 9096,
  'msk-iam': 9098,
};

export function validateKafkaAuth(
  auth: KafkaAuth,
  props: { readonly kafkaSecret?: unknown; readonly mskClusterArn?: string; readonly saslScramMechanism?: string },
): void {
  if (auth === 'sasl-scram' && !props.kafkaSecret) throw new Error("kafkaAuth 'sasl-scram' requires kafkaSecret");
  if (auth === 'msk-iam' && !props.mskClusterArn) throw new Error("kafkaAuth 'msk-iam' requires mskClusterArn");
  if (props.saslScramMechanism && auth !== 'sasl-scram') {
    throw new Error("saslScramMechanism applies only to kafkaAuth 'sasl-scram'");
  }
}

/** The `SKC_KAFKA_AUTH` value (docs/environment.md). */
export function envKafkaAuth(auth: KafkaAuth, mechanism: SaslScramMechanism | undefined): string {
  if (auth !== 'sasl-scram') return auth;
  return mechanism === 'SCRAM-SHA-256' ? 'sasl-scram-256' : 'sasl-scram-512';
}

/** What a Kafka client (a task, the API, the reconciler) needs to authenticate: the secret, or MSK IAM grants. */
export function grantKafkaClient(
  stack: Stack,
  grantee: iam.IGrantable,
  access: {
    readonly kafkaAuth: KafkaAuth;
    readonly kafkaSecret?: secretsmanager.ISecret | undefined;
    readonly mskClusterArn?: string | undefined;
    /**
     * Exactly-once source (KIP-618): the prefix of the transactional ids this client initialises or fences,
     * `<group.id>-` (Apache's `<group.id>-<connector>-<task>`); absent: no transactional-id grant.
     */
    readonly transactionalIdPrefix?: string | undefined;
  },
): void {
  access.kafkaSecret?.grantRead(grantee);
  if (access.kafkaAuth === 'msk-iam' && access.mskClusterArn) {
    grantMskIam(stack, grantee, access.mskClusterArn, access.transactionalIdPrefix);
  }
}

/**
 * kafka-cluster:* on one MSK cluster, its topics and its consumer groups (arn:…:cluster/<name>/<uuid>), and the
 * transactional ids starting with `transactionalIdPrefix` when given.
 */
export function grantMskIam(
  stack: Stack,
  grantee: iam.IGrantable,
  clusterArn: string,
  transactionalIdPrefix?: string,
): void {
  const arn = stack.splitArn(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
  const path = Fn.split('/', clusterArn);
  const name = Fn.select(1, path);
  const uuid = Fn.select(2, path);
  const under = (type: string): string =>
    `arn:${arn.partition}:kafka:${arn.region}:${arn.account}:${type}/${name}/${uuid}/`;
  const scoped = (type: string): string => `${under(type)}*`;
  iam.Grant.addToPrincipal({
    grantee,
    // WriteDataIdempotently: producers with enable.idempotence (Apache's default since Kafka 3.0).
    actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
    resourceArns: [clusterArn],
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: [
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:CreateTopic',
      'kafka-cluster:ReadData',
      'kafka-cluster:WriteData',
      'kafka-cluster:DescribeTopicDynamicConfiguration',
    ],
    resourceArns: [scoped('topic')],
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup', 'kafka-cluster:DeleteGroup'],
    resourceArns: [scoped('group')],
  });
  if (transactionalIdPrefix !== undefined) {
    // Exactly-once source tasks (transactional producers: InitProducerId, AddPartitionsToTxn, EndTxn …) and the
    // reconciler's zombie fencing (InitProducerId per task id) act on the ids `<group.id>-<connector>-<task>`.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:DescribeTransactionalId', 'kafka-cluster:AlterTransactionalId'],
      resourceArns: [`${under('transactional-id')}${transactionalIdPrefix}*`],
    });
  }
}
