// Telling a round in which the server was starved of CPU from a real measurement.
import { describe, expect, it } from 'vitest';
import { stalled } from './rounds.ts';
import type { RoundSample } from './types.ts';

const base: RoundSample = {
  target: 'node-http',
  comparison: 'bare',
  pipelining: 1,
  round: 1,
  requests: 40000,
  durationS: 4,
  reqPerSec: 10000,
  p50Ms: 1,
  p99Ms: 2,
  cpuS: 0.8,
  reqPerCpuS: 50000,
  peakRssBytes: 1,
  errors: 0,
  processes: 1,
  retried: false,
};

describe('stalled', () => {
  it('flags a round where the server used almost no CPU', () => {
    expect(stalled({ ...base, cpuS: 0.01 })).toBe(true);
    expect(stalled({ ...base, cpuS: Number.NaN })).toBe(true);
  });
  it('accepts a round where the server worked', () => {
    expect(stalled(base)).toBe(false);
  });
});
