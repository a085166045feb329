import {
  connectorClientProps,
  defaultClientId,
  mapClientConfig,
  mapConnectorClient,
  parseJaasConfig,
} from '../../lib/config/client-config';
import { unsecuredJws } from '../../lib/config/client-security';
import { parseWorkerConfig } from '../../lib/config/worker-config';

const worker = (extra: Record<string, string> = {}) =>
  parseWorkerConfig(
    {
      'bootstrap.servers': 'b1:9092,b2:9092',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': '/tmp/x',
      ...extra,
    },
    'standalone',
  );

describe('parseJaasConfig', () => {
  it.each([
    [
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a-secret";',
      {
        loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule',
        username: 'alice',
        password: 'a-secret',
        options: { username: 'alice', password: 'a-secret' },
      },
    ],
    [
      'org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=bob\n  password="p\\"w;d";',
      {
        loginModule: 'org.apache.kafka.common.security.scram.ScramLoginModule',
        username: 'bob',
        password: 'p"w;d',
        options: { username: 'bob', password: 'p"w;d' },
      },
    ],
  ])('%s', (jaas, expected) => {
    expect(parseJaasConfig(jaas)).toEqual(expected);
  });

  it('null for text that is not a JAAS entry', () => {
    expect(parseJaasConfig('username=x')).toBeNull();
  });
});

describe('mapClientConfig', () => {
  it('producer keys', () => {
    const { client, producer, warnings } = mapClientConfig('producer', {
      'bootstrap.servers': 'a:1, b:2',
      'client.id': 'c',
      acks: 'all',
      'compression.type': 'gzip',
      'linger.ms': '20',
      'batch.size': '32768',
      'max.request.size': '2097152',
      'max.in.flight.requests.per.connection': '1',
      'enable.idempotence': 'true',
      'request.timeout.ms': '15000',
      'retry.backoff.ms': '100',
      retries: '2147483647',
      'key.serializer': 'org.apache.kafka.common.serialization.ByteArraySerializer',
      'buffer.memory': '33554432',
    });
    expect(client).toEqual({
      brokers: ['a:1', 'b:2'],
      clientId: 'c',
      requestTimeout: 15000,
      retry: { initialRetryTime: 100, retries: 2147483647 },
    });
    expect(producer).toEqual({
      acks: -1,
      compression: 'gzip',
      lingerMs: 20,
      batchSizeBytes: 32768,
      maxInFlightRequests: 1,
      idempotent: true,
      timeout: 15000,
    });
    expect(warnings).toEqual(["producer config 'buffer.memory' has no kafkajs equivalent and is ignored"]);
  });

  it('max.request.size: used by the source task, so checked and not reported as ignored', () => {
    expect(mapClientConfig('producer', { 'max.request.size': '2097152' }).warnings).toEqual([]);
    expect(() => mapClientConfig('producer', { 'max.request.size': 'big' })).toThrow(/max.request.size/);
  });

  it('consumer keys', () => {
    const { consumer, warnings } = mapClientConfig('consumer', {
      'group.id': 'connect-x',
      'session.timeout.ms': '45000',
      'heartbeat.interval.ms': '3000',
      'max.poll.interval.ms': '300000',
      'max.poll.records': '500',
      'max.partition.fetch.bytes': '1048576',
      'fetch.max.bytes': '52428800',
      'fetch.min.bytes': '1',
      'fetch.max.wait.ms': '500',
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': 'false',
      'isolation.level': 'read_committed',
      'client.rack': 'use1-az1',
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      'allow.auto.create.topics': 'true',
      acks: 'all',
    });
    expect(consumer).toEqual({
      groupId: 'connect-x',
      sessionTimeout: 45000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 300000,
      maxPollRecords: 500,
      maxBytesPerPartition: 1048576,
      maxBytes: 52428800,
      minBytes: 1,
      maxWaitTimeInMs: 500,
      autoOffsetReset: 'earliest',
      autoCommit: false,
      readUncommitted: false,
      rackId: 'use1-az1',
    });
    expect(warnings).toEqual([
      "consumer config 'partition.assignment.strategy' has no kafkajs equivalent and is ignored",
      "consumer config 'allow.auto.create.topics' is ignored: a sink task waits for missing topics and never auto-creates them",
      "consumer config 'acks' has no kafkajs equivalent and is ignored",
    ]);
  });

  it('SASL_SSL with SCRAM credentials from sasl.jaas.config', () => {
    const { client } = mapClientConfig('admin', {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
    });
    expect(client).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
  });

  it('SSL with PEM material and hostname verification off; JKS truststores, PKCS12 keystores', () => {
    const { client, warnings } = mapClientConfig('producer', {
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/etc/ca.pem',
      'ssl.keystore.certificate.chain': '-----BEGIN CERTIFICATE-----',
      'ssl.keystore.key': '-----BEGIN PRIVATE KEY-----',
      'ssl.key.password': 'kp',
      'ssl.endpoint.identification.algorithm': '',
    });
    expect(client.ssl).toEqual({
      caFile: '/etc/ca.pem',
      cert: '-----BEGIN CERTIFICATE-----',
      key: '-----BEGIN PRIVATE KEY-----',
      passphrase: 'kp',
      checkHostname: false,
    });
    expect(warnings).toEqual([]);
    // Java's default store type is JKS; keystores may be PKCS12 (Node's `pfx`).
    const stores = mapClientConfig('producer', {
      'security.protocol': 'SSL',
      'ssl.truststore.location': '/etc/t.jks',
      'ssl.truststore.password': 'tp',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': '/etc/k.p12',
      'ssl.keystore.password': 'kp',
      'ssl.enabled.protocols': 'TLSv1.3',
    });
    expect(stores.client.ssl).toEqual({
      jksTrustStoreFile: '/etc/t.jks',
      trustStorePassword: 'tp',
      pkcs12KeyStoreFile: '/etc/k.p12',
      passphrase: 'kp',
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      checkHostname: true,
    });
    expect(stores.warnings).toEqual([]);
  });

  it('refuses security keys the Node clients cannot honour, only when security.protocol uses them', () => {
    const p12 = { 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': '/etc/t.p12' };
    expect(() => mapClientConfig('producer', { 'security.protocol': 'SSL', ...p12 })).toThrow(
      'ssl.truststore.type=PKCS12 is not supported by the Node Kafka clients: truststores must be PEM or JKS',
    );
    expect(() => mapClientConfig('producer', { 'security.protocol': 'SASL_PLAINTEXT', ...p12 })).toThrow(
      'sasl.mechanism=PLAIN needs sasl.jaas.config with username and password',
    );
    expect(mapClientConfig('producer', { 'sasl.mechanism': 'GSSAPI', ...p12 }).client).toEqual({});
    expect(() =>
      mapClientConfig('consumer', {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
      }),
    ).toThrow('sasl.mechanism=OAUTHBEARER needs sasl.jaas.config=');
  });

  it('OAUTHBEARER with the unsecured login: the claims of an unsecured JWS', () => {
    const { client } = mapClientConfig('consumer', {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ' +
        'unsecuredLoginStringClaim_sub="bob" unsecuredLoginListClaim_scope=",a,b" unsecuredLoginLifetimeSeconds="60";',
    });
    const sasl = client.sasl as { unsecuredLogin: Record<string, string> };
    const [header, claims, signature] = unsecuredJws(sasl.unsecuredLogin, 1_700_000_000_000).split('.');
    expect(JSON.parse(Buffer.from(header as string, 'base64url').toString())).toEqual({ alg: 'none' });
    expect(JSON.parse(Buffer.from(claims as string, 'base64url').toString())).toEqual({
      sub: 'bob',
      scope: ['a', 'b'],
      iat: 1_700_000_000,
      exp: 1_700_000_060,
    });
    expect(signature).toBe('');
  });

  it('PLAINTEXT ignores sasl.* and ssl.* as the Java client does', () => {
    const { client } = mapClientConfig('consumer', {
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
      'ssl.truststore.certificates': 'pem',
    });
    expect(client).toEqual({});
  });

  it('invalid values fail with the Java client’s style of message', () => {
    expect(() => mapClientConfig('producer', { acks: 'some' })).toThrow(
      'Invalid value some for configuration acks: String must be one of: all, -1, 0, 1',
    );
    expect(() => mapClientConfig('producer', { 'linger.ms': 'x' })).toThrow(
      'Invalid value x for configuration linger.ms: Not a number of type LONG',
    );
    expect(() => mapClientConfig('consumer', { 'security.protocol': 'TLS' })).toThrow(
      'Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    );
  });
});

describe('connector clients (Apache’s Worker precedence)', () => {
  it('producer: framework defaults < worker producer.* < connector producer.override.*', () => {
    const props = connectorClientProps(
      worker({ 'producer.linger.ms': '5', 'producer.acks': '1' }),
      'producer',
      'c1',
      0,
      {
        'producer.override.acks': '0',
      },
    );
    expect(props).toEqual({
      'bootstrap.servers': 'b1:9092,b2:9092',
      acks: '0',
      'max.in.flight.requests.per.connection': '1',
      'delivery.timeout.ms': '2147483647',
      'client.id': 'connector-producer-c1-0',
      'linger.ms': '5',
    });
  });

  it('consumer: group connect-<name>, earliest, no auto commit', () => {
    const mapping = mapConnectorClient(worker(), 'consumer', 'sink-a', 2, {
      'consumer.override.max.poll.records': '10',
    });
    expect(mapping.client).toEqual({ brokers: ['b1:9092', 'b2:9092'], clientId: 'connector-consumer-sink-a-2' });
    expect(mapping.consumer).toEqual({
      groupId: 'connect-sink-a',
      autoCommit: false,
      autoOffsetReset: 'earliest',
      maxPollRecords: 10,
    });
    expect(mapping.warnings).toEqual([]);
  });

  it('admin: inherits un-prefixed worker keys (security) without warning about worker keys', () => {
    const mapping = mapConnectorClient(
      worker({
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="w" password="x";',
        'admin.listeners': 'http://:9999',
        'admin.metadata.max.age.ms': '1000',
      }),
      'admin',
      'c',
      0,
      {},
    );
    expect(mapping.client).toEqual({
      brokers: ['b1:9092', 'b2:9092'],
      clientId: 'connector-adminclient-c-0',
      sasl: { mechanism: 'plain', username: 'w', password: 'x' },
    });
    expect(mapping.warnings).toEqual(["admin config 'metadata.max.age.ms' has no kafkajs equivalent and is ignored"]);
  });

  it('client ids', () => {
    expect(defaultClientId('admin', 'n', 3)).toBe('connector-adminclient-n-3');
  });
});
