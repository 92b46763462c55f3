// Verdicts: blocking over budget → budget failure; diagnostic over budget → passes, flagged;
// failed requests → +∞ and an infra class (5xx, no answer) or app (4xx), never `budget`.
import { describe, expect, test } from 'vitest';
import type { Budget } from '../../harness/budgets/schema.ts';
import { evaluate } from '../../harness/budgets/verdict.ts';
import type { Sample } from '../../harness/perf/sample.ts';

const budget = (o: Partial<Budget>): Budget => ({ name: 'trace-summary', endpoint: 'trace-summary', statistic: 'single', budgetMs: 100, tier: 'blocking', n: 1, ...o });
let t = 0;
const sample = (endpoint: string, totalMs: number | null, o: Partial<Sample> = {}): Sample => ({
  endpoint,
  path: `/x/${endpoint}`,
  index: 0,
  cold: false,
  startedAt: new Date(0).toISOString(),
  startOffsetMs: t++,
  ttfbMs: totalMs,
  totalMs,
  bytes: 10,
  status: 200,
  newConnection: false,
  ...o,
});

describe('verdicts', () => {
  test('within budget passes; exactly at the budget passes', () => {
    expect(evaluate(budget({}), [sample('trace-summary', 40)], 'infra.network')).toMatchObject({ verdict: 'pass', valueMs: 40, n: 1 });
    expect(evaluate(budget({}), [sample('trace-summary', 100)], 'infra.network').verdict).toBe('pass');
    expect(evaluate(budget({}), [sample('trace-summary', 40)], 'infra.network').failureClass).toBeUndefined();
  });
  test('blocking over budget fails with class budget', () => {
    const v = evaluate(budget({}), [sample('trace-summary', 100.5)], 'infra.network');
    expect(v).toMatchObject({ verdict: 'over budget', failureClass: 'budget' });
    expect(v.message).toMatch(/100\.50 ms vs budget 100 ms: over budget \(blocking\)/);
  });
  test('diagnostic over budget passes, flagged "over budget (diagnostic)"', () => {
    const v = evaluate(budget({ name: 'trace-steps', endpoint: 'trace-steps', tier: 'diagnostic' }), [sample('trace-steps', 500)], 'infra.network');
    expect(v.verdict).toBe('over budget (diagnostic)');
    expect(v.failureClass).toBeUndefined();
  });
  test('p95 over the n warm samples only; the cold sample is its own budget', () => {
    const warm = Array.from({ length: 10 }, (_, i) => sample('overview', 10 + i, { index: i }));
    const cold = sample('overview', 5000, { cold: true });
    const p95 = evaluate(budget({ name: 'overview.p95', endpoint: 'overview', statistic: 'p95', n: 10, budgetMs: 50 }), [cold, ...warm], 'infra.network');
    expect(p95).toMatchObject({ verdict: 'pass', valueMs: 19, n: 10 });
    const first = evaluate(budget({ name: 'overview.first-payload', endpoint: 'overview', statistic: 'cold', budgetMs: 1000 }), [cold, ...warm], 'infra.network');
    expect(first).toMatchObject({ verdict: 'over budget', failureClass: 'budget', valueMs: 5000, n: 1 });
  });
  test('a 5xx or a connection error is +∞ and infra (transport class), with the error rate', () => {
    const warm = Array.from({ length: 10 }, (_, i) => sample('overview', 10, { index: i }));
    warm[3] = sample('overview', 12, { index: 3, status: 500, error: 'HTTP 500: boom' });
    const v = evaluate(budget({ name: 'overview.p95', endpoint: 'overview', statistic: 'p95', n: 10 }), warm, 'infra.cluster');
    expect(v).toMatchObject({ verdict: 'error', failureClass: 'infra.cluster', valueMs: Infinity, failedRequests: 1, errorRate: 0.1 });
    expect(v.values[3]).toBe(Infinity);
    const refused = evaluate(budget({}), [sample('trace-summary', null, { status: null, error: 'ECONNREFUSED' })], 'infra.network');
    expect(refused).toMatchObject({ verdict: 'error', failureClass: 'infra.network' });
  });
  test('a common-mode slowdown (the control request slow too) is infra, not budget', () => {
    const control = Array.from({ length: 5 }, (_, i) => sample('control', 80, { index: i }));
    const v = evaluate(budget({}), [sample('trace-summary', 150), ...control], 'infra.cluster');
    expect(v).toMatchObject({ verdict: 'over budget (common-mode)', failureClass: 'infra.cluster' });
    expect(v.message).toMatch(/control request \(GET \/healthz, no database work\) took a median 80\.00 ms/);
    // a fast control keeps it a budget failure
    const fast = Array.from({ length: 5 }, (_, i) => sample('control', 2, { index: i }));
    expect(evaluate(budget({}), [sample('trace-summary', 150), ...fast], 'infra.cluster').failureClass).toBe('budget');
    // diagnostic stays diagnostic
    expect(evaluate(budget({ tier: 'diagnostic' }), [sample('trace-summary', 150), ...control], 'infra.cluster').verdict).toBe('over budget (diagnostic)');
  });

  test('a 4xx is an application failure, not budget and not infra', () => {
    const v = evaluate(budget({}), [sample('trace-summary', 3, { status: 404, error: 'HTTP 404' })], 'infra.network');
    expect(v).toMatchObject({ verdict: 'error', failureClass: 'app' });
  });
  test('missing samples are an error, never a pass', () => {
    expect(evaluate(budget({ statistic: 'p95', n: 10 }), [sample('trace-summary', 1)], 'infra.network')).toMatchObject({ verdict: 'error', n: 1 });
  });
});
