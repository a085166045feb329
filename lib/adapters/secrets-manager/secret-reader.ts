/**
 * Secrets Manager: a secret's string value (SKC_KAFKA_SECRET_ARN's SCRAM credentials). The SDK client is imported
 * on first use, so a process that never reads a secret does not load it.
 */
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
