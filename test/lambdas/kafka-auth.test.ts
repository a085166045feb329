import { createKafkaFromProps, mskIamOAuthBearer } from '../../lib/adapters/kafka/client-from-props';
import { connectorClientProps, mapClientConfig, workerAdminProps } from '../../lib/config/client-config';
import { mskIamAuthToken } from '../../lib/config/client-security';
import { kafkaAuthProperties } from '../../composition/kafka-auth';
import { distributedWorkerConfig } from '../../composition/worker-config';
import { commonEnvSchema } from '../../composition/env';

const env = (vars: Record<string, string>) => commonEnvSchema.parse({ SKC_BOOTSTRAP_SERVERS: 'b-1:9098', ...vars });
const secret = (value: unknown) => async (arn: string) => {
  expect(arn).toBe('arn:aws:secretsmanager:eu-west-1:1:secret:kafka');
  return JSON.stringify(value);
};

/** How each client of a deployment connects, from the worker config the task-runner builds. */
async function clients(vars: Record<string, string>, readSecret?: (arn: string) => Promise<string>) {
  const e = env(vars);
  const auth = await kafkaAuthProperties(e, readSecret);
  const worker = distributedWorkerConfig(e, auth);
  return {
    worker,
    producer: mapClientConfig('producer', connectorClientProps(worker, 'producer', 'c', 0, {})),
    consumer: mapClientConfig('consumer', connectorClientProps(worker, 'consumer', 'c', 0, {})),
    // Worker keys that are no client configs are no news here (the worker's clients map without those warnings).
    admin: mapClientConfig('admin', workerAdminProps(worker.originals), { warnUnknown: false }),
  };
}

describe('SKC_KAFKA_AUTH', () => {
  it('none: plaintext, nothing added', async () => {
    expect(await kafkaAuthProperties(env({}))).toEqual({});
  });

  it('tls: every client (worker, admin, task producer and consumer) uses TLS', async () => {
    const c = await clients({ SKC_KAFKA_AUTH: 'tls' });
    for (const m of [c.producer, c.consumer, c.admin]) {
      expect(m.client.ssl).toBe(true);
      expect(m.client.sasl).toBeUndefined();
    }
  });

  it('sasl-scram-512: the secret becomes SCRAM credentials of every client, over TLS', async () => {
    const c = await clients(
      { SKC_KAFKA_AUTH: 'sasl-scram-512', SKC_KAFKA_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:kafka' },
      secret({ username: 'connect', password: 'p4ss word' }),
    );
    for (const m of [c.producer, c.consumer, c.admin]) {
      expect(m.client.ssl).toBe(true);
      expect(m.client.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'connect', password: 'p4ss word' });
      expect(m.warnings).toEqual([]);
    }
  });

  it('sasl-scram: a missing ARN or a malformed secret fails with the variable named', async () => {
    await expect(kafkaAuthProperties(env({ SKC_KAFKA_AUTH: 'sasl-scram-256' }))).rejects.toThrow(
      'SKC_KAFKA_SECRET_ARN: required with SKC_KAFKA_AUTH=sasl-scram-256',
    );
    const withArn = env({
      SKC_KAFKA_AUTH: 'sasl-scram-256',
      SKC_KAFKA_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:kafka',
    });
    await expect(kafkaAuthProperties(withArn, async () => 'not json')).rejects.toThrow('SKC_KAFKA_SECRET_ARN');
    await expect(kafkaAuthProperties(withArn, secret({ username: 'a"b', password: 'x' }))).rejects.toThrow(
      'the secret\'s "username" must be a non-empty string',
    );
  });

  it('msk-iam: SASL_SSL with the MSK IAM mechanism, which kafkajs gets as OAUTHBEARER with a signed token', async () => {
    const c = await clients({ SKC_KAFKA_AUTH: 'msk-iam' });
    for (const m of [c.producer, c.consumer, c.admin]) {
      expect(m.client.ssl).toBe(true);
      expect(m.client.sasl).toEqual({ mechanism: 'aws' });
      expect(m.warnings).toEqual([]); // the Java login module and callback handler are understood, not ignored
    }
    const props = connectorClientProps(c.worker, 'producer', 'c', 0, {});
    expect(() => createKafkaFromProps('producer', props)).not.toThrow();
  });

  it('explicit SKC_WORKER_CONFIG keys win over the deployment default', async () => {
    const c = await clients({
      SKC_KAFKA_AUTH: 'tls',
      SKC_WORKER_CONFIG: JSON.stringify({ 'producer.security.protocol': 'PLAINTEXT' }),
    });
    expect(c.producer.client.ssl).toBeUndefined();
    expect(c.consumer.client.ssl).toBe(true);
  });

  it('msk-iam: the OAUTHBEARER token is signed locally with the process AWS credentials and region', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    try {
      expect(mskIamOAuthBearer().mechanism).toBe('OAUTHBEARER');
      const value = await mskIamAuthToken();
      // base64url of a presigned kafka-cluster:Connect URL for the region
      const url = Buffer.from(value, 'base64url').toString('utf8');
      expect(url).toMatch(/^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect/);
      expect(url).toContain('X-Amz-Credential=AKIAEXAMPLE');
    } finally {
      process.env = saved;
    }
  });
});
