// From rounds to the figures in the report: medians per target, paired ratios against goals.
import { describe, expect, it } from 'vitest';
import { summarizeRatios, summarizeTargets } from './summary.ts';
import type { Comparison, RoundSample, Target } from './types.ts';

const targets: Target[] = [
  {
    id: 'node-http',
    label: 'bare node:http',
    group: 'bare',
    kind: 'node-http',
    workers: 1,
    path: '/hello',
  },
  {
    id: 'gateway-bare',
    label: 'gateway + bare app',
    group: 'bare',
    kind: 'gateway',
    workers: 1,
    path: '/hello',
  },
];
const comparison: Comparison = {
  id: 'bare',
  label: 'gateway+bare / node:http',
  baseline: 'node-http',
  candidate: 'gateway-bare',
  goals: { 1: 1.2 },
};

function sample(target: string, round: number, reqPerCpuS: number, pipelining = 1): RoundSample {
  return {
    target,
    comparison: 'bare',
    pipelining,
    round,
    requests: 1000,
    durationS: 1,
    reqPerSec: 1000,
    p50Ms: 1,
    p99Ms: 2,
    cpuS: 1000 / reqPerCpuS,
    reqPerCpuS,
    peakRssBytes: round * 100,
    errors: round === 2 ? 1 : 0,
    processes: 1,
    retried: false,
  };
}

const samples = [
  sample('node-http', 1, 100),
  sample('gateway-bare', 1, 130),
  sample('node-http', 2, 50),
  sample('gateway-bare', 2, 60),
  sample('node-http', 3, 100),
  sample('gateway-bare', 3, 125),
];

describe('summarizeTargets', () => {
  it('takes medians, the highest peak RSS and the total of errors, and relates each to node:http', () => {
    const [node, gateway] = summarizeTargets(samples, targets, [1, 10]);
    expect(node).toMatchObject({
      target: 'node-http',
      rounds: 3,
      reqPerCpuS: 100,
      peakRssBytes: 300,
      errors: 1,
      vsNodeHttp: 1,
    });
    expect(gateway?.vsNodeHttp).toBeCloseTo(1.25);
  });
  it('leaves out depths that were not measured', () => {
    expect(summarizeTargets(samples, targets, [1, 10]).every((s) => s.pipelining === 1)).toBe(true);
  });
});

describe('summarizeRatios', () => {
  it('checks the median paired ratio against the goal for that depth', () => {
    const [r] = summarizeRatios(samples, [comparison], [1]);
    expect(r?.cpuRatio).toBeCloseTo(1.25);
    expect(r?.goal).toBe(1.2);
    expect(r?.met).toBe(true);
  });
  it('has no verdict where the issue sets no goal', () => {
    const pipelined = samples.map((s) => ({ ...s, pipelining: 10 }));
    const [r] = summarizeRatios(pipelined, [comparison], [10]);
    expect(r?.goal).toBeUndefined();
    expect(r?.met).toBeUndefined();
  });
});
