// Every k3s/ci Pipeline runs end to end in the lab, created the way the CLI and the trigger create
// them: after the lab's `ci install` (the real step image built and pushed, k3s/ci applied), a
// PipelineRun is created as the operator, waited for, and judged by what Tekton wrote (condition,
// reason, message, TaskRun results, step logs) and by the JUnit left in the reports volume.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, test } from 'vitest';
import { CI_NAMESPACE } from '../../harness/config.ts';
import { git } from '../../harness/git/exec.ts';
import { createRegistryClient } from '../../harness/registry/client.ts';
import {
  cancelPipelineRun,
  createPipelineRun,
  listTaskRuns,
  pipelineRunLogs,
  prefixed,
  readPipelineRun,
  reportsWorkspace,
  resultsOf,
  secretWorkspace,
  succeededCondition,
  waitForPipelineRun,
  type PipelineRun,
  type PipelineRunRequest,
  type TaskRun,
} from '../../harness/tekton/index.ts';
import { GIT_CREDENTIALS_SECRET, installLabCi, type LabCi } from '../../fixtures/lab/tekton/ci.ts';
import { useLab } from '../support/lab.ts';
import { pushSlowCheckBranch, SLOW_CHECK_BRANCH } from '../support/slow-check-branch.ts';
import { runPipelineFlow } from '../../harness/cli/tekton/flow.ts';
import { logs } from '../../harness/cli/logs.ts';

const lab = useLab(['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], 300_000);
let ci: LabCi;
beforeAll(async () => {
  ci = await installLabCi(lab.env, (l) => console.log(l));
}, 1_200_000);

const WAIT = 300_000;
const commitRequest = (revision: string, extra: Record<string, string> = {}): PipelineRunRequest => ({
  pipeline: 'unidesk-ci-commit',
  params: { 'repo-url': lab.env.UNIDESK_CI_REPO_URL!, revision, ...extra },
  workspaces: [reportsWorkspace(), secretWorkspace('git-credentials', GIT_CREDENTIALS_SECRET)],
});
const run = async (req: PipelineRunRequest, timeoutMs = WAIT) => {
  const pr = await createPipelineRun(ci.kube, req);
  return waitForPipelineRun(ci.kube, pr.metadata.name, { timeoutMs, log: () => undefined });
};
const taskRuns = async (pr: PipelineRun) => new Map((await listTaskRuns(ci.kube, pr.metadata.name)).map((t) => [t.metadata.labels!['tekton.dev/pipelineTask']!, t]));
const logText = async (pr: PipelineRun) => prefixed(await pipelineRunLogs(ci.kube, pr)).join('\n');
const headOf = async (ref: string) => (await git(['rev-parse', `${ref}^{commit}`], { cwd: join(lab.env.LAB_GIT_ROOT!, 'unidesk.git') })).stdout.trim();

/** The gate runs the CI results store holds for a PipelineRun. */
async function storedRuns(pr: PipelineRun): Promise<unknown[]> {
  const store = new pg.Client({ connectionString: lab.env.LAB_METRICS_DATABASE_URL });
  await store.connect();
  try {
    return (await store.query('SELECT gate, task_run, commit, verdict, failure_class FROM unidesk_ci.gate_runs WHERE pipeline_run = $1 ORDER BY gate', [pr.metadata.name])).rows;
  } finally {
    await store.end();
  }
}

/** The reports volume of a run, found as a user would: the run's PVC → its PV's hostPath. */
async function reportsDir(pr: PipelineRun): Promise<string> {
  const pvcs = await ci.kube.core.listNamespacedPersistentVolumeClaim({ namespace: CI_NAMESPACE });
  const pvc = pvcs.items.find((c) => c.metadata?.ownerReferences?.some((o) => o.kind === 'PipelineRun' && o.uid === pr.metadata.uid));
  expect(pvc, `no PVC owned by ${pr.metadata.name}`).toBeDefined();
  const pv = await ci.kube.core.readPersistentVolume({ name: pvc!.spec!.volumeName! });
  return pv.spec!.hostPath!.path;
}

describe('unidesk-ci-commit', () => {
  test('the good revision: Succeeded, every TaskRun Succeeded, JUnit of both gates in the reports volume', async () => {
    const pr = await run(commitRequest('master'));
    const logs = await logText(pr);
    expect(succeededCondition(pr), logs).toMatchObject({ status: 'True', reason: 'Completed', message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 1' });
    expect(pr.status!.skippedTasks).toEqual([expect.objectContaining({ name: 'backend-core-artifact', reason: 'When Expressions evaluated to false' })]);
    const trs = await taskRuns(pr);
    expect([...trs.keys()].sort()).toEqual(['perf', 'repo-check']);
    for (const tr of trs.values()) expect(succeededCondition(tr), logs).toMatchObject({ status: 'True', reason: 'Succeeded' });
    const commit = await headOf('master');
    expect(resultsOf(trs.get('repo-check'))).toEqual({ commit, 'failure-class': 'none', 'failure-message': '' });
    expect(resultsOf(trs.get('perf'))['failure-class']).toBe('none');
    expect(resultsOf(pr)).toEqual({ commit });
    // the perf TaskRun got the commit, not the branch
    expect((trs.get('perf')!.spec as { params: unknown[] }).params).toContainEqual({ name: 'revision', value: commit });
    expect(logs).toMatch(/^\[repo-check : commit-gate\] \[commit : check\] check: backend-core cargo check ok$/m);
    // both gates are in the CI results store: perf recorded itself from inside its TaskRun; the
    // repo check's gate step (code of the commit under test) holds no store credential, so its
    // record step did
    expect(await storedRuns(pr)).toEqual([
      { gate: 'commit', task_run: trs.get('repo-check')!.metadata.name, commit, verdict: 'passed', failure_class: null },
      { gate: 'perf', task_run: trs.get('perf')!.metadata.name, commit, verdict: 'passed', failure_class: null },
    ]);
    expect(trs.get('repo-check')!.status!.steps!.map((s) => [s.name, s.terminated?.exitCode])).toEqual([
      ['commit-gate', 0],
      ['record', 0],
    ]);
    const dir = await reportsDir(pr);
    for (const gate of ['commit', 'perf']) {
      const xml = await readFile(join(dir, 'junit', `${gate}.xml`), 'utf8');
      expect(xml).toMatch(/<testsuites[^>]*failures="0"/);
      expect(xml).toContain(`<property name="unidesk.commit" value="${commit}"`);
    }
  });

  test("broken/ts-error: repo-check Failed with failure-class app, the PipelineRun Failed with Tekton's reason and message, nothing after it ran", async () => {
    const pr = await run(commitRequest('broken/ts-error'));
    const logs = await logText(pr);
    expect(succeededCondition(pr), logs).toMatchObject({ status: 'False', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 2' });
    const trs = await taskRuns(pr);
    expect([...trs.keys()]).toEqual(['repo-check']);
    const check = trs.get('repo-check')!;
    expect(succeededCondition(check)).toMatchObject({ status: 'False', reason: 'Failed' });
    expect(check.status!.steps![0]!.terminated!.exitCode).toBe(1); // vitest's: some test failed; the class is the result below
    const r = resultsOf(check);
    expect(r['failure-class']).toBe('app');
    expect(r['failure-message']).toMatch(/check --full --rust.*error TS2322/);
    expect(r.commit).toBe(await headOf('broken/ts-error'));
    const xml = await readFile(join(await reportsDir(pr), 'junit', 'commit.xml'), 'utf8');
    expect(xml).toContain('<property name="unidesk.failure-class" value="app"');
    // the gate step failed and continued; the record step recorded it, then failed the TaskRun with the gate's exit code
    const steps = check.status!.steps!.map((s) => [s.name, s.terminated?.exitCode, (s as { terminationReason?: string }).terminationReason]);
    expect(steps).toEqual([
      ['commit-gate', 1, 'Continued'],
      ['record', 1, 'Error'],
    ]);
    expect(await storedRuns(pr)).toEqual([{ gate: 'commit', task_run: check.metadata.name, commit: await headOf('broken/ts-error'), verdict: 'failed', failure_class: 'app' }]);
  });

  test('the revision is resolved once: a branch moved while the run goes on does not change what later Tasks build', async () => {
    const branch = 'moving';
    const root = join(lab.env.LAB_GIT_ROOT!, 'unidesk.git');
    const first = await headOf('master');
    await git(['branch', '-f', branch, first], { cwd: root });
    const created = await createPipelineRun(ci.kube, commitRequest(branch, { 'publish-backend-core': 'true' }));
    // as soon as repo-check reported its commit, move the branch to another commit
    const other = await headOf('broken/ts-error');
    for (let moved = false; !moved; await new Promise((r) => setTimeout(r, 100))) {
      const check = (await listTaskRuns(ci.kube, created.metadata.name)).find((t) => t.metadata.labels?.['tekton.dev/pipelineTask'] === 'repo-check');
      if (resultsOf(check).commit) {
        await git(['branch', '-f', branch, other], { cwd: root });
        moved = true;
      }
    }
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: WAIT, log: () => undefined });
    const logs = await logText(pr);
    expect(succeededCondition(pr), logs).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 0' });
    const trs = await taskRuns(pr);
    for (const t of ['backend-core-artifact', 'perf']) expect((trs.get(t)!.spec as { params: unknown[] }).params, t).toContainEqual({ name: 'revision', value: first });
    expect(resultsOf(trs.get('backend-core-artifact')).IMAGE_URL).toBe(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${first}`);
  });
});

describe('unidesk-backend-core-artifact-publish', () => {
  test('a pushed commit: Succeeded; IMAGE_URL and IMAGE_DIGEST equal what the registry serves', async () => {
    const commit = await headOf('v0.1.0');
    const pr = await run({
      pipeline: 'unidesk-backend-core-artifact-publish',
      generateName: 'unidesk-backend-core-artifact-publish-',
      params: { 'repo-url': lab.env.UNIDESK_CI_REPO_URL!, commit: 'v0.1.0' },
      workspaces: [reportsWorkspace(), secretWorkspace('git-credentials', GIT_CREDENTIALS_SECRET)],
    });
    const logs = await logText(pr);
    expect(succeededCondition(pr), logs).toMatchObject({ status: 'True', reason: 'Succeeded' });
    const results = resultsOf(pr);
    expect(results.IMAGE_URL).toBe(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${commit}`);
    expect(results.commit).toBe(commit);
    const client = createRegistryClient({ registry: lab.env.UNIDESK_CI_REGISTRY!, transportFailure: 'infra.registry', timeoutMs: 30_000 });
    const served = await client.manifest('unidesk/backend-core', commit);
    expect(served, 'the registry serves the published tag').toBeDefined();
    expect(results.IMAGE_DIGEST).toBe(served!.digest);
    // the artifact gate (its step builds the commit's Dockerfile) recorded by its record step
    expect(await storedRuns(pr)).toEqual([{ gate: 'artifact', task_run: expect.stringMatching(/^unidesk-backend-core-artifact-publish-/), commit, verdict: 'passed', failure_class: null }]);
  });
});

describe('stopping runs', () => {
  // repo-check of master can finish in under 3 s; a stop test on it would race the gate's own end
  // (and does, under load): these runs are on a branch whose check never returns by itself
  const SLOW = SLOW_CHECK_BRANCH;
  beforeAll(() => pushSlowCheckBranch(lab.env.LAB_GIT_ROOT!));

  test('cancelling a running PipelineRun stops its steps and ends it Cancelled; nothing keeps running', async () => {
    const created = await createPipelineRun(ci.kube, commitRequest(SLOW));
    await waitForStepRunning(created.metadata.name, 'repo-check');
    // the check below can see the step's processes: they are there before the cancel
    const marker = `UNIDESK_CI_REPORT_DIR=${await reportsDir(created)}`;
    expect(processesWith(marker).length).toBeGreaterThan(0);
    await cancelPipelineRun(ci.kube, created.metadata.name);
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: 60_000, log: () => undefined });
    expect(succeededCondition(pr)).toMatchObject({ status: 'False', reason: 'Cancelled' });
    // as in Tekton (cancel.go): the run is Cancelled once its TaskRuns are told to cancel; they end just after
    const check = await taskRunDone(pr, 'repo-check');
    expect(succeededCondition(check)).toMatchObject({ status: 'False', reason: 'TaskRunCancelled' });
    await expectNothingRunning(pr, check);
  });

  test('a PipelineRun past its timeout ends PipelineRunTimeout; nothing keeps running', async () => {
    const created = await createPipelineRun(ci.kube, { ...commitRequest(SLOW), timeouts: { pipeline: '10s' } });
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: 60_000, log: () => undefined });
    expect(succeededCondition(pr)).toMatchObject({ status: 'False', reason: 'PipelineRunTimeout' });
    expect(succeededCondition(pr)!.message).toMatch(/failed to finish within "10s"/);
    const check = await taskRunDone(pr, 'repo-check');
    expect(succeededCondition(check)!.reason).toMatch(/TaskRunTimeout|TaskRunCancelled/);
    await expectNothingRunning(pr, check);
  });
});

/** The TaskRun of a pipeline task once its own condition is final (bounded). */
async function taskRunDone(pr: PipelineRun, task: string): Promise<TaskRun> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const tr = (await taskRuns(pr)).get(task)!;
    const c = succeededCondition(tr);
    if (c?.status === 'True' || c?.status === 'False' || Date.now() > deadline) return tr;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForStepRunning(pipelineRun: string, task: string): Promise<TaskRun> {
  for (;;) {
    const tr = (await listTaskRuns(ci.kube, pipelineRun)).find((t) => t.metadata.labels?.['tekton.dev/pipelineTask'] === task);
    if (tr?.status?.steps?.[0]?.running) return tr;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose environment holds `marker` (every descendant of a step inherits its env). */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) pids.push(Number(pid));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return pids;
}

/** The pod is gone and no process of the run is left on this machine (within the stop grace). */
async function expectNothingRunning(pr: PipelineRun, tr: TaskRun): Promise<void> {
  await expect(ci.kube.core.readNamespacedPod({ name: tr.status!.podName!, namespace: CI_NAMESPACE })).rejects.toMatchObject({ code: 404 });
  const marker = `UNIDESK_CI_REPORT_DIR=${await reportsDir(pr)}`;
  const deadline = Date.now() + 10_000;
  while (processesWith(marker).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(processesWith(marker)).toEqual([]);
}

describe("the lab's node for the step image", () => {
  test('a step image tag the registry does not serve fails the TaskRun as an unpullable image, naming it; nothing runs', async () => {
    const image = ci.stepImage.ref.replace(/:[^:]+$/, ':0.1.0-000000000000').replace(/^[^/]+/, '127.0.0.1:5000');
    const body = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { generateName: 'unidesk-ci-unserved-image-', namespace: CI_NAMESPACE },
      spec: { taskRunTemplate: { serviceAccountName: 'unidesk-ci-runner' }, pipelineSpec: { tasks: [{ name: 't', taskSpec: { steps: [{ name: 's', image, script: 'echo ran' }] } }] } },
    };
    const created = (await ci.kube.objects.create(body)) as unknown as PipelineRun;
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: 60_000, log: () => undefined });
    expect(succeededCondition(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    const tr = await taskRunDone(pr, 't');
    expect(succeededCondition(tr)).toMatchObject({ status: 'False', reason: 'TaskRunImagePullFailed' });
    expect(succeededCondition(tr)!.message).toContain(image);
    expect(await logText(pr)).not.toContain('ran');
  });
});

describe('the runner ServiceAccount inside a run', () => {
  // what a step's code could try: read a Secret it has no business with, write outside unidesk-ci;
  // and, as the control that it is authenticated at all, what the gates do (read pods)
  const PROBE = `
import * as k8s from '@kubernetes/client-node';
const code = async (f) => { try { await f(); return 200; } catch (e) { return e.code ?? String(e); } };
// both ways a step authenticates: the KUBECONFIG the lab hands it, and the pod's in-cluster files
for (const [how, load] of [['kubeconfig', (kc) => kc.loadFromFile(process.env.KUBECONFIG)], ['in-cluster', (kc) => kc.loadFromCluster()]]) {
  const kc = new k8s.KubeConfig();
  load(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  console.log(how, 'read-secret', await code(() => core.readNamespacedSecret({ name: 'code-queue-ci-read-database', namespace: 'unidesk-ci' })));
  console.log(how, 'write-default', await code(() => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'probe' } } })));
  console.log(how, 'write-kube-system', await code(() => core.createNamespacedSecret({ namespace: 'kube-system', body: { metadata: { name: 'probe' } } })));
  console.log(how, 'create-namespace', await code(() => core.createNamespace({ body: { metadata: { name: 'unidesk-dev' } } })));
  console.log(how, 'list-pods', await code(() => core.listNamespacedPod({ namespace: 'unidesk-ci' })));
}
`;

  test("RBAC refuses a Secret read and writes outside unidesk-ci, the admission policy a namespace not its run's; the gates' own reads are allowed", async () => {
    const body = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { generateName: 'unidesk-ci-rbac-probe-', namespace: CI_NAMESPACE },
      spec: {
        taskRunTemplate: { serviceAccountName: 'unidesk-ci-runner' },
        pipelineSpec: {
          tasks: [
            {
              name: 'probe',
              taskSpec: {
                steps: [
                  { name: 'probe', image: ci.stepImage.ref, workingDir: '/opt/unidesk-ci', script: `#!/bin/sh\nexec node --input-type=module -e "$PROBE"`, env: [{ name: 'PROBE', value: PROBE }] },
                ],
              },
            },
          ],
        },
      },
    };
    const created = (await ci.kube.objects.create(body)) as unknown as PipelineRun;
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: 120_000, log: () => undefined });
    const logs = await logText(pr);
    expect(succeededCondition(pr), logs).toMatchObject({ status: 'True' });
    for (const how of ['kubeconfig', 'in-cluster']) {
      // namespaces: RBAC lets the runner create its own run namespace; the ValidatingAdmissionPolicy
      // denies every other name (422 Invalid, as kube-apiserver answers a policy denial)
      for (const [what, code] of [
        ['read-secret', 403],
        ['write-default', 403],
        ['write-kube-system', 403],
        ['create-namespace', 422],
        ['list-pods', 200],
      ] as const) {
        expect(logs, `${how} ${what}`).toMatch(new RegExp(`^\\[probe : probe\\] ${how} ${what} ${code}$`, 'm'));
      }
    }
  });
});

describe('the CLI side (harness/cli): following a run and reading its logs', () => {
  const cliEnv = () => ({ ...process.env, ...lab.env, UNIDESK_CI_KUBECONFIG: lab.env.UNIDESK_CI_KUBECONFIG });

  test('runPipelineFlow: prints the name at once, TaskRun changes and [task : step] lines, then the summary; exits with the class of the failed gate', async () => {
    const said: string[] = [];
    const printed: string[] = [];
    const out = await runPipelineFlow({ kube: ci.kube, request: commitRequest('broken/ts-error'), waitMs: WAIT, say: (l) => said.push(l), print: (l) => printed.push(l) });
    expect(out.exitCode).toBe(20); // app
    expect(said[0]).toBe(`PipelineRun started: ${out.pipelineRun}`);
    expect(said).toContain(`TaskRun ${out.pipelineRun}-repo-check (repo-check): Running`);
    expect(said.some((l) => /^TaskRun \S+-repo-check \(repo-check\): Failed — /.test(l))).toBe(true);
    expect(said.some((l) => l.startsWith('[repo-check : commit-gate] [commit : check]'))).toBe(true);
    const summary = printed.join('\n');
    expect(summary).toContain(`PipelineRun ${out.pipelineRun}: Failed — Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 2`);
    expect(summary).toMatch(/repo-check\s+Failed\s+app\s+UNIDESK_D601_RUST_CHECK=1 bun scripts\/cli\.ts check --full --rust: /);
    expect(summary).toContain(`commit ${await headOf('broken/ts-error')}`);
  });

  test('runPipelineFlow: an interrupt cancels the run, waits for Cancelled and exits 130; --wait-ms passed leaves the run going (exit 75)', async () => {
    const interrupt = new AbortController();
    const said: string[] = [];
    const flow = runPipelineFlow({
      kube: ci.kube,
      request: commitRequest('master'),
      waitMs: WAIT,
      say: (l) => (said.push(l), l.startsWith('[repo-check : commit-gate]') && interrupt.abort()),
      print: () => undefined,
      interrupt: interrupt.signal,
    });
    const out = await flow;
    expect(out.exitCode).toBe(130);
    expect(said).toContain(`cancelling PipelineRun ${out.pipelineRun} (spec.status: Cancelled); Ctrl-C again to exit at once`);
    expect(succeededCondition(await readPipelineRun(ci.kube, out.pipelineRun))).toMatchObject({ status: 'False', reason: 'Cancelled' });

    const short = await runPipelineFlow({ kube: ci.kube, request: commitRequest('master'), waitMs: 1000, say: (l) => said.push(l), print: () => undefined });
    expect(short.exitCode).toBe(75);
    expect(said).toContain(`follow it with: unidesk-ci logs ${short.pipelineRun} -f`);
    expect(succeededCondition(await readPipelineRun(ci.kube, short.pipelineRun))?.status).toBe('Unknown'); // still going, not cancelled
    await cancelPipelineRun(ci.kube, short.pipelineRun);
  });

  test('unidesk-ci logs <run> prints every step as [task : step] lines in Pipeline order; an unknown run is input naming the last runs', async () => {
    const pr = await run(commitRequest('master'));
    const lines: string[] = [];
    expect(await logs([pr.metadata.name], cliEnv(), (l) => lines.push(l))).toBe(0);
    const first = lines.findIndex((l) => l.startsWith('[repo-check : commit-gate] '));
    const perf = lines.findIndex((l) => l.startsWith('[perf : perf-gate] '));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(perf).toBeGreaterThan(first);
    expect(lines.filter((l) => !/^\[(repo-check : commit-gate|repo-check : record|perf : perf-gate)\] /.test(l))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[repo-check : record\] results store: recorded gate commit of run /));
    // plain text, as tkn shows it: the Tasks set NO_COLOR for the gates
    expect(lines.filter((l) => l.includes('\u001b['))).toEqual([]);
    await expect(logs(['unidesk-ci-commit-nope'], cliEnv(), () => undefined)).rejects.toMatchObject({
      failureClass: 'input',
      message: expect.stringMatching(new RegExp(`PipelineRun unidesk-ci-commit-nope not found in unidesk-ci; the last runs are:\\n  \\S+`)),
    });
  });
});
