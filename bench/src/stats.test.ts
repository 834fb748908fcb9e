// The report's arithmetic: medians and round-by-round ratios.
import { describe, expect, it } from 'vitest';
import { median, pairedRatio, ratio } from './stats.ts';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is NaN for no values rather than a misleading zero', () => {
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });
  it('leaves out missing figures', () => {
    expect(median([3, Number.NaN, 1, 2])).toBe(2);
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio', () => {
  it('divides b by a', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });
  it('is NaN when the baseline is zero or missing', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, Number.NaN)).toBeNaN();
  });
});

describe('pairedRatio', () => {
  it('is the median of the per-round ratios, not the ratio of medians', () => {
    // per-round: 2, 1.1, 1.2 -> median 1.2; ratio of medians would be 12/10 = 1.2 too, so skew it:
    expect(pairedRatio([10, 100, 10], [20, 110, 12])).toBeCloseTo(1.2);
    expect(pairedRatio([1, 10, 100], [2, 20, 100])).toBe(2);
  });
  it('ignores rounds with no usable baseline and unpaired extras', () => {
    expect(pairedRatio([0, 10, 10], [5, 15, 15, 99])).toBe(1.5);
  });
});
