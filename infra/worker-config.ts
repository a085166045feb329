/** Worker keys whose values are secrets (`ssl.keystore.password`, `producer.sasl.jaas.config` …). */
const SECRET_KEY = /(password|secret|credentials|sasl\.jaas\.config|keystore\.key)$/i;
/** A whole-value config-provider reference: `${provider:[path:]key}`. */
const PROVIDER_REFERENCE = /^\$\{[^}]+\}$/;
/** `password="…"` inside a JAAS configuration line. */
const JAAS_PASSWORD = /password\s*=\s*"([^"]*)"/gi;

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
      ? [...value.matchAll(JAAS_PASSWORD)].some((m) => !PROVIDER_REFERENCE.test(m[1] ?? ''))
      : !PROVIDER_REFERENCE.test(value);
    if (clearText) {
      throw new Error(
        `workerConfig '${key}' looks like a secret: use a config provider reference (\${provider:path:key}) instead of a clear-text value`,
      );
    }
  }
  return config;
}
