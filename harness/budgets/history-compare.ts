// Relative check against history, always diagnostic. Method (stated in the output): per budget,
// this run's median vs the median of the last K good runs' medians (same environment fingerprint
// and budgets hash); REGRESSION when it exceeds that centre by more than
// max(b·1.4826·MAD, relative floor·centre, absolute floor). Too little history → INCONCLUSIVE.
import { mad, median, ms } from '../perf/stats.ts';

/** Per budget name: a run's population (Infinity = failed request). */
export type RunValues = Map<string, number[]>;
export type HistoryVerdict = 'PASS' | 'REGRESSION' | 'INCONCLUSIVE';
export type HistoryOptions = { b: number; relativeFloor: number; absoluteFloorMs: number; minRuns: number };
export const HISTORY_DEFAULTS: HistoryOptions = { b: 3, relativeFloor: 0.2, absoluteFloorMs: 2, minRuns: 5 };

export function describeMethod(o: HistoryOptions, k: number): string {
  return `median of this run vs median of the last ${k} good runs' medians (same fingerprint and budgets hash); REGRESSION if above centre + max(${o.b}·1.4826·MAD, ${o.relativeFloor * 100}% of centre, ${o.absoluteFloorMs} ms); INCONCLUSIVE with fewer than ${o.minRuns} runs or a failed request`;
}

export type HistoryComparison = { budget: string; verdict: HistoryVerdict; currentMs: number; centreMs?: number; thresholdMs?: number; runs: number; message: string };

export function compareWithHistory(current: RunValues, history: ReadonlyArray<{ values: RunValues }>, o: HistoryOptions = HISTORY_DEFAULTS): HistoryComparison[] {
  return [...current].map(([budget, values]) => {
    const cur = median(values);
    const past = history
      .map((h) => h.values.get(budget))
      .filter((v): v is number[] => !!v && v.length > 0)
      .map(median)
      .filter(Number.isFinite);
    const base = { budget, currentMs: cur, runs: past.length };
    if (!Number.isFinite(cur)) return { ...base, verdict: 'INCONCLUSIVE', message: `${budget}: this run has failed requests (+∞); no relative comparison` };
    if (past.length < o.minRuns) return { ...base, verdict: 'INCONCLUSIVE', message: `${budget}: too little history (${past.length} of ${o.minRuns} comparable good runs)` };
    const centre = median(past);
    const threshold = Math.max(o.b * 1.4826 * mad(past), o.relativeFloor * centre, o.absoluteFloorMs);
    const verdict: HistoryVerdict = cur > centre + threshold ? 'REGRESSION' : 'PASS';
    return { ...base, verdict, centreMs: centre, thresholdMs: threshold, message: `${budget}: ${ms(cur)} ms vs history ${ms(centre)} ms + ${ms(threshold)} ms over ${past.length} runs: ${verdict}` };
  });
}
