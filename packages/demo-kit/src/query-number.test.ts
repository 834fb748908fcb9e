// Query numbers: digits only, a default when absent, a ceiling.
import { describe, expect, it } from 'vitest';
import { queryNumber } from './query-number.ts';

describe('queryNumber', () => {
  it('reads digits and falls back when absent', () => {
    expect(queryNumber('42', 5, 100)).toBe(42);
    expect(queryNumber(undefined, 5, 100)).toBe(5);
  });

  it('refuses anything that is not one whole number within the limit', () => {
    for (const raw of ['', '-1', '1.5', '1e3', ' 7', 'lots', ['1', '2'], '101']) {
      expect(queryNumber(raw, 5, 100)).toBeUndefined();
    }
  });
});
