import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigDef, NonEmptyString, ValidString } from '../../lib/connect/config-def';
import type { ConfigInfos, ConfigKeyInfo } from '../../lib/connect/config-def';
import type { PluginKind, PluginResolver, ResolvedPlugin } from '../../lib/config/connector-config';

/** What Apache Kafka Connect 4.3.1 answered (see fixtures/apache-4.3.1/README.md). */
export interface ApacheBehaviour {
  validations: Record<
    string,
    { type: 'sink' | 'source'; config: Record<string, string>; result: ConfigInfos | string }
  >;
  sinkConfigKeys: ConfigKeyInfo[];
  sinkGroups: string[];
  sourceConfigKeys: ConfigKeyInfo[];
  sourceGroups: string[];
  parseType: Record<string, { value: string | null; toString: string } | string>;
  validators: Record<string, string | null>;
  pluginDefs: Record<string, { info: ConfigKeyInfo; validator: string | null }[]>;
}

export const apache: ApacheBehaviour = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'apache-4.3.1', 'apache-behaviour.json'), 'utf8'),
) as ApacheBehaviour;

const TRANSFORMS = 'org.apache.kafka.connect.transforms.';

/** Recommended values Apache listed for `transforms.<a>.type` / `predicates.<a>.type` (its bundled plugins). */
function recommended(kind: 'transformation' | 'predicate'): string[] {
  const name = kind === 'transformation' ? 'transforms.f.type' : 'predicates.p.type';
  for (const v of Object.values(apache.validations)) {
    if (typeof v.result === 'string') continue;
    const found = v.result.configs.find((c) => c.definition?.name === name);
    if (found?.value) return found.value.recommended_values;
  }
  return [];
}

/** The same plugin ConfigDefs as Apache's (Filter, HasHeaderKey, StringConverter), rebuilt from the fixture. */
export function apachePlugins(): PluginResolver {
  const hasHeaderKey = new ConfigDef().define({
    name: 'name',
    type: 'STRING',
    validator: NonEmptyString,
    importance: 'MEDIUM',
    documentation: 'The header name.',
  });
  const stringConverter = new ConfigDef()
    .define({
      name: 'converter.type',
      type: 'STRING',
      validator: ValidString.in('key', 'value', 'header'),
      importance: 'LOW',
      documentation: 'How this converter will be used.',
    })
    .define({
      name: 'converter.encoding',
      type: 'STRING',
      defaultValue: 'UTF-8',
      importance: 'HIGH',
      documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
      width: 'MEDIUM',
      displayName: 'Encoding',
    });
  const plugin = (className: string, kinds: PluginKind[], def: ConfigDef): ResolvedPlugin => ({
    className,
    kinds,
    version: '4.3.1',
    config: () => def,
  });
  const byName = new Map<string, ResolvedPlugin>([
    [`${TRANSFORMS}Filter`, plugin(`${TRANSFORMS}Filter`, ['transformation'], new ConfigDef())],
    [
      `${TRANSFORMS}predicates.HasHeaderKey`,
      plugin(`${TRANSFORMS}predicates.HasHeaderKey`, ['predicate'], hasHeaderKey),
    ],
    [
      'org.apache.kafka.connect.storage.StringConverter',
      plugin('org.apache.kafka.connect.storage.StringConverter', ['converter', 'header_converter'], stringConverter),
    ],
  ]);
  return {
    resolve: (name) => byName.get(name) ?? null,
    classNames: (kind) => (kind === 'transformation' || kind === 'predicate' ? recommended(kind) : []),
  };
}

/**
 * Our one deliberate difference from the recorded Apache answers: Apache's standalone validation (the recording)
 * skips the exactly-once preflight, so `exactly.once.support=required` passes there; no worker here has
 * exactly-once support, so we refuse it (issue 10 item 5). Strips those errors (and recounts) so that the rest of
 * the answer is still compared with Apache's; returns what it stripped.
 */
export function withoutExactlyOnceRefusal(infos: ConfigInfos): { infos: ConfigInfos; refused: string[] } {
  const refused: string[] = [];
  const configs = infos.configs.map((c) => {
    if (c.value?.name !== 'exactly.once.support') return c;
    const preflight = (m: string) => /^(This worker does not have|The connector does not)/.test(m);
    refused.push(...c.value.errors.filter(preflight));
    return { ...c, value: { ...c.value, errors: c.value.errors.filter((m) => !preflight(m)) } };
  });
  return { infos: { ...infos, configs, error_count: infos.error_count - refused.length }, refused };
}
