import { ConfigException } from '../connect/errors';

/**
 * Plugin version requirements of KIP-891 (`connector.plugin.version`, `transforms.<a>.plugin.version` …):
 * Maven version ranges as Apache parses them (`VersionRange.createFromVersionSpec`, same error texts) and
 * Kafka's rule that a bare version is a hard requirement (`PluginUtils.connectorVersionRequirement`).
 */

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const QUALIFIER_ALIASES: Record<string, string> = {
  a: 'alpha',
  b: 'beta',
  m: 'milestone',
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

type Item = { kind: 'int'; value: bigint } | { kind: 'str'; value: string };

function tokenize(version: string): Item[] {
  const items: Item[] = [];
  for (const part of version.toLowerCase().split(/[.-]/)) {
    for (const token of part.match(/\d+|[^\d]+/g) ?? ['0']) {
      items.push(
        /^\d+$/.test(token)
          ? { kind: 'int', value: BigInt(token) }
          : { kind: 'str', value: QUALIFIER_ALIASES[token] ?? token },
      );
    }
  }
  // "1.0" equals "1": trailing zeros and release qualifiers do not count.
  while (items.length > 1) {
    const last = items[items.length - 1]!;
    if ((last.kind === 'int' && last.value === 0n) || (last.kind === 'str' && last.value === '')) items.pop();
    else break;
  }
  return items;
}

function qualifierRank(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

/** Maven `ComparableVersion` order (simplified: numbers numerically, known qualifiers in Maven's order). */
export function compareVersions(a: string, b: string): number {
  const x = tokenize(a);
  const y = tokenize(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? { kind: 'int', value: 0n };
    const q = y[i] ?? { kind: 'int', value: 0n };
    if (p.kind === 'int' && q.kind === 'int') {
      if (p.value !== q.value) return p.value < q.value ? -1 : 1;
    } else if (p.kind === 'int') {
      return 1; // a number is newer than a qualifier (1.1 > 1-rc)
    } else if (q.kind === 'int') {
      return -1;
    } else {
      const r = qualifierRank(p.value).localeCompare(qualifierRank(q.value));
      if (r !== 0) return r;
    }
  }
  return 0;
}

export interface Restriction {
  lower: string | null;
  lowerInclusive: boolean;
  upper: string | null;
  upperInclusive: boolean;
}

export interface VersionRange {
  /** A bare version without brackets (a "soft" requirement in Maven). */
  recommended: string | null;
  restrictions: Restriction[];
}

const invalid = (message: string) => new ConfigException(undefined, undefined, message);

function parseRestriction(spec: string): Restriction {
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const body = spec.slice(1, -1).trim();
  const comma = body.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) throw invalid(`Single version must be surrounded by []: ${spec}`);
    return { lower: body, lowerInclusive, upper: body, upperInclusive };
  }
  const lower = body.slice(0, comma).trim();
  const upper = body.slice(comma + 1).trim();
  if (lower === upper) throw invalid(`Range cannot have identical boundaries: ${spec}`);
  if (lower && upper && compareVersions(upper, lower) < 0) throw invalid(`Range defies version ordering: ${spec}`);
  return { lower: lower || null, lowerInclusive, upper: upper || null, upperInclusive };
}

/** Maven's `VersionRange.createFromVersionSpec`, with its error messages. */
export function parseVersionRange(spec: string): VersionRange {
  const restrictions: Restriction[] = [];
  let rest = spec;
  let upperBound: string | null = null;
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const close1 = rest.indexOf(')');
    const close2 = rest.indexOf(']');
    const index = (close2 < 0 || close1 < close2) && close1 >= 0 ? close1 : close2;
    if (index < 0) throw invalid(`Unbounded range: ${spec}`);
    const restriction = parseRestriction(rest.slice(0, index + 1));
    if (upperBound !== null && (restriction.lower === null || compareVersions(restriction.lower, upperBound) < 0)) {
      throw invalid(`Ranges overlap: ${spec}`);
    }
    restrictions.push(restriction);
    upperBound = restriction.upper;
    rest = rest.slice(index + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest.length > 0) {
    if (restrictions.length > 0) throw invalid(`Only fully-qualified sets allowed in multiple set scenario: ${spec}`);
    return {
      recommended: rest,
      restrictions: [{ lower: null, lowerInclusive: false, upper: null, upperInclusive: false }],
    };
  }
  return { recommended: null, restrictions };
}

/**
 * Kafka's `PluginUtils.connectorVersionRequirement`: null for unset or `latest`; a bare version `1.0` becomes
 * the hard requirement `[1.0]`. Throws `ConfigException` with Maven's message for a malformed range.
 */
export function versionRequirement(spec: string | null | undefined): VersionRange | null {
  if (spec === null || spec === undefined || spec === 'latest') return null;
  const trimmed = spec.trim();
  const range = parseVersionRange(trimmed);
  if (range.recommended === null) return range;
  return parseVersionRange(`[${trimmed}]`);
}

export function rangeToString(range: VersionRange): string {
  if (range.recommended !== null) return range.recommended;
  return range.restrictions
    .map((r) => `${r.lowerInclusive ? '[' : '('}${r.lower ?? ''},${r.upper ?? ''}${r.upperInclusive ? ']' : ')'}`)
    .join(',');
}

export function rangeContains(range: VersionRange, version: string): boolean {
  if (range.recommended !== null) return true;
  return range.restrictions.some((r) => {
    if (r.lower !== null) {
      const c = compareVersions(version, r.lower);
      if (c < 0 || (c === 0 && !r.lowerInclusive)) return false;
    }
    if (r.upper !== null) {
      const c = compareVersions(version, r.upper);
      if (c > 0 || (c === 0 && !r.upperInclusive)) return false;
    }
    return true;
  });
}
