// The relative history check: median ± b·MAD with floors; too little history is INCONCLUSIVE.
import { describe, expect, test } from 'vitest';
import { compareWithHistory, describeMethod, HISTORY_DEFAULTS } from '../../harness/budgets/history-compare.ts';

const run = (ms: number) => ({
  values: new Map([
    ['trace-summary', [ms]],
    ['overview.p95', [ms, ms + 1, ms - 1]],
  ]),
});

describe('history comparison', () => {
  const history = [50, 52, 49, 51, 50].map(run);
  test('a 2× slowdown after 5 normal runs is a REGRESSION', () => {
    const r = compareWithHistory(run(100).values, history);
    expect(r.map((c) => c.verdict)).toEqual(['REGRESSION', 'REGRESSION']);
    expect(r[0]).toMatchObject({ centreMs: 50, runs: 5 });
  });
  test('a normal run is a PASS, also with a little noise', () => {
    expect(compareWithHistory(run(53).values, history).map((c) => c.verdict)).toEqual(['PASS', 'PASS']);
  });
  test('fewer than minRuns comparable runs → INCONCLUSIVE saying so', () => {
    const r = compareWithHistory(run(100).values, history.slice(0, 4));
    expect(r[0]).toMatchObject({ verdict: 'INCONCLUSIVE', runs: 4 });
    expect(r[0].message).toMatch(/too little history \(4 of 5/);
  });
  test('a run with a failed request is INCONCLUSIVE, not a PASS', () => {
    const cur = new Map([['trace-summary', [Infinity]]]);
    expect(compareWithHistory(cur, history)[0].verdict).toBe('INCONCLUSIVE');
  });
  test('the method is stated', () => {
    expect(describeMethod(HISTORY_DEFAULTS, 5)).toMatch(/median .* last 5 good runs.*3·1\.4826·MAD/);
  });
});
