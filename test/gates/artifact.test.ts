// The artifact gate run as Tekton would run it (`vitest run --project artifact`), as a child
// process against the lab (real git over HTTP + tinyproxy, real buildah, real registry, the
// cluster double), judged by the JUnit it wrote and by what the registry then serves.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../fixtures/lab/daemon.ts';
import { GATE_SERVICES, startLab, type Lab } from '../../fixtures/lab/index.ts';
import { runProcess } from '../../harness/process/run.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { requestsSince, snapshotCluster, snapshotRepository } from './artifact.support.ts';

const STEPS = [
  'the target is the commit-pinned image in the configured loopback registry',
  'the D601 artifact registry is healthy',
  'the revision resolves to a pushed 40-character commit',
  'the image is built from a fresh clone with the backend-core labels',
  'the commit-pinned image is pushed to the artifact registry',
  'the registry serves the tag with the pushed digest and every label',
  'the image ref and digest are output as deployment input',
];

let lab: Lab;
let commits: Record<string, string>;
const runs: GateRun[] = [];
beforeAll(async () => {
  lab = await startLab({ services: GATE_SERVICES.artifact, log: () => undefined });
  commits = JSON.parse(lab.env.LAB_GIT_COMMITS);
}, 240_000);
afterAll(async () => {
  await lab?.stop();
  for (const r of runs) await rm(r.reportDir, { recursive: true, force: true });
});

async function artifactGate(overrides: Record<string, string | undefined> = {}): Promise<GateRun> {
  const run = await runGate({ gate: 'artifact', env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', ...overrides } });
  runs.push(run);
  expect(
    run.steps.map((s) => s.name),
    run.output,
  ).toEqual(STEPS);
  return run;
}

function expectStoppedAt(run: GateRun, index: number, failureClass: string): void {
  run.steps.slice(0, index).forEach((s) => expect(s.status, `${s.name}\n${run.output}`).toBe('passed'));
  expect(run.steps[index], run.output).toMatchObject({ status: 'failed', failureClass });
  for (const s of run.steps.slice(index + 1)) expect(s.skippedReason).toBe(`not run: step "${STEPS[index]}" failed (${failureClass})`);
  expect(run.exitCode).not.toBe(0);
}

async function tags(): Promise<string[]> {
  const res = await fetch(`http://${lab.env.UNIDESK_CI_REGISTRY}/v2/unidesk/backend-core/tags/list`);
  return res.status === 404 ? [] : (((await res.json()) as { tags?: string[] }).tags ?? []);
}

describe('artifact gate against the lab', () => {
  let first: GateRun;

  test('publishes master: every step passes, ref and digest reach JUnit, results and the record', async () => {
    const repoBefore = await snapshotRepository(join(lab.env.LAB_GIT_ROOT, 'unidesk.git'));
    const clusterBefore = await snapshotCluster(lab.env.UNIDESK_CI_KUBECONFIG);
    first = await artifactGate();
    expect(first.exitCode, first.output).toBe(0);
    // the Dockerfile's base, pulled as on D601; docker.io is blocked in the lab's registries.conf but
    // for this name, which it maps to the lab registry: the pull can only have come from there
    expect(first.output).toMatch(/buildah: STEP 1\/\d+: FROM docker\.io\/library\/busybox:1\.36\.1/);
    expect(first.output).toMatch(/buildah: Trying to pull docker\.io\/library\/busybox:1\.36\.1/);
    const out = first.steps.at(-1)!.properties;
    const ref = `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${commits.master}`;
    expect(out['unidesk.image-ref']).toBe(ref);
    expect(out['unidesk.image-digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    // lifted to the testsuite too, for dashboards that read only suite properties
    expect(first.report!.suites[0]!.properties).toMatchObject({ 'unidesk.image-ref': ref, 'unidesk.image-digest': out['unidesk.image-digest'] });
    for (const s of first.steps.slice(2)) expect(s.commit).toBe(commits.master);
    expect(await readFile(join(first.reportDir, 'results', 'IMAGE_URL'), 'utf8')).toBe(ref);
    expect(await readFile(join(first.reportDir, 'results', 'IMAGE_DIGEST'), 'utf8')).toBe(out['unidesk.image-digest']);
    const record = JSON.parse(await readFile(join(first.reportDir, 'artifact', `backend-core-${commits.master}.json`), 'utf8'));
    expect(record).toMatchObject({ imageRef: ref, imageDigest: out['unidesk.image-digest'], built: true });
    // the registry, asked by another client, agrees
    const inspect = await runProcess('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    expect(JSON.parse(inspect.stdout).Digest).toBe(out['unidesk.image-digest']);
    // the git password reaches neither the console, JUnit, the results nor the record
    const password = lab.env.UNIDESK_CI_GIT_PASSWORD;
    expect(password.length).toBeGreaterThan(8);
    for (const text of [first.output, await readFile(first.junitPath, 'utf8'), JSON.stringify(record)]) expect(text).not.toContain(password);
    // nothing else was touched: the fixture repository (deploy.json included) and the cluster
    expect(await snapshotRepository(join(lab.env.LAB_GIT_ROOT, 'unidesk.git'))).toEqual(repoBefore);
    expect(clusterBefore.objects.length).toBeGreaterThan(0);
    expect((await snapshotCluster(lab.env.UNIDESK_CI_KUBECONFIG)).objects).toEqual(clusterBefore.objects);
    expect(await requestsSince(lab.env.UNIDESK_CI_KUBECONFIG, clusterBefore)).toEqual([]);
  });

  test('republishing the commit reports the same digest and rebuilds nothing', async () => {
    const run = await artifactGate({ UNIDESK_CI_REVISION: commits.master.slice(0, 8) });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.steps[3].properties['unidesk.image-rebuilt']).toBe('false');
    expect(run.steps.at(-1)!.properties['unidesk.image-digest']).toBe(first.steps.at(-1)!.properties['unidesk.image-digest']);
    expect(run.output).not.toMatch(/buildah: STEP/);
  });

  test('registry down: infra.registry at the health step, nothing built or pushed', async () => {
    const run = await artifactGate({ UNIDESK_CI_REGISTRY: `127.0.0.1:${await freePort()}`, UNIDESK_CI_REVISION: commits.first });
    expectStoppedAt(run, 1, 'infra.registry');
    expect(run.steps[1].message).toMatch(/artifact registry unhealthy/);
    expect(await tags()).toEqual([commits.master]);
  });

  test('latest as target: input at the first step', async () => {
    const run = await artifactGate({ UNIDESK_CI_IMAGE_REF: `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:latest` });
    expectStoppedAt(run, 0, 'input');
    expect(run.steps[0].message).toContain('"latest" is never published');
    expect(await tags()).toEqual([commits.master]);
  });

  test('the cluster evidence is sensitive: one ConfigMap write in unidesk-ci shows in both snapshots', async () => {
    const before = await snapshotCluster(lab.env.UNIDESK_CI_KUBECONFIG);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.env.UNIDESK_CI_KUBECONFIG);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'unidesk-ci' } } }).catch((e: { code?: number }) => {
      if (e.code !== 409) throw e;
    });
    await core.createNamespacedConfigMap({ namespace: 'unidesk-ci', body: { metadata: { name: 'artifact-evidence-probe' }, data: { a: 'b' } } });
    try {
      expect((await snapshotCluster(lab.env.UNIDESK_CI_KUBECONFIG)).objects).not.toEqual(before.objects);
      expect(await requestsSince(lab.env.UNIDESK_CI_KUBECONFIG, before)).toContainEqual(expect.stringMatching(/^POST \/api\/v1\/namespaces\/unidesk-ci\/configmaps/));
    } finally {
      await core.deleteNamespacedConfigMap({ namespace: 'unidesk-ci', name: 'artifact-evidence-probe' });
    }
  });

  test('a dirty caller worktree: input at the revision step, nothing built', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-artifact-worktree-'));
    try {
      await runProcess('git', ['clone', '--quiet', join(lab.env.LAB_GIT_ROOT, 'unidesk.git'), dir]);
      await appendFile(join(dir, 'deploy.json'), ' ');
      const run = await artifactGate({ UNIDESK_CI_SOURCE_WORKTREE: dir });
      expectStoppedAt(run, 2, 'input');
      expect(run.steps[2].message).toMatch(/is dirty \(M deploy\.json\)/);
      expect(await tags()).toEqual([commits.master]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('unknown revision: input before anything is built', async () => {
    const run = await artifactGate({ UNIDESK_CI_REVISION: 'does-not-exist' });
    expectStoppedAt(run, 2, 'input');
    expect(await tags()).toEqual([commits.master]);
  });
});
