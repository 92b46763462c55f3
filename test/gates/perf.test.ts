// The perf gate run as Tekton runs it (`vitest run --project perf`), as a child process against
// the lab (tinyproxy, PostgreSQL seeded with Code Queue data, the cluster double whose deployment
// controller runs fixtures/code-queue for `unidesk-code-queue:*`), judged by the JUnit and the
// metrics JSON it wrote. The lab lives in this process, so the double outlives each gate run and
// can show that the temporary Deployment and Service are gone afterwards.
import { readFile, readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GATE_SERVICES, startLab, type Lab } from '../../fixtures/lab/index.ts';
import { seed } from '../../fixtures/code-queue/seed.ts';
import { createDatabase } from '../../fixtures/lab/postgres/cluster.ts';
import { connectKube, isNotFound, type Kube } from '../../harness/kube/index.ts';
import { labClusterAdminFromKubeconfig } from '../../fixtures/lab/cluster/admin-client.ts';
import { perfMetricsSchema, type PerfMetrics } from '../../harness/report/metrics.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';

const BUDGET_CASES = [
  'budget overview.first-payload: overview (cold)',
  'budget trace-summary: trace-summary (single)',
  'budget trace-steps: trace-steps (single)',
  'budget trace-step: trace-step (single)',
  'budget overview.p95: overview (p95)',
];
let lab: Lab;
let dir: string;
let kube: Kube;
const runs: GateRun[] = [];
const faultsFile = () => join(dir, 'faults.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-gate-test-'));
  // the lab's code-queue pod runner hands this file to the service it starts
  process.env.LAB_CODE_QUEUE_FAULTS_FILE = faultsFile();
  await writeFile(faultsFile(), '{}');
  lab = await startLab({ services: GATE_SERVICES.perf, log: () => undefined });
  kube = connectKube({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG, runId: 'perf-gate-test', log: () => undefined });
  // small budgets (same ConfigMap format) so "slower than budget" takes a second, not ten
  const cm = parse(await readFile(join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml'), 'utf8'));
  Object.assign(cm.data, { 'trace-summary.budget-ms': '600', 'trace-steps.budget-ms': '600' });
  await writeFile(join(dir, 'small-budgets.yaml'), stringify(cm));
}, 120_000);
afterAll(async () => {
  delete process.env.LAB_CODE_QUEUE_FAULTS_FILE;
  await lab?.stop();
  for (const r of runs) await rm(r.reportDir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

async function perfGate(env: Record<string, string | undefined> = {}, faults: object = {}): Promise<GateRun & { metrics?: PerfMetrics }> {
  await writeFile(faultsFile(), JSON.stringify(faults));
  const run = await runGate({ gate: 'perf', env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', ...env } });
  runs.push(run);
  expect(run.steps.length, run.output).toBeGreaterThan(0);
  const files = await readdir(join(run.reportDir, 'metrics')).catch(() => [] as string[]);
  const metrics = files.length ? perfMetricsSchema.parse(JSON.parse(await readFile(join(run.reportDir, 'metrics', files[0]), 'utf8'))) : undefined;
  return { ...run, metrics };
}

const step = (run: GateRun, name: string) => {
  const s = run.steps.find((x) => x.name === name || x.name.startsWith(name));
  if (!s) throw new Error(`no testcase "${name}" in ${run.steps.map((x) => x.name).join(' | ')}\n${run.output}`);
  return s;
};

async function expectReadServiceGone(): Promise<void> {
  for (const read of [
    () => kube.apps.readNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }),
    () => kube.core.readNamespacedService({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }),
    () => kube.core.readNamespacedSecret({ name: 'code-queue-ci-read-database', namespace: 'unidesk-ci' }),
  ]) {
    const e = await read().then(
      () => undefined,
      (err) => err,
    );
    expect(isNotFound(e), `still present: ${String(e)}`).toBe(true);
  }
}

describe('perf gate against the lab (cluster transport)', () => {
  test('all fast → every budget passes, from the cluster ConfigMap, with JUnit properties and every sample in JSON', async () => {
    const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
    const since = Math.max(0, ...(await admin.requests()).map((r) => r.seq));
    const run = await perfGate();
    // every namespaced write of the run (k3s/ci apply, Secret, Deployment, Service, the proxied
    // write attempt, deletions) stayed inside unidesk-ci
    const writes = (await admin.requests(since)).filter((r) => r.method !== 'GET');
    expect(writes.some((r) => /\/deployments\/code-queue-ci-read/.test(r.path) && r.method === 'DELETE')).toBe(true);
    for (const w of writes) {
      const ns = /\/namespaces\/([^/?]+)\/[^?]/.exec(w.path)?.[1];
      if (ns !== undefined) expect(`${w.method} ${w.path} → ${ns}`).toMatch(/→ unidesk-ci$/);
    }
    expect(run.exitCode, run.output).toBe(0);
    expect(step(run, 'read the budgets').properties['unidesk.budgets-source']).toBe('cluster unidesk-ci/unidesk-ci-budgets');
    expect(step(run, 'start the temporary code-queue-ci-read Deployment').properties['unidesk.transport']).toMatch(
      /^service proxy https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/unidesk-ci\/services\/code-queue-ci-read%3Ahttp\/proxy$/,
    );
    expect(step(run, 'the read service refuses writes').properties['unidesk.write-status']).toBe('403');
    for (const name of BUDGET_CASES) {
      const s = step(run, name);
      expect(s.status).toBe('passed');
      expect(Object.keys(s.properties)).toEqual(
        expect.arrayContaining(['unidesk.endpoint', 'unidesk.statistic', 'unidesk.tier', 'unidesk.budget-ms', 'unidesk.value-ms', 'unidesk.n', 'unidesk.verdict']),
      );
      expect(s.properties['unidesk.verdict']).toBe('pass');
    }
    expect(step(run, BUDGET_CASES[4]).properties).toMatchObject({ 'unidesk.n': '10', 'unidesk.budget-ms': '20000', 'unidesk.tier': 'blocking', 'unidesk.statistic': 'p95' });
    const m = run.metrics!;
    expect(m.samples).toHaveLength(24); // cold + 10 rounds (control + overview) + 3 trace samples
    expect(m.samples.filter((x) => x.endpoint === 'control')).toHaveLength(10);
    expect(m.samples[0]).toMatchObject({ endpoint: 'overview', cold: true, newConnection: true, status: 200 });
    expect(m.connectionsOpened).toBe(1);
    expect(m.task.taskId).toBe(2940); // the newest 60 seeded tasks have no steps: discovery skipped them
    expect(m.task.pages).toBe(2);
    expect(run.output).toMatch(/budget\s+statistic\s+n\s+value ms\s+budget ms\s+tier\s+verdict/);
    await expectReadServiceGone();
  });

  test('trace-summary slowed past its budget → the gate fails with class budget; the rest still report', async () => {
    const run = await perfGate({ UNIDESK_CI_BUDGETS_FILE: join(dir, 'small-budgets.yaml') }, { 'trace-summary': { latencyMs: 1200 } });
    expect(run.exitCode).not.toBe(0);
    const s = step(run, BUDGET_CASES[1]);
    expect(s).toMatchObject({ status: 'failed', failureClass: 'budget' });
    expect(s.properties).toMatchObject({ 'unidesk.verdict': 'over budget', 'unidesk.budget-ms': '600' });
    expect(Number(s.properties['unidesk.value-ms'])).toBeGreaterThanOrEqual(1200);
    for (const other of [0, 2, 3, 4]) expect(step(run, BUDGET_CASES[other]).status).toBe('passed');
    expect(run.metrics!.budgets.find((b) => b.name === 'trace-summary')!.verdict).toBe('over budget');
    await expectReadServiceGone();
  });

  test('trace-steps slowed past its budget → the gate passes with "over budget (diagnostic)"', async () => {
    const run = await perfGate({ UNIDESK_CI_BUDGETS_FILE: join(dir, 'small-budgets.yaml') }, { 'trace-steps': { latencyMs: 1200 } });
    expect(run.exitCode, run.output).toBe(0);
    const s = step(run, BUDGET_CASES[2]);
    expect(s.status).toBe('passed');
    expect(s.properties).toMatchObject({ 'unidesk.verdict': 'over budget (diagnostic)', 'unidesk.tier': 'diagnostic', 'unidesk.n': '1' });
    expect(run.output).toMatch(/over budget \(diagnostic/);
  });

  test('every request slow, the control request too → common-mode infra.cluster, not budget', async () => {
    const run = await perfGate({ UNIDESK_CI_BUDGETS_FILE: join(dir, 'small-budgets.yaml') }, { '*': { latencyMs: 700 } });
    expect(run.exitCode).not.toBe(0);
    const s = step(run, BUDGET_CASES[1]);
    expect(s).toMatchObject({ status: 'failed', failureClass: 'infra.cluster' });
    expect(s.properties['unidesk.verdict']).toBe('over budget (common-mode)');
    expect(s.message).toMatch(/the whole path to the service is slow/);
    expect(run.steps.some((x) => x.failureClass === 'budget')).toBe(false);
  });

  test('the service answering 500 → infra.cluster, not budget; failed requests count as +∞', async () => {
    const run = await perfGate({}, { overview: { status: 500 } });
    expect(run.exitCode).not.toBe(0);
    for (const name of [BUDGET_CASES[0], BUDGET_CASES[4]]) expect(step(run, name)).toMatchObject({ status: 'failed', failureClass: 'infra.cluster' });
    expect(step(run, BUDGET_CASES[4]).properties).toMatchObject({ 'unidesk.value-ms': '∞', 'unidesk.error-rate': '1.00', 'unidesk.verdict': 'error' });
    expect(run.metrics!.budgets.find((b) => b.name === 'overview.p95')!.valueMs).toBeNull();
    expect(run.steps.some((x) => x.failureClass === 'budget')).toBe(false);
    await expectReadServiceGone();
  });

  test('no task with trace steps → a clear input error; nothing measured; nothing left behind', async () => {
    const db = new pg.Pool({ connectionString: lab.env.LAB_CODE_QUEUE_DATABASE_URL, max: 1 });
    try {
      await seed(db, { tasks: 300, stepsPerTask: 0 });
      const run = await perfGate();
      const m = step(run, 'measure:');
      expect(m).toMatchObject({ status: 'failed', failureClass: 'input' });
      expect(m.message).toMatch(/none of the 300 most recent tasks has persisted trace steps/);
      for (const name of BUDGET_CASES) expect(step(run, name).skippedReason).toMatch(/^not measured/);
      await expectReadServiceGone();
    } finally {
      await seed(db, {});
      await db.end();
    }
  });

  test('a malformed budgets ConfigMap stops the gate at the first step naming the key', async () => {
    const cm = parse(await readFile(join(dir, 'small-budgets.yaml'), 'utf8'));
    cm.data['overview.p95.tier'] = 'sometimes';
    await writeFile(join(dir, 'bad-budgets.yaml'), stringify(cm));
    const run = await perfGate({ UNIDESK_CI_BUDGETS_FILE: join(dir, 'bad-budgets.yaml') });
    const s = step(run, 'read the budgets');
    expect(s).toMatchObject({ status: 'failed', failureClass: 'input' });
    expect(s.message).toMatch(/key "overview\.p95\.tier" is "sometimes": expected one of "blocking", "diagnostic"/);
    expect(step(run, 'start the temporary').status).toBe('skipped');
    await expectReadServiceGone();
  });

  test('a latest image is refused before anything is created', async () => {
    const run = await perfGate({ UNIDESK_CI_PERF_IMAGE: 'unidesk-code-queue:latest' });
    expect(step(run, 'start the temporary')).toMatchObject({ status: 'failed', failureClass: 'input' });
    expect(step(run, 'start the temporary').message).toMatch(/"latest" tag is refused/);
    await expectReadServiceGone();
  });
});

describe('perf gate interrupted', () => {
  test('SIGTERM while measuring → the temporary Deployment and Service are deleted anyway', async () => {
    await writeFile(faultsFile(), JSON.stringify({ overview: { latencyMs: 3000 } }));
    const ac = new AbortController();
    const reportDir = await mkdtemp(join(tmpdir(), 'perf-interrupt-'));
    const gate = runGate({ gate: 'perf', reportDir, signal: ac.signal, env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' } }).catch((e: Error) => e);
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const d = await kube.apps.readNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }).catch(() => undefined);
        if (d?.status?.availableReplicas) break;
        if (Date.now() > deadline) throw new Error('the read service never became available');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 1000)); // inside the (slowed) cold overview request
      ac.abort(); // runProcess sends SIGTERM to the Vitest process
      expect(await gate).toBeInstanceOf(Error);
      // the dying gate deletes Service, Deployment, then the Secret, each waited for: poll until all are gone
      const until = Date.now() + 60_000;
      for (;;) {
        const gone = await expectReadServiceGone().then(
          () => true,
          () => false,
        );
        if (gone) break;
        if (Date.now() > until) await expectReadServiceGone(); // fails naming what is still there
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      ac.abort();
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});

describe('perf gate interrupted during the rollout wait', () => {
  test('SIGTERM while the Deployment is not yet ready → Deployment, Service and Secret are deleted, well within the grace', async () => {
    const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
    await admin.settings({ readinessDelayMs: 3_600_000 }); // the pod never becomes ready: the gate sits in the rollout wait
    const ac = new AbortController();
    const reportDir = await mkdtemp(join(tmpdir(), 'perf-interrupt-rollout-'));
    let waiting!: () => void;
    const inRolloutWait = new Promise<void>((r) => (waiting = r));
    const gate = runGate({
      gate: 'perf',
      reportDir,
      signal: ac.signal,
      env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' },
      onLine: (l) => void (/rollout Deployment unidesk-ci\/code-queue-ci-read: .*available/.test(l) && waiting()),
    }).catch((e: Error) => e);
    try {
      await Promise.race([inRolloutWait, gate.then(() => Promise.reject(new Error('the gate ended before the rollout wait')))]);
      for (const read of [
        () => kube.apps.readNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }),
        () => kube.core.readNamespacedService({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }),
        () => kube.core.readNamespacedSecret({ name: 'code-queue-ci-read-database', namespace: 'unidesk-ci' }),
      ])
        await read(); // all three exist while the rollout waits
      const stoppedAt = Date.now();
      ac.abort(); // runProcess sends SIGTERM to the gate's processes (descendants first, 30 s grace)
      expect(await gate).toBeInstanceOf(Error);
      // aborted rollout wait, not the grace's SIGKILL, ended the gate
      expect(Date.now() - stoppedAt).toBeLessThan(25_000);
      await expectReadServiceGone();
    } finally {
      ac.abort();
      await admin.settings({ readinessDelayMs: 0 });
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});

describe('perf gate and another run', () => {
  test("another run's code-queue-ci-read is neither taken over nor deleted: infra.cluster naming that run", async () => {
    const foreign = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'code-queue-ci-read', namespace: 'unidesk-ci', labels: { 'unidesk.ai/ci-run': 'other-perf-run' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'unidesk-code-queue:dev' }] } } },
    };
    // (unidesk-ci exists once any gate ran k3s/ci; this test may be the first)
    await kube.core.createNamespace({ body: { metadata: { name: 'unidesk-ci' } } }).catch(() => undefined);
    const created = await kube.apps.createNamespacedDeployment({ namespace: 'unidesk-ci', body: foreign });
    try {
      const run = await perfGate();
      const s = step(run, 'start the temporary');
      expect(s, run.output).toMatchObject({ status: 'failed', failureClass: 'infra.cluster' });
      expect(s.message).toMatch(/Deployment unidesk-ci\/code-queue-ci-read belongs to run other-perf-run, not this run \S+: another perf run is in progress/);
      const live = await kube.apps.readNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' });
      expect(live.metadata?.uid).toBe(created.metadata?.uid);
      // (the double's controller writes status; spec and labels are untouched)
      expect(live.metadata?.generation).toBe(created.metadata?.generation);
      expect(live.metadata?.labels).toEqual({ 'unidesk.ai/ci-run': 'other-perf-run' });
      expect(live.metadata?.managedFields?.map((f) => f.manager)).not.toContain('unidesk-ci');
      expect(live.spec?.template.spec?.containers[0].name).toBe('c');
      // what this run did create (the lab Secret) is gone; its Service was never created
      for (const read of [
        () => kube.core.readNamespacedService({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }),
        () => kube.core.readNamespacedSecret({ name: 'code-queue-ci-read-database', namespace: 'unidesk-ci' }),
      ])
        expect(
          isNotFound(
            await read().then(
              () => undefined,
              (e) => e,
            ),
          ),
        ).toBe(true);
    } finally {
      await kube.apps.deleteNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }).catch(() => undefined);
    }
    await expectReadServiceGone();
  });
});

describe('perf gate, direct transport (laptops)', () => {
  test('measures a Code Queue at a base URL with a budgets file; history is recorded and says it is too short', async () => {
    const { startCodeQueue } = await import('../../fixtures/code-queue/server.ts');
    const { loadSettings } = await import('../../fixtures/code-queue/settings.ts');
    await using cq = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '0' }));
    const run = await perfGate({
      UNIDESK_CI_LAB: '0',
      UNIDESK_CI_LAB_EXTERNAL: undefined,
      UNIDESK_CI_KUBECONFIG: undefined,
      UNIDESK_CI_PERF_TRANSPORT: 'direct',
      UNIDESK_CI_PERF_BASE_URL: cq.url,
      UNIDESK_CI_BUDGETS_FILE: join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml'),
      UNIDESK_CI_METRICS_DATABASE_URL: lab.env.LAB_METRICS_DATABASE_URL,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(step(run, 'reach Code Queue at UNIDESK_CI_PERF_BASE_URL').properties['unidesk.transport']).toBe(`direct ${cq.url}`);
    const h = step(run, 'compare with the perf history');
    expect(h.properties['unidesk.history-method']).toMatch(/median .* last 5 good runs/);
    expect(h.properties['unidesk.history.trace-summary']).toMatch(/too little history \(0 of 5/);
    expect(run.metrics!.history).toMatchObject({ comparisons: expect.any(Array) });
    // the metrics URL's password never reaches the report or the console
    const password = new URL(lab.env.LAB_METRICS_DATABASE_URL).password;
    expect(await readFile(run.junitPath, 'utf8')).not.toContain(password);
    expect(run.output).not.toContain(password);
  });

  test('history across gate runs: a 4× slowdown after 5 normal runs is REGRESSION, a sixth normal run is not', async () => {
    const { startCodeQueue } = await import('../../fixtures/code-queue/server.ts');
    const { loadSettings } = await import('../../fixtures/code-queue/settings.ts');
    const faults = join(dir, 'history-faults.json');
    await using cq = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '0', CODE_QUEUE_FAULTS_FILE: faults }));
    // a database of its own, so other tests' runs are not part of this history
    const metrics = new URL(lab.env.LAB_METRICS_DATABASE_URL);
    await createDatabase(lab.env.LAB_POSTGRES_URL, 'perf_gate_history', metrics.username, decodeURIComponent(metrics.password));
    metrics.pathname = '/perf_gate_history';
    // 5 samples per trace endpoint: single samples are too noisy on a loaded 2-core machine
    const cm = parse(await readFile(join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml'), 'utf8'));
    for (const k of ['trace-summary', 'trace-steps', 'trace-step']) cm.data[`${k}.samples`] = '5';
    await writeFile(join(dir, 'history-budgets.yaml'), stringify(cm));
    const gateRun = async (latencyMs: number) => {
      await writeFile(faults, JSON.stringify({ '*': { latencyMs } }));
      const run = await perfGate({
        UNIDESK_CI_LAB: '0',
        UNIDESK_CI_LAB_EXTERNAL: undefined,
        UNIDESK_CI_PERF_TRANSPORT: 'direct',
        UNIDESK_CI_PERF_BASE_URL: cq.url,
        UNIDESK_CI_BUDGETS_FILE: join(dir, 'history-budgets.yaml'),
        UNIDESK_CI_METRICS_DATABASE_URL: metrics.href,
      });
      expect(run.exitCode, run.output).toBe(0);
      const props = step(run, 'compare with the perf history').properties;
      return Object.fromEntries(BUDGET_CASES.map((c) => /^budget (\S+):/.exec(c)![1]).map((b) => [b, props[`unidesk.history.${b}`]]));
    };
    const first = await gateRun(150);
    expect(Object.values(first).every((m) => /too little history \(0 of 5/.test(m))).toBe(true);
    for (let i = 2; i <= 5; i++) await gateRun(150);
    // 4×, not 2×: the cold first overview is one sample per run, and under the suite's own load its
    // spread over 5 normal runs (b·MAD) reached 240 ms on a 245 ms median, which hid a 2× step. The
    // comparison's arithmetic at 2× is unit-tested (perf-history-compare) and lab-tested (history).
    const slow = await gateRun(600);
    for (const [b, m] of Object.entries(slow)) expect(m, b).toMatch(/: REGRESSION$/);
    const sixth = await gateRun(150);
    for (const [b, m] of Object.entries(sixth)) expect(m, b).toMatch(/: PASS$/);
    const json = runs[runs.length - 1];
    const files = await readdir(join(json.reportDir, 'metrics'));
    const h = perfMetricsSchema.parse(JSON.parse(await readFile(join(json.reportDir, 'metrics', files[0]), 'utf8'))).history as { method: string; comparisons: { verdict: string }[] };
    expect(h.method).toMatch(/median of this run vs median of the last 5 good runs/);
    expect(h.comparisons.map((c) => c.verdict)).toEqual(Array(5).fill('PASS'));
  });

  test('a service that accepts writes fails the read-only proof (app) and writes nothing', async () => {
    const { startCodeQueue } = await import('../../fixtures/code-queue/server.ts');
    const { loadSettings } = await import('../../fixtures/code-queue/settings.ts');
    await using cq = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'write', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '0' }));
    const count = async () => {
      const c = new pg.Client({ connectionString: lab.env.LAB_CODE_QUEUE_DATABASE_URL });
      await c.connect();
      try {
        return (await c.query('SELECT count(*)::int AS n FROM tasks')).rows[0].n as number;
      } finally {
        await c.end();
      }
    };
    const before = await count();
    const run = await perfGate({
      UNIDESK_CI_LAB: '0',
      UNIDESK_CI_LAB_EXTERNAL: undefined,
      UNIDESK_CI_PERF_TRANSPORT: 'direct',
      UNIDESK_CI_PERF_BASE_URL: cq.url,
      UNIDESK_CI_BUDGETS_FILE: join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml'),
    });
    const s = step(run, 'the read service refuses writes');
    expect(s).toMatchObject({ status: 'failed', failureClass: 'app' });
    expect(s.message).toMatch(/HTTP 400 instead of 403: it must run with CODE_QUEUE_SERVICE_ROLE=read/);
    expect(await count()).toBe(before);
  });

  test('the direct transport without a base URL is an input error naming the variable', async () => {
    const run = await perfGate({
      UNIDESK_CI_LAB: '0',
      UNIDESK_CI_LAB_EXTERNAL: undefined,
      UNIDESK_CI_PERF_TRANSPORT: 'direct',
      UNIDESK_CI_PERF_BASE_URL: undefined,
      UNIDESK_CI_BUDGETS_FILE: join(import.meta.dirname, '../../k3s/ci/budgets.configmap.yaml'),
    });
    expect(step(run, 'reach Code Queue')).toMatchObject({ status: 'failed', failureClass: 'input' });
    expect(step(run, 'reach Code Queue').message).toMatch(/UNIDESK_CI_PERF_BASE_URL is not set/);
  });
});
