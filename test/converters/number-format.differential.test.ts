/**
 * Float/double text against Apache (Jackson writes them with Java's Float/Double.toString): thousands of
 * random bit patterns and decimal-looking values, in one oracle run. JDK 19+ prints the shortest digits, as we
 * do; on an older JDK (17) Java sometimes prints more digits than needed, so there we accept a difference only
 * where Java's text reads back to the same number and ours is no longer.
 */
import { Schemas, SchemaBuilder } from '../../lib/connect/schema';
import { JsonConverter } from '../../lib/converters';
import { runOracle } from './support/oracle';
import type { OracleRun } from './support/oracle';

/** Deterministic PRNG (LCG), so the corpus is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function corpus(): { doubles: number[]; floats: number[] } {
  const next = random(20261124);
  const view = new DataView(new ArrayBuffer(8));
  const doubles: number[] = [];
  const floats: number[] = [];
  while (doubles.length < 3000) {
    view.setUint32(0, (next() * 2 ** 32) >>> 0);
    view.setUint32(4, (next() * 2 ** 32) >>> 0);
    const d = view.getFloat64(0);
    if (Number.isFinite(d)) doubles.push(d);
    const f = view.getFloat32(0);
    if (Number.isFinite(f)) floats.push(f);
    const decimal = Math.trunc(next() * 1e7) / 10 ** Math.trunc(next() * 9);
    doubles.push(decimal);
    floats.push(Math.fround(decimal));
  }
  return { doubles, floats };
}

const { doubles, floats } = corpus();
const arrayCase = (id: string, type: 'float32' | 'float64', values: number[]) => ({
  id,
  config: { 'schemas.enable': 'false' },
  write: {
    schema: { type: 'array' as const, items: { type: type } },
    value: { t: 'array', v: values.map((x) => ({ t: type, v: x.toExponential() })) },
  },
});

let run: OracleRun;

beforeAll(() => {
  run = runOracle([arrayCase('doubles', 'float64', doubles), arrayCase('floats', 'float32', floats)]);
});

function apacheTexts(id: string): string[] {
  const write = run.results.get(id)?.write;
  if (!write || !('bytes' in write) || write.bytes === null) throw new Error(`oracle wrote nothing for ${id}`);
  return Buffer.from(write.bytes, 'base64').toString('utf8').slice(1, -1).split(',');
}

test.each([
  ['float64', 'doubles', doubles, (x: number) => x],
  ['float32', 'floats', floats, Math.fround],
] as const)('%s values are written as Apache writes them', (type, id, values, readBack) => {
  const converter = new JsonConverter();
  converter.configure({ 'schemas.enable': 'false' }, false);
  const schema = SchemaBuilder.array(type === 'float64' ? Schemas.FLOAT64_SCHEMA : Schemas.FLOAT32_SCHEMA).build();
  const ours = Buffer.from(converter.fromConnectData('t', schema, values) ?? new Uint8Array())
    .toString('utf8')
    .slice(1, -1)
    .split(',');
  const apache = apacheTexts(id);
  expect(ours).toHaveLength(values.length);
  const differences = apache
    .map((text, i) => ({ apache: text, ours: ours[i] ?? '' }))
    .filter((d) => d.apache !== d.ours);
  if (run.jdk >= 19) {
    expect(differences).toEqual([]);
  } else {
    const digits = (t: string): number =>
      t
        .replace(/^-|E.*$/g, '')
        .replace('.', '')
        .replace(/^0+/, '').length;
    for (const d of differences) {
      expect(readBack(Number(d.apache))).toBe(readBack(Number(d.ours)));
      expect(digits(d.ours)).toBeLessThanOrEqual(digits(d.apache));
    }
  }
});
