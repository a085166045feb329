/**
 * `path.format` of the time-based partitioners: a Joda-Time `DateTimeFormat` pattern (Confluent formats the
 * partition's start time with Joda), e.g. `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH`. Quoted text is literal, `''`
 * is a quote, other non-letters are literal; the letters below are Joda's fields. A pattern with a letter Joda does
 * not know, or one this formatter does not print, is rejected when the config is validated.
 */

type Field = 'year' | 'month' | 'day' | 'dayOfYear' | 'hour' | 'minute' | 'second' | 'weekday';

export type PathToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

/** Joda's pattern letters; those this formatter prints are in PRINTED. */
const JODA_LETTERS = new Set('GCYxweEyDMdaKhHkmsSzZ'.split(''));
const PRINTED = new Set('CYyMdDHkKhmsSaEe'.split(''));

export function parsePathFormat(pattern: string): PathToken[] {
  const tokens: PathToken[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new Error(`Unterminated quote in path.format at position ${i}`);
      literal += pattern.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!JODA_LETTERS.has(c)) throw new Error(`Illegal pattern component: ${c}`);
      if (!PRINTED.has(c)) throw new Error(`Pattern letter '${c}' is not supported in path.format`);
      let count = 1;
      while (pattern.charAt(i + count) === c) count++;
      flush();
      tokens.push({ kind: 'field', letter: c, count });
      i += count;
      continue;
    }
    literal += c;
    i++;
  }
  flush();
  if (!tokens.some((t) => t.kind === 'field')) throw new Error('path.format has no date/time field');
  return tokens;
}

interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
  /** 1 = Monday … 7 = Sunday (ISO, as Joda) */
  readonly weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Date/time fields and UTC offsets in one time zone (Intl does the zone rules). */
export class ZoneClock {
  private readonly parts: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
  }

  fields(epochMs: number): LocalFields {
    const get: Partial<Record<Field | 'era', string>> = {};
    for (const p of this.parts.formatToParts(new Date(epochMs))) {
      if (p.type !== 'literal') (get as Record<string, string>)[p.type] = p.value;
    }
    const yearOfEra = Number(get.year);
    return {
      year: get.era === 'BC' ? 1 - yearOfEra : yearOfEra,
      month: Number(get.month),
      day: Number(get.day),
      hour: Number(get.hour),
      minute: Number(get.minute),
      second: Number(get.second),
      millis: ((epochMs % 1000) + 1000) % 1000,
      weekday: WEEKDAYS[get.weekday ?? 'Mon'] ?? 1,
    };
  }

  /** local wall time − UTC at this instant, in ms (Joda's `getOffset`) */
  offset(epochMs: number): number {
    const f = this.fields(epochMs);
    const local = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millis);
    // Date.UTC maps years 0–99 to 1900–1999.
    const fixed = f.year >= 0 && f.year < 100 ? new Date(local).setUTCFullYear(f.year) : local;
    return fixed - epochMs;
  }
}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
};

const dayOfYear = (f: LocalFields): number =>
  Math.round((Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000) + 1;

/** Joda's DateTimeFormatter.print for the tokens of parsePathFormat, in one zone and locale. */
export class PathFormatter {
  private readonly tokens: PathToken[];
  private readonly monthShort: Intl.DateTimeFormat;
  private readonly monthLong: Intl.DateTimeFormat;
  private readonly dayShort: Intl.DateTimeFormat;
  private readonly dayLong: Intl.DateTimeFormat;
  private readonly halfday: Intl.DateTimeFormat;

  constructor(
    pattern: string,
    readonly clock: ZoneClock,
    locale: string,
  ) {
    this.tokens = parsePathFormat(pattern);
    const tag = locale.replace(/_/g, '-') || 'en';
    const timeZone = clock.timeZone;
    this.monthShort = new Intl.DateTimeFormat(tag, { timeZone, month: 'short' });
    this.monthLong = new Intl.DateTimeFormat(tag, { timeZone, month: 'long' });
    this.dayShort = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'short' });
    this.dayLong = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'long' });
    this.halfday = new Intl.DateTimeFormat(tag, { timeZone, hour: 'numeric', hourCycle: 'h12' });
  }

  print(epochMs: number): string {
    const f = this.clock.fields(epochMs);
    let out = '';
    for (const t of this.tokens) {
      if (t.kind === 'literal') {
        out += t.text;
        continue;
      }
      const n = t.count;
      switch (t.letter) {
        case 'Y':
        case 'y':
          // Joda: exactly two letters print the two-digit year; otherwise the full year padded to the count.
          out += n === 2 ? pad(((f.year % 100) + 100) % 100, 2) : pad(f.year, n);
          break;
        case 'C':
          out += pad(Math.floor(f.year / 100), n);
          break;
        case 'M':
          if (n >= 4) out += this.monthLong.format(epochMs);
          else if (n === 3) out += this.monthShort.format(epochMs);
          else out += pad(f.month, n);
          break;
        case 'd':
          out += pad(f.day, n);
          break;
        case 'D':
          out += pad(dayOfYear(f), n);
          break;
        case 'H':
          out += pad(f.hour, n);
          break;
        case 'k':
          out += pad(f.hour === 0 ? 24 : f.hour, n);
          break;
        case 'K':
          out += pad(f.hour % 12, n);
          break;
        case 'h':
          out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
          break;
        case 'm':
          out += pad(f.minute, n);
          break;
        case 's':
          out += pad(f.second, n);
          break;
        case 'S':
          out += pad(f.millis, 3).slice(0, n).padEnd(n, '0');
          break;
        case 'a':
          out += this.halfday.formatToParts(epochMs).find((p) => p.type === 'dayPeriod')?.value ?? '';
          break;
        case 'E':
          out += n >= 4 ? this.dayLong.format(epochMs) : this.dayShort.format(epochMs);
          break;
        case 'e':
          out += pad(f.weekday, n);
          break;
      }
    }
    return out;
  }
}
