// The results store in the lab's real PostgreSQL, fed by real commit-gate runs (Vitest child
// processes, as Tekton runs them): the run, its testcases and its JUnit document are recorded by
// the gate's own recording step; Tekton names are kept; a failed gate keeps its class; the
// strict flavour is what is written and stored; a store that is down fails the recording step as
// infra.network AFTER the verdict is in the JUnit file. Migrations keep an older schema's data.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { GATE_SERVICES } from '../../fixtures/lab/index.ts';
import { verdictOf } from '../../harness/cli/summary.ts';
import { MIGRATIONS, migrateHistory } from '../../harness/report/history-schema.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { parseJUnit, testcases } from '../../harness/report/junit-read.ts';
import { useLab } from '../support/lab.ts';

const lab = useLab([...GATE_SERVICES.commit, 'postgres']);
const runs: GateRun[] = [];
afterAll(async () => {
  for (const r of runs) await rm(r.reportDir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: lab.env.LAB_METRICS_DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

async function commitGate(env: Record<string, string | undefined>): Promise<GateRun> {
  const run = await runGate({ gate: 'commit', env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', ...env } });
  runs.push(run);
  return run;
}

describe('results store (schema unidesk_ci)', () => {
  test('migrations are versioned and idempotent; a version-1 perf history keeps its samples behind the perf_samples view', async () => {
    const url = new URL(lab.env.LAB_METRICS_DATABASE_URL);
    const c = new pg.Client({ connectionString: lab.env.LAB_POSTGRES_URL });
    await c.connect();
    await c.query('CREATE DATABASE results_upgrade');
    await c.end();
    url.pathname = '/results_upgrade';
    const admin = new URL(lab.env.LAB_POSTGRES_URL);
    admin.pathname = '/results_upgrade';
    const db = new pg.Client({ connectionString: admin.href });
    await db.connect();
    try {
      // the schema as the perf history alone left it (version 1), with one recorded sample
      await db.query('CREATE SCHEMA unidesk_ci');
      await db.query('CREATE TABLE unidesk_ci.schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await db.query(MIGRATIONS[0]);
      await db.query('INSERT INTO unidesk_ci.schema_migrations (version) VALUES (1)');
      await db.query(`INSERT INTO unidesk_ci.perf_runs (run_id, commit, fingerprint, budgets_hash, transport, good) VALUES ('old-run', 'c0ffee', 'f', 'h', 'direct', true)`);
      await db.query(
        `INSERT INTO unidesk_ci.perf_samples (run_id, budget, endpoint, statistic, idx, value_ms, ttfb_ms, status, cold) VALUES ('old-run', 'trace-step', 'trace-step', 'single', 0, 12.5, 3, 200, false)`,
      );
      expect(await migrateHistory(db)).toBe(MIGRATIONS.length - 1);
      expect(await migrateHistory(db)).toBe(0);
      const versions = (await db.query('SELECT version FROM unidesk_ci.schema_migrations ORDER BY 1')).rows.map((r) => r.version);
      expect(versions).toEqual(MIGRATIONS.map((_, i) => i + 1));
      const rows = (await db.query('SELECT run_id, commit, budget, value_ms FROM unidesk_ci.perf_samples')).rows;
      expect(rows).toEqual([{ run_id: 'old-run', commit: 'c0ffee', budget: 'trace-step', value_ms: 12.5 }]);
    } finally {
      await db.end();
    }
  });

  test('a gate run inside Tekton is recorded with its PipelineRun/TaskRun, every testcase and its JUnit (strict flavour)', async () => {
    const run = await commitGate({
      UNIDESK_CI_RUN_ID: 'store-strict-1',
      UNIDESK_CI_METRICS_DATABASE_URL: lab.env.LAB_METRICS_DATABASE_URL,
      UNIDESK_CI_JUNIT: 'strict',
      UNIDESK_CI_PIPELINERUN: 'unidesk-ci-commit-abcde',
      UNIDESK_CI_TASKRUN: 'unidesk-ci-commit-abcde-repo-check',
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('results store: recorded gate commit of run store-strict-1 (passed, 4 testcases)');
    const xml = await readFile(run.junitPath, 'utf8');
    // the file on disk is the strict flavour, valid against junit-10.xsd, and still reads back the facts
    const lint = await promisify(execFile)('xmllint', ['--noout', '--schema', join(import.meta.dirname, '../data/junit-10.xsd'), run.junitPath]);
    expect(lint.stderr).toContain('validates');
    expect(run.steps.every((s) => s.commit && /^[0-9a-f]{40}$/.test(s.commit))).toBe(true);
    const [g] = await query(`SELECT * FROM unidesk_ci.gate_runs WHERE run_id = 'store-strict-1'`);
    expect(g).toMatchObject({
      gate: 'commit',
      pipeline_run: 'unidesk-ci-commit-abcde',
      task_run: 'unidesk-ci-commit-abcde-repo-check',
      verdict: 'passed',
      failure_class: null,
      commit: run.steps[0].commit,
      revision: 'master',
      junit_flavour: 'strict',
    });
    expect(g.duration_ms).toBeGreaterThan(0);
    expect(g.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const cases = await query(`SELECT name, status, properties FROM unidesk_ci.testcases WHERE run_id = 'store-strict-1' ORDER BY idx`);
    expect(cases.map((c) => [c.name, c.status])).toEqual(testcases(parseJUnit(xml)).map((c) => [c.name, c.status]));
    expect(cases[0].properties['unidesk.commit']).toBe(run.steps[0].commit);
    const [doc] = await query(`SELECT flavour, xml FROM unidesk_ci.junit WHERE run_id = 'store-strict-1'`);
    expect(doc).toEqual({ flavour: 'strict', xml });
  }, 240_000);

  test("a failed gate is recorded failed with its class and each step's failure message", async () => {
    const run = await commitGate({ UNIDESK_CI_RUN_ID: 'store-failed-1', UNIDESK_CI_METRICS_DATABASE_URL: lab.env.LAB_METRICS_DATABASE_URL, UNIDESK_CI_REVISION: 'no-such-branch' });
    expect(verdictOf(run)).toMatchObject({ passed: false, failureClass: 'input' });
    const [g] = await query(`SELECT verdict, failure_class, pipeline_run, junit_flavour FROM unidesk_ci.gate_runs WHERE run_id = 'store-failed-1'`);
    expect(g).toEqual({ verdict: 'failed', failure_class: 'input', pipeline_run: null, junit_flavour: 'default' });
    const cases = await query(`SELECT status, failure_class, failure_message, skipped_reason FROM unidesk_ci.testcases WHERE run_id = 'store-failed-1' ORDER BY idx`);
    expect(cases[0]).toMatchObject({ status: 'failed', failure_class: 'input' });
    expect(cases[0].failure_message).toMatch(/unknown revision "no-such-branch"/);
    expect(cases.slice(1).every((c) => c.status === 'skipped' && /not run/.test(c.skipped_reason))).toBe(true);
  }, 240_000);

  test("a store that is down: the gate's verdict is in the JUnit, then the recording step fails as infra.network", async () => {
    const run = await commitGate({ UNIDESK_CI_RUN_ID: 'store-down-1', UNIDESK_CI_METRICS_DATABASE_URL: 'postgres://ci:store-down-pw@127.0.0.1:9/metrics' });
    const [store, ...gateSteps] = [...run.steps].reverse();
    expect(
      gateSteps.every((s) => s.status === 'passed'),
      run.output,
    ).toBe(true);
    expect(gateSteps).toHaveLength(4);
    expect(store).toMatchObject({ name: 'record the gate run in the results store (unidesk_ci)', status: 'failed', failureClass: 'infra.network' });
    expect(store.message).toMatch(/results store .*UNIDESK_CI_METRICS_DATABASE_URL/);
    expect(run.output + store.message).not.toContain('store-down-pw');
    expect(run.exitCode).not.toBe(0);
    expect(verdictOf(run)).toMatchObject({ passed: false, failureClass: 'infra.network' });
    expect(await query(`SELECT 1 FROM unidesk_ci.gate_runs WHERE run_id = 'store-down-1'`)).toEqual([]);
    // the Task result a PipelineRun consumer reads says why the TaskRun failed
    expect(await readFile(join(run.reportDir, 'results', 'failure-class'), 'utf8')).toBe('infra.network');
  }, 240_000);
});
