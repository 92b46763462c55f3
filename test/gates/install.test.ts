// The install gate run as `unidesk-ci run --lab` runs it (a child Vitest that owns its lab: the
// cluster double with the lab's Tekton stand-in and k3s/ci applied), judged by its JUnit: healthy,
// then a wrong Tekton version, a missing CRD and an over-broad Role (refused by global setup before
// anything is applied), each with the right message;
// the prewarm step imports the whole prewarm list, and a throttled mirror fails it as infra.network.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readPrewarmList } from '../../harness/image/prewarm/list.ts';
import { composePrewarmList } from '../../harness/image/prewarm/compose.ts';
import { helperImagesFromArgs } from '../../harness/image/prewarm/tekton-helpers.ts';
import { stepImageTag } from '../../harness/image/step-image/index.ts';
import { pipelinesControllerArgs } from '../../fixtures/lab/tekton/components.ts';
import { verdictOf } from '../../harness/cli/summary.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';

const STEPS = [
  'Tekton Pipelines v1.12.0 is installed and Available',
  'Tekton Triggers v0.34.0 is installed and Available',
  'the Tekton CRDs are served',
  'the registry serves the step image of this checkout, verified by digest',
  'k3s/ci keeps the policies (pinned images, narrow RBAC, ClusterIP listener, proxy rules)',
  'every k3s/ci object is present and as committed (read only)',
  'the EventListener Service is ClusterIP',
  'the runner can create and delete the temporary Deployment and Service in unidesk-ci',
  'the runner cannot write any other namespace or anything cluster-wide',
  'the runner cannot read or write deployments/status',
  'every Role and ClusterRole bound to the runner, by anyone in any namespace, grants only what k3s/ci grants (read only)',
  "every Role and ClusterRole bound to the EventListener's ServiceAccount grants only what k3s/ci grants: no Secret (read only)",
  "the run's namespace is labelled with the run id and expires",
  'the CI images are prewarmed in the node containerd with their digests',
];
const PREWARM = STEPS.length - 1;
const STEP_IMAGE = 3;

const cleanup: string[] = [];
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

async function installGate(env: Record<string, string | undefined> = {}): Promise<GateRun> {
  // a healthy run builds (or reuses the cached layers of) the step image, pushes it to the fresh lab registry and prewarms it
  const run = await runGate({ gate: 'install', env: { UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: undefined, UNIDESK_CI_KUBECONFIG: undefined, ...env }, timeoutMs: 600_000 });
  cleanup.push(run.reportDir);
  expect(
    run.steps.map((s) => s.name),
    run.output,
  ).toEqual(STEPS);
  return run;
}

// one healthy run serves the tests that read it (each run starts its own lab)
let healthy: Promise<GateRun> | undefined;
const healthyRun = () => (healthy ??= installGate());

function expectStoppedAt(run: GateRun, index: number, failureClass: string, message: RegExp): void {
  run.steps.slice(0, index).forEach((s) => expect(s.status, `${s.name}\n${run.output}`).toBe('passed'));
  expect(run.steps[index], run.output).toMatchObject({ status: 'failed', failureClass });
  expect(run.steps[index]!.message).toMatch(message);
  for (const s of run.steps.slice(index + 1)) expect(s.skippedReason).toBe(`not run: step "${STEPS[index]}" failed (${failureClass})`);
  expect(run.exitCode).not.toBe(0);
}

describe('install gate against the lab', () => {
  test('a correct installation passes every step and writes junit/install.xml', async () => {
    const run = await healthyRun();
    for (const s of run.steps) expect(s.status, `${s.name}: ${s.message}\n${run.output}`).toBe('passed');
    expect(run.exitCode).toBe(0);
    expect(existsSync(join(run.reportDir, 'junit', 'install.xml'))).toBe(true);
    expect(run.steps[0]!.properties['unidesk.tekton-pipelines-version']).toBe('v1.12.0');
    expect(run.steps[1]!.properties['unidesk.tekton-triggers-version']).toBe('v0.34.0');
    // the Service the lab's Triggers controller created for the EventListener, read as on a cluster
    expect(run.steps[6]!.properties['unidesk.listener-service']).toBe('el-unidesk-ci=ClusterIP');
    expect(run.output).toMatch(/setup: applied k3s\/ci in \d+ ms: \d+ created, 0 changed, 0 unchanged/);
    expect(run.output).toMatch(/namespace: unidesk-ci-e2e-\S+ deleted/);
    expect(existsSync(join(run.reportDir, 'diagnostics'))).toBe(false);
    // every binding of the runner was judged: ours, and the run namespace's per-run RoleBinding
    const judged = run.steps[10]!.properties['unidesk.runner-bindings']!.split(', ').sort();
    expect(judged).toEqual(['ClusterRoleBinding unidesk-ci-e2e-namespaces', expect.stringMatching(/^RoleBinding unidesk-ci-e2e-\S+\/unidesk-ci-e2e-run$/), 'RoleBinding unidesk-ci/unidesk-ci-runner']);
  });

  test('the prewarm step imports every listed image into containerd and records ref, digest and throughput', async () => {
    const run = await healthyRun();
    const p = run.steps[PREWARM]!.properties;
    expect(run.steps[PREWARM]!.status, `${run.steps[PREWARM]!.message}\n${run.output}`).toBe('passed');
    // the list file's images, the helpers the lab's controller Deployment carries, the step image of this checkout
    const stepImage = `127.0.0.1:5000/unidesk/unidesk-ci:${(await stepImageTag(REPO_ROOT)).tag}`;
    const listed = composePrewarmList(await readPrewarmList(join(REPO_ROOT, 'k3s/ci/prewarm-images.yaml')), helperImagesFromArgs(pipelinesControllerArgs('v1.12.0')), stepImage).map((i) => i.name);
    expect(listed).toContain(stepImage);
    expect(listed.filter((n) => n.startsWith('ghcr.io/tektoncd/pipeline/'))).toHaveLength(4);
    expect(p['unidesk.prewarm-tekton-helpers']).toBe('-entrypoint-image -nop-image -sidecarlogresults-image -workingdirinit-image -shell-image');
    expect(p['unidesk.prewarm-images']).toBe(String(listed.length));
    const refs = listed.map((_, i) => p[`unidesk.prewarm-${i + 1}-ref`]);
    expect(refs).toEqual(listed);
    const digests = listed.map((_, i) => p[`unidesk.prewarm-${i + 1}-digest`]!);
    for (const d of digests) expect(d).toMatch(/^sha256:[a-f0-9]{64}$/);
    // the lab mirror gives every image its own config, so a digest shared by two images would be a mix-up
    expect(new Set(digests).size).toBe(listed.length);
    listed.forEach((name, i) => {
      expect(p[`unidesk.prewarm-${i + 1}-action`]).toBe('imported');
      expect(p[`unidesk.prewarm-${i + 1}-throughput`]).toMatch(/^[\d.]+ (MB|kB)\/s \(\d+ bytes\)$/);
      // the fresh lab containerd got it from the mirror through the proxy, verified by digest
      expect(run.output).toContain(`prewarm: ${name} imported into containerd with digest ${digests[i]}`);
      expect(run.output).toMatch(new RegExp(`prewarm: pulling ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} from 127\\.0\\.0\\.1:\\d+ through http://127\\.0\\.0\\.1:\\d+`));
    });
  });

  test('the step image step built (or reused) the image of this checkout and recorded its digest', async () => {
    const run = await healthyRun();
    const p = run.steps[STEP_IMAGE]!.properties;
    const { tag } = await stepImageTag(REPO_ROOT);
    expect(p['unidesk.step-image']).toBe(`127.0.0.1:5000/unidesk/unidesk-ci:${tag}`);
    expect(p['unidesk.step-image-digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(['built', 'reused']).toContain(p['unidesk.step-image-action']);
    // the prewarm imported exactly that digest under the name the Tasks use
    expect(run.output).toContain(`prewarm: 127.0.0.1:5000/unidesk/unidesk-ci:${tag} imported into containerd with digest ${p['unidesk.step-image-digest']}`);
  });

  test('a prewarm pull sustained below 1 MB/s fails the step as infra.network with the seed wording', async () => {
    const run = await installGate({ LAB_PREWARM_THROTTLE_BYTES_PER_SEC: '100000', UNIDESK_CI_PULL_WINDOW_MS: '1000' });
    expectStoppedAt(run, PREWARM, 'infra.network', /sustained \d+ kB\/s over 1000 ms, below 1\.00 MB\/s: provider\/main-server network or proxy degradation, not a Dockerfile or application failure/);
  });

  test('a wrong Tekton Pipelines version fails naming both versions', async () => {
    const run = await installGate({ LAB_TEKTON_PIPELINES_VERSION: 'v1.11.0' });
    expectStoppedAt(run, 0, 'infra.cluster', /Tekton Pipelines: installed v1\.11\.0, required v1\.12\.0 \(ConfigMap tekton-pipelines\/pipelines-info\)/);
    // found before the step image push and the apply, which a wrong Tekton makes pointless
    expect(run.output).toMatch(/setup: Tekton Pipelines: installed v1\.11\.0, required v1\.12\.0 .*: step image not pushed, k3s\/ci not applied/);
    expect(run.output).not.toMatch(/step image push:|step image: building|setup: applied k3s\/ci/);
    // the failure made global teardown save the run namespace's evidence before deleting it
    const runId = run.steps[0]!.properties['unidesk.run-id']!;
    expect(existsSync(join(run.reportDir, 'diagnostics', runId, `unidesk-ci-e2e-${runId}`, 'objects.yaml')), run.output).toBe(true);
    expect(run.output).toContain(`diagnostics: namespace unidesk-ci-e2e-${runId} saved to`);
  });

  test('a wrong Tekton Triggers version fails naming both versions', async () => {
    const run = await installGate({ LAB_TEKTON_TRIGGERS_VERSION: 'v0.33.1' });
    expectStoppedAt(run, 1, 'infra.cluster', /Tekton Triggers: installed v0\.33\.1, required v0\.34\.0/);
  });

  test('a missing Tekton CRD fails naming it', async () => {
    const run = await installGate({ LAB_TEKTON_OMIT_CRDS: 'pipelineruns.tekton.dev' });
    expectStoppedAt(run, 2, 'infra.cluster', /Tekton CRDs: CRD pipelineruns\.tekton\.dev is missing/);
    expect(run.output).toMatch(/setup: Tekton CRDs: CRD pipelineruns\.tekton\.dev is missing: step image not pushed, k3s\/ci not applied/);
  });

  test('an over-broad runner Role is refused by global setup before anything is applied, naming the rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'install-broad-role-'));
    cleanup.push(dir);
    await cp(join(REPO_ROOT, 'k3s/ci'), dir, { recursive: true });
    const rbac = join(dir, 'runner.rbac.yaml');
    const text = await readFile(rbac, 'utf8');
    await writeFile(
      rbac,
      text.replace('    verbs: [get, list, watch, create, update, patch, delete]', '    verbs: ["*"]').replace('    resources: [deployments]', '    resources: [deployments, deployments/status]'),
    );
    // the policies run inside the apply of k3s/ci (global setup), so no step runs at all
    const run = await runGate({
      gate: 'install',
      env: { UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: undefined, UNIDESK_CI_KUBECONFIG: undefined, UNIDESK_CI_MANIFESTS_DIR: dir },
      timeoutMs: 300_000,
    });
    cleanup.push(run.reportDir);
    // still classified: Vitest reports the setup error as one failed case typed by the error's name (the class)
    expect(run.steps, run.output).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^Unhandled Error: k3s\/ci/),
        status: 'failed',
        failureClass: 'input',
        message: expect.stringMatching(/Role unidesk-ci\/unidesk-ci-runner: rbac: rules\[0\]\.verbs contains a wildcard/),
      }),
    ]);
    expect(verdictOf(run)).toMatchObject({ passed: false, failureClass: 'input', unclassified: false });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/input: k3s\/ci \(.*\) violates \d+ policies:/);
    expect(run.output).toMatch(/Role unidesk-ci\/unidesk-ci-runner: rbac: rules\[0\]\.verbs contains a wildcard[\s\S]*grants deployments\/status/);
    expect(run.output).not.toMatch(/apply: \w+ unidesk-ci\/\S+ created/);
  });
});
