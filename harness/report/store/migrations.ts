// Versions 2.. of the `unidesk_ci` schema (version 1, the perf history, is in history-schema.ts):
// gate runs, their testcases and JUnit documents, each budget's result per perf run, and the
// stable views dashboards read. Tables are the harness's own; views are the documented interface
// (docs/results.md) and keep their columns when tables change.
export const RESULTS_MIGRATIONS: readonly string[] = [
  `ALTER TABLE unidesk_ci.perf_samples RENAME TO perf_sample_rows;
   CREATE TABLE unidesk_ci.perf_budget_rows (
     run_id text NOT NULL REFERENCES unidesk_ci.perf_runs(run_id) ON DELETE CASCADE,
     budget text NOT NULL,
     endpoint text NOT NULL,
     statistic text NOT NULL,
     tier text NOT NULL,
     budget_ms double precision NOT NULL,
     value_ms double precision,           -- NULL: +infinity (a failed request in the population)
     n int NOT NULL,
     verdict text NOT NULL,
     history_verdict text,                -- PASS | REGRESSION | INCONCLUSIVE
     history_centre_ms double precision,
     history_threshold_ms double precision,
     PRIMARY KEY (run_id, budget)
   );
   CREATE TABLE unidesk_ci.gate_run_rows (
     run_id text NOT NULL,
     gate text NOT NULL,
     pipeline_run text,
     task_run text,
     commit text,
     revision text,
     verdict text NOT NULL CHECK (verdict IN ('passed', 'failed')),
     failure_class text,
     started_at timestamptz NOT NULL,
     duration_ms double precision NOT NULL,
     fingerprint text NOT NULL,
     junit_flavour text NOT NULL,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (run_id, gate)
   );
   CREATE INDEX gate_run_rows_recent ON unidesk_ci.gate_run_rows (gate, started_at DESC);
   CREATE TABLE unidesk_ci.testcase_rows (
     run_id text NOT NULL,
     gate text NOT NULL,
     idx int NOT NULL,
     suite text NOT NULL,
     name text NOT NULL,
     status text NOT NULL CHECK (status IN ('passed', 'failed', 'skipped')),
     failure_class text,
     failure_message text,
     skipped_reason text,
     duration_ms double precision NOT NULL,
     properties jsonb NOT NULL,
     PRIMARY KEY (run_id, gate, idx),
     FOREIGN KEY (run_id, gate) REFERENCES unidesk_ci.gate_run_rows (run_id, gate) ON DELETE CASCADE
   );
   CREATE TABLE unidesk_ci.junit_documents (
     run_id text NOT NULL,
     gate text NOT NULL,
     flavour text NOT NULL,
     sha256 text NOT NULL,
     xml text NOT NULL,
     PRIMARY KEY (run_id, gate),
     FOREIGN KEY (run_id, gate) REFERENCES unidesk_ci.gate_run_rows (run_id, gate) ON DELETE CASCADE
   );
   CREATE VIEW unidesk_ci.gate_runs AS
     SELECT run_id, gate, pipeline_run, task_run, commit, revision, verdict, failure_class,
            started_at, duration_ms, started_at + duration_ms * interval '1 millisecond' AS finished_at,
            fingerprint, junit_flavour
       FROM unidesk_ci.gate_run_rows;
   CREATE VIEW unidesk_ci.testcases AS
     SELECT t.run_id, t.gate, g.started_at, t.idx, t.suite, t.name, t.status, t.failure_class,
            t.failure_message, t.skipped_reason, t.duration_ms, t.properties
       FROM unidesk_ci.testcase_rows t JOIN unidesk_ci.gate_run_rows g USING (run_id, gate);
   CREATE VIEW unidesk_ci.junit AS
     SELECT run_id, gate, flavour, sha256, xml FROM unidesk_ci.junit_documents;
   CREATE VIEW unidesk_ci.perf_budgets AS
     SELECT b.run_id, COALESCE(g.commit, r.commit) AS commit, COALESCE(g.started_at, r.recorded_at) AS time,
            b.budget, b.endpoint, b.statistic, b.tier, b.budget_ms, b.value_ms, b.n, b.verdict,
            b.history_verdict, b.history_verdict = 'REGRESSION' AS regression,
            b.history_centre_ms, b.history_threshold_ms, r.fingerprint, r.budgets_hash, r.transport, r.good
       FROM unidesk_ci.perf_budget_rows b
       JOIN unidesk_ci.perf_runs r USING (run_id)
       LEFT JOIN unidesk_ci.gate_run_rows g ON g.run_id = b.run_id AND g.gate = 'perf';
   CREATE VIEW unidesk_ci.perf_samples AS
     SELECT s.run_id, COALESCE(g.commit, r.commit) AS commit, COALESCE(g.started_at, r.recorded_at) AS time,
            s.budget, s.endpoint, s.statistic, b.tier, b.budget_ms, s.idx, s.value_ms, s.ttfb_ms, s.status, s.cold,
            r.fingerprint, r.budgets_hash
       FROM unidesk_ci.perf_sample_rows s
       JOIN unidesk_ci.perf_runs r USING (run_id)
       LEFT JOIN unidesk_ci.perf_budget_rows b USING (run_id, budget)
       LEFT JOIN unidesk_ci.gate_run_rows g ON g.run_id = s.run_id AND g.gate = 'perf';`,
];
