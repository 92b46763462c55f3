// The CI's own schema `unidesk_ci` (perf history and results store) (never Code Queue's tables), migrated by the harness:
// numbered, idempotent steps recorded in unidesk_ci.schema_migrations, applied under an advisory
// lock so two gates starting at once do not race.
import type pg from 'pg';
import { RESULTS_MIGRATIONS } from './store/migrations.ts';

export const HISTORY_SCHEMA = 'unidesk_ci';

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE unidesk_ci.perf_runs (
     run_id text PRIMARY KEY,
     commit text,
     fingerprint text NOT NULL,
     budgets_hash text NOT NULL,
     transport text NOT NULL,
     good boolean NOT NULL,
     recorded_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX perf_runs_lookup ON unidesk_ci.perf_runs (fingerprint, budgets_hash, recorded_at DESC);
   CREATE TABLE unidesk_ci.perf_samples (
     run_id text NOT NULL REFERENCES unidesk_ci.perf_runs(run_id) ON DELETE CASCADE,
     budget text NOT NULL,
     endpoint text NOT NULL,
     statistic text NOT NULL,
     idx int NOT NULL,
     value_ms double precision,          -- NULL: the request failed (+infinity)
     ttfb_ms double precision,
     status int,
     cold boolean NOT NULL,
     PRIMARY KEY (run_id, budget, idx)
   );`,
  // 2..: the results store (gate runs, testcases, JUnit documents, budget results, views)
  ...RESULTS_MIGRATIONS,
];

export async function migrateHistory(target: pg.Pool | pg.Client): Promise<number> {
  // the advisory lock is per session: take, use and release it on one connection
  if ('totalCount' in target) {
    const client = await target.connect();
    try {
      return await migrateHistory(client);
    } finally {
      client.release();
    }
  }
  const db = target;
  await db.query('SELECT pg_advisory_lock(hashtext($1))', [HISTORY_SCHEMA]);
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA}`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${HISTORY_SCHEMA}.schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await db.query<{ version: number }>(`SELECT version FROM ${HISTORY_SCHEMA}.schema_migrations`)).rows.map((r) => r.version));
    let applied = 0;
    for (const [i, sql] of MIGRATIONS.entries()) {
      if (done.has(i + 1)) continue;
      await db.query('BEGIN');
      try {
        await db.query(sql);
        await db.query(`INSERT INTO ${HISTORY_SCHEMA}.schema_migrations (version) VALUES ($1)`, [i + 1]);
        await db.query('COMMIT');
        applied++;
      } catch (e) {
        await db.query('ROLLBACK');
        throw e;
      }
    }
    return applied;
  } finally {
    await db.query('SELECT pg_advisory_unlock(hashtext($1))', [HISTORY_SCHEMA]);
  }
}
