import { validateWorkerConfig } from '../../infra/worker-config';

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

  it.each([
    ['ssl.keystore.password', 'changeit'],
    ['producer.ssl.key.password', 'changeit'],
    ['ssl.keystore.key', '-----BEGIN PRIVATE KEY-----'],
    ['sasl.jaas.config', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'],
    ['sasl.client.callback.handler.secret', 'x'],
  ])('refuses the clear-text secret %s', (key, value) => {
    expect(() => validateWorkerConfig({ [key]: value })).toThrow(`workerConfig '${key}' looks like a secret`);
  });
});
