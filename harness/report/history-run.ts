// The history part of a run: compare this run's populations with the last K good runs on the
// same fingerprint and budgets hash, then record this run. Diagnostic only: it never fails a gate.
import { compareWithHistory, describeMethod, HISTORY_DEFAULTS, type HistoryComparison, type HistoryOptions } from '../budgets/history-compare.ts';
import type { Verdict } from '../budgets/verdict.ts';
import { runValues, type HistoryStore, type RunKey } from './history.ts';

export type HistoryResult = { method: string; comparisons: HistoryComparison[] };

export async function compareAndRecord(store: HistoryStore, key: RunKey, verdicts: readonly Verdict[], k: number, o: HistoryOptions = HISTORY_DEFAULTS): Promise<HistoryResult> {
  const baseline = await store.baseline(key, k);
  const comparisons = compareWithHistory(runValues(verdicts), baseline, { ...o, minRuns: Math.min(o.minRuns, k) });
  await store.record(key, verdicts, comparisons);
  return { method: describeMethod(o, k), comparisons };
}
