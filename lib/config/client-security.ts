/**
 * What Apache's `ssl.*` (PEM material) and `sasl.mechanism=AWS_MSK_IAM` settings become for a Node Kafka client.
 * Both Kafka client adapters (kafkajs and @platformatic/kafka) connect through Node's TLS and sign MSK IAM tokens
 * the same way; only the option names differ. Kept here, free of any client SDK, so the two adapters (which never
 * import each other) apply one rule.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SslSettings } from './client-config';

/** Node TLS options from the PEM material of `ssl.*` (files are read now, once per client). */
export const tlsConnectionOptions = (ssl: SslSettings): ConnectionOptions => {
  const options: ConnectionOptions = {};
  const ca = [ssl.ca, ssl.caFile ? readFileSync(ssl.caFile, 'utf8') : undefined].filter((x) => x !== undefined);
  if (ca.length > 0) options.ca = ca;
  if (ssl.cert !== undefined) options.cert = ssl.cert;
  if (ssl.key !== undefined) options.key = ssl.key;
  if (ssl.keyStoreFile !== undefined) {
    const pem = readFileSync(ssl.keyStoreFile, 'utf8');
    options.key = pem;
    options.cert = pem;
  }
  if (ssl.passphrase !== undefined) options.passphrase = ssl.passphrase;
  if (!ssl.checkHostname) options.checkServerIdentity = () => undefined;
  return options;
};

/**
 * The OAUTHBEARER token for `sasl.mechanism=AWS_MSK_IAM` (what Java clients set for Amazon MSK with IAM): signed
 * with the process's AWS credentials, which MSK accepts as well. Called for every authentication, so it stays fresh.
 */
export const mskIamAuthToken = async (): Promise<string> => {
  const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new Error('sasl.mechanism=AWS_MSK_IAM needs AWS_REGION to sign its token');
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return (await generateAuthToken({ region })).token;
};
