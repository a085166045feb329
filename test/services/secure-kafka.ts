/**
 * An Apache Kafka broker with secure listeners, for the contract suite of the Kafka clients' security options
 * (test/runtime/kafka-adapters-security.test.ts): the production launcher (lib/adapters/local/kafka-broker.ts)
 * with, beside PLAINTEXT,
 *
 * - `SSL` (TLS, server certificate only) and `MTLS` (TLS, client certificate required),
 * - `SASL` (SASL_PLAINTEXT) and `SASLSSL` (SASL_SSL), each with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and
 *   OAUTHBEARER (Kafka's unsecured JWS validator, `OAuthBearerUnsecuredValidatorCallbackHandler`).
 *
 * Keys and certificates are made at start-up in the broker's temp dir with `openssl` and the JDK's `keytool`
 * (nothing secret is committed): a CA, a broker certificate for 127.0.0.1/localhost signed by it, a client
 * certificate for mutual TLS, and the CA as PEM, JKS and PKCS12 truststores. SCRAM users are created when storage
 * is formatted (`kafka-storage format --add-scram`), as Apache documents for KRaft.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kafkaBrokerReadiness } from '../../lib/adapters/kafka/admin';
import { javaBin, startKafkaBroker } from '../../lib/adapters/local/kafka-broker';
import type { KafkaBroker } from '../../lib/adapters/local/kafka-broker';
import { servicePaths } from './paths';

/** The users the broker knows: PLAIN from its JAAS config, SCRAM from the formatted storage. */
export const USERS = {
  plain: { username: 'alice', password: 'alice-secret' },
  scram256: { username: 'scram256', password: 'scram256-secret' },
  scram512: { username: 'scram512', password: 'scram512-secret' },
} as const;

/** The password of the generated stores and of the client's encrypted PEM key. */
export const STORE_PASSWORD = 'store-secret';

export interface SecureMaterial {
  readonly dir: string;
  /** The CA certificate (PEM): what clients trust. */
  readonly caPem: string;
  /** The same CA as a JKS and a PKCS12 truststore (password {@link STORE_PASSWORD}). */
  readonly truststoreJks: string;
  readonly truststoreP12: string;
  /** The client's certificate (PEM) and its PKCS#8 key encrypted with {@link STORE_PASSWORD}. */
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** Key then certificate in one PEM file (`ssl.keystore.type=PEM`, `ssl.keystore.location`). */
  readonly clientKeystorePem: string;
  /** The client's key and certificate chain as a PKCS12 keystore (password {@link STORE_PASSWORD}). */
  readonly clientKeystoreP12: string;
  /** The client's key and certificate chain as a JKS keystore (password {@link STORE_PASSWORD}). */
  readonly clientKeystoreJks: string;
}

const run = (command: string, args: readonly string[], cwd: string): void => {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
};

/** keytool lies beside the java the broker runs on. */
const keytoolBin = (): string => {
  const java = javaBin();
  return java === 'java' ? 'keytool' : join(dirname(java), 'keytool');
};

/** Generates the CA, broker and client material into a fresh temp dir. */
export function makeSecureMaterial(): SecureMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'skc-tls-'));
  const openssl = (...args: string[]) => run('openssl', args, dir);
  const keytool = (...args: string[]) => run(keytoolBin(), args, dir);
  // prettier-ignore
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=skc-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
  writeFileSync(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [
    ['broker', '/CN=localhost'],
    ['client', '/CN=skc-client'],
  ] as const) {
    openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    openssl(
      'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
    ); // prettier-ignore
    openssl(
      'pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-certfile', 'ca.pem',
      '-name', name, '-passout', `pass:${STORE_PASSWORD}`, '-out', `${name}.p12`,
    ); // prettier-ignore
  }
  openssl(
    'pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-passout', `pass:${STORE_PASSWORD}`,
    '-out', 'client-encrypted.key',
  ); // prettier-ignore
  writeFileSync(
    join(dir, 'client-keystore.pem'),
    readFileSync(join(dir, 'client-encrypted.key'), 'utf8') + readFileSync(join(dir, 'client.pem'), 'utf8'),
  );
  for (const type of ['JKS', 'PKCS12']) {
    keytool(
      '-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-storetype', type,
      '-keystore', `truststore.${type.toLowerCase()}`, '-storepass', STORE_PASSWORD,
    ); // prettier-ignore
  }
  keytool(
    '-importkeystore', '-noprompt', '-srckeystore', 'client.p12', '-srcstoretype', 'PKCS12',
    '-srcstorepass', STORE_PASSWORD, '-destkeystore', 'client.jks', '-deststoretype', 'JKS',
    '-deststorepass', STORE_PASSWORD, '-destkeypass', STORE_PASSWORD,
  ); // prettier-ignore
  return {
    dir,
    caPem: join(dir, 'ca.pem'),
    truststoreJks: join(dir, 'truststore.jks'),
    truststoreP12: join(dir, 'truststore.pkcs12'),
    clientCertPem: join(dir, 'client.pem'),
    clientKeyPem: join(dir, 'client-encrypted.key'),
    clientKeystorePem: join(dir, 'client-keystore.pem'),
    clientKeystoreP12: join(dir, 'client.p12'),
    clientKeystoreJks: join(dir, 'client.jks'),
  };
}

export type SecureListener = 'PLAINTEXT' | 'SSL' | 'MTLS' | 'SASL' | 'SASLSSL';

export interface SecureKafka {
  readonly material: SecureMaterial;
  readonly broker: KafkaBroker;
  /** `host:port` of a listener. */
  bootstrap(listener: SecureListener): string;
  stop(): Promise<void>;
}

const SASL_MECHANISMS = 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER';

/** The `listener.name.<name>.*` settings of a SASL listener (`name` lower case, as Kafka expects). */
function saslListener(name: string): Record<string, string> {
  const prefix = `listener.name.${name}`;
  return {
    [`${prefix}.sasl.enabled.mechanisms`]: SASL_MECHANISMS,
    [`${prefix}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required user_${USERS.plain.username}="${USERS.plain.password}";`,
    [`${prefix}.scram-sha-256.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`${prefix}.scram-sha-512.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`${prefix}.oauthbearer.sasl.jaas.config`]:
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";',
    [`${prefix}.oauthbearer.sasl.server.callback.handler.class`]:
      'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler',
  };
}

/** Generates the material and starts the broker (about as long as the plain test broker). */
export async function startSecureKafka(): Promise<SecureKafka> {
  const material = makeSecureMaterial();
  try {
    const broker = await startKafkaBroker({
      readiness: kafkaBrokerReadiness,
      classpath: readFileSync(servicePaths().kafkaClasspathFile, 'utf8').trim(),
      heap: '384m',
      listeners: [
        { name: 'SSL', protocol: 'SSL' },
        { name: 'MTLS', protocol: 'SSL' },
        { name: 'SASL', protocol: 'SASL_PLAINTEXT' },
        { name: 'SASLSSL', protocol: 'SASL_SSL' },
      ],
      formatArgs: [
        '--add-scram',
        `SCRAM-SHA-256=[name=${USERS.scram256.username},password=${USERS.scram256.password}]`,
        '--add-scram',
        `SCRAM-SHA-512=[name=${USERS.scram512.username},password=${USERS.scram512.password}]`,
      ],
      config: {
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': join(material.dir, 'broker.p12'),
        'ssl.keystore.password': STORE_PASSWORD,
        'ssl.key.password': STORE_PASSWORD,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': material.caPem,
        'listener.name.mtls.ssl.client.auth': 'required',
        ...saslListener('sasl'),
        ...saslListener('saslssl'),
      },
    });
    return {
      material,
      broker,
      bootstrap: (listener) =>
        listener === 'PLAINTEXT' ? broker.bootstrapServers : (broker.listeners[listener] as string),
      stop: async () => {
        await broker.stop();
        rmSync(material.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(material.dir, { recursive: true, force: true });
    throw error;
  }
}
