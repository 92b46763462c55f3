// What every bench shares: one median (harness/perf/stats.ts, the gate's own), a timer, the rounds
// knob and the machine's load, so two benches never disagree on what "median of N rounds" means.
import { loadavg } from 'node:os';

import { median } from '../harness/perf/stats.ts';

export { median };

/** Seconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** The rounds knob: the environment variable `name`, else `fallback`. */
export const benchRounds = (fallback: number, name = 'BENCH_ROUNDS'): number => Number(process.env[name] ?? fallback);

/** The load averages (1, 5, 15 min), 2 decimals: the machine may be shared. */
export const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Medians of two sides measured round by round, and of their per-round difference and ratio ("paired": less sensitive to load drift between rounds). */
export function paired(base: number[], other: number[]): [base: number, other: number, diff: number, ratio: number] {
  return [median(base), median(other), median(other.map((o, i) => o - base[i]!)), median(other.map((o, i) => o / base[i]!))];
}
