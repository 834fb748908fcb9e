// Parsing /proc text: the command name may hold spaces and parentheses.
import { describe, expect, it } from 'vitest';
import { cpuDelta, parseStat, parseStatusKb } from './proc.ts';

describe('parseStat', () => {
  it('reads ppid and utime+stime after a command name with spaces and parentheses', () => {
    const fields = [
      'S',
      '42',
      '1',
      '1',
      '0',
      '-1',
      '4194304',
      '100',
      '0',
      '0',
      '0',
      '250',
      '50',
      '0',
      '0',
    ];
    const stat = parseStat(`1234 (node (main) x) ${fields.join(' ')} 20 0 12`);
    expect(stat).toEqual({ comm: 'node (main) x', ppid: 42, cpuTicks: 300 });
  });
});

describe('parseStatusKb', () => {
  it('reads a kB field as bytes', () => {
    expect(parseStatusKb('Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n', 'VmRSS')).toBe(
      1024 * 1024,
    );
    expect(parseStatusKb('Name:\tnode\n', 'VmRSS')).toBeUndefined();
  });
});

describe('cpuDelta', () => {
  it('sums the growth of each process and counts a new one from zero', () => {
    const before = new Map([[1, 1.5]]);
    const after = new Map([
      [1, 2.0],
      [2, 0.25],
    ]);
    expect(cpuDelta(before, after)).toBeCloseTo(0.75);
  });
});
