import { median, num, ratioText, renderTable } from '../../bench/support/stats';

describe('benchmark statistics helpers', () => {
  it('takes the median, upper for an even count, ignoring missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('prints ratios and numbers, with a dash for a missing figure', () => {
    expect(ratioText(3, 2)).toBe('1.50×');
    expect(ratioText(3, undefined)).toBe('–');
    expect(ratioText(3, 0)).toBe('–');
    expect(num(1234.567, 1)).toBe('1234.6');
    expect(num(NaN)).toBe('–');
  });

  it('aligns a table: first column left, the others right', () => {
    expect(
      renderTable(
        ['part', 'rec/s'],
        [
          ['source', '12'],
          ['sink', '1234'],
        ],
      ).split('\n'),
    ).toEqual(['part   | rec/s', '-------|------', 'source |    12', 'sink   |  1234']);
  });
});
