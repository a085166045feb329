import { AWS_WORKER_DEFAULTS, validateWorkerConfig } from '../../infra/worker-config';
import { overridePolicy } from '../../lib/config/override-policy';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { workerSecuritySettings } from '../../lib/config/worker-security';

describe('workerConfig validation', () => {
  it('accepts ordinary worker properties and config-provider references for secrets', () => {
    const config = {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.replication.factor': '3',
      'config.providers': 'secretsmanager',
      'config.providers.secretsmanager.class': 'SecretsManagerConfigProvider',
      'producer.ssl.truststore.password': '${secretsmanager:kafka:truststore}',
      'consumer.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="${file:/s:pw}";',
    };
    expect(validateWorkerConfig(config)).toBe(config);
  });

  it('accepts bare and single-quoted references, and a whole-line reference', () => {
    const config = {
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username=u password=${file:/s:pw};',
      'producer.sasl.jaas.config': "PlainLoginModule required username='u' password='${secretsmanager:kafka:pw}';",
      'consumer.sasl.jaas.config': '${secretsmanager:kafka:jaas}',
    };
    expect(validateWorkerConfig(config)).toBe(config);
  });

  it.each([
    ['ssl.keystore.password', 'changeit'],
    ['producer.ssl.key.password', 'changeit'],
    ['ssl.keystore.key', '-----BEGIN PRIVATE KEY-----'],
    ['sasl.jaas.config', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'],
    ['sasl.client.callback.handler.secret', 'x'],
    // Kafka's JAAS parser takes bare and single-quoted values too: each form is a clear-text password.
    ['sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required username=u password=p;'],
    ['producer.sasl.jaas.config', "org.apache.kafka.common.security.plain.PlainLoginModule required password='p';"],
    ['consumer.sasl.jaas.config', 'ScramLoginModule required username="u"\n  password = hunter2 ;'],
    // A reference in one option does not vouch for another.
    ['sasl.jaas.config', 'PlainLoginModule required password="${file:/s:pw}" clientSecret=abc;'],
  ])('refuses the clear-text secret %s', (key, value) => {
    expect(() => validateWorkerConfig({ [key]: value })).toThrow(`workerConfig '${key}' looks like a secret`);
  });

  describe('AWS defaults', () => {
    it("are worker keys the runtime parses: Apache's Allowlist policy (KIP-1188) with its allowlist", () => {
      const parsed = parseWorkerConfig(
        {
          'bootstrap.servers': 'localhost:9092',
          'group.id': 'connect-cluster',
          'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'config.storage.topic': 'connect-configs',
          'offset.storage.topic': 'connect-offsets',
          'status.storage.topic': 'connect-status',
          ...AWS_WORKER_DEFAULTS,
        },
        'distributed',
      );
      expect(parsed).toMatchObject({ connectorClientConfigOverridePolicy: 'Allowlist' });
    });

    it("switch FileStream off (it reads and writes the container's own files)", () => {
      expect(workerSecuritySettings(AWS_WORKER_DEFAULTS).fileStream.enabled).toBe(false);
      expect(
        workerSecuritySettings({ ...AWS_WORKER_DEFAULTS, 'skc.filestream.enable': 'true' }).fileStream.enabled,
      ).toBe(true);
    });

    it('let connectors tune their clients but not redirect or re-authenticate them', () => {
      const policy = overridePolicy(
        AWS_WORKER_DEFAULTS['connector.client.config.override.policy']!,
        AWS_WORKER_DEFAULTS['connector.client.config.override.allowlist']!.split(','),
      );
      for (const key of ['linger.ms', 'batch.size', 'compression.type', 'max.poll.records', 'auto.offset.reset']) {
        expect(policy.isAllowed(key)).toBe(true);
      }
      for (const key of [
        'bootstrap.servers',
        'security.protocol',
        'sasl.mechanism',
        'sasl.jaas.config',
        'sasl.client.callback.handler.class',
        'ssl.truststore.location',
        'ssl.endpoint.identification.algorithm',
        'interceptor.classes',
      ]) {
        expect(policy.isAllowed(key)).toBe(false);
      }
    });
  });
});
