/**
 * SKC_KAFKA_AUTH (set by the CDK stack, docs/environment.md) as the worker properties an Apache user writes for
 * the same cluster, so the one mapping from properties to clients (lib/config/client-config.ts) configures every
 * client: un-prefixed keys for the worker's own and admin clients, `producer.` / `consumer.` for task clients
 * (Apache does not pass un-prefixed security keys on to those). Keys in SKC_WORKER_CONFIG win over these.
 */
import { MSK_IAM_CALLBACK_HANDLER, MSK_IAM_LOGIN_MODULE } from '../lib/config/client-config';
import { readSecretString } from '../lib/adapters/secrets-manager/secret-reader';
import type { CommonEnv } from './env';

type AuthEnv = Pick<CommonEnv, 'SKC_KAFKA_AUTH' | 'SKC_KAFKA_SECRET_ARN'>;

/** Reads a Secrets Manager secret's string (injectable for tests). */
export type SecretReader = (arn: string) => Promise<string>;

/** JAAS option values are double-quoted; a quote or backslash in them would need escaping Kafka does not do. */
const jaasValue = (name: string, value: unknown): string => {
  if (typeof value !== 'string' || value === '' || /["\\]/.test(value)) {
    throw new Error(`SKC_KAFKA_SECRET_ARN: the secret's "${name}" must be a non-empty string without " or \\`);
  }
  return value;
};

async function securityProperties(env: AuthEnv, readSecret: SecretReader): Promise<Record<string, string>> {
  switch (env.SKC_KAFKA_AUTH) {
    case 'none':
      return {};
    case 'tls':
      return { 'security.protocol': 'SSL' };
    case 'msk-iam':
      return {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'AWS_MSK_IAM',
        'sasl.jaas.config': `${MSK_IAM_LOGIN_MODULE} required;`,
        'sasl.client.callback.handler.class': MSK_IAM_CALLBACK_HANDLER,
      };
    case 'sasl-scram-512':
    case 'sasl-scram-256': {
      if (!env.SKC_KAFKA_SECRET_ARN)
        throw new Error(`SKC_KAFKA_SECRET_ARN: required with SKC_KAFKA_AUTH=${env.SKC_KAFKA_AUTH}`);
      let secret: Record<string, unknown>;
      try {
        secret = JSON.parse(await readSecret(env.SKC_KAFKA_SECRET_ARN)) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`SKC_KAFKA_SECRET_ARN: the secret must be JSON {"username","password"} (${String(error)})`);
      }
      const username = jaasValue('username', secret['username']);
      const password = jaasValue('password', secret['password']);
      return {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': env.SKC_KAFKA_AUTH === 'sasl-scram-512' ? 'SCRAM-SHA-512' : 'SCRAM-SHA-256',
        'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
      };
    }
  }
}

/** The worker properties of SKC_KAFKA_AUTH, for the worker's clients and (prefixed) its tasks' clients. */
export async function kafkaAuthProperties(
  env: AuthEnv,
  readSecret: SecretReader = readSecretString,
): Promise<Record<string, string>> {
  const security = await securityProperties(env, readSecret);
  const props: Record<string, string> = {};
  for (const prefix of ['', 'producer.', 'consumer.']) {
    for (const [key, value] of Object.entries(security)) props[`${prefix}${key}`] = value;
  }
  return props;
}
