// One verdict per budget. Blocking over budget → failure of class `budget`; diagnostic over
// budget → passes, flagged "over budget (diagnostic)". A failed request (connection error,
// timeout, 5xx) makes the value +∞ and the verdict an infrastructure failure, never `budget`.
import type { FailureClass } from '../failure.ts';
import { sampleValue, type Sample } from '../perf/sample.ts';
import { DEFINITIONS, median, ms, nearestRank } from '../perf/stats.ts';
import type { Budget } from './schema.ts';

export type VerdictKind = 'pass' | 'over budget' | 'over budget (diagnostic)' | 'over budget (common-mode)' | 'error';

/** Control median above this share of a budget: the whole path is slow, not the endpoint. */
export const COMMON_MODE_SHARE = 0.5;

export type Verdict = {
  budget: Budget;
  valueMs: number;
  /** The population the statistic was computed over, in request order (+∞ = failed request). */
  values: number[];
  samples: Sample[];
  n: number;
  failedRequests: number;
  errorRate: number;
  verdict: VerdictKind;
  /** Set when the testcase must fail. */
  failureClass?: FailureClass;
  definition: string;
  message: string;
};

export function population(budget: Budget, samples: readonly Sample[]): Sample[] {
  return samples.filter((s) => s.endpoint === budget.endpoint && s.cold === (budget.statistic === 'cold') && s.index < budget.n);
}

export function evaluate(budget: Budget, samples: readonly Sample[], infraClass: FailureClass): Verdict {
  const pop = population(budget, samples);
  const values = pop.map(sampleValue);
  const failed = pop.filter((s) => !Number.isFinite(sampleValue(s)));
  const definition = DEFINITIONS[budget.statistic];
  const base = { budget, values, samples: pop, n: pop.length, failedRequests: failed.length, errorRate: pop.length ? failed.length / pop.length : 1, definition };
  const label = `${budget.name} (${budget.statistic}, n = ${pop.length})`;
  if (pop.length < budget.n) {
    return { ...base, valueMs: Infinity, verdict: 'error', failureClass: 'app', message: `${label}: only ${pop.length} of ${budget.n} samples were taken` };
  }
  const valueMs = budget.statistic === 'p95' ? nearestRank(values, 95) : values[0];
  if (failed.length) {
    // 4xx means the service rejected a well-formed request (an application bug); anything else
    // (no answer, timeout, 5xx, proxy 503) is the infrastructure between us and the service
    const app = failed.every((s) => s.status !== null && s.status >= 400 && s.status < 500);
    const first = failed[0];
    return {
      ...base,
      valueMs,
      verdict: 'error',
      failureClass: app ? 'app' : infraClass,
      message: `${label}: ${failed.length} of ${pop.length} requests failed (error rate ${(base.errorRate * 100).toFixed(0)}%, counted as +∞); first: GET ${first.path}: ${first.error}`,
    };
  }
  const within = valueMs <= budget.budgetMs;
  const summary = `${label}: ${ms(valueMs)} ms vs budget ${budget.budgetMs} ms`;
  if (within) return { ...base, valueMs, verdict: 'pass', message: `${summary}: within budget` };
  if (budget.tier === 'diagnostic') return { ...base, valueMs, verdict: 'over budget (diagnostic)', message: `${summary}: over budget (diagnostic, not blocking)` };
  const control = samples.filter((s) => s.endpoint === 'control').map(sampleValue);
  const controlMs = control.length ? median(control) : 0;
  if (controlMs > COMMON_MODE_SHARE * budget.budgetMs) {
    return {
      ...base,
      valueMs,
      verdict: 'over budget (common-mode)',
      failureClass: infraClass,
      message: `${summary}, but the control request (GET /healthz, no database work) took a median ${ms(controlMs)} ms over ${control.length} samples (> ${COMMON_MODE_SHARE * 100}% of the budget): the whole path to the service is slow (${infraClass}), not this endpoint`,
    };
  }
  return { ...base, valueMs, verdict: 'over budget', failureClass: 'budget', message: `${summary}: over budget (blocking)` };
}
