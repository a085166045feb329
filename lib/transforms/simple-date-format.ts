/**
 * `java.text.SimpleDateFormat` in the UTC time zone, as TimestampConverter and TimestampRouter use it: Java's
 * pattern letters and quoting, formatting, and lenient parsing (out-of-range fields roll over, trailing text is
 * ignored, abutting numeric fields take their pattern width).
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';
const NUMERIC = new Set(['y', 'Y', 'd', 'k', 'H', 'm', 's', 'S', 'D', 'F', 'w', 'W', 'h', 'K', 'u']);
const MILLIS_PER_DAY = 86_400_000;

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

/** `new SimpleDateFormat(pattern)` fails with this (Java's IllegalArgumentException). */
export class IllegalPatternError extends Error {}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
};

export class SimpleDateFormat {
  private readonly tokens: Token[];

  constructor(readonly pattern: string) {
    this.tokens = compile(pattern);
  }

  toPattern(): string {
    return this.pattern;
  }

  format(date: Date): string {
    return this.tokens.map((t) => (t.kind === 'literal' ? t.text : formatField(t.letter, t.count, date))).join('');
  }

  /** The parsed instant, or null where Java throws `ParseException`. */
  parse(text: string): Date | null {
    const f: Fields = {};
    let pos = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (t.kind === 'literal') {
        if (!text.startsWith(t.text, pos)) return null;
        pos += t.text.length;
        continue;
      }
      const next = this.tokens[i + 1];
      const abutting = next?.kind === 'field' && isNumeric(next.letter, next.count);
      const end = parseField(t, text, pos, abutting, f);
      if (end < 0) return null;
      pos = end;
    }
    return resolve(f);
  }
}

const isNumeric = (letter: string, count: number): boolean =>
  NUMERIC.has(letter) || ((letter === 'M' || letter === 'L') && count <= 2);

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (s: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + s };
    else tokens.push({ kind: 'literal', text: s });
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] as string;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new IllegalPatternError('Unterminated quote');
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      literal(text);
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!PATTERN_LETTERS.includes(c)) throw new IllegalPatternError(`Illegal pattern character '${c}'`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
      continue;
    }
    literal(c);
    i++;
  }
  return tokens;
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / MILLIS_PER_DAY) + 1;
}

function formatField(letter: string, count: number, d: Date): string {
  const year = d.getUTCFullYear();
  const hour = d.getUTCHours();
  switch (letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'Y': {
      const y = year > 0 ? year : 1 - year;
      return count === 2 ? pad(y % 100, 2) : pad(y, count);
    }
    case 'M':
    case 'L': {
      const month = d.getUTCMonth();
      if (count >= 4) return MONTHS[month] as string;
      if (count === 3) return (MONTHS[month] as string).slice(0, 3);
      return pad(month + 1, count);
    }
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'k':
      return pad(hour === 0 ? 24 : hour, count);
    case 'H':
      return pad(hour, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S':
      return pad(d.getUTCMilliseconds(), count);
    case 'E': {
      const day = DAYS[d.getUTCDay()] as string;
      return count >= 4 ? day : day.slice(0, 3);
    }
    case 'u':
      return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), count);
    case 'D':
      return pad(dayOfYear(d), count);
    case 'F':
      return pad(Math.floor((d.getUTCDate() - 1) / 7) + 1, count);
    case 'w': {
      // Week of year with Sunday-first weeks and minimal days 1 (Java's default for the ROOT/US locale).
      const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
      return pad(Math.floor((dayOfYear(d) - 1 + jan1) / 7) + 1, count);
    }
    case 'W': {
      const first = new Date(Date.UTC(year, d.getUTCMonth(), 1)).getUTCDay();
      return pad(Math.floor((d.getUTCDate() - 1 + first) / 7) + 1, count);
    }
    case 'a':
      return hour < 12 ? 'AM' : 'PM';
    case 'h':
      return pad(hour % 12 === 0 ? 12 : hour % 12, count);
    case 'K':
      return pad(hour % 12, count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    case 'X':
      return 'Z';
    default:
      return '';
  }
}

interface Fields {
  year?: number;
  twoDigitYear?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  millis?: number;
  offsetMinutes?: number;
}

function matchName(text: string, pos: number, names: readonly string[]): [number, number] | null {
  // Long names first, so "March" is not read as "Mar".
  for (const len of ['long', 'short'] as const) {
    for (let i = 0; i < names.length; i++) {
      const name = len === 'long' ? (names[i] as string) : (names[i] as string).slice(0, 3);
      if (text.slice(pos, pos + name.length).toLowerCase() === name.toLowerCase()) return [i, pos + name.length];
    }
  }
  return null;
}

function parseField(t: Token & { kind: 'field' }, text: string, pos: number, abutting: boolean, f: Fields): number {
  const { letter, count } = t;
  if ((letter === 'M' || letter === 'L') && count >= 3) {
    const m = matchName(text, pos, MONTHS);
    if (!m) return -1;
    f.month = m[0];
    return m[1];
  }
  if (letter === 'E') {
    const m = matchName(text, pos, DAYS);
    return m ? m[1] : -1;
  }
  if (letter === 'a') {
    const s = text.slice(pos, pos + 2).toUpperCase();
    if (s !== 'AM' && s !== 'PM') return -1;
    f.pm = s === 'PM';
    return pos + 2;
  }
  if (letter === 'G') {
    const s = text.slice(pos, pos + 2).toUpperCase();
    return s === 'AD' || s === 'BC' ? pos + 2 : -1;
  }
  if (letter === 'z' || letter === 'Z' || letter === 'X') return parseZone(text, pos, f);
  const m = (abutting ? new RegExp(`^[+-]?\\d{1,${count}}`) : /^[+-]?\d+/).exec(text.slice(pos));
  if (!m) return -1;
  const n = Number(m[0]);
  const end = pos + m[0].length;
  switch (letter) {
    case 'y':
    case 'Y':
      f.year = n;
      f.twoDigitYear = count <= 2 && m[0].length === 2 && /^\d\d$/.test(m[0]);
      break;
    case 'M':
    case 'L':
      f.month = n - 1;
      break;
    case 'd':
      f.day = n;
      break;
    case 'D':
      f.dayOfYear = n;
      break;
    case 'H':
      f.hour = n;
      break;
    case 'k':
      f.hour = n === 24 ? 0 : n;
      break;
    case 'h':
      f.hour12 = n === 12 ? 0 : n;
      break;
    case 'K':
      f.hour12 = n;
      break;
    case 'm':
      f.minute = n;
      break;
    case 's':
      f.second = n;
      break;
    case 'S':
      f.millis = n;
      break;
    default:
      break;
  }
  return end;
}

function parseZone(text: string, pos: number, f: Fields): number {
  const rest = text.slice(pos);
  if (rest.startsWith('Z')) {
    f.offsetMinutes = 0;
    return pos + 1;
  }
  const named = /^(UTC|GMT)/.exec(rest);
  let at = pos;
  if (named) {
    at += named[0].length;
    f.offsetMinutes = 0;
  }
  const m = /^([+-])(\d\d):?(\d\d)?/.exec(text.slice(at));
  if (!m) return named ? at : -1;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  f.offsetMinutes = m[1] === '-' ? -minutes : minutes;
  return at + m[0].length;
}

function resolve(f: Fields): Date {
  let year = f.year ?? 1970;
  if (f.twoDigitYear) {
    // Java maps two-digit years into the 100 years starting 80 years before now.
    const start = new Date().getUTCFullYear() - 80;
    year = Math.floor(start / 100) * 100 + year;
    if (year < start) year += 100;
  }
  const hour =
    f.hour12 !== undefined ? f.hour12 + (f.pm ? 12 : 0) : (f.hour ?? 0) + (f.pm && f.hour === undefined ? 12 : 0);
  const d = new Date(0);
  if (f.dayOfYear !== undefined && f.month === undefined && f.day === undefined) {
    d.setUTCFullYear(year, 0, f.dayOfYear);
  } else {
    d.setUTCFullYear(year, f.month ?? 0, f.day ?? 1);
  }
  d.setUTCHours(hour, f.minute ?? 0, f.second ?? 0, f.millis ?? 0);
  return new Date(d.getTime() - (f.offsetMinutes ?? 0) * 60_000);
}
