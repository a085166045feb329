import { ConfigValue, invalidValue, javaHashSetOrder, parseType } from '../connect/config-def';
import type { ConfigDef } from '../connect/config-def';

/**
 * Connector client config override policies (`org.apache.kafka.connect.connector.policy.*`): which
 * `producer.override.*`, `consumer.override.*`, `admin.override.*` keys a connector config may set.
 */

export interface ConnectorClientConfigOverridePolicy {
  /** `All`, `None`, `Principal` or `Allowlist`, as Apache's `policyName()` prints it. */
  readonly name: string;
  isAllowed(key: string): boolean;
}

const POLICY_PACKAGE = 'org.apache.kafka.connect.connector.policy.';
const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

/**
 * The worker's `connector.client.config.override.policy`, by alias (`All`), simple class name or FQCN.
 * `allowlist` is the worker's `connector.client.config.override.allowlist` for the `Allowlist` policy (KIP-1188).
 */
export function overridePolicy(spec: string, allowlist: readonly string[] = []): ConnectorClientConfigOverridePolicy {
  const simple = spec
    .trim()
    .replace(POLICY_PACKAGE, '')
    .replace(/ConnectorClientConfigOverridePolicy$/, '');
  switch (simple) {
    case 'All':
      return { name: 'All', isAllowed: () => true };
    case 'None':
      return { name: 'None', isAllowed: () => false };
    case 'Principal':
      return { name: 'Principal', isAllowed: (key) => PRINCIPAL_KEYS.has(key) };
    case 'Allowlist': {
      const allowed = new Set(allowlist);
      return { name: 'Allowlist', isAllowed: (key) => allowed.has(key) };
    }
    default:
      throw invalidValue(
        'connector.client.config.override.policy',
        spec,
        `Failed to find any class that implements ConnectorClientConfigOverridePolicy and which name matches ${spec}`,
      );
  }
}

/** The override policy's ConfigValues for one client type (un-prefixed names), as Apache's policy `validate`. */
export function validateClientOverrides(
  policy: ConnectorClientConfigOverridePolicy,
  prefix: string,
  config: Readonly<Record<string, string | null | undefined>>,
  clientDef?: ConfigDef,
): ConfigValue[] {
  const values: ConfigValue[] = [];
  const overrides = new Map<string, string | null>();
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(prefix) && key.length > prefix.length) overrides.set(key.slice(prefix.length), value ?? null);
  }
  // Apache collects the overrides in a HashMap: its iteration order is what the response shows.
  for (const name of javaHashSetOrder([...overrides.keys()])) {
    const raw = overrides.get(name) ?? null;
    const key = clientDef?.configKeys().get(name);
    // Apache parses known client keys with their type; a bad value fails the whole request (500).
    const configValue = new ConfigValue(name, key ? parseType(name, raw, key.type) : raw);
    if (!policy.isAllowed(name)) {
      configValue.addErrorMessage(
        `The '${policy.name}' policy does not allow '${name}' to be overridden in the connector configuration.`,
      );
    }
    values.push(configValue);
  }
  return values;
}

/**
 * Apache's `Worker.connectorClientConfigOverrides` check when a task builds a client: the validation already
 * rejected these, but a config stored before the worker's policy changed must not reach a client either.
 * Unlike Apache's message, only names and reasons are printed: an override's value may be a credential.
 */
export function clientOverrideViolations(
  policy: ConnectorClientConfigOverridePolicy,
  prefix: string,
  config: Readonly<Record<string, string | null | undefined>>,
): string[] {
  return validateClientOverrides(policy, prefix, config)
    .filter((v) => v.errorMessages.length > 0)
    .flatMap((v) => v.errorMessages);
}
