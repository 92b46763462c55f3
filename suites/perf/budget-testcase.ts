// One JUnit testcase per budget, independent of the others (a blocking budget failing must not
// hide the rest). Properties: endpoint, statistic, tier, budget-ms, value-ms, n, verdict.
import { test } from 'vitest';
import { evaluate } from '../../harness/budgets/verdict.ts';
import { BUDGET_DEFINITIONS, type BudgetName } from '../../harness/budgets/schema.ts';
import { CiError } from '../../harness/failure.ts';
import { ms } from '../../harness/perf/stats.ts';
import type { PerfState } from './state.ts';

export function budgetTestcase(name: BudgetName, state: PerfState): void {
  const def = BUDGET_DEFINITIONS[name];
  test(`budget ${name}: ${def.endpoint} (${def.statistic})`, async (ctx) => {
    const prop = (k: string, v: string | number) => ctx.annotate(String(v), `unidesk.${k}`);
    await prop('endpoint', def.endpoint);
    await prop('statistic', def.statistic);
    const budget = state.budgets?.budgets.find((b) => b.name === name);
    if (!budget || !state.measurement) {
      const reason = `not measured: ${state.notMeasured ?? 'an earlier step failed'}`;
      await prop('skipped-reason', reason);
      ctx.skip(reason);
      return;
    }
    const v = evaluate(budget, state.measurement.samples, state.open!.transport.infraClass);
    state.verdicts.push(v);
    await prop('tier', budget.tier);
    await prop('budget-ms', budget.budgetMs);
    await prop('value-ms', ms(v.valueMs));
    await prop('n', v.n);
    await prop('samples-ms', `[${v.values.map(ms).join(', ')}]`);
    await prop('definition', v.definition);
    await prop('error-rate', v.errorRate.toFixed(2));
    await prop('verdict', v.verdict);
    console.log(`perf: ${v.message}`);
    if (v.failureClass) {
      await prop('failure-class', v.failureClass);
      throw new CiError(v.failureClass, v.message);
    }
  });
}
