// Write one gate run (run, testcases, JUnit document) in one transaction. Recording the same
// run id and gate again replaces the earlier record, so a retried recording step is harmless.
import { HISTORY_SCHEMA as S } from '../history-schema.ts';
import { openStore, storeError } from './db.ts';
import type { GateRunRecord } from './gate-run-record.ts';

export async function recordGateRun(databaseUrl: string, r: GateRunRecord): Promise<void> {
  const db = await openStore(databaseUrl);
  const c = await db.connect().catch((e: unknown) => {
    throw storeError(e, 'connect');
  });
  try {
    await c.query('BEGIN');
    await c.query(`DELETE FROM ${S}.gate_run_rows WHERE run_id = $1 AND gate = $2`, [r.runId, r.gate]);
    await c.query(
      `INSERT INTO ${S}.gate_run_rows (run_id, gate, pipeline_run, task_run, commit, revision, verdict, failure_class, started_at, duration_ms, fingerprint, junit_flavour)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [r.runId, r.gate, r.pipelineRun ?? null, r.taskRun ?? null, r.commit ?? null, r.revision ?? null, r.verdict, r.failureClass ?? null, r.startedAt, r.durationMs, r.fingerprint, r.junit.flavour],
    );
    for (const [i, t] of r.testcases.entries()) {
      await c.query(
        `INSERT INTO ${S}.testcase_rows (run_id, gate, idx, suite, name, status, failure_class, failure_message, skipped_reason, duration_ms, properties)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
        [r.runId, r.gate, i, t.suite, t.name, t.status, t.failureClass ?? null, t.failureMessage ?? null, t.skippedReason ?? null, t.durationMs, JSON.stringify(t.properties)],
      );
    }
    await c.query(`INSERT INTO ${S}.junit_documents (run_id, gate, flavour, sha256, xml) VALUES ($1,$2,$3,$4,$5)`, [r.runId, r.gate, r.junit.flavour, r.junit.sha256, r.junit.xml]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw storeError(e, `recording gate ${r.gate} of run ${r.runId}`);
  } finally {
    c.release();
    await db.end().catch(() => undefined);
  }
}
