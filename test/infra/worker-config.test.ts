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
});
