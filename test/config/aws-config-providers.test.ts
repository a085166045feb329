/**
 * The Secrets Manager / SSM config providers over an in-memory `AwsSecretReaders` (the moto-backed adapters run
 * in test/e2e/secrets.test.ts): AWS's reference forms and params, and where they may resolve.
 */
import type { AwsClientParams, AwsSecretReaders } from '../../lib/config/aws-config-providers';
import { ConfigProviders } from '../../lib/config/config-providers';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { ConfigException } from '../../lib/connect/errors';

const secrets: Record<string, string> = {
  'db-creds': JSON.stringify({ user: 'alice', password: 'p4ss', port: 5432 }),
  'arn:aws:secretsmanager:eu-west-1:1:secret:raw-AbC': 'whole "raw" value',
  'not-json': 'plain',
};
const parameters: Record<string, string> = { '/connect/token': 't0ken' };

class MemoryReaders implements AwsSecretReaders {
  readonly calls: { what: string; client: AwsClientParams }[] = [];
  async secretString(id: string, client: AwsClientParams): Promise<string | null> {
    this.calls.push({ what: `secret:${id}`, client });
    return secrets[id] ?? null;
  }
  async parameter(name: string, client: AwsClientParams): Promise<string | null> {
    this.calls.push({ what: `parameter:${name}`, client });
    return parameters[name] ?? null;
  }
}

const worker = (extra: Record<string, string> = {}) => ({
  'config.providers': 'secretsmanager,ssm,env',
  'config.providers.secretsmanager.class': 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
  'config.providers.secretsmanager.param.region': 'eu-west-1',
  'config.providers.ssm.class': 'SsmParamStore',
  'config.providers.env.class': 'EnvVar',
  ...extra,
});

describe('Secrets Manager and SSM config providers', () => {
  it('resolve JSON fields, whole (URL-encoded ARN) secrets and parameters in a task process', async () => {
    const readers = new MemoryReaders();
    const providers = ConfigProviders.fromWorkerConfig(worker(), undefined, readers);
    const { data } = await providers.resolve({
      user: '${secretsmanager:db-creds:user}',
      url: 'postgres://${secretsmanager:db-creds:user}:${secretsmanager:db-creds:password}@db:${secretsmanager:db-creds:port}',
      raw: '${secretsmanager:arn%3Aaws%3Asecretsmanager%3Aeu-west-1%3A1%3Asecret%3Araw-AbC}',
      token: '${ssm::/connect/token}',
      plain: 'x',
    });
    expect(data).toEqual({
      user: 'alice',
      url: 'postgres://alice:p4ss@db:5432',
      raw: 'whole "raw" value',
      token: 't0ken',
      plain: 'x',
    });
    // one call per secret path, with the provider's region
    expect(readers.calls.filter((c) => c.what === 'secret:db-creds')).toEqual([
      { what: 'secret:db-creds', client: { region: 'eu-west-1' } },
    ]);
  });

  it('NotFoundStrategy: fail (default) names the reference, never a value; ignore gives an empty string', async () => {
    const failing = ConfigProviders.fromWorkerConfig(worker(), undefined, new MemoryReaders());
    await expect(failing.resolve({ k: '${secretsmanager:db-creds:missing}' })).rejects.toThrow(
      'Secret undefined db-creds:missing',
    );
    await expect(failing.resolve({ k: '${ssm::/nope}' })).rejects.toThrow(ConfigException);
    await expect(failing.resolve({ k: '${secretsmanager:not-json:x}' })).rejects.toThrow(
      "Unexpected value of a secret's structure (secret not-json)",
    );
    const ignoring = ConfigProviders.fromWorkerConfig(
      worker({ 'config.providers.ssm.param.NotFoundStrategy': 'ignore' }),
      undefined,
      new MemoryReaders(),
    );
    expect((await ignoring.resolve({ k: '${ssm::/nope}' })).data).toEqual({ k: '' });
    expect(() =>
      ConfigProviders.fromWorkerConfig(worker({ 'config.providers.ssm.param.NotFoundStrategy': 'maybe' })),
    ).toThrow('String must be one of: fail, ignore');
  });

  it('never resolve outside a task process: the API has no readers, the reconciler defers them', async () => {
    // The API: worker config with these providers parses (no AWS call); a worker value referencing one fails clearly.
    const base = { 'bootstrap.servers': 'b:9092', 'key.converter': 'x', 'value.converter': 'x', 'group.id': 'g' };
    const extra = { 'offset.storage.topic': 'o', 'config.storage.topic': 'c', 'status.storage.topic': 's' };
    expect(() => parseWorkerConfig({ ...base, ...extra, ...worker() }, 'distributed')).not.toThrow();
    expect(() =>
      parseWorkerConfig(
        { ...base, ...extra, ...worker(), 'producer.sasl.jaas.config': '${secretsmanager:kafka:jaas}' },
        'distributed',
      ),
    ).toThrow("Config provider 'secretsmanager' resolves values only in task processes");

    const readers = new MemoryReaders();
    process.env.SKC_AWS_PROVIDER_TEST = 'from-env';
    const providers = ConfigProviders.fromWorkerConfig(worker(), undefined, readers);
    // The reconciler: local providers resolve, secret references stay for the task.
    expect(
      providers.transform(
        { a: '${secretsmanager:db-creds:user}', b: '${env:SKC_AWS_PROVIDER_TEST}' },
        { deferTaskOnly: true },
      ).data,
    ).toEqual({ a: '${secretsmanager:db-creds:user}', b: 'from-env' });
    expect(readers.calls).toEqual([]);
    // Without readers even resolve() refuses to call AWS.
    await expect(
      ConfigProviders.fromWorkerConfig(worker()).resolve({ a: '${secretsmanager:db-creds:user}' }),
    ).rejects.toThrow('SecretsManagerConfigProvider resolves values only in task processes');
  });
});
