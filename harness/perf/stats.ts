// The statistics the gate reports, with their definitions stated in output. A failed request is
// +Infinity in every population (never dropped), so it can only make a statistic worse.

export const DEFINITIONS = {
  cold: 'the first request of the run to the freshly started service (n = 1, total time)',
  single: 'one warm request (n = 1, total time)',
  p95: 'nearest-rank p95: the ceil(0.95·n)-th smallest total time (for n = 10 that is the maximum)',
} as const;
export type Statistic = keyof typeof DEFINITIONS;

/** Nearest-rank percentile (p in (0, 100]): the ceil(p/100 · n)-th smallest value. */
export function nearestRank(values: readonly number[], p: number): number {
  // unclassified: a harness bug (a verdict is computed only over samples)
  if (values.length === 0) throw new Error('nearestRank of an empty sample');
  // unclassified: a harness bug (percentiles are constants)
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} outside (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export function median(values: readonly number[]): number {
  // unclassified: a harness bug (a verdict is computed only over samples)
  if (values.length === 0) throw new Error('median of an empty sample');
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median absolute deviation (unscaled). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Milliseconds for display: 2 decimals, "∞" for a failed request. */
export function ms(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : '∞';
}
