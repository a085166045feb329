/** Worker keys whose values are secrets (`ssl.keystore.password`, `producer.sasl.jaas.config` …). */
const SECRET_KEY = /(password|secret|credentials|sasl\.jaas\.config|keystore\.key)$/i;
/** A whole-value config-provider reference: `${provider:[path:]key}`. */
const PROVIDER_REFERENCE = /^\$\{[^}]+\}$/;
/**
 * One `name=value` option of a JAAS configuration line. Kafka's JAAS parser (a StreamTokenizer) takes a value
 * double-quoted, single-quoted or as a bare word, so all three forms are read here: a check of the quoted form
 * only let `password=secret` through.
 */
const JAAS_OPTION = /([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/g;
/** JAAS options that carry a secret (`password`, `clientSecret`, `token` …). */
const JAAS_SECRET_OPTION = /(password|secret|token)/i;

/** The secret-bearing JAAS options of `value` whose value is not a config-provider reference. */
function clearTextJaasOptions(value: string): string[] {
  if (PROVIDER_REFERENCE.test(value.trim())) return []; // the whole line is a reference
  return [...value.matchAll(JAAS_OPTION)]
    .filter((m) => JAAS_SECRET_OPTION.test(m[1] ?? ''))
    .filter((m) => !PROVIDER_REFERENCE.test(m[2] ?? m[3] ?? m[4] ?? ''))
    .map((m) => m[1] ?? '');
}

/**
 * The worker properties as given, after refusing clear-text secrets: they would sit in the task definition and the
 * Lambda environment. Secrets must be config-provider references, resolved at run time.
 */
export function validateWorkerConfig(config: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') throw new Error(`workerConfig '${key}' must be a string`);
    if (key.startsWith('config.providers')) continue; // provider definitions, not secrets
    if (!SECRET_KEY.test(key)) continue;
    const clearText = /sasl\.jaas\.config$/i.test(key)
      ? clearTextJaasOptions(value).length > 0
      : !PROVIDER_REFERENCE.test(value);
    if (clearText) {
      throw new Error(
        `workerConfig '${key}' looks like a secret: use a config provider reference (\${provider:path:key}) instead of a clear-text value`,
      );
    }
  }
  return config;
}

/**
 * Worker keys the construct sets unless `workerConfig` does. A connector may override its clients' tuning keys
 * (`producer.override.linger.ms`, `consumer.override.max.poll.records` …) but not where they connect or how they
 * authenticate (`bootstrap.servers`, `security.protocol`, `sasl.*`, `ssl.*`): otherwise any API caller could point
 * its task's clients, with the deployment's credentials, at a broker of its choice. The policy is Apache's
 * `Allowlist` (KIP-1188) over un-prefixed client keys; the local stack keeps Apache's default (`All`).
 */
export const AWS_WORKER_DEFAULTS: Readonly<Record<string, string>> = {
  // FileStream reads and writes the task container's own files: off in AWS unless `workerConfig` turns it on (with
  // `skc.filestream.allowed.paths` to confine it). Apache stopped shipping it on the default classpath in 3.2.
  'skc.filestream.enable': 'false',
  'connector.client.config.override.policy': 'Allowlist',
  'connector.client.config.override.allowlist': [
    // producer
    'acks',
    'batch.size',
    'linger.ms',
    'compression.type',
    'compression.gzip.level',
    'compression.lz4.level',
    'compression.zstd.level',
    'buffer.memory',
    'max.request.size',
    'max.block.ms',
    'delivery.timeout.ms',
    'retries',
    'max.in.flight.requests.per.connection',
    'enable.idempotence',
    'transaction.timeout.ms',
    // consumer
    'max.poll.records',
    'max.poll.interval.ms',
    'fetch.min.bytes',
    'fetch.max.bytes',
    'fetch.max.wait.ms',
    'max.partition.fetch.bytes',
    'session.timeout.ms',
    'heartbeat.interval.ms',
    'auto.offset.reset',
    'isolation.level',
    // every client
    'client.id',
    'request.timeout.ms',
    'default.api.timeout.ms',
    'retry.backoff.ms',
    'retry.backoff.max.ms',
    'reconnect.backoff.ms',
    'reconnect.backoff.max.ms',
    'connections.max.idle.ms',
    'metadata.max.age.ms',
    'send.buffer.bytes',
    'receive.buffer.bytes',
  ].join(','),
};
