// The arithmetic of the report: medians and paired ratios. Kept pure so it can be unit-tested.

/**
 * Median (mean of the two middle values for an even count) of the finite values; NaN if there are
 * none. A round with no figure (no CPU time read, say) is left out rather than poisoning the sort.
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** b/a, or NaN when a is zero or either is not finite: a missing figure must not read as a ratio. */
export function ratio(b: number, a: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return Number.NaN;
  return b / a;
}

/**
 * Median of the round-by-round ratios b[i]/a[i]. Rounds alternate A B A B, so each pair ran
 * under nearly the same machine conditions; the median of their ratios shrugs off a noisy round
 * better than the ratio of two medians taken separately.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = ratio(b[i]!, a[i]!);
    if (!Number.isNaN(r)) ratios.push(r);
  }
  return median(ratios);
}
