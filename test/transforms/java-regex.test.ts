/** The Java regex translation beyond the differential corpus: constructs JavaScript spells differently. */
import { JavaPattern, PatternSyntaxError } from '../../lib/transforms/java-regex';

describe('JavaPattern', () => {
  it.each([
    ['\\Qa.b\\E-.*', 'a.b-x', true],
    ['\\Qa.b\\E-.*', 'axb-x', false],
    ['\\Atopic\\z', 'topic', true],
    ['a++b', 'aab', true],
    ['(?>ab)c', 'abc', true],
    ['\\p{Alpha}+', 'abc', true],
    ['\\p{Digit}+', 'abc', false],
    ['\\p{L}+', 'äbc', true],
    ['(?i)orders', 'ORDERS', true],
    ['(?<name>[a-z]+)-\\d+', 'abc-12', true],
    ['(?:a|b)+', 'abab', true],
  ])('%s matches %s: %s', (pattern, input, expected) => {
    expect(JavaPattern.compile(pattern).matches(input)).toBe(expected);
  });

  it('expands Java replacement syntax', () => {
    const p = JavaPattern.compile('(?<a>x)(y)');
    expect(p.replaceFirst('xy', '${a}-$2-\\$1')).toBe('x-y-$1');
    expect(() => p.replaceFirst('xy', '$3')).toThrow('No group 3');
  });

  it('refuses what it cannot translate faithfully', () => {
    expect(() => JavaPattern.compile('[a-z&&[^b]]')).toThrow(PatternSyntaxError);
  });
});
