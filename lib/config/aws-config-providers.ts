/**
 * Config providers for AWS Secrets Manager and SSM Parameter Store, under the class names, aliases and params of
 * AWS's own providers for Kafka Connect (`com.amazonaws.kafka.config.providers.*`, used by MSK Connect), so the
 * same worker and connector properties work here:
 *
 *   config.providers=secretsmanager,ssm
 *   config.providers.secretsmanager.class=com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider
 *   config.providers.ssm.class=com.amazonaws.kafka.config.providers.SsmParamStoreConfigProvider
 *   connection.password=${secretsmanager:my-db-secret:password}   # a field of a JSON secret
 *   connection.url=${secretsmanager:my-url-secret}                  # the whole secret string
 *   api.token=${ssm::/connect/api-token}                            # a (SecureString) parameter
 *
 * Params: `region`, `endpoint`, `NotFoundStrategy` (`fail`, default, or `ignore`: missing → empty string).
 * A secret ARN contains `:`, so it is written URL-encoded (`arn%3Aaws%3A…`), as with AWS's providers.
 *
 * These providers call AWS, so they resolve only in task processes: the API never resolves a placeholder (it
 * stores and returns references), and the reconciler leaves theirs for the task (docs/security.md). The AWS
 * clients are adapters (lib/adapters/secrets-manager, lib/adapters/ssm) injected as `AwsSecretReaders`; without
 * them (the API, the reconciler) a lookup fails with a clear message instead of calling AWS.
 */
import { ConfigException } from '../connect/errors';
import type { ConfigData, ConfigProvider } from './config-providers';

/** The AWS calls the providers need (the port the adapters implement). */
export interface AwsSecretReaders {
  /** `SecretString` of a Secrets Manager secret; null when the secret does not exist. */
  secretString(secretId: string, client: AwsClientParams): Promise<string | null>;
  /** The decrypted value of an SSM parameter; null when it does not exist. */
  parameter(name: string, client: AwsClientParams): Promise<string | null>;
}

export interface AwsClientParams {
  readonly region?: string;
  readonly endpoint?: string;
}

export const SECRETS_MANAGER_PROVIDER_CLASS = 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider';
export const SSM_PROVIDER_CLASS = 'com.amazonaws.kafka.config.providers.SsmParamStoreConfigProvider';

abstract class AwsConfigProvider implements ConfigProvider {
  readonly resolvesInTaskOnly = true;
  protected client: AwsClientParams = {};
  protected ignoreNotFound = false;

  constructor(
    protected readonly readers: AwsSecretReaders | null,
    private readonly simpleName: string,
  ) {}

  configure(params: Readonly<Record<string, string>>): void {
    const strategy = (params['NotFoundStrategy'] ?? 'fail').trim().toLowerCase();
    if (strategy !== 'fail' && strategy !== 'ignore') {
      throw new ConfigException(
        'NotFoundStrategy',
        params['NotFoundStrategy'],
        `Invalid value ${params['NotFoundStrategy']} for configuration NotFoundStrategy: String must be one of: fail, ignore`,
      );
    }
    this.ignoreNotFound = strategy === 'ignore';
    const region = params['region']?.trim();
    const endpoint = params['endpoint']?.trim();
    this.client = { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
  }

  protected requireReaders(): AwsSecretReaders {
    if (!this.readers) {
      throw new ConfigException(
        undefined,
        undefined,
        `${this.simpleName} resolves values only in task processes (never in the REST API or in worker properties)`,
      );
    }
    return this.readers;
  }

  protected notFound(what: string, data: Record<string, string>, key: string): void {
    if (this.ignoreNotFound) data[key] = '';
    else throw new ConfigException(undefined, undefined, `Secret undefined ${what}`);
  }

  abstract get(path: string, keys: ReadonlySet<string>): Promise<ConfigData>;
}

/** `${secretsmanager:<secret>:<json field>}` or `${secretsmanager:<secret>}` (the whole secret string). */
export class SecretsManagerConfigProvider extends AwsConfigProvider {
  constructor(readers: AwsSecretReaders | null) {
    super(readers, 'SecretsManagerConfigProvider');
  }

  async get(path: string, keys: ReadonlySet<string>): Promise<ConfigData> {
    const readers = this.requireReaders();
    const data: Record<string, string> = {};
    if (!path) {
      // Two-segment form: the key names the secret, whose raw string is the value.
      for (const key of keys) {
        const value = await readers.secretString(decodeURIComponent(key), this.client);
        if (value === null) this.notFound(key, data, key);
        else data[key] = value;
      }
      return { data, ttl: null };
    }
    const secretId = decodeURIComponent(path);
    const raw = await readers.secretString(secretId, this.client);
    if (raw === null) {
      for (const key of keys) this.notFound(`${path}:${key}`, data, key);
      return { data, ttl: null };
    }
    let fields: unknown;
    try {
      fields = JSON.parse(raw);
    } catch {
      fields = null;
    }
    // The secret's value is never part of an error message.
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new ConfigException(undefined, undefined, `Unexpected value of a secret's structure (secret ${path})`);
    }
    for (const key of keys) {
      const value = (fields as Record<string, unknown>)[key];
      if (value === undefined || value === null) this.notFound(`${path}:${key}`, data, key);
      else data[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return { data, ttl: null };
  }
}

/** `${ssm::<parameter name>}`: each key is a parameter name (SecureStrings are decrypted). */
export class SsmParamStoreConfigProvider extends AwsConfigProvider {
  constructor(readers: AwsSecretReaders | null) {
    super(readers, 'SsmParamStoreConfigProvider');
  }

  async get(path: string, keys: ReadonlySet<string>): Promise<ConfigData> {
    const readers = this.requireReaders();
    const data: Record<string, string> = {};
    for (const key of keys) {
      const value = await readers.parameter(key, this.client);
      if (value === null) this.notFound(`${path}:${key}`, data, key);
      else data[key] = value;
    }
    return { data, ttl: null };
  }
}
