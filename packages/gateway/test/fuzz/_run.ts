// One fuzz case from start to verdict, shared by the bounded CI run (differential.test.ts) and the
// long run (scripts/fuzz-long.ts), with the counts both report.
import { compare, describeCase } from './_differential.ts';
import type { Targets } from './_differential.ts';
import { groupBytes, packets } from './_requests.ts';
import type { Group } from './_requests.ts';

export interface Stats {
  cases: number;
  requests: number;
  mutated: number;
  packets: number;
  /** Cases where both servers accepted exactly the same requests. */
  agreed: number;
  /** Requests both accepted, and agreed cases where both refused one (a mutated request, mostly). */
  acceptedByBoth: number;
  refusedByBoth: number;
  /** Cases explained by a named deliberate difference, per name. */
  explained: Map<string, number>;
}

export const newStats = (): Stats => ({
  cases: 0,
  requests: 0,
  mutated: 0,
  packets: 0,
  agreed: 0,
  acceptedByBoth: 0,
  refusedByBoth: 0,
  explained: new Map(),
});

/** Runs one case; returns a description of an unexplained disagreement, or null. */
export async function checkGroup(targets: Targets, g: Group, stats: Stats): Promise<string | null> {
  const requests = groupBytes(g);
  const sent = packets(Buffer.from(requests.join(''), 'latin1'), g.cuts);
  const { ours, theirs } = await targets.exchange(sent);
  stats.cases++;
  stats.requests += requests.length;
  stats.packets += sent.length;
  if (g.mutation !== null) stats.mutated++;
  const verdict = compare(ours, theirs, requests, g.mutated);
  if (verdict.index === -1 && !ours.hung && !theirs.hung) {
    stats.agreed++;
    stats.acceptedByBoth += ours.observed.length;
    // Every request was well framed up to the mutated one, so fewer observations mean a refusal.
    if (ours.observed.length <= g.mutated) stats.refusedByBoth++;
    return null;
  }
  if (verdict.explanation !== null) {
    stats.explained.set(verdict.explanation, (stats.explained.get(verdict.explanation) ?? 0) + 1);
    return null;
  }
  const mutation = g.mutation === null ? 'no mutation' : `mutation of request #${g.mutated}: ${g.mutation.name}`;
  return `${mutation}; packets: ${sent.length}\n${describeCase(requests, verdict, ours, theirs)}`;
}

export function formatStats(stats: Stats): string {
  const explained = [...stats.explained].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ×${n}`);
  return (
    `${stats.cases} cases, ${stats.requests} requests (${stats.mutated} cases with a mutated request), ${stats.packets} packets; ` +
    `${stats.agreed} agreed outright (${stats.acceptedByBoth} requests accepted by both, ${stats.refusedByBoth} cases refused by both); ${[...stats.explained.values()].reduce((a, b) => a + b, 0)} explained by deliberate differences` +
    (explained.length > 0 ? `: ${explained.join(', ')}` : '')
  );
}
