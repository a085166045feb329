import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from '../../lib/connect/errors';
import {
  ConfigProviders,
  EnvVarConfigProvider,
  hasPlaceholders,
  reverseTransform,
} from '../../lib/config/config-providers';

const dir = mkdtempSync(join(tmpdir(), 'skc-providers-'));
const secretsDir = join(dir, 'secrets');
mkdirSync(secretsDir);
writeFileSync(join(secretsDir, 'db-password'), 's3cret\n');
writeFileSync(join(dir, 'creds.properties'), 'db.user=alice\ndb.password=p\\u0041ss\n');
const outside = mkdtempSync(join(tmpdir(), 'skc-outside-'));
writeFileSync(join(outside, 'other.properties'), 'k=v\n');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const workerProps = (extra: Record<string, string> = {}) => ({
  'config.providers': 'file,directory,env',
  'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  'config.providers.directory.class': 'DirectoryConfigProvider',
  'config.providers.env.class': 'EnvVar',
  ...extra,
});

describe('ConfigProviders (ConfigTransformer)', () => {
  it('resolves file, directory and env placeholders, several per value', () => {
    process.env.SKC_PROVIDER_TEST = 'from-env';
    try {
      const providers = ConfigProviders.fromWorkerConfig(workerProps());
      const { data } = providers.transform({
        user: `\${file:${dir}/creds.properties:db.user}`,
        url: `jdbc://\${file:${dir}/creds.properties:db.user}:\${file:${dir}/creds.properties:db.password}@host`,
        password: `\${directory:${secretsDir}:db-password}`,
        env: '${env:SKC_PROVIDER_TEST}',
        plain: 'no placeholders',
      });
      expect(data).toEqual({
        user: 'alice',
        url: 'jdbc://alice:pAss@host',
        password: 's3cret\n',
        env: 'from-env',
        plain: 'no placeholders',
      });
    } finally {
      delete process.env.SKC_PROVIDER_TEST;
    }
  });

  it('leaves unknown providers and missing keys unchanged', () => {
    const providers = ConfigProviders.fromWorkerConfig(workerProps());
    const values = {
      a: '${vault:secret/x:key}',
      b: `\${file:${dir}/creds.properties:missing}`,
      c: `\${directory:${secretsDir}:missing-file}`,
      d: '${env:SKC_SURELY_UNSET_VARIABLE}',
    };
    expect(providers.transform(values).data).toEqual(values);
  });

  it('without config.providers nothing is resolved', () => {
    const value = { a: `\${file:${dir}/creds.properties:db.user}` };
    expect(ConfigProviders.fromWorkerConfig({}).transform(value).data).toEqual(value);
    expect(ConfigProviders.none().names()).toEqual([]);
  });

  it('the env provider rejects a path with Apache’s message', () => {
    const providers = ConfigProviders.fromWorkerConfig(workerProps());
    const run = () => providers.transform({ a: '${env:/some/path:HOME}' });
    expect(run).toThrow(ConfigException);
    expect(run).toThrow("Path is not supported for EnvVarConfigProvider, invalid value '/some/path'");
  });

  it('env allowlist.pattern must match the whole variable name', () => {
    const provider = new EnvVarConfigProvider({ APP_TOKEN: 't', APP_TOKEN_OLD: 'o', OTHER: 'x' });
    provider.configure({ 'allowlist.pattern': 'APP_TOKEN' });
    expect(provider.get('', new Set(['APP_TOKEN', 'APP_TOKEN_OLD', 'OTHER'])).data).toEqual({ APP_TOKEN: 't' });
  });

  it('allowed.paths: paths outside are not read (placeholder kept); bad allowed.paths fail', () => {
    const providers = ConfigProviders.fromWorkerConfig(
      workerProps({ 'config.providers.file.param.allowed.paths': dir }),
    );
    const values = { in: `\${file:${dir}/creds.properties:db.user}`, out: `\${file:${outside}/other.properties:k}` };
    expect(providers.transform(values).data).toEqual({ in: 'alice', out: values.out });
    // `..` is normalised before the check, as with Java's Path.normalize().
    const sneaky = { x: `\${file:${dir}/../${outside.split('/').pop()}/other.properties:k}` };
    expect(providers.transform(sneaky).data).toEqual(sneaky);

    expect(() =>
      ConfigProviders.fromWorkerConfig(workerProps({ 'config.providers.file.param.allowed.paths': 'relative/dir' })),
    ).toThrow('Path relative/dir is not absolute');
    expect(() =>
      ConfigProviders.fromWorkerConfig(
        workerProps({ 'config.providers.file.param.allowed.paths': join(dir, 'does-not-exist') }),
      ),
    ).toThrow(`Path ${join(dir, 'does-not-exist')} does not exist`);
  });

  it('an unreadable properties file is an error naming the path', () => {
    const providers = ConfigProviders.fromWorkerConfig(workerProps());
    expect(() => providers.transform({ a: `\${file:${dir}/nope.properties:k}` })).toThrow(
      `Could not read properties from file ${dir}/nope.properties`,
    );
  });

  it('an unknown provider class fails with Apache’s message; a provider without class is skipped', () => {
    expect(() =>
      ConfigProviders.fromWorkerConfig({ 'config.providers': 'x', 'config.providers.x.class': 'com.example.Vault' }),
    ).toThrow(
      'Invalid value com.example.Vault for configuration config.providers.x.class: Could not load config provider class or one of its dependencies',
    );
    expect(ConfigProviders.fromWorkerConfig({ 'config.providers': 'x' }).names()).toEqual([]);
  });

  it('custom providers can be registered by class name', () => {
    const providers = ConfigProviders.fromWorkerConfig(
      {
        'config.providers': 'mem',
        'config.providers.mem.class': 'com.example.Mem',
        'config.providers.mem.param.v': '42',
      },
      new Map([
        [
          'com.example.Mem',
          () => {
            let v = '';
            return {
              configure: (params: Readonly<Record<string, string>>) => {
                v = params.v ?? '';
              },
              get: (path: string, keys: ReadonlySet<string>) => ({
                data: Object.fromEntries([...keys].map((k) => [k, `${path}/${k}=${v}`])),
                ttl: 1000,
              }),
            };
          },
        ],
      ]),
    );
    expect(providers.transform({ a: '${mem:p:k}' })).toEqual({ data: { a: 'p/k=42' }, ttls: { p: 1000 } });
  });

  it('reverseTransform puts placeholders back into task configs', () => {
    const raw = { 'connection.password': '${file:/s.properties:pw}', topic: 't' };
    expect(
      reverseTransform(raw, [{ 'connection.password': 'secret', topic: 't', extra: 'x' }, { topic: 't' }]),
    ).toEqual([{ 'connection.password': '${file:/s.properties:pw}', topic: 't', extra: 'x' }, { topic: 't' }]);
    expect(hasPlaceholders('${a:b}')).toBe(true);
    expect(hasPlaceholders('$a:b}')).toBe(false);
  });
});
