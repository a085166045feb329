/**
 * The AWS clients of the `secretsmanager` and `ssm` config providers (lib/config/aws-config-providers.ts), for
 * the processes that run tasks: the task-runner and connect-standalone. Nothing else gets them, so nothing else
 * can resolve a secret (docs/security.md).
 */
import type { AwsSecretReaders } from '../lib/config/aws-config-providers';
import { secretsManagerReader } from '../lib/adapters/secrets-manager/secret-reader';
import { ssmParameterReader } from '../lib/adapters/ssm/parameter-reader';

export function awsSecretReaders(): AwsSecretReaders {
  return { secretString: secretsManagerReader(), parameter: ssmParameterReader() };
}
