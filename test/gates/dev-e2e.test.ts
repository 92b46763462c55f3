// The dev-e2e gate run as Tekton runs it (`vitest run --project dev-e2e`), as a child process
// against the lab (git, registry + the node's real containerd, PostgreSQL, the cluster double with
// k3s/ci applied), judged by its JUnit. The lab lives in this process, so the double outlives each
// gate run and shows what the run left behind (nothing). Each test moves master's deploy.json pin
// and puts master back afterwards.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { GATE_SERVICES, startLab, type Lab } from '../../fixtures/lab/index.ts';
import { labClusterAdminFromKubeconfig } from '../../fixtures/lab/cluster/admin-client.ts';
import { CODE_QUEUE_VERSION } from '../../fixtures/code-queue/version.ts';
import { git } from '../../harness/git/exec.ts';
import { applyObjects, connectKube, deleteExpiredRunNamespaces, EXPIRES_ANNOTATION, loadCheckedManifests, RUN_LABEL, type Kube } from '../../harness/kube/index.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { BAD_DEPLOY_JSON, pushCodeQueuePin, pushMasterDeployJson, resetMaster } from '../support/deploy-json.ts';
import { pushImpostorImage } from '../support/impostor-image.ts';

let lab: Lab;
let kube: Kube;
let master: string;
const runs: GateRun[] = [];
const gitRoot = () => lab.env.LAB_GIT_ROOT!;
const branchCommit = async (branch: string) => (await git(['rev-parse', `refs/heads/${branch}`], { cwd: join(gitRoot(), 'unidesk.git') })).stdout.trim();

beforeAll(async () => {
  lab = await startLab({ services: GATE_SERVICES['dev-e2e'], log: () => undefined });
  kube = connectKube({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG, runId: 'dev-e2e-gate-test', log: () => undefined });
  // k3s/ci as installed before any run, so "before" and "after" compare the runs alone
  await applyObjects(kube, await loadCheckedManifests(join(import.meta.dirname, '../../k3s/ci')));
  master = await branchCommit('master');
}, 600_000);
afterEach(() => resetMaster(gitRoot(), master));
afterAll(async () => {
  await lab?.stop();
  for (const r of runs) await rm(r.reportDir, { recursive: true, force: true });
});

async function devE2e(env: Record<string, string | undefined> = {}, o: { signal?: AbortSignal; onLine?: (l: string) => void; reportDir?: string } = {}): Promise<GateRun> {
  const run = await runGate({ gate: 'dev-e2e', ...o, env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', ...env } });
  runs.push(run);
  expect(run.steps.length, run.output).toBeGreaterThan(0);
  return run;
}

const step = (run: GateRun, prefix: string) => {
  const s = run.steps.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error(`no testcase "${prefix}…" in ${run.steps.map((x) => x.name).join(' | ')}\n${run.output}`);
  return s;
};

/** Namespaces and the objects in unidesk-ci, by kind and name. */
async function clusterSnapshot(): Promise<string[]> {
  const names = (await kube.core.listNamespace()).items.map((n) => `Namespace ${n.metadata!.name}`);
  const ns = 'unidesk-ci';
  const lists = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace: ns }).then((l) => l.items.map((o) => `Deployment ${o.metadata!.name}`)),
    kube.core.listNamespacedService({ namespace: ns }).then((l) => l.items.map((o) => `Service ${o.metadata!.name}`)),
    kube.core.listNamespacedSecret({ namespace: ns }).then((l) => l.items.map((o) => `Secret ${o.metadata!.name}`)),
    kube.core.listNamespacedConfigMap({ namespace: ns }).then((l) => l.items.map((o) => `ConfigMap ${o.metadata!.name}`)),
    kube.core.listNamespacedPod({ namespace: ns }).then((l) => l.items.map((o) => `Pod ${o.metadata!.name}`)),
  ]);
  return [...names, ...lists.flat()].sort();
}

const runNamespaces = async () => (await kube.core.listNamespace({ labelSelector: RUN_LABEL })).items.filter((n) => n.metadata!.name!.startsWith('unidesk-ci-e2e-'));

describe('the dev-e2e gate against the lab', () => {
  let first: GateRun;

  test('the pinned commit end to end: image built, imported, four rollouts, the API through the service proxy; nothing left behind', async () => {
    const before = await clusterSnapshot();
    first = await devE2e();
    expect(first.exitCode, first.output).toBe(0);
    expect(first.steps.map((s) => s.status)).toEqual(Array(first.steps.length).fill('passed'));
    const s1 = step(first, 'origin/master:deploy.json pins');
    expect(s1.properties['unidesk.code-queue-commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(s1.properties['unidesk.deploy-json-master']).toBe(master);
    const s2 = step(first, 'the code-queue image of that commit');
    expect(s2.properties['unidesk.image-ref']).toBe(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${s1.properties['unidesk.code-queue-commit']}`);
    expect(s2.properties['unidesk.image-rebuilt']).toBe('true');
    expect(step(first, 'the image is imported').properties['unidesk.containerd-digest']).toBe(s2.properties['unidesk.image-digest']);
    const api = step(first, 'through the service proxy');
    expect(api.properties['unidesk.code-queue-version.read']).toBe(CODE_QUEUE_VERSION);
    expect(api.properties['unidesk.trace-steps']).toMatch(/^1 \(scheduler\)$/);
    const requests = Object.entries(api.properties)
      .filter(([k]) => k.startsWith('unidesk.request.'))
      .map(([, v]) => v);
    expect(requests).toContainEqual(expect.stringMatching(/^POST code-queue-write\/api\/tasks → 201 in \d+ ms$/));
    expect(requests).toContainEqual(expect.stringMatching(/^GET code-queue-read\/api\/tasks\/\d+\/trace-steps → 200 in \d+ ms$/));
    expect(step(first, 'the read service refuses a write').properties['unidesk.write-status']).toBe('403');
    expect(await runNamespaces()).toEqual([]);
    expect(await clusterSnapshot()).toEqual(before);
  });

  test('a second run reuses the image: no build, the same digest', async () => {
    const again = await devE2e();
    expect(again.exitCode, again.output).toBe(0);
    const s2 = step(again, 'the code-queue image of that commit');
    expect(s2.properties['unidesk.image-rebuilt']).toBe('false');
    expect(s2.properties['unidesk.image-digest']).toBe(step(first, 'the code-queue image of that commit').properties['unidesk.image-digest']);
    expect(again.output).not.toMatch(/buildah build/);
  });

  test("master pins code-queue/v2: the pods run that commit's code (its version through the service proxy)", async () => {
    const v2 = await branchCommit('code-queue/v2');
    await pushCodeQueuePin(gitRoot(), v2);
    const run = await devE2e();
    expect(run.exitCode, run.output).toBe(0);
    expect(step(run, 'origin/master:deploy.json pins').properties['unidesk.code-queue-commit']).toBe(v2);
    const versions = step(run, 'through the service proxy').properties;
    expect(versions['unidesk.code-queue-version.read']).not.toBe(CODE_QUEUE_VERSION);
    expect(versions['unidesk.code-queue-version.write']).toBe(versions['unidesk.code-queue-version.read']);
  });

  test('a read service that accepts a write (code-queue/read-writes): app at the refusal step', async () => {
    await pushCodeQueuePin(gitRoot(), await branchCommit('code-queue/read-writes'));
    const run = await devE2e();
    expect(run.exitCode, run.output).not.toBe(0); // Vitest's exit; the class is the step's (the CLI maps it to 20)
    expect(step(run, 'the read service refuses a write')).toMatchObject({ status: 'failed', failureClass: 'app' });
    expect(step(run, 'the read service refuses a write').message).toMatch(/code-queue-read accepted a write \(POST \/api\/tasks → 201\)/);
    expect(step(run, 'teardown')).toMatchObject({ status: 'skipped' });
    expect(await runNamespaces()).toEqual([]);
  });

  test('a Code Queue that never becomes ready: the rollout deadline is infra.cluster, evidence saved, the namespace deleted', async () => {
    await pushCodeQueuePin(gitRoot(), await branchCommit('code-queue/never-ready'));
    const run = await devE2e({ UNIDESK_CI_WAIT_MS: '30000' });
    expect(run.exitCode, run.output).not.toBe(0); // Vitest's exit; the class is the step's (the CLI maps it to 33)
    const s4 = step(run, 'PostgreSQL and the Code Queue');
    expect(s4).toMatchObject({ status: 'failed', failureClass: 'infra.cluster' });
    expect(s4.message).toMatch(/rollout of Deployment unidesk-ci-e2e-[a-z0-9-]+\/code-queue-write failed: deployment "code-queue-write" exceeded its progress deadline/);
    const diag = join(run.reportDir, 'diagnostics');
    const saved = (await readdir(diag, { recursive: true })).map(String);
    expect(
      saved.some((f) => /events/.test(f)),
      saved.join(' '),
    ).toBe(true);
    expect(
      saved.some((f) => /code-queue-write.*log|log.*code-queue-write/.test(f)),
      saved.join(' '),
    ).toBe(true);
    expect(await runNamespaces()).toEqual([]);
  });

  test("the registry holds another image under the commit's tag: its labels disagree, refused (infra.registry), nothing deployed", async () => {
    const commit = await branchCommit('broken/ts-error');
    await pushImpostorImage({ registry: lab.env.UNIDESK_CI_REGISTRY!, repository: 'unidesk/code-queue', tag: commit, env: { ...process.env, ...lab.env } });
    await pushCodeQueuePin(gitRoot(), commit);
    const run = await devE2e();
    expect(run.exitCode, run.output).not.toBe(0);
    const s2 = step(run, 'the code-queue image of that commit');
    expect(s2).toMatchObject({ status: 'failed', failureClass: 'infra.registry' });
    expect(s2.message).toMatch(/unidesk\.ai\/service-id="impostor" \(expected "code-queue"\)/);
    expect(run.output).not.toMatch(/buildah build|waiting for Deployment/);
    expect(await runNamespaces()).toEqual([]);
  });

  test('deploy.json pins a commit the remote does not have: input at the first step, nothing built or deployed', async () => {
    await pushMasterDeployJson(gitRoot(), BAD_DEPLOY_JSON['unknown commit']!);
    const run = await devE2e();
    expect(run.exitCode, run.output).not.toBe(0); // Vitest's exit; the class is the step's (the CLI maps it to 22)
    expect(step(run, 'origin/master:deploy.json pins')).toMatchObject({ status: 'failed', failureClass: 'input' });
    expect(step(run, 'origin/master:deploy.json pins').message).toMatch(/environments\.dev\.services\[0\]\.commit 0123456789abcdef0123456789abcdef01234567 is not on any branch/);
    expect(run.steps.slice(1).every((s) => s.status === 'skipped')).toBe(true);
    expect(run.output).not.toMatch(/buildah build|waiting for Deployment/);
  });
});

describe('the dev-e2e gate interrupted', () => {
  test('SIGTERM while the services roll out: the run namespace is deleted, or left labelled with its expiry for the next janitor', async () => {
    const admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
    await admin.settings({ readinessDelayMs: 3_600_000 }); // pods never become ready: the gate sits in step 4
    const ac = new AbortController();
    const reportDir = await mkdtemp(join(tmpdir(), 'dev-e2e-sigterm-'));
    let waiting!: () => void;
    const inRollout = new Promise<void>((r) => (waiting = r));
    const gate = runGate({
      gate: 'dev-e2e',
      reportDir,
      signal: ac.signal,
      env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' },
      onLine: (l) => void (/rollout Deployment unidesk-ci-e2e-[^/]+\/code-queue-postgres: /.test(l) && waiting()),
    }).catch((e: Error) => e);
    try {
      await Promise.race([inRollout, gate.then(() => Promise.reject(new Error('the gate ended before step 4')))]);
      const [ns] = await runNamespaces();
      expect(ns, 'the run namespace exists during step 4').toBeDefined();
      ac.abort(); // runProcess sends SIGTERM to the gate's processes
      expect(await gate).toBeInstanceOf(Error);
      const left = await runNamespaces();
      if (left.length) {
        // Vitest's main process ended before the teardown finished: the namespace carries its run and expiry
        const n = left[0]!;
        console.log(`dev-e2e SIGTERM: ${n.metadata!.name} left for the janitor (expires ${n.metadata!.annotations?.[EXPIRES_ANNOTATION]})`);
        expect(n.metadata!.labels?.[RUN_LABEL]).toBe(n.metadata!.name!.slice('unidesk-ci-e2e-'.length));
        const expires = Date.parse(n.metadata!.annotations?.[EXPIRES_ANNOTATION] ?? '');
        expect(expires).toBeGreaterThan(Date.now());
        // the next run's janitor: not yet expired → kept; after the expiry → deleted
        expect((await deleteExpiredRunNamespaces(kube)).kept).toContain(n.metadata!.name);
        expect((await deleteExpiredRunNamespaces(kube, new Date(expires + 1000))).deleted).toEqual([n.metadata!.name]);
      } else {
        console.log(`dev-e2e SIGTERM: ${ns!.metadata!.name} deleted before the process ended`);
      }
      await admin.settings({ readinessDelayMs: 0 });
      for (const until = Date.now() + 60_000; (await runNamespaces()).length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
      expect(await runNamespaces()).toEqual([]);
    } finally {
      ac.abort();
      await admin.settings({ readinessDelayMs: 0 });
      await rm(reportDir, { recursive: true, force: true });
    }
  });
});
