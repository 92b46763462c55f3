// The perf history store: one row per run (commit, environment fingerprint, budgets hash,
// whether the run was good), one per budget (tier, budget, value, verdict, history verdict) and
// one per sample of each budget's population.
import type { HistoryComparison, RunValues } from '../budgets/history-compare.ts';
import type { Verdict } from '../budgets/verdict.ts';
import { CiError } from '../failure.ts';
import { HISTORY_SCHEMA } from './history-schema.ts';
import { openStore, storeError } from './store/db.ts';

export type RunKey = { runId: string; commit?: string; fingerprint: string; budgetsHash: string; transport: string };

export type HistoryStore = {
  /** The run's samples and, per budget, its result and (when compared) its history verdict. */
  record: (key: RunKey, verdicts: readonly Verdict[], comparisons?: readonly HistoryComparison[]) => Promise<void>;
  /** The last `k` good runs before `beforeRunId` with the same fingerprint and budgets hash, newest first. */
  baseline: (key: RunKey, k: number) => Promise<Array<{ runId: string; values: RunValues }>>;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
};

export async function openHistory(databaseUrl: string): Promise<HistoryStore> {
  const db = await openStore(databaseUrl).catch((e: CiError) => {
    throw new CiError(e.failureClass, `perf history: cannot open schema ${HISTORY_SCHEMA}: ${e.message}`);
  });
  const record: HistoryStore['record'] = async (key, verdicts, comparisons = []) => {
    const good = verdicts.every((v) => v.verdict !== 'error' && v.verdict !== 'over budget');
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      await c.query(`INSERT INTO ${HISTORY_SCHEMA}.perf_runs (run_id, commit, fingerprint, budgets_hash, transport, good) VALUES ($1,$2,$3,$4,$5,$6)`, [
        key.runId,
        key.commit ?? null,
        key.fingerprint,
        key.budgetsHash,
        key.transport,
        good,
      ]);
      for (const v of verdicts) {
        const h = comparisons.find((c) => c.budget === v.budget.name);
        await c.query(
          `INSERT INTO ${HISTORY_SCHEMA}.perf_budget_rows (run_id, budget, endpoint, statistic, tier, budget_ms, value_ms, n, verdict, history_verdict, history_centre_ms, history_threshold_ms)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
          [
            key.runId,
            v.budget.name,
            v.budget.endpoint,
            v.budget.statistic,
            v.budget.tier,
            v.budget.budgetMs,
            Number.isFinite(v.valueMs) ? v.valueMs : null,
            v.n,
            v.verdict,
            h?.verdict ?? null,
            h?.centreMs ?? null,
            h?.thresholdMs ?? null,
          ],
        );
        for (const [i, value] of v.values.entries()) {
          const s = v.samples[i];
          await c.query(`INSERT INTO ${HISTORY_SCHEMA}.perf_sample_rows (run_id, budget, endpoint, statistic, idx, value_ms, ttfb_ms, status, cold) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, [
            key.runId,
            v.budget.name,
            v.budget.endpoint,
            v.budget.statistic,
            i,
            Number.isFinite(value) ? value : null,
            s?.ttfbMs ?? null,
            s?.status ?? null,
            s?.cold ?? false,
          ]);
        }
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw storeError(e, `perf history: recording run ${key.runId}`);
    } finally {
      c.release();
    }
  };
  const baseline: HistoryStore['baseline'] = async (key, k) => {
    const runs = await db.query<{ run_id: string }>(
      `SELECT run_id FROM ${HISTORY_SCHEMA}.perf_runs WHERE fingerprint = $1 AND budgets_hash = $2 AND good AND run_id <> $3
       ORDER BY recorded_at DESC LIMIT $4`,
      [key.fingerprint, key.budgetsHash, key.runId, k],
    );
    const ids = runs.rows.map((r) => r.run_id);
    const rows = await db.query<{ run_id: string; budget: string; value_ms: number | null }>(
      `SELECT run_id, budget, value_ms FROM ${HISTORY_SCHEMA}.perf_sample_rows WHERE run_id = ANY($1) ORDER BY run_id, budget, idx`,
      [ids],
    );
    const byRun = new Map<string, RunValues>(ids.map((id) => [id, new Map()]));
    for (const r of rows.rows) {
      const m = byRun.get(r.run_id)!;
      m.set(r.budget, [...(m.get(r.budget) ?? []), r.value_ms ?? Infinity]);
    }
    return ids.map((runId) => ({ runId, values: byRun.get(runId)! }));
  };
  const close = () => db.end();
  return { record, baseline, close, [Symbol.asyncDispose]: close };
}

/** This run's populations keyed by budget name (what `baseline` returns for older runs). */
export function runValues(verdicts: readonly Verdict[]): RunValues {
  return new Map(verdicts.map((v) => [v.budget.name, v.values]));
}
