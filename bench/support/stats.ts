/**
 * Small statistics and formatting helpers of the benchmarks (kept out of bench/*.ts, which `npm run bench` runs
 * one by one, so that a unit test can import them).
 */

/** The median (upper median for an even count); NaN for no values, so a missing figure shows as such. */
export const median = (values: readonly number[]): number => {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** `a / b` as `1.23×`, or `–` when either side is missing. */
export const ratioText = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? '–'
    : `${(a / b).toFixed(2)}×`;

/** A number with a fixed count of decimals, or `–` when missing. */
export const num = (value: number | undefined, decimals = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(decimals);

/**
 * A plain-text table: the first column left-aligned, the others right-aligned, each as wide as its widest cell,
 * so that it reads in a terminal and pastes into Markdown as a code block.
 */
export const renderTable = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [format(header), rule, ...rows.map(format)].join('\n');
};
