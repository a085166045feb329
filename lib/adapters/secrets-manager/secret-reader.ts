/**
 * Secrets Manager: a secret's string value (SKC_KAFKA_SECRET_ARN's SCRAM credentials). The SDK client is imported
 * on first use, so a process that never reads a secret does not load it.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export async function readSecretString(arn: string): Promise<string> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (SecretString === undefined) throw new Error(`secret ${arn} has no string value`);
    return SecretString;
  } finally {
    client.destroy();
  }
}

/** Where a config provider's client goes (`config.providers.<name>.param.region` / `.endpoint`). */
export interface SecretsClientParams {
  readonly region?: string;
  readonly endpoint?: string;
}

/**
 * The `SecretString` of a secret for the `secretsmanager` config provider; null when it does not exist. One
 * client per region/endpoint for the life of the (task) process.
 */
export function secretsManagerReader(): (secretId: string, params: SecretsClientParams) => Promise<string | null> {
  const clients = new Map<string, SecretsManagerClient>();
  return async (secretId, params) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    const cacheKey = `${params.region ?? ''}|${params.endpoint ?? ''}`;
    let client = clients.get(cacheKey);
    if (!client) {
      client = new sdk.SecretsManagerClient({
        ...(params.region ? { region: params.region } : {}),
        ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      });
      clients.set(cacheKey, client);
    }
    try {
      const { SecretString, SecretBinary } = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
      if (SecretString !== undefined) return SecretString;
      return SecretBinary === undefined ? null : Buffer.from(SecretBinary).toString('utf8');
    } catch (error) {
      if (error instanceof sdk.ResourceNotFoundException) return null;
      throw error;
    }
  };
}
