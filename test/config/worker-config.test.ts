import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from '../../lib/connect/errors';
import { kafkaClientsOf } from '../../lib/config/kafka-client-choice';
import {
  distributedConfigDef,
  loadWorkerConfig,
  parseWorkerConfig,
  standaloneConfigDef,
} from '../../lib/config/worker-config';

const FIXTURES = '/work/shared/fixtures/apache-config';

describe('worker config', () => {
  it('loads Apache’s connect-standalone.properties unchanged', () => {
    const config = loadWorkerConfig(join(FIXTURES, 'connect-standalone.properties'), 'standalone');
    expect(config).toMatchObject({
      mode: 'standalone',
      bootstrapServers: ['localhost:9092'],
      keyConverter: 'org.apache.kafka.connect.json.JsonConverter',
      valueConverter: 'org.apache.kafka.connect.json.JsonConverter',
      headerConverter: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      keyConverterConfig: { 'schemas.enable': 'true' },
      valueConverterConfig: { 'schemas.enable': 'true' },
      headerConverterConfig: {},
      offsetStorageFileFilename: '/tmp/connect.offsets',
      offsetFlushIntervalMs: 10000,
      offsetFlushTimeoutMs: 5000,
      pluginPath: null,
      listeners: ['http://:8083'],
      adminListeners: null,
      configProviders: [],
      connectorClientConfigOverridePolicy: 'All',
      topicCreationEnable: true,
      topicTrackingEnable: true,
      topicTrackingAllowReset: true,
      taskShutdownGracefulTimeoutMs: 5000,
      groupId: null,
      notes: [],
    });
  });

  it('loads Apache’s connect-distributed.properties unchanged; unused keys become a note', () => {
    const config = loadWorkerConfig(join(FIXTURES, 'connect-distributed.properties'), 'distributed');
    expect(config.groupId).toBe('connect-cluster');
    expect(config.offsetStorageTopic).toBe('connect-offsets');
    expect(config.offsetStorageFileFilename).toBeNull();
    expect(config.notes).toEqual([
      'Worker properties accepted but not used by this runtime: config.storage.topic, config.storage.replication.factor, ' +
        'status.storage.topic, status.storage.replication.factor, offset.storage.replication.factor',
    ]);
  });

  it('exactly.once.source.support: disabled, preparing, enabled (KIP-618); anything else refused', () => {
    const base = {
      'key.converter': 'A',
      'value.converter': 'B',
      'group.id': 'g',
      'offset.storage.topic': 'o',
      'config.storage.topic': 'c',
      'status.storage.topic': 's',
    };
    expect(parseWorkerConfig({ ...base, 'exactly.once.source.support': 'enabled' }, 'distributed')).toMatchObject({
      exactlyOnceSourceSupport: 'enabled',
    });
    expect(() => parseWorkerConfig({ ...base, 'exactly.once.source.support': 'sometimes' }, 'distributed')).toThrow(
      'Invalid value sometimes for configuration exactly.once.source.support',
    );
    expect(() =>
      parseWorkerConfig({ ...base, 'exactly.once.source.support': 'disabled' }, 'distributed'),
    ).not.toThrow();
  });

  it('skc.kafka.client selects the data path client (unset: platformatic) and rejects other values', () => {
    const base = { 'key.converter': 'A', 'value.converter': 'B', 'offset.storage.file.filename': '/tmp/x' };
    expect(kafkaClientsOf(parseWorkerConfig(base, 'standalone').originals)).toEqual({
      producer: 'platformatic',
      consumer: 'platformatic',
    });
    expect(kafkaClientsOf({ ...base, 'skc.kafka.client': 'Platformatic' })).toEqual({
      producer: 'platformatic',
      consumer: 'platformatic',
    });
    expect(kafkaClientsOf({ ...base, 'skc.kafka.client': 'kafkajs' })).toEqual({
      producer: 'kafkajs',
      consumer: 'kafkajs',
    });
    expect(() => parseWorkerConfig({ ...base, 'skc.kafka.client': 'librdkafka' }, 'standalone')).toThrow(
      'Invalid value librdkafka for configuration skc.kafka.client: String must be one of (case insensitive): KAFKAJS, PLATFORMATIC',
    );
  });

  it('standalone requires offset.storage.file.filename and the converters, with Apache’s message', () => {
    expect(() => parseWorkerConfig({ 'key.converter': 'A', 'value.converter': 'B' }, 'standalone')).toThrow(
      'Missing required configuration "offset.storage.file.filename" which has no default value.',
    );
    expect(() => parseWorkerConfig({ 'offset.storage.file.filename': '/tmp/x' }, 'standalone')).toThrow(
      'Missing required configuration "key.converter" which has no default value.',
    );
    expect(() =>
      parseWorkerConfig({ 'key.converter': 'A', 'value.converter': 'B', 'offset.storage.topic': 'o' }, 'distributed'),
    ).toThrow('Missing required configuration "group.id" which has no default value.');
  });

  it('rejects badly typed values', () => {
    const base = { 'key.converter': 'A', 'value.converter': 'B', 'offset.storage.file.filename': '/tmp/x' };
    expect(() => parseWorkerConfig({ ...base, 'offset.flush.interval.ms': 'soon' }, 'standalone')).toThrow(
      new ConfigException(
        'offset.flush.interval.ms',
        'soon',
        'Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG',
      ),
    );
    expect(() => parseWorkerConfig({ ...base, 'topic.creation.enable': 'perhaps' }, 'standalone')).toThrow(
      'Invalid value perhaps for configuration topic.creation.enable: Expected value to be either true or false',
    );
    expect(() =>
      parseWorkerConfig(
        {
          ...base,
          'group.id': 'g',
          'offset.storage.topic': 'o',
          'config.storage.topic': 'c',
          'status.storage.topic': 's',
          'offset.storage.partitions': '0',
        },
        'distributed',
      ),
    ).toThrow(
      "Invalid value 0 for configuration offset.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default",
    );
  });

  it('an unknown connector.client.config.override.policy fails at startup', () => {
    const base = { 'key.converter': 'A', 'value.converter': 'B', 'offset.storage.file.filename': '/tmp/x' };
    expect(() =>
      parseWorkerConfig({ ...base, 'connector.client.config.override.policy': 'Some' }, 'standalone'),
    ).toThrow(
      'Invalid value Some for configuration connector.client.config.override.policy: Failed to find any class that implements ConnectorClientConfigOverridePolicy and which name matches Some',
    );
  });

  it('collects producer.*, consumer.*, admin.* and rest keys', () => {
    const config = parseWorkerConfig(
      {
        'key.converter': 'A',
        'value.converter': 'B',
        'offset.storage.file.filename': '/tmp/x',
        'producer.linger.ms': '5',
        'consumer.max.poll.records': '100',
        'admin.request.timeout.ms': '1000',
        'plugin.path': '/opt/a, /opt/b',
        listeners: 'http://0.0.0.0:8083,https://:8443',
        'rest.advertised.port': '9000',
        'connector.client.config.override.policy': 'Principal',
      },
      'standalone',
    );
    expect(config.producer).toEqual({ 'linger.ms': '5' });
    expect(config.consumer).toEqual({ 'max.poll.records': '100' });
    expect(config.admin).toEqual({ 'request.timeout.ms': '1000' });
    expect(config.pluginPath).toEqual(['/opt/a', '/opt/b']);
    expect(config.listeners).toEqual(['http://0.0.0.0:8083', 'https://:8443']);
    expect(config.restAdvertisedPort).toBe(9000);
    expect(config.connectorClientConfigOverridePolicy).toBe('Principal');
  });

  it('resolves config providers in worker properties, but never in plugin.path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skc-worker-'));
    const secrets = join(dir, 'secrets.properties');
    writeFileSync(secrets, 'servers=broker:9092\n');
    const raw = {
      'config.providers': 'file',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'bootstrap.servers': `\${file:${secrets}:servers}`,
      'key.converter': 'A',
      'value.converter': 'B',
      'offset.storage.file.filename': '/tmp/x',
      'plugin.path': `\${file:${secrets}:servers}`,
    };
    try {
      const config = parseWorkerConfig(raw, 'standalone');
      expect(config.bootstrapServers).toEqual(['broker:9092']);
      expect(config.pluginPath).toEqual([`\${file:${secrets}:servers}`]);
      expect(config.raw['bootstrap.servers']).toBe(raw['bootstrap.servers']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the ConfigDefs know the Apache keys', () => {
    const standalone = standaloneConfigDef().names();
    for (const k of [
      'bootstrap.servers',
      'offset.storage.file.filename',
      'listeners',
      'admin.listeners',
      'plugin.discovery',
    ]) {
      expect(standalone.has(k)).toBe(true);
    }
    const distributed = distributedConfigDef().names();
    for (const k of ['group.id', 'config.storage.topic', 'status.storage.partitions', 'exactly.once.source.support']) {
      expect(distributed.has(k)).toBe(true);
    }
    expect(distributed.has('offset.storage.file.filename')).toBe(false);
  });
});
