// The install gate (seed: "Components", "Trigger Boundary"; `ci install`): Tekton Pipelines
// v1.12.0 and Triggers v0.34.0 are installed and Available, the Tekton CRDs are served, every
// k3s/ci object is present and as committed (read, never re-applied), the EventListener stays ClusterIP, and the
// runner service account can do exactly what CI needs in unidesk-ci and nothing elsewhere, and no
// binding of anyone's grants it more than k3s/ci does.
// The registry serves the step image of this checkout (built and pushed by install when missing),
// and k3s/ci is checked as rendered for it. Last, the CI images are prewarmed into the node's
// containerd: the list file's, the Tekton controller's helpers and the step image.
import { CI_NAMESPACE } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import {
  FORBIDDEN_NAMESPACES,
  RUNNER_USER,
  accessMismatches,
  forbiddenOutside,
  forbiddenStatus,
  kubeForRun,
  loadRenderedManifests,
  markRunFailed,
  policyError,
  policyViolations,
  requiredGrants,
  verifyInstalled,
  type Manifest,
} from '../../harness/kube/index.ts';
import { TEKTON_PIPELINES, TEKTON_TRIGGERS, checkTektonComponent, checkTektonCrds } from '../../harness/tekton/index.ts';
import { defineGate } from '../../harness/vitest/gate.ts';
import { checkAccountBindings } from '../../harness/install/bindings.ts';
import { checkListenerService, checkRunNamespace } from '../../harness/install/checks.ts';
import { prewarmStep } from '../../harness/install/prewarm.ts';
import { stepImageStep } from '../../harness/install/step-image.ts';

const gate = defineGate('install');
// a failed step makes global teardown keep the evidence of the run namespace before deleting it
gate.onFailure((step) => markRunFailed(gate.config.reportDir, gate.config.runId, step));
const kube = () => kubeForRun(gate.config);
const manifestsDir = gate.config.manifestsDir;
let manifests: Manifest[] = [];
let stepImage: string | undefined;

for (const component of [TEKTON_PIPELINES, TEKTON_TRIGGERS]) {
  gate.step(`${component.title} ${component.version} is installed and Available`, async ({ property }) => {
    const report = await checkTektonComponent(kube(), component);
    await property(`${component.partOf}-version`, report.version);
  });
}

gate.step('the Tekton CRDs are served', async ({ property }) => {
  await property('crds', (await checkTektonCrds(kube())).length);
});

gate.step('the registry serves the step image of this checkout, verified by digest', async ({ property, signal }) => {
  stepImage = await stepImageStep(gate.config, manifestsDir, property, signal);
});

gate.step('k3s/ci keeps the policies (pinned images, narrow RBAC, ClusterIP listener, proxy rules)', async ({ property }) => {
  manifests = await loadRenderedManifests(manifestsDir);
  await property('manifests', manifests.length);
  const violations = policyViolations(manifests);
  if (violations.length) throw policyError(violations, 'k3s/ci');
});

// read only: the gate reports drift (object and fields); repairing it is `unidesk-ci install`'s job
gate.step('every k3s/ci object is present and as committed (read only)', async ({ property }) => {
  await property('objects', await verifyInstalled(kube(), manifests));
});

gate.step('the EventListener Service is ClusterIP', async ({ property, signal }) => {
  await property('listener-service', await checkListenerService(kube(), manifests, { timeoutMs: Math.min(gate.config.waitMs, 60_000), signal, log: (l) => console.log(l) }));
});

gate.step('the runner can create and delete the temporary Deployment and Service in unidesk-ci', async () => {
  const missing = await accessMismatches(kube(), requiredGrants(), true);
  if (missing.length) throw new CiError('infra.cluster', `${RUNNER_USER} lacks: ${missing.join('; ')}`);
});

gate.step('the runner cannot write any other namespace or anything cluster-wide', async ({ property }) => {
  // its own run namespace is the runner's by design (RoleBinding unidesk-ci-e2e-run, checked with
  // the namespace below); another run's namespace is not
  const namespaces = [...FORBIDDEN_NAMESPACES, ...(gate.config.runId ? [`unidesk-ci-e2e-${gate.config.runId}-other`] : [])];
  await property('checked-namespaces', namespaces.join(','));
  const allowed = await accessMismatches(kube(), forbiddenOutside(namespaces), false);
  if (allowed.length) throw new CiError('infra.cluster', `${RUNNER_USER} is allowed beyond ${CI_NAMESPACE}: ${allowed.join('; ')}`);
});

gate.step('the runner cannot read or write deployments/status', async () => {
  const allowed = await accessMismatches(kube(), forbiddenStatus(), false);
  if (allowed.length) throw new CiError('infra.cluster', `${RUNNER_USER} can ${allowed.join('; ')} (the rollout poll must read the main resource)`);
});

gate.step('every Role and ClusterRole bound to the runner, by anyone in any namespace, grants only what k3s/ci grants (read only)', async ({ property }) => {
  await property('runner-bindings', (await checkAccountBindings(kube(), manifests, 'runner')).join(', '));
});

gate.step("every Role and ClusterRole bound to the EventListener's ServiceAccount grants only what k3s/ci grants: no Secret (read only)", async ({ property }) => {
  await property('listener-bindings', (await checkAccountBindings(kube(), manifests, 'listener')).join(', '));
});

gate.step("the run's namespace is labelled with the run id and expires", async ({ property }) => {
  await property('namespace', await checkRunNamespace(kube(), gate.config.runId));
});

gate.step('the CI images are prewarmed in the node containerd with their digests', async ({ property, signal }) => {
  await prewarmStep(gate.config, kube(), stepImage, property, signal);
});
