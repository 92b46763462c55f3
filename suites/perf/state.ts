// What the perf gate's steps learn and hand on, in order.
import type { Budgets } from '../../harness/budgets/schema.ts';
import type { Verdict } from '../../harness/budgets/verdict.ts';
import type { HistoryComparison } from '../../harness/budgets/history-compare.ts';
import type { Kube } from '../../harness/kube/kube.ts';
import type { Measurement } from '../../harness/perf/measure.ts';
import type { OpenTransport } from '../../harness/perf/run-transport.ts';

export type PerfState = {
  kube?: Kube;
  budgets?: Budgets;
  open?: OpenTransport;
  measurement?: Measurement;
  /** Why there is no measurement (the failing step), for the budget testcases' skip reason. */
  notMeasured?: string;
  verdicts: Verdict[];
  history?: { method: string; comparisons: HistoryComparison[] };
};
