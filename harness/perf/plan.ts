// The sampling plan: the cold first overview alone, then rounds that interleave the endpoints
// round-robin (control, overview, trace-summary, trace-steps, trace-step, control, overview, ...)
// so a slow phase of the machine hits every endpoint alike instead of one endpoint's whole
// population. The control request (GET /healthz, no database work) opens every round: when it is
// as slow as the endpoints, the whole path is slow (common mode), not an endpoint.
import type { Statistic } from './stats.ts';

export const CONTROL_ENDPOINT = 'control';

export type PlannedRequest = { endpoint: string; index: number; cold: boolean };

/** What the plan reads of a budget (harness/budgets/schema.ts). */
export type SampleNeed = { endpoint: string; statistic: Statistic; n: number };

export function samplingPlan(budgets: readonly SampleNeed[]): PlannedRequest[] {
  const plan: PlannedRequest[] = [];
  if (budgets.some((b) => b.statistic === 'cold')) plan.push({ endpoint: 'overview', index: 0, cold: true });
  // warm samples needed per endpoint: the largest n any warm budget on it asks for
  const need = new Map<string, number>();
  for (const b of budgets) if (b.statistic !== 'cold') need.set(b.endpoint, Math.max(need.get(b.endpoint) ?? 0, b.n));
  const rounds = Math.max(0, ...need.values());
  const taken = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    plan.push({ endpoint: CONTROL_ENDPOINT, index: r, cold: false });
    for (const [endpoint, n] of need) {
      if (r >= n) continue;
      const index = taken.get(endpoint) ?? 0;
      taken.set(endpoint, index + 1);
      plan.push({ endpoint, index, cold: false });
    }
  }
  return plan;
}
