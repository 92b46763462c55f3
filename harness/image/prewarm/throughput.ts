// Pull throughput, judged the way the seed asks: sustained throughput below 1 MB/s is a
// provider/main-server network or proxy degradation (infra.network), not an application failure.
// "Sustained" = the rate over the last full window; a pull shorter than one window is not judged.
import { CiError } from '../../failure.ts';

export const DEGRADATION = 'provider/main-server network or proxy degradation';

export type ThroughputOptions = { minBytesPerSec: number; windowMs: number; now?: () => number };

export type ThroughputMeter = {
  add: (bytes: number) => void;
  /** The degradation error when the last window ran below the floor, else undefined. */
  verdict: () => CiError | undefined;
  summary: () => { bytes: number; ms: number; bytesPerSec: number };
};

export function formatRate(bytesPerSec: number): string {
  return bytesPerSec >= 1e6 ? `${(bytesPerSec / 1e6).toFixed(2)} MB/s` : `${(bytesPerSec / 1e3).toFixed(0)} kB/s`;
}

export function throughputMeter(what: string, o: ThroughputOptions): ThroughputMeter {
  const now = o.now ?? (() => performance.now());
  const started = now();
  let total = 0;
  // (time, cumulative bytes) samples, pruned to a little more than one window
  const samples: Array<[number, number]> = [[started, 0]];
  return {
    add(bytes) {
      total += bytes;
      const t = now();
      samples.push([t, total]);
      while (samples.length > 2 && samples[1][0] <= t - o.windowMs) samples.shift();
    },
    verdict() {
      const t = now();
      if (t - started < o.windowMs) return undefined;
      // bytes received within (t - window, t]
      const from = samples.filter(([st]) => st <= t - o.windowMs).at(-1) ?? samples[0];
      const rate = ((total - from[1]) * 1000) / o.windowMs;
      if (rate >= o.minBytesPerSec) return undefined;
      return new CiError(
        'infra.network',
        `pulling ${what} sustained ${formatRate(rate)} over ${o.windowMs} ms, below ${formatRate(o.minBytesPerSec)}: ${DEGRADATION}, not a Dockerfile or application failure`,
        {
          hint: 'check the provider gateway / main-server link and the egress proxy before looking at the image',
        },
      );
    },
    summary() {
      const ms = now() - started;
      return { bytes: total, ms, bytesPerSec: ms > 0 ? (total * 1000) / ms : 0 };
    },
  };
}
