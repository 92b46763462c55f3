// No silence longer than 10 s while building or pushing: a ticker prints the elapsed time of the
// phase unless the phase printed something itself meanwhile.
export type Ticker = { line: (text: string) => void; stop: () => number };

export function startTicker(phase: string, log: (line: string) => void, everyMs = 10_000): Ticker {
  const t0 = performance.now();
  let last = t0;
  const elapsed = () => Math.round((performance.now() - t0) / 1000);
  const timer = setInterval(
    () => {
      if (performance.now() - last < everyMs - 50) return;
      last = performance.now();
      log(`${phase}: still running, ${elapsed()} s elapsed`);
    },
    Math.min(everyMs, 1000),
  );
  timer.unref();
  return {
    line: (text) => {
      last = performance.now();
      log(`${phase}: ${text}`);
    },
    stop: () => {
      clearInterval(timer);
      return Math.round(performance.now() - t0);
    },
  };
}
