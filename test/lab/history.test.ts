// The perf history in the lab's real PostgreSQL: schema unidesk_ci created and migrated by the
// harness (idempotently, never touching Code Queue's tables); measured runs against the real
// Code Queue with injected latency: a 2× slowdown after 5 normal runs is flagged, a sixth normal
// run is not; too little history says so.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { startCodeQueue, type CodeQueue } from '../../fixtures/code-queue/server.ts';
import { loadSettings } from '../../fixtures/code-queue/settings.ts';
import { budgetsFromFile } from '../../harness/budgets/source.ts';
import { evaluate } from '../../harness/budgets/verdict.ts';
import { measure } from '../../harness/perf/measure.ts';
import { samplingPlan } from '../../harness/perf/plan.ts';
import { createProbe } from '../../harness/perf/probe.ts';
import { directTransport } from '../../harness/perf/transport.ts';
import { compareAndRecord, type HistoryResult } from '../../harness/report/history-run.ts';
import { openHistory } from '../../harness/report/history.ts';
import { MIGRATIONS, migrateHistory } from '../../harness/report/history-schema.ts';
import { CiError } from '../../harness/failure.ts';

const BUDGETS = join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml');
let lab: Lab;
let cq: CodeQueue;
let dir: string;

beforeAll(async () => {
  lab = await startLab({ services: ['postgres'], log: () => undefined });
  dir = await mkdtemp(join(tmpdir(), 'perf-history-'));
  // the repo's budgets, with 5 samples per trace endpoint: single samples are too noisy on a
  // loaded 2-core machine for a 5-run history to separate 1× from 2×
  const cm = parse(await readFile(BUDGETS, 'utf8'));
  for (const k of ['trace-summary', 'trace-steps', 'trace-step']) cm.data[`${k}.samples`] = '5';
  await writeFile(join(dir, 'budgets.yaml'), stringify(cm));
  cq = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '0', CODE_QUEUE_FAULTS_FILE: join(dir, 'faults.json') }));
});
afterAll(async () => {
  await cq?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function tables(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1`);
    return r.rows.map((x) => x.t);
  } finally {
    await c.end();
  }
}

/** One measured run with every endpoint slowed by `latencyMs`, compared and recorded. */
async function run(runId: string, latencyMs: number): Promise<HistoryResult> {
  await writeFile(join(dir, 'faults.json'), JSON.stringify({ '*': { latencyMs } }));
  const budgets = await budgetsFromFile(join(dir, 'budgets.yaml'));
  await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 30_000 });
  const m = await measure(probe, samplingPlan(budgets.budgets), () => undefined);
  const verdicts = budgets.budgets.map((b) => evaluate(b, m.samples, 'infra.network'));
  await using store = await openHistory(lab.env.LAB_METRICS_DATABASE_URL);
  // await before returning: `await using` would otherwise end the pool under the pending queries
  return await compareAndRecord(store, { runId, commit: 'c'.repeat(40), fingerprint: 'lab-test', budgetsHash: budgets.hash, transport: 'direct' }, verdicts, 5);
}

describe('perf history', () => {
  test('the harness creates schema unidesk_ci and migrates idempotently, leaving Code Queue tables alone', async () => {
    // even pointed at Code Queue's own database, only unidesk_ci.* appears
    const before = await tables(lab.env.LAB_CODE_QUEUE_DATABASE_URL);
    const c = new pg.Client({ connectionString: lab.env.LAB_CODE_QUEUE_DATABASE_URL });
    await c.connect();
    try {
      expect(await migrateHistory(c)).toBe(MIGRATIONS.length);
      expect(await migrateHistory(c)).toBe(0);
    } finally {
      await c.end();
    }
    const after = await tables(lab.env.LAB_CODE_QUEUE_DATABASE_URL);
    // tables and the results store's views (docs/results.md)
    expect(after.filter((t) => !before.includes(t))).toEqual([
      'unidesk_ci.gate_run_rows',
      'unidesk_ci.gate_runs',
      'unidesk_ci.junit',
      'unidesk_ci.junit_documents',
      'unidesk_ci.perf_budget_rows',
      'unidesk_ci.perf_budgets',
      'unidesk_ci.perf_runs',
      'unidesk_ci.perf_sample_rows',
      'unidesk_ci.perf_samples',
      'unidesk_ci.schema_migrations',
      'unidesk_ci.testcase_rows',
      'unidesk_ci.testcases',
    ]);
    expect(before.every((t) => after.includes(t))).toBe(true);
  });

  test('a 2× slowdown after 5 normal runs is a REGRESSION; a sixth normal run is not', async () => {
    const first = await run('normal-1', 150);
    expect(first.comparisons.every((c) => c.verdict === 'INCONCLUSIVE' && /too little history \(0 of 5/.test(c.message))).toBe(true);
    expect(first.method).toMatch(/last 5 good runs/);
    for (let i = 2; i <= 5; i++) await run(`normal-${i}`, 150);
    const slow = await run('slow', 300);
    expect(Object.fromEntries(slow.comparisons.map((c) => [c.budget, c.verdict])), JSON.stringify(slow.comparisons, null, 1)).toEqual({
      'overview.first-payload': 'REGRESSION',
      'trace-summary': 'REGRESSION',
      'trace-steps': 'REGRESSION',
      'trace-step': 'REGRESSION',
      'overview.p95': 'REGRESSION',
    });
    const sixth = await run('normal-6', 150);
    expect(
      sixth.comparisons.map((c) => c.verdict),
      JSON.stringify(sixth.comparisons, null, 1),
    ).toEqual(Array(5).fill('PASS'));
    // every sample of every run is stored, with its run's fingerprint and budgets hash
    const c = new pg.Client({ connectionString: lab.env.LAB_METRICS_DATABASE_URL });
    await c.connect();
    try {
      const r = await c.query(`SELECT count(DISTINCT run_id)::int AS runs, count(*)::int AS samples FROM unidesk_ci.perf_samples`);
      expect(r.rows[0]).toEqual({ runs: 7, samples: 7 * (1 + 3 * 5 + 10) });
    } finally {
      await c.end();
    }
  }, 300_000);

  test('an unreachable or unauthenticated history database is an infra error, with the password redacted', async () => {
    const url = new URL(lab.env.LAB_METRICS_DATABASE_URL);
    url.password = 'wrong-password-xyz';
    const auth = await openHistory(url.href).catch((e) => e);
    expect(auth).toBeInstanceOf(CiError);
    expect(auth.failureClass).toBe('infra.auth');
    const down = await openHistory('postgres://u:secretpw1@127.0.0.1:1/x').catch((e) => e);
    expect(down.failureClass).toBe('infra.network');
    expect(down.message).toMatch(/cannot open schema unidesk_ci/);
  });
});
