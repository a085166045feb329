/**
 * SSM Parameter Store: a parameter's value (SecureStrings decrypted) for the `ssm` config provider. The SDK
 * client is imported on first use and kept per region/endpoint for the life of the (task) process.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
export interface SsmClientParams {
  readonly region?: string;
  readonly endpoint?: string;
}

/** The value of parameter `name`; null when it does not exist. */
export function ssmParameterReader(): (name: string, params: SsmClientParams) => Promise<string | null> {
  const clients = new Map<string, SSMClient>();
  return async (name, params) => {
    const sdk = await import('@aws-sdk/client-ssm');
    const cacheKey = `${params.region ?? ''}|${params.endpoint ?? ''}`;
    let client = clients.get(cacheKey);
    if (!client) {
      client = new sdk.SSMClient({
        ...(params.region ? { region: params.region } : {}),
        ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      });
      clients.set(cacheKey, client);
    }
    try {
      const { Parameter } = await client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
      return Parameter?.Value ?? null;
    } catch (error) {
      if (error instanceof sdk.ParameterNotFound) return null;
      throw error;
    }
  };
}
