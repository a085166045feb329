/**
 * Issue 13 regressions at the REST API: the worker's override policy, tasks.max cap and FileStream confinement
 * are enforced by validation (400, key named, nothing created), and secrets stay references.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryConfigStore, InMemoryOffsetStore, InMemoryStatusStore } from '../../lib/adapters/local/memory-stores';
import { AWS_WORKER_DEFAULTS } from '../../infra/worker-config';
import { compose } from '../../composition/api/composition';
import { fakeBroker } from './fake-broker';
import { type Call, viaLambdaV1 } from './harness';

async function api(worker: Record<string, string>): Promise<{ call: Call; configs: InMemoryConfigStore }> {
  const configStore = new InMemoryConfigStore();
  const offsets = new InMemoryOffsetStore();
  const composition = await compose(
    { SKC_STORE: 'memory', SKC_WORKER_CONFIG: worker, SKC_COMMIT: 'test' },
    { configStore, statusStore: new InMemoryStatusStore(), offsetStore: async () => offsets },
  );
  return { call: viaLambdaV1(composition), configs: configStore };
}

/**
 * The AWS construct's default worker keys: Apache's Allowlist policy with client tuning keys only. FileStream (off by
 * default in AWS) is switched on so that the policy, not the missing plug-in, is what refuses the connector.
 */
const AWS_DEFAULT_POLICY = { ...AWS_WORKER_DEFAULTS, 'skc.filestream.enable': 'true' };

describe('credential exfiltration through client overrides', () => {
  it('is rejected at validation under the AWS default policy, and the fake broker never receives a byte', async () => {
    const broker = await fakeBroker();
    try {
      const { call, configs } = await api(AWS_DEFAULT_POLICY);
      const config = {
        'connector.class': 'FileStreamSource',
        topic: 'exfil',
        'producer.override.bootstrap.servers': `127.0.0.1:${broker.port}`,
        'producer.override.security.protocol': 'SASL_PLAINTEXT',
        'producer.override.sasl.mechanism': 'PLAIN',
        'producer.override.linger.ms': '5',
      };
      const created = await call('POST', '/connectors', { body: { name: 'exfil', config } });
      expect(created.status).toBe(400);
      const message = (created.body as { message: string }).message;
      for (const key of ['bootstrap.servers', 'security.protocol', 'sasl.mechanism']) {
        expect(message).toContain(
          `The 'Allowlist' policy does not allow '${key}' to be overridden in the connector configuration.`,
        );
      }
      expect(message).not.toContain("'linger.ms'"); // tuning stays allowed
      expect(await configs.list()).toEqual([]);

      // The validate endpoint reports the errors on the prefixed keys.
      const validated = await call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
        body: { name: 'exfil', ...config },
      });
      const infos = validated.body as { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
      const errorsOf = (name: string) => infos.configs.find((c) => c.value.name === name)?.value.errors;
      expect(errorsOf('producer.override.bootstrap.servers')).toHaveLength(1);
      expect(errorsOf('producer.override.linger.ms')).toEqual([]);
      expect(infos.error_count).toBe(3);
      expect(broker.bytes()).toBe(0);
    } finally {
      await broker.close();
    }
  });

  it("is allowed by Apache's default policy (All), which the local stack keeps", async () => {
    const { call } = await api({});
    const created = await call('POST', '/connectors', {
      body: {
        name: 'tuned',
        config: { 'connector.class': 'FileStreamSource', topic: 't', 'producer.override.bootstrap.servers': 'x:1' },
      },
    });
    expect(created.status).toBe(201);
  });

  it('None: any producer.override.* is a 400 naming the key', async () => {
    const { call } = await api({ 'connector.client.config.override.policy': 'None' });
    const created = await call('POST', '/connectors', {
      body: { name: 'n', config: { 'connector.class': 'FileStreamSource', topic: 't', 'producer.override.acks': '1' } },
    });
    expect(created.status).toBe(400);
    expect((created.body as { message: string }).message).toContain(
      "The 'None' policy does not allow 'acks' to be overridden in the connector configuration.",
    );
  });
});

describe('tasks.max cap (skc.tasks.max.limit)', () => {
  it('100000 tasks is a 400 with a clear message; nothing is created', async () => {
    const { call, configs } = await api({});
    const created = await call('POST', '/connectors', {
      body: { name: 'many', config: { 'connector.class': 'FileStreamSink', topics: 't', 'tasks.max': '100000' } },
    });
    expect(created.status).toBe(400);
    expect((created.body as { message: string }).message).toContain(
      "Invalid value 100000 for configuration tasks.max: Value must be no more than 1000 (the worker's 'skc.tasks.max.limit')",
    );
    expect(await configs.list()).toEqual([]);
    const small = await api({ 'skc.tasks.max.limit': '4' });
    const five = await small.call('PUT', '/connectors/five/config', {
      body: { 'connector.class': 'FileStreamSink', topics: 't', 'tasks.max': '5' },
    });
    expect(five.status).toBe(400);
  });
});

describe('FileStream confinement and switch', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skc-rest-fs-'));
    mkdirSync(join(dir, 'allowed'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a source reading /etc/hostname or a sink writing through ../ is a 400 naming the file key', async () => {
    const allowed = join(dir, 'allowed');
    const { call, configs } = await api({ 'skc.filestream.allowed.paths': allowed });
    const source = await call('POST', '/connectors', {
      body: { name: 'etc', config: { 'connector.class': 'FileStreamSource', topic: 't', file: '/etc/hostname' } },
    });
    expect(source.status).toBe(400);
    expect((source.body as { message: string }).message).toContain(
      'Invalid value /etc/hostname for configuration file: the path (resolved to /etc/hostname) is outside',
    );
    const sink = await call('POST', '/connectors', {
      body: { name: 'up', config: { 'connector.class': 'FileStreamSink', topics: 't', file: `${allowed}/../x.txt` } },
    });
    expect(sink.status).toBe(400);
    expect((sink.body as { message: string }).message).toContain("for configuration file: '..' is not allowed");
    expect(await configs.list()).toEqual([]);
    const inside = await call('POST', '/connectors', {
      body: { name: 'ok', config: { 'connector.class': 'FileStreamSink', topics: 't', file: `${allowed}/out.txt` } },
    });
    expect(inside.status).toBe(201);
  });

  it('skc.filestream.enable=false: FileStream is an unknown connector class', async () => {
    const { call } = await api({ 'skc.filestream.enable': 'false' });
    const created = await call('POST', '/connectors', {
      body: { name: 'fs', config: { 'connector.class': 'FileStreamSource', topic: 't' } },
    });
    expect(created.status).toBeGreaterThanOrEqual(400);
    expect((created.body as { message: string }).message).toContain(
      'Failed to find any class that implements Connector and which name matches FileStreamSource',
    );
    const plugins = await call('GET', '/connector-plugins');
    expect(JSON.stringify(plugins.body)).not.toContain('FileStream');
  });
});

describe('secrets stay references in the API', () => {
  it('GET /config returns the ${secretsmanager:…} reference; the API resolves nothing', async () => {
    const { call } = await api({
      'config.providers': 'secretsmanager',
      'config.providers.secretsmanager.class': 'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
    });
    const config = {
      'connector.class': 'FileStreamSink',
      topics: 't',
      file: '${secretsmanager:db-creds:path}',
    };
    expect((await call('PUT', '/connectors/ref/config', { body: config })).status).toBe(201);
    const got = await call('GET', '/connectors/ref/config');
    expect(got.body).toEqual({ ...config, name: 'ref' });
  });
});
