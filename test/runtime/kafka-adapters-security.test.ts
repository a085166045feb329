/**
 * The contract suite of the Kafka ports' security options over both client adapters (kafkajs and
 * @platformatic/kafka), against one real Apache Kafka broker with secure listeners (test/services/secure-kafka.ts:
 * TLS, mutual TLS, SASL_PLAINTEXT and SASL_SSL with PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER). Every case is the
 * Apache-style client properties a worker or connector file holds (`security.protocol`, `ssl.*`, `sasl.*`):
 * they must connect and carry records, bad credentials must fail with a clear error (not a hang), and a key a Node
 * client cannot honour must be refused when the client is made. docs/kafka-client-port.md lists what is covered.
 */
import { readFileSync } from 'node:fs';
import { KafkajsClientFactory } from '../../lib/adapters/kafka/client-factory';
import { PlatformaticClientFactory } from '../../lib/adapters/platformatic-kafka/client-factory';
import type { ConsumerRecord, KafkaClientFactory, ProducerRecord } from '../../lib/storage/kafka-ports';
import { STORE_PASSWORD, USERS, startSecureKafka } from '../services/secure-kafka';
import type { SecureKafka, SecureListener, SecureMaterial } from '../services/secure-kafka';
import { uniqueName, waitFor } from '../services/env';

// No shared service: the file starts its own broker (SKC_SERVICES=none is enough).

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Each adapter with its default retries (a first TLS handshake on a loaded machine may need them), and with few. */
const FACTORIES: [string, KafkaClientFactory, KafkaClientFactory][] = [
  [
    'kafkajs',
    new KafkajsClientFactory(),
    // Quiet: kafkajs logs each refused attempt at ERROR, and these cases are refused on purpose.
    new KafkajsClientFactory({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 }, logger: quiet }),
  ],
  ['platformatic', new PlatformaticClientFactory(), new PlatformaticClientFactory({ retries: 1 })],
];

const jaas = (
  module: 'plain.PlainLoginModule' | 'scram.ScramLoginModule',
  user: { username: string; password: string },
) => `org.apache.kafka.common.security.${module} required username="${user.username}" password="${user.password}";`;
const UNSECURED_OAUTH =
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="bob";';

type Props = Record<string, string>;

/** Each case: a listener and the client properties that reach it. */
const CONNECTS: [string, SecureListener, (m: SecureMaterial) => Props][] = [
  ['SSL, PEM truststore file', 'SSL', (m) => ({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': m.caPem })],
  [
    'SSL, JKS truststore (Java’s default type) with its password',
    'SSL',
    (m) => ({ 'ssl.truststore.location': m.truststoreJks, 'ssl.truststore.password': STORE_PASSWORD }),
  ],
  ['SSL, inline PEM truststore', 'SSL', (m) => ({ 'ssl.truststore.certificates': readFileSync(m.caPem, 'utf8') })],
  [
    'mutual TLS, PEM keystore file with an encrypted key',
    'MTLS',
    (m) => ({
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': m.caPem,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': m.clientKeystorePem,
      'ssl.key.password': STORE_PASSWORD,
    }),
  ],
  [
    'mutual TLS, PKCS12 keystore and JKS truststore',
    'MTLS',
    (m) => ({
      'ssl.truststore.type': 'JKS',
      'ssl.truststore.location': m.truststoreJks,
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': m.clientKeystoreP12,
      'ssl.keystore.password': STORE_PASSWORD,
      'ssl.key.password': STORE_PASSWORD,
      'ssl.enabled.protocols': 'TLSv1.3',
    }),
  ],
  [
    'mutual TLS, inline PEM certificate chain and key',
    'MTLS',
    (m) => ({
      'ssl.truststore.certificates': readFileSync(m.caPem, 'utf8'),
      'ssl.keystore.certificate.chain': readFileSync(m.clientCertPem, 'utf8'),
      'ssl.keystore.key': readFileSync(m.clientKeyPem, 'utf8'),
      'ssl.key.password': STORE_PASSWORD,
    }),
  ],
  ['SASL_PLAINTEXT PLAIN', 'SASL', () => ({ 'sasl.jaas.config': jaas('plain.PlainLoginModule', USERS.plain) })],
  [
    'SASL_PLAINTEXT SCRAM-SHA-256',
    'SASL',
    () => ({ 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': jaas('scram.ScramLoginModule', USERS.scram256) }),
  ],
  [
    'SASL_PLAINTEXT SCRAM-SHA-512',
    'SASL',
    () => ({ 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': jaas('scram.ScramLoginModule', USERS.scram512) }),
  ],
  [
    'SASL_PLAINTEXT OAUTHBEARER (unsecured JWS)',
    'SASL',
    () => ({ 'sasl.mechanism': 'OAUTHBEARER', 'sasl.jaas.config': UNSECURED_OAUTH }),
  ],
  [
    'SASL_SSL SCRAM-SHA-512 with a PEM truststore',
    'SASLSSL',
    (m) => ({
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': jaas('scram.ScramLoginModule', USERS.scram512),
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': m.caPem,
    }),
  ],
  [
    'SASL_SSL OAUTHBEARER with a JKS truststore',
    'SASLSSL',
    (m) => ({
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config': UNSECURED_OAUTH,
      'ssl.truststore.location': m.truststoreJks,
    }),
  ],
];

const PROTOCOL: Record<SecureListener, string> = {
  PLAINTEXT: 'PLAINTEXT',
  SSL: 'SSL',
  MTLS: 'SSL',
  SASL: 'SASL_PLAINTEXT',
  SASLSSL: 'SASL_SSL',
};

let kafka: SecureKafka | undefined;

beforeAll(async () => {
  kafka = await startSecureKafka();
});

afterAll(async () => {
  await kafka?.stop();
});

const secure = (): SecureKafka => {
  if (!kafka) throw new Error('the secure broker did not start');
  return kafka;
};

/** Client properties for `listener`: its bootstrap address and security.protocol, then `props`. */
const clientProps = (listener: SecureListener, props: Props): Props => ({
  'bootstrap.servers': secure().bootstrap(listener),
  'security.protocol': PROTOCOL[listener],
  'client.id': 'test-secure',
  ...props,
});

const record = (topic: string, value: string): ProducerRecord => ({
  topic,
  partition: null,
  key: null,
  value: Buffer.from(value),
  timestamp: Date.now(),
  headers: [],
});

/** Connects a producer with `props` and sends one record; settles with the send's outcome. */
async function sendOne(factory: KafkaClientFactory, props: Props, topic: string): Promise<void> {
  const producer = factory.newProducer(props);
  try {
    await producer.connect();
    await producer.send([record(topic, 'one')]);
  } finally {
    await producer.close().catch(() => undefined);
  }
}

describe.each(FACTORIES)('Kafka port security contract: %s adapter', (name, factory, fewRetries) => {
  it.each(CONNECTS)('creates a topic, produces and consumes over %s', async (label, listener, settings) => {
    const props = clientProps(listener, settings(secure().material));
    const topic = uniqueName(`secure-${name}`);
    expect(await factory.newTopicAdmin(props).ensureTopic(topic, { partitions: 1, replicationFactor: 1 })).toBe(true);
    const producer = factory.newProducer(props);
    await producer.connect();
    const metadata = await producer.send([record(topic, `${label}-1`), record(topic, `${label}-2`)]);
    await producer.close();
    expect(metadata.map((m) => m.offset)).toEqual([0, 1]);
    const consumer = factory.newConsumer({
      ...props,
      'group.id': uniqueName(`secure-group-${name}`),
      'auto.offset.reset': 'earliest',
    });
    await consumer.subscribe(
      { topics: [topic] },
      { onPartitionsAssigned: () => undefined, onPartitionsRevoked: () => undefined },
    );
    const got: ConsumerRecord[] = [];
    await waitFor(async () => (got.push(...(await consumer.poll(200))), got.length >= 2 ? true : undefined), {
      description: 'both records back',
    });
    await consumer.close();
    expect(got.map((r) => Buffer.from(r.value ?? []).toString())).toEqual([`${label}-1`, `${label}-2`]);
  });

  it.each<[string, SecureListener, (m: SecureMaterial) => Props, RegExp]>([
    [
      'a wrong PLAIN password',
      'SASL',
      () => ({ 'sasl.jaas.config': jaas('plain.PlainLoginModule', { ...USERS.plain, password: 'wrong' }) }),
      /authentication failed/i,
    ],
    [
      'a wrong SCRAM-SHA-256 password',
      'SASL',
      () => ({
        'sasl.mechanism': 'SCRAM-SHA-256',
        'sasl.jaas.config': jaas('scram.ScramLoginModule', { ...USERS.scram256, password: 'wrong' }),
      }),
      /authentication failed/i,
    ],
    [
      'an unknown SCRAM-SHA-512 user over SASL_SSL',
      'SASLSSL',
      (m) => ({
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config': jaas('scram.ScramLoginModule', { username: 'nobody', password: 'x' }),
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': m.caPem,
      }),
      /authentication failed/i,
    ],
    [
      // What Node trusts by default: the broker's test CA is not among them.
      'a broker certificate the truststore does not trust',
      'SSL',
      () => ({}),
      /self-signed certificate in certificate chain/,
    ],
    [
      'no client certificate on a listener that requires one',
      'MTLS',
      (m) => ({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': m.caPem }),
      // TLS 1.3: the broker's alert comes after the client's handshake ended; kafkajs reads it ("bad certificate"),
      // @platformatic/kafka only sees the connection close.
      /bad certificate|Connection closed/,
    ],
    [
      'AWS_MSK_IAM’s signed token on a broker that validates unsecured JWS only',
      'SASL',
      () => ({
        'sasl.mechanism': 'AWS_MSK_IAM',
        'sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
        'sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
      }),
      /the broker refused the token \(\{"status":"invalid_token"\}\)/,
    ],
  ])('fails with a clear error on %s', async (_label, listener, settings, message) => {
    const props = clientProps(listener, settings(secure().material));
    // Few retries keep the case quick (the default policies only retry the same refusal longer).
    await expect(sendOne(fewRetries, props, uniqueName(`secure-refused-${name}`))).rejects.toThrow(message);
  });

  it.each<[string, Props, RegExp]>([
    [
      'a PKCS12 truststore',
      { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': '/x.p12' },
      /ssl\.truststore\.type=PKCS12 is not supported by the Node Kafka clients: truststores must be PEM or JKS/,
    ],
    [
      'a JKS keystore',
      { 'security.protocol': 'SSL', 'ssl.keystore.location': '/x.jks', 'ssl.keystore.password': 'p' },
      /ssl\.keystore\.type=JKS is not supported by the Node Kafka clients: keystores must be PEM or PKCS12/,
    ],
    [
      'GSSAPI (Kerberos)',
      { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'GSSAPI' },
      /sasl\.mechanism=GSSAPI is not supported by the Node Kafka clients: supported: PLAIN, SCRAM-SHA-256/,
    ],
    [
      'OAUTHBEARER from an OIDC token endpoint',
      {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'OAUTHBEARER',
        'sasl.jaas.config': UNSECURED_OAUTH,
        'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token',
      },
      /sasl\.oauthbearer\.token\.endpoint\.url=.* is not supported by the Node Kafka clients/,
    ],
    [
      'PLAIN without credentials',
      { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' },
      /sasl\.mechanism=PLAIN needs sasl\.jaas\.config with username and password/,
    ],
    [
      'cipher suites',
      { 'security.protocol': 'SSL', 'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256' },
      /ssl\.cipher\.suites=TLS_AES_128_GCM_SHA256 is not supported by the Node Kafka clients/,
    ],
  ])('refuses %s when the client is made, naming the key', (_label, props, message) => {
    const all = { 'bootstrap.servers': '127.0.0.1:9', ...props };
    expect(() => factory.newProducer(all)).toThrow(message);
    expect(() => factory.newConsumer({ ...all, 'group.id': 'g' })).toThrow(message);
  });
});
