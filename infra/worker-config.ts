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
