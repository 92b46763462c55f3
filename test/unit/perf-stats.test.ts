// Statistics and the sampling plan: nearest-rank as defined, +∞ never dropped, round-robin order.
import { describe, expect, test } from 'vitest';
import { mad, median, nearestRank } from '../../harness/perf/stats.ts';
import { samplingPlan } from '../../harness/perf/plan.ts';
import { parseBudgets } from '../../harness/budgets/schema.ts';

describe('statistics', () => {
  test('nearest-rank p95 of n = 10 is the maximum; of n = 20 the 19th value', () => {
    const ten = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
    expect(nearestRank(ten, 95)).toBe(10);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(twenty, 95)).toBe(19);
    expect(nearestRank(twenty, 50)).toBe(10);
    expect(nearestRank([4], 95)).toBe(4);
  });
  test('a failed request (+∞) decides p95 of 10 and is never dropped', () => {
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, Infinity], 95)).toBe(Infinity);
    expect(
      nearestRank(
        Array.from({ length: 40 }, (_, i) => (i === 0 ? Infinity : i)),
        95,
      ),
    ).toBe(38);
  });
  test('bad input throws instead of inventing a value', () => {
    expect(() => nearestRank([], 95)).toThrow(/empty/);
    expect(() => nearestRank([1], 0)).toThrow(/outside/);
    expect(() => median([])).toThrow(/empty/);
  });
  test('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });
});

describe('sampling plan', () => {
  const budgets = (p95Samples: string) =>
    parseBudgets(
      {
        kind: 'ConfigMap',
        metadata: { name: 'unidesk-ci-budgets' },
        data: {
          'overview.first-payload.budget-ms': '1',
          'overview.first-payload.tier': 'blocking',
          'trace-summary.budget-ms': '1',
          'trace-summary.tier': 'blocking',
          'trace-summary.samples': '3',
          'trace-steps.budget-ms': '1',
          'trace-steps.tier': 'diagnostic',
          'trace-step.budget-ms': '1',
          'trace-step.tier': 'diagnostic',
          'overview.p95.budget-ms': '1',
          'overview.p95.tier': 'blocking',
          'overview.p95.samples': p95Samples,
        },
      },
      't',
    ).budgets;

  test('cold overview first and alone, then rounds opened by the control request, endpoints interleaved', () => {
    const plan = samplingPlan(budgets('4')).map((p) => `${p.cold ? 'cold:' : ''}${p.endpoint}#${p.index}`);
    expect(plan).toEqual([
      'cold:overview#0',
      'control#0',
      'trace-summary#0',
      'trace-steps#0',
      'trace-step#0',
      'overview#0',
      'control#1',
      'trace-summary#1',
      'overview#1',
      'control#2',
      'trace-summary#2',
      'overview#2',
      'control#3',
      'overview#3',
    ]);
  });
  test('the p95 population has exactly n warm overview samples', () => {
    const plan = samplingPlan(budgets('10'));
    expect(plan.filter((p) => p.endpoint === 'overview' && !p.cold)).toHaveLength(10);
    expect(plan.filter((p) => p.cold)).toHaveLength(1);
  });
});
