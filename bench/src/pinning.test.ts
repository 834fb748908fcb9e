// Which cores servers and load get, on machines of different sizes.
import { describe, expect, it } from 'vitest';
import { planPinning } from './pinning.ts';

describe('planPinning', () => {
  it('on 2 cores puts servers, workers included, on core 0 and the load on core 1', () => {
    const p = planPinning(2, true);
    expect(p.prefix(1)).toEqual(['taskset', '-c', '0']);
    expect(p.serverCpus(2)).toBe('0');
    expect(p.loadCpu).toBe('1');
  });
  it('on more cores gives workers a core each, short of the load core', () => {
    expect(planPinning(4, true).serverCpus(2)).toBe('0-1');
    expect(planPinning(4, true).serverCpus(8)).toBe('0-2');
  });
  it('pins nothing on one core or without taskset', () => {
    expect(planPinning(1, true).pinned).toBe(false);
    expect(planPinning(8, false).prefix(1)).toEqual([]);
  });
});
