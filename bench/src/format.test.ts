// How figures read in the tables and the chart.
import { describe, expect, it } from 'vitest';
import {
  alignColumns,
  formatBytes,
  formatDuration,
  formatInt,
  formatMs,
  formatRatio,
} from './format.ts';

describe('formatting', () => {
  it('rounds and groups integers, with a dash for a missing figure', () => {
    expect(formatInt(12345.6)).toBe('12,346');
    expect(formatInt(Number.NaN)).toBe('—');
  });
  it('gives latencies precision by size', () => {
    expect(formatMs(0.456)).toBe('0.46');
    expect(formatMs(4.56)).toBe('4.6');
    expect(formatMs(45.6)).toBe('46');
  });
  it('writes ratios with two decimals and a times sign', () => {
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(undefined)).toBe('—');
  });
  it('writes bytes as KiB below a MiB and MiB above, keeping the sign', () => {
    expect(formatBytes(5 * 1024)).toBe('5.0 KiB');
    expect(formatBytes(3.25 * 1024 * 1024)).toBe('3.3 MiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
  });
  it('writes durations as m:ss', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(5)).toBe('0:05');
  });
});

describe('alignColumns', () => {
  it('pads cells to the widest in the column, right-aligning numbers', () => {
    const text = alignColumns(
      ['name', 'n'],
      [
        ['a', '1'],
        ['bbb', '100'],
      ],
      [false, true],
    );
    expect(text.split('\n')).toEqual(['name    n', '----  ---', 'a       1', 'bbb   100']);
  });
});
