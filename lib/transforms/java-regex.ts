/**
 * `java.util.regex` as the transforms use it (`Pattern.compile`, `matcher.matches()`, `replaceFirst`): a Java
 * pattern translated to a JavaScript RegExp, Java's `PatternSyntaxException` messages for the mistakes people
 * make (unclosed group or class, dangling quantifier, unmatched parenthesis, trailing backslash), and Java's
 * replacement syntax (`$1`, `${name}`, `\$`).
 */

export class PatternSyntaxError extends Error {
  constructor(
    readonly description: string,
    readonly pattern: string,
    readonly index: number,
  ) {
    // PatternSyntaxException.getMessage(): description, index, the pattern and a caret under the index.
    super(
      `${description}${index >= 0 ? ` near index ${index}` : ''}\n${pattern}` +
        (index >= 0 && index < pattern.length ? `\n${' '.repeat(index)}^` : ''),
    );
    this.name = 'PatternSyntaxException';
  }
}

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const QUANTIFIERS = new Set(['*', '+', '?']);

/** Java's syntax checks (those that JavaScript would report differently or not at all), then the translation. */
function translate(pattern: string): { source: string; flags: string } {
  let out = '';
  let flags = '';
  let depth = 0;
  let i = 0;
  // What precedes the current position: something a quantifier may follow, or not (start, '(', '|').
  let atomBefore = false;
  const fail = (description: string, index: number): never => {
    throw new PatternSyntaxError(description, pattern, index);
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      if (i + 1 >= pattern.length) fail('Unexpected internal error', i + 1);
      const next = pattern[i + 1] as string;
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        atomBefore = literal.length > 0;
        continue;
      }
      if (next === 'A') out += '^';
      else if (next === 'z' || next === 'Z') out += '$';
      else if (next === 'h') out += '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]';
      else if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        const name = close < 0 ? '' : pattern.slice(i + 3, close).replace(/^Is/, '');
        if (close < 0) fail('Unclosed character family', pattern.length);
        const set = POSIX[name];
        // POSIX classes are ASCII sets in Java; other names are Unicode properties (JavaScript's unicode mode).
        out += set !== undefined ? `[${next === 'P' ? '^' : ''}${set}]` : `\\${next}{${name}}`;
        i = close + 1;
        atomBefore = true;
        continue;
      } else out += `\\${next}`;
      i += 2;
      atomBefore = true;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) fail('Unclosed character class', pattern.length - 1);
      const cls = pattern.slice(i, end + 1);
      // Java's class intersection has no JavaScript equivalent: refuse it rather than match something else.
      if (cls.includes('&&')) fail('Character class intersection (&&) is not supported here', i);
      out += cls;
      i = end + 1;
      atomBefore = true;
      continue;
    }
    if (c === '(') {
      depth++;
      const construct = /^\(\?(<[a-zA-Z][a-zA-Z0-9]*>|[:=!>]|<[=!]|[imsuxd-]*:)/.exec(pattern.slice(i));
      if (construct) {
        // Groups that are not plain captures: named, non-capturing, look-around, atomic (approximated as
        // non-capturing) and scoped flags (JavaScript has none: the flags are dropped).
        const kind = construct[1] as string;
        out += kind === '>' || kind.endsWith(':') ? '(?:' : construct[0];
        i += construct[0].length;
      } else {
        const inline = /^\(\?([imsux]+)\)/.exec(pattern.slice(i));
        if (inline && out === '') {
          // Leading inline flags apply to the whole pattern, as JavaScript flags.
          for (const f of inline[1] as string) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
          depth--;
          i += inline[0].length;
          continue;
        }
        out += c;
        i++;
      }
      atomBefore = false;
      continue;
    }
    if (c === ')') {
      if (depth === 0) fail("Unmatched closing ')'", i - 1);
      depth--;
      out += c;
      i++;
      atomBefore = true;
      continue;
    }
    if (c === '|') {
      out += c;
      i++;
      atomBefore = false;
      continue;
    }
    if (QUANTIFIERS.has(c)) {
      if (!atomBefore) fail(`Dangling meta character '${c}'`, i);
      out += c;
      i++;
      // A lazy or possessive mark; possessive (Java only) behaves as greedy for these patterns.
      if (pattern[i] === '?') {
        out += '?';
        i++;
      } else if (pattern[i] === '+') i++;
      atomBefore = false;
      continue;
    }
    if (c === '{' && atomBefore) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) {
        if (!/^\{\d/.test(pattern.slice(i))) fail('Illegal repetition', i + 1);
        fail('Unclosed counted closure', pattern.length);
      }
      const [all, min, , max] = m as RegExpExecArray;
      if (max !== undefined && max !== '' && Number(max) < Number(min))
        fail('Illegal repetition range', i + all.length - 1);
      out += all;
      i += all.length;
      if (pattern[i] === '?') {
        out += '?';
        i++;
      } else if (pattern[i] === '+') i++;
      atomBefore = false;
      continue;
    }
    out += c === '/' ? '\\/' : c;
    i++;
    atomBefore = c !== '^';
  }
  if (depth > 0) fail('Unclosed group', pattern.length);
  // Unicode properties (\p{L} …) exist in JavaScript only in unicode mode; without it `\p` would mean "p".
  if (/\\[pP]\{/.test(out)) flags += 'u';
  return { source: out, flags };
}

/** Index of the `]` closing the class opened at `start` (nested classes and escapes allowed), or -1. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  // A ']' right after '[' or '[^' is a literal in Java.
  if (pattern[i] === ']') i++;
  let depth = 1;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

export class JavaPattern {
  private readonly whole: RegExp;
  private readonly first: RegExp;

  private constructor(
    readonly pattern: string,
    source: string,
    flags: string,
  ) {
    this.whole = new RegExp(`^(?:${source})$`, flags);
    this.first = new RegExp(source, flags);
  }

  /** `Pattern.compile`: throws `PatternSyntaxError` with Java's message. */
  static compile(pattern: string): JavaPattern {
    const { source, flags } = translate(pattern);
    try {
      return new JavaPattern(pattern, source, flags);
    } catch (e) {
      throw new PatternSyntaxError((e as Error).message.replace(/^Invalid regular expression: /, ''), pattern, -1);
    }
  }

  /** `matcher(input).matches()`. */
  matches(input: string): boolean {
    return this.whole.test(input);
  }

  /** `matcher(input).replaceFirst(replacement)` with Java's replacement syntax. */
  replaceFirst(input: string, replacement: string): string {
    const m = this.first.exec(input);
    if (!m) return input;
    return input.slice(0, m.index) + expandReplacement(replacement, m) + input.slice(m.index + m[0].length);
  }

  toString(): string {
    return this.pattern;
  }
}

/** Java's `Matcher.appendExpandedReplacement`. */
function expandReplacement(replacement: string, m: RegExpExecArray): string {
  const groupCount = m.length - 1;
  let out = '';
  for (let i = 0; i < replacement.length;) {
    const c = replacement[i] as string;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing');
      out += replacement[i];
      i++;
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const close = replacement.indexOf('}', i);
        if (close < 0) throw new Error("named capturing group is missing trailing '}'");
        const name = replacement.slice(i + 1, close);
        if (m.groups === undefined || !(name in m.groups)) throw new Error(`No group with name {${name}}`);
        out += m.groups[name] ?? '';
        i = close + 1;
      } else {
        let digit = (replacement.charCodeAt(i) ?? 0) - 48;
        if (digit < 0 || digit > 9) throw new Error('Illegal group reference');
        let group = digit;
        i++;
        // Java takes more digits while the group number stays valid.
        while (i < replacement.length) {
          digit = replacement.charCodeAt(i) - 48;
          if (digit < 0 || digit > 9) break;
          const next = group * 10 + digit;
          if (next > groupCount) break;
          group = next;
          i++;
        }
        if (group > groupCount) throw new Error(`No group ${group}`);
        out += m[group] ?? '';
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
