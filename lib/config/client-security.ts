/**
 * What Apache's `ssl.*` (PEM material) and `sasl.mechanism=AWS_MSK_IAM` settings become for a Node Kafka client.
 * Both Kafka client adapters (kafkajs and @platformatic/kafka) connect through Node's TLS and sign MSK IAM tokens
 * the same way; only the option names differ. Kept here, free of any client SDK, so the two adapters (which never
 * import each other) apply one rule.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigException } from '../connect/errors';
import type { SaslSettings, SslSettings } from './client-config';

/** Node TLS options from the PEM material of `ssl.*` (files are read now, once per client). */
export const tlsConnectionOptions = (ssl: SslSettings): ConnectionOptions => {
  const options: ConnectionOptions = {};
  const ca = [
    ssl.ca,
    ssl.caFile ? readFileSync(ssl.caFile, 'utf8') : undefined,
    ...(ssl.jksTrustStoreFile ? jksTrustedCertificates(ssl.jksTrustStoreFile, ssl.trustStorePassword) : []),
  ].filter((x) => x !== undefined);
  if (ca.length > 0) options.ca = ca;
  if (ssl.pkcs12KeyStoreFile !== undefined) options.pfx = readFileSync(ssl.pkcs12KeyStoreFile);
  if (ssl.minVersion !== undefined) options.minVersion = ssl.minVersion;
  if (ssl.maxVersion !== undefined) options.maxVersion = ssl.maxVersion;
  if (ssl.cert !== undefined) options.cert = ssl.cert;
  if (ssl.key !== undefined) options.key = ssl.key;
  if (ssl.keyStoreFile !== undefined) {
    const pem = readFileSync(ssl.keyStoreFile, 'utf8');
    options.key = pem;
    options.cert = pem;
  }
  if (ssl.passphrase !== undefined) options.passphrase = ssl.passphrase;
  if (!ssl.checkHostname) options.checkServerIdentity = () => undefined;
  return options;
};

/**
 * The OAUTHBEARER token for `sasl.mechanism=AWS_MSK_IAM` (what Java clients set for Amazon MSK with IAM): signed
 * with the process's AWS credentials, which MSK accepts as well. Called for every authentication, so it stays fresh.
 */
export const mskIamAuthToken = async (): Promise<string> => {
  const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new Error('sasl.mechanism=AWS_MSK_IAM needs AWS_REGION to sign its token');
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return (await generateAuthToken({ region })).token;
};

/**
 * The certificates a JKS truststore holds (Java's default `ssl.truststore.type`), as PEM: each trusted-certificate
 * entry and the first certificate of each key entry, as Java's trust manager takes them. With a password the
 * store's keyed SHA-1 digest is checked, as `KeyStore.load` does. Format: magic 0xFEEDFEED, version 1 or 2, a count,
 * then entries (tag, alias, date, then the certificate or the protected key and its chain), then the digest.
 */
export function jksTrustedCertificates(file: string, password?: string): string[] {
  const data = readFileSync(file);
  const fail = (why: string): never => {
    throw new ConfigException('ssl.truststore.location', file, `${file} is not a usable JKS truststore: ${why}`);
  };
  if (data.length < 32 || data.readUInt32BE(0) !== 0xfeedfeed)
    fail('no JKS header (a PKCS12 store? set ssl.truststore.type=PEM with the certificates as PEM)');
  const version = data.readUInt32BE(4);
  if (version !== 1 && version !== 2) fail(`unknown version ${version}`);
  let at = 8;
  const need = (n: number) => {
    if (at + n > data.length - 20) fail('truncated');
  };
  const u32 = () => (need(4), (at += 4), data.readUInt32BE(at - 4));
  const skipUtf = () => {
    need(2);
    at += 2 + data.readUInt16BE(at);
  };
  const certificate = (): Buffer => {
    if (version === 2) skipUtf(); // certificate type, "X.509"
    const length = u32();
    need(length);
    at += length;
    return data.subarray(at - length, at);
  };
  const certificates: Buffer[] = [];
  for (let count = u32(), i = 0; i < count; i++) {
    const tag = u32();
    skipUtf(); // alias
    need(8);
    at += 8; // creation date
    if (tag === 2) certificates.push(certificate());
    else if (tag === 1) {
      const keyLength = u32();
      need(keyLength);
      at += keyLength;
      const chain = Array.from({ length: u32() }, certificate);
      if (chain[0]) certificates.push(chain[0]);
    } else fail(`entry type ${tag} (JCEKS?)`);
  }
  if (password !== undefined) {
    const digest = createHash('sha1')
      .update(Buffer.from(password, 'utf16le').swap16())
      .update('Mighty Aphrodite', 'utf8')
      .update(data.subarray(0, at))
      .digest();
    const stored = data.subarray(at, at + 20);
    if (stored.length !== 20 || !timingSafeEqual(digest, stored))
      fail('the digest does not match (wrong ssl.truststore.password, or the file was tampered with)');
  }
  if (certificates.length === 0) fail('it holds no certificate');
  return certificates.map(
    (der) =>
      `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`,
  );
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An unsecured JWS (`{"alg":"none"}`, empty signature) as Apache's default OAUTHBEARER login makes it
 * (`OAuthBearerUnsecuredLoginCallbackHandler`) from the `unsecuredLogin*` options of `sasl.jaas.config`:
 * `unsecuredLoginStringClaim_<name>`, `unsecuredLoginNumberClaim_<name>`, `unsecuredLoginListClaim_<name>` (its
 * first character is the delimiter), `unsecuredLoginLifetimeSeconds` (default 3600), plus `iat` and `exp`.
 * Brokers accept it only with Kafka's unsecured validator: a development and test setting, as in Apache.
 */
export function unsecuredJws(options: Readonly<Record<string, string>>, nowMs = Date.now()): string {
  const claims: Record<string, unknown> = {};
  let lifetimeSeconds = 3600;
  for (const [key, value] of Object.entries(options)) {
    const claim = /^unsecuredLogin(String|Number|List)Claim_(.+)$/.exec(key);
    if (claim?.[1] === 'String') claims[claim[2] as string] = value;
    else if (claim?.[1] === 'Number') claims[claim[2] as string] = Number(value);
    else if (claim?.[1] === 'List') claims[claim[2] as string] = value.slice(1).split(value.slice(0, 1));
    else if (key === 'unsecuredLoginLifetimeSeconds') lifetimeSeconds = Number(value);
  }
  const iat = nowMs / 1000;
  return `${base64url({ alg: 'none' })}.${base64url({ ...claims, iat, exp: iat + lifetimeSeconds })}.`;
}

/** The OAUTHBEARER token provider of the mapped SASL settings: MSK IAM's signed token or an unsecured JWS. */
export function oauthBearerTokenProvider(sasl: SaslSettings): (() => Promise<string>) | undefined {
  if (sasl.mechanism === 'aws') return mskIamAuthToken;
  const login = sasl.unsecuredLogin;
  if (sasl.mechanism === 'oauthbearer' && login) return () => Promise.resolve(unsecuredJws(login));
  return undefined;
}
