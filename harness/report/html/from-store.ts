// The report's data read through the documented views only (unidesk_ci.gate_runs, testcases,
// junit, perf_budgets, perf_samples): the report is a dashboard like any other.
import type pg from 'pg';
import { openStore, storeError } from '../store/db.ts';
import type { ReportData, ReportRun, Trend } from './model.ts';

type RunRow = {
  run_id: string;
  gate: string;
  pipeline_run: string | null;
  task_run: string | null;
  commit: string | null;
  revision: string | null;
  verdict: 'passed' | 'failed';
  failure_class: string | null;
  started_at: Date;
  duration_ms: number;
  xml: string | null;
};
type CaseRow = { run_id: string; gate: string; name: string; status: 'passed' | 'failed' | 'skipped'; failure_class: string | null; failure_message: string | null; skipped_reason: string | null };
type BudgetRow = {
  run_id: string;
  commit: string | null;
  time: Date;
  budget: string;
  endpoint: string;
  statistic: string;
  tier: string;
  budget_ms: number;
  value_ms: number | null;
  verdict: string;
  history_verdict: string | null;
};
type SampleRow = { run_id: string; commit: string | null; time: Date; budget: string; value_ms: number };

const orUndef = <T>(v: T | null): T | undefined => v ?? undefined;

export async function queryReport(db: pg.Pool | pg.Client, runsPerGate: number): Promise<Omit<ReportData, 'generatedAt' | 'source'>> {
  const runs = await db.query<RunRow>(
    `SELECT r.run_id, r.gate, r.pipeline_run, r.task_run, r.commit, r.revision, r.verdict, r.failure_class, r.started_at, r.duration_ms, j.xml
       FROM (SELECT *, row_number() OVER (PARTITION BY gate ORDER BY started_at DESC) AS k FROM unidesk_ci.gate_runs) r
       LEFT JOIN unidesk_ci.junit j USING (run_id, gate)
      WHERE r.k <= $1 ORDER BY r.gate, r.started_at DESC`,
    [runsPerGate],
  );
  const cases = await db.query<CaseRow>(
    `SELECT run_id, gate, name, status, failure_class, failure_message, skipped_reason FROM unidesk_ci.testcases
      WHERE (run_id, gate) IN (SELECT run_id, gate FROM unidesk_ci.gate_runs r WHERE (SELECT count(*) FROM unidesk_ci.gate_runs n WHERE n.gate = r.gate AND n.started_at > r.started_at) < $1)
      ORDER BY run_id, gate, idx`,
    [runsPerGate],
  );
  const budgets = await db.query<BudgetRow>(
    `SELECT run_id, commit, time, budget, endpoint, statistic, tier, budget_ms, value_ms, verdict, history_verdict FROM unidesk_ci.perf_budgets ORDER BY budget, time, run_id`,
  );
  const samples = await db.query<SampleRow>(`SELECT run_id, commit, time, budget, value_ms FROM unidesk_ci.perf_samples WHERE value_ms IS NOT NULL ORDER BY budget, time, run_id, idx`);
  const reportRuns = runs.rows.map(
    (r): ReportRun => ({
      runId: r.run_id,
      gate: r.gate,
      pipelineRun: orUndef(r.pipeline_run),
      taskRun: orUndef(r.task_run),
      commit: orUndef(r.commit),
      revision: orUndef(r.revision),
      verdict: r.verdict,
      failureClass: orUndef(r.failure_class),
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      junitXml: orUndef(r.xml),
      steps: cases.rows
        .filter((c) => c.run_id === r.run_id && c.gate === r.gate)
        .map((c) => ({
          name: c.name,
          status: c.status,
          failureClass: orUndef(c.failure_class),
          message: orUndef(c.failure_message),
          skippedReason: orUndef(c.skipped_reason),
        })),
    }),
  );
  const trends = new Map<string, Trend>();
  for (const b of budgets.rows) {
    const t = trends.get(b.budget) ?? { budget: b.budget, endpoint: b.endpoint, statistic: b.statistic, points: [], samples: [] };
    t.points.push({
      runId: b.run_id,
      commit: orUndef(b.commit),
      time: b.time,
      valueMs: b.value_ms,
      budgetMs: b.budget_ms,
      tier: b.tier,
      verdict: b.verdict,
      historyVerdict: orUndef(b.history_verdict),
    });
    trends.set(b.budget, t);
  }
  for (const s of samples.rows) trends.get(s.budget)?.samples.push({ runId: s.run_id, commit: orUndef(s.commit), time: s.time, valueMs: s.value_ms });
  return { runs: reportRuns, trends: [...trends.values()] };
}

export async function reportFromStore(databaseUrl: string, runsPerGate = 10): Promise<ReportData> {
  const db = await openStore(databaseUrl);
  try {
    return { generatedAt: new Date(), source: 'results store (schema unidesk_ci at UNIDESK_CI_METRICS_DATABASE_URL)', ...(await queryReport(db, runsPerGate)) };
  } catch (e) {
    throw storeError(e, 'reading the report views');
  } finally {
    await db.end().catch(() => undefined);
  }
}
