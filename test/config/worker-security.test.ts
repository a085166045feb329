/** The worker's security settings: override policies, the tasks.max cap, FileStream confinement. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException, ConnectException } from '../../lib/connect/errors';
import { clientOverrideViolations, overridePolicy, validateClientOverrides } from '../../lib/config/override-policy';
import { connectorClientProps, mapClientConfig } from '../../lib/config/client-config';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { AWS_WORKER_DEFAULTS } from '../../infra/worker-config';
import { tasksMaxLimitError, workerSecuritySettings } from '../../lib/config/worker-security';
import { fileStreamPathError } from '../../lib/plugins/filestream/file-access';
import { PluginRegistry } from '../../lib/plugins/registry';
import { checkWorkerSecurity } from '../../lib/runtime/worker';
import { generateTaskConfigs } from '../../lib/scheduler/task-configs';

const errorsOf = (policy: string, config: Record<string, string>, allowlist: string[] = []) =>
  Object.fromEntries(
    validateClientOverrides(overridePolicy(policy, allowlist), 'producer.override.', config).map((v) => [
      v.name,
      v.errorMessages,
    ]),
  );

describe('connector.client.config.override.policy', () => {
  const config = {
    'producer.override.bootstrap.servers': 'evil:9092',
    'producer.override.sasl.mechanism': 'PLAIN',
    'producer.override.linger.ms': '5',
    'consumer.override.max.poll.records': '10',
  };

  it("None rejects every override with Apache's message, naming the key", () => {
    expect(errorsOf('None', config)).toEqual({
      'bootstrap.servers': [
        "The 'None' policy does not allow 'bootstrap.servers' to be overridden in the connector configuration.",
      ],
      'sasl.mechanism': [
        "The 'None' policy does not allow 'sasl.mechanism' to be overridden in the connector configuration.",
      ],
      'linger.ms': ["The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration."],
    });
  });

  it('Principal allows only sasl.jaas.config, sasl.mechanism and security.protocol; All allows everything', () => {
    const principal = errorsOf(
      'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy',
      config,
    );
    expect(principal['sasl.mechanism']).toEqual([]);
    expect(principal['bootstrap.servers']).toHaveLength(1);
    expect(principal['linger.ms']).toHaveLength(1);
    expect(Object.values(errorsOf('All', config)).flat()).toEqual([]);
  });

  it('Allowlist (KIP-1188) allows exactly the listed keys; empty allows none', () => {
    const allowlist = errorsOf('Allowlist', config, ['linger.ms']);
    expect(allowlist['linger.ms']).toEqual([]);
    expect(allowlist['bootstrap.servers']).toEqual([
      "The 'Allowlist' policy does not allow 'bootstrap.servers' to be overridden in the connector configuration.",
    ]);
    expect(errorsOf('Allowlist', config)['linger.ms']).toHaveLength(1);
  });

  it("the AWS construct's allowlist lets no connection, security or class-loading key through", () => {
    const allowlist = workerSecuritySettings(AWS_WORKER_DEFAULTS).overridePolicy;
    expect(allowlist.name).toBe('Allowlist');
    for (const key of [
      'bootstrap.servers',
      'security.protocol',
      'sasl.jaas.config',
      'sasl.mechanism',
      'ssl.truststore.location',
      'interceptor.classes',
      'partitioner.class',
      'group.id',
    ]) {
      expect(allowlist.isAllowed(key)).toBe(false);
    }
    for (const key of ['linger.ms', 'batch.size', 'max.poll.records']) expect(allowlist.isAllowed(key)).toBe(true);
  });

  it('the run-time check names the refused keys without their values', () => {
    const policy = workerSecuritySettings(AWS_WORKER_DEFAULTS).overridePolicy;
    const violations = clientOverrideViolations(policy, 'producer.override.', {
      'producer.override.sasl.jaas.config': 'PlainLoginModule required username="u" password="hunter2";',
      'producer.override.linger.ms': '5',
    });
    expect(violations).toEqual([
      "The 'Allowlist' policy does not allow 'sasl.jaas.config' to be overridden in the connector configuration.",
    ]);
    expect(violations.join()).not.toContain('hunter2');
  });
});

describe('workerSecuritySettings', () => {
  it("Apache's defaults: policy All, FileStream on and unconfined; tasks.max capped at 1000", () => {
    const settings = workerSecuritySettings({});
    expect(settings.overridePolicy.name).toBe('All');
    expect(settings.tasksMaxLimit).toBe(1000);
    expect(settings.fileStream).toEqual({ enabled: true, allowedPaths: null });
  });

  it('reads the policy, allowlist and skc.* keys', () => {
    const settings = workerSecuritySettings({
      'connector.client.config.override.policy': 'Allowlist',
      'connector.client.config.override.allowlist': 'linger.ms, batch.size',
      'skc.tasks.max.limit': '8',
      'skc.filestream.enable': 'false',
      'skc.filestream.allowed.paths': '/data/in,/data/out',
    });
    expect(settings.overridePolicy.isAllowed('batch.size')).toBe(true);
    expect(settings.overridePolicy.isAllowed('bootstrap.servers')).toBe(false);
    expect(settings.tasksMaxLimit).toBe(8);
    expect(settings.fileStream).toEqual({ enabled: false, allowedPaths: ['/data/in', '/data/out'] });
  });

  it('bad values fail the worker at startup', () => {
    const base = { 'bootstrap.servers': 'b:9092', 'key.converter': 'x', 'value.converter': 'x' };
    const parse = (extra: Record<string, string>) =>
      parseWorkerConfig({ ...base, 'offset.storage.file.filename': '/tmp/o', ...extra }, 'standalone');
    expect(() => parse({ 'skc.tasks.max.limit': '0' })).toThrow(
      'Invalid value 0 for configuration skc.tasks.max.limit: Value must be at least 1',
    );
    expect(() => parse({ 'skc.filestream.enable': 'maybe' })).toThrow(ConfigException);
    expect(() => workerSecuritySettings({ 'connector.client.config.override.policy': 'Some' })).toThrow(
      'Failed to find any class that implements ConnectorClientConfigOverridePolicy and which name matches Some',
    );
  });

  it('tasks.max over the cap is a clear validation error', () => {
    expect(tasksMaxLimitError('100000', 1000)).toBe(
      "Invalid value 100000 for configuration tasks.max: Value must be no more than 1000 (the worker's 'skc.tasks.max.limit')",
    );
    expect(tasksMaxLimitError('1000', 1000)).toBeNull();
    expect(tasksMaxLimitError(undefined, 1000)).toBeNull();
    expect(tasksMaxLimitError('abc', 1000)).toBeNull(); // the INT validator reports that one
  });

  it('skc.filestream.enable=false leaves the FileStream connectors out of the registry', () => {
    const off = PluginRegistry.withBuiltins({ fileStream: false });
    expect(off.list('source')).toEqual([]);
    expect(() => off.newConnector('FileStreamSource')).toThrow(/Failed to find any class that implements Connector/);
    expect(
      PluginRegistry.withBuiltins()
        .list('source')
        .map((d) => d.className),
    ).toEqual(['org.apache.kafka.connect.file.FileStreamSourceConnector']);
  });
});

describe('FileStream confinement (skc.filestream.allowed.paths)', () => {
  let dir: string;
  let allowed: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skc-fs-confine-'));
    allowed = join(dir, 'allowed');
    mkdirSync(join(allowed, 'sub'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'x');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('allows files (existing or not) under an allowed root, and everything when unset', () => {
    expect(fileStreamPathError(join(allowed, 'in.txt'), [allowed])).toBeNull();
    expect(fileStreamPathError(join(allowed, 'sub', 'new', 'out.txt'), [allowed])).toBeNull();
    expect(fileStreamPathError('sub/in.txt', [allowed], allowed)).toBeNull(); // relative to the task's cwd
    expect(fileStreamPathError('/etc/hostname', null)).toBeNull();
    expect(fileStreamPathError(undefined, [allowed])).toBeNull(); // stdin / stdout
  });

  it('refuses paths outside the roots, naming the key and the worker setting', () => {
    expect(fileStreamPathError('/etc/hostname', [allowed])).toBe(
      `Invalid value /etc/hostname for configuration file: the path (resolved to /etc/hostname) is outside the ` +
        `directories allowed by the worker's 'skc.filestream.allowed.paths' (${allowed})`,
    );
    // a sibling whose name starts with the root's name is not inside it
    expect(fileStreamPathError(`${allowed}-other/x.txt`, [allowed])).toMatch(/is outside the directories/);
  });

  it("refuses '..' even when it would land inside again", () => {
    expect(fileStreamPathError(`${allowed}/../outside/secret.txt`, [allowed])).toBe(
      `Invalid value ${allowed}/../outside/secret.txt for configuration file: '..' is not allowed in FileStream paths`,
    );
    expect(fileStreamPathError(`${allowed}/sub/../in.txt`, [allowed])).toMatch(/'\.\.' is not allowed/);
  });

  it('refuses symlinks that lead out of the roots (to a file or through a directory)', () => {
    symlinkSync(join(dir, 'outside', 'secret.txt'), join(allowed, 'link.txt'));
    symlinkSync(join(dir, 'outside'), join(allowed, 'linkdir'));
    expect(fileStreamPathError(join(allowed, 'link.txt'), [allowed])).toMatch(/is outside the directories/);
    expect(fileStreamPathError(join(allowed, 'linkdir', 'new.txt'), [allowed])).toMatch(/is outside the directories/);
    // a link inside the root that stays inside is fine
    symlinkSync(join(allowed, 'sub'), join(allowed, 'inner'));
    expect(fileStreamPathError(join(allowed, 'inner', 'x.txt'), [allowed])).toBeNull();
  });
});

describe('idempotent task producers', () => {
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': 'b:9092',
      'key.converter': 'x',
      'value.converter': 'x',
      'offset.storage.file.filename': '/tmp/o',
    },
    'standalone',
  );
  const producerOf = (overrides: Record<string, string> = {}) =>
    mapClientConfig('producer', connectorClientProps(worker, 'producer', 'c', 0, overrides)).producer;

  it("Connect's producer defaults (acks=all, one request in flight) write idempotently, as Kafka's producer does", () => {
    expect(producerOf()).toMatchObject({ idempotent: true, acks: -1, maxInFlightRequests: 1 });
  });

  it('conflicting settings turn the default off; an explicit value wins', () => {
    expect(producerOf({ 'producer.override.acks': '1' }).idempotent).toBe(false);
    expect(producerOf({ 'producer.override.max.in.flight.requests.per.connection': '5' }).idempotent).toBe(false);
    expect(producerOf({ 'producer.override.retries': '0' }).idempotent).toBe(false);
    expect(producerOf({ 'producer.override.enable.idempotence': 'false' }).idempotent).toBe(false);
    // the worker's own clients (no Connect defaults) are unchanged
    expect(mapClientConfig('producer', { 'bootstrap.servers': 'b:9092' }).producer.idempotent).toBe(false);
  });
});

describe('limits checked again where they bite (configs stored before the worker settings changed)', () => {
  const worker = (extra: Record<string, string>) =>
    parseWorkerConfig(
      {
        'bootstrap.servers': 'b:9092',
        'key.converter': 'x',
        'value.converter': 'x',
        'offset.storage.file.filename': '/tmp/o',
        ...extra,
      },
      'standalone',
    );

  it('the reconciler refuses to generate task configs above skc.tasks.max.limit', async () => {
    const config = { 'connector.class': 'FileStreamSink', topics: 't', 'tasks.max': '5' };
    const plugins = PluginRegistry.withBuiltins();
    await expect(
      generateTaskConfigs('c', config, { plugins, workerConfig: { 'skc.tasks.max.limit': '4' } }),
    ).rejects.toThrow("Value must be no more than 4 (the worker's 'skc.tasks.max.limit')");
    expect((await generateTaskConfigs('c', config, { plugins })).taskConfigs).toHaveLength(5);
  });

  it('a FileStream task outside the allowed paths fails before it opens its file', () => {
    const task = { file: '/etc/hostname', topic: 't' };
    const confined = worker({ 'skc.filestream.allowed.paths': tmpdir() });
    const check = () =>
      checkWorkerSecurity(confined, 'source', 'org.apache.kafka.connect.file.FileStreamSourceTask', task, task);
    expect(check).toThrow(ConnectException);
    expect(check).toThrow('Invalid value /etc/hostname for configuration file');
    expect(() =>
      checkWorkerSecurity(worker({}), 'source', 'org.apache.kafka.connect.file.FileStreamSourceTask', task, task),
    ).not.toThrow();
  });
});
