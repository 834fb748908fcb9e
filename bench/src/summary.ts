// Turns raw rounds into what the report shows: medians per target and depth, and per comparison
// the median of round-by-round ratios checked against the goals.
import { median, pairedRatio, ratio } from './stats.ts';
import type { Comparison, RatioSummary, RoundSample, Target, TargetSummary } from './types.ts';

export function summarizeTargets(
  samples: readonly RoundSample[],
  targets: readonly Target[],
  pipelining: readonly number[],
): TargetSummary[] {
  const summaries: TargetSummary[] = [];
  for (const target of targets) {
    for (const depth of pipelining) {
      const rounds = samples.filter((s) => s.target === target.id && s.pipelining === depth);
      if (rounds.length === 0) continue;
      const pick = (f: (s: RoundSample) => number): number => median(rounds.map(f));
      summaries.push({
        target: target.id,
        label: target.label,
        pipelining: depth,
        rounds: rounds.length,
        reqPerSec: pick((s) => s.reqPerSec),
        p50Ms: pick((s) => s.p50Ms),
        p99Ms: pick((s) => s.p99Ms),
        cpuS: pick((s) => s.cpuS),
        reqPerCpuS: pick((s) => s.reqPerCpuS),
        peakRssBytes: Math.max(...rounds.map((s) => s.peakRssBytes)),
        errors: rounds.reduce((sum, s) => sum + s.errors, 0),
        processes: Math.max(...rounds.map((s) => s.processes)),
        vsNodeHttp: undefined,
      });
    }
  }
  for (const summary of summaries) {
    const base = summaries.find(
      (s) => s.target === 'node-http' && s.pipelining === summary.pipelining,
    );
    if (base) summary.vsNodeHttp = ratio(summary.reqPerCpuS, base.reqPerCpuS);
  }
  return summaries;
}

export function summarizeRatios(
  samples: readonly RoundSample[],
  comparisons: readonly Comparison[],
  pipelining: readonly number[],
): RatioSummary[] {
  const ratios: RatioSummary[] = [];
  for (const comparison of comparisons) {
    for (const depth of pipelining) {
      const of = (target: string): RoundSample[] =>
        samples
          .filter(
            (s) => s.comparison === comparison.id && s.target === target && s.pipelining === depth,
          )
          .sort((x, y) => x.round - y.round);
      const a = of(comparison.baseline);
      const b = of(comparison.candidate);
      if (a.length === 0 || b.length === 0) continue;
      const cpuRatio = pairedRatio(
        a.map((s) => s.reqPerCpuS),
        b.map((s) => s.reqPerCpuS),
      );
      const goal = comparison.goals[depth];
      ratios.push({
        comparison: comparison.id,
        label: comparison.label,
        pipelining: depth,
        cpuRatio,
        rpsRatio: pairedRatio(
          a.map((s) => s.reqPerSec),
          b.map((s) => s.reqPerSec),
        ),
        goal,
        met: goal === undefined || Number.isNaN(cpuRatio) ? undefined : cpuRatio >= goal,
      });
    }
  }
  return ratios;
}
