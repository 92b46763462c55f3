// One JUnit testcase per budget, independent of the others (a blocking budget failing must not
// hide the rest). Properties: endpoint, statistic, tier, budget-ms, value-ms, n, verdict.
import { evaluate } from '../../harness/budgets/verdict.ts';
import { BUDGET_DEFINITIONS, type BudgetName } from '../../harness/budgets/schema.ts';
import { CiError } from '../../harness/failure.ts';
import { ms } from '../../harness/perf/stats.ts';
import type { GateDefinition } from '../../harness/vitest/gate.ts';
import type { PerfState } from './state.ts';

export function budgetTestcase(gate: GateDefinition, name: BudgetName, state: PerfState): void {
  const def = BUDGET_DEFINITIONS[name];
  gate.step(
    `budget ${name}: ${def.endpoint} (${def.statistic})`,
    async ({ property, notRun }) => {
      await property('endpoint', def.endpoint);
      await property('statistic', def.statistic);
      const budget = state.budgets?.budgets.find((b) => b.name === name);
      if (!budget || !state.measurement) return notRun(`not measured: ${state.notMeasured ?? 'an earlier step failed'}`);
      const v = evaluate(budget, state.measurement.samples, state.open!.transport.infraClass);
      state.verdicts.push(v);
      await property('tier', budget.tier);
      await property('budget-ms', budget.budgetMs);
      await property('value-ms', ms(v.valueMs));
      await property('n', v.n);
      await property('samples-ms', `[${v.values.map(ms).join(', ')}]`);
      await property('definition', v.definition);
      await property('error-rate', v.errorRate.toFixed(2));
      await property('verdict', v.verdict);
      console.log(`perf: ${v.message}`);
      if (v.failureClass) throw new CiError(v.failureClass, v.message);
    },
    { independent: true },
  );
}
