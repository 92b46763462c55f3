// The console summary: one line per budget with value, budget, n, statistic, tier and verdict,
// then every sample vector (n and the whole vector are printed, as the definitions demand).
import type { Verdict } from '../budgets/verdict.ts';
import { ms } from '../perf/stats.ts';

export function summaryTable(verdicts: readonly Verdict[]): string {
  const rows = [['budget', 'statistic', 'n', 'value ms', 'budget ms', 'tier', 'verdict']];
  for (const v of verdicts) {
    rows.push([v.budget.name, v.budget.statistic, String(v.n), ms(v.valueMs), String(v.budget.budgetMs), v.budget.tier, v.verdict]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const v of verdicts) out.push(`${v.budget.name} samples (ms): [${v.values.map(ms).join(', ')}] — ${v.definition}`);
  return out.join('\n');
}
