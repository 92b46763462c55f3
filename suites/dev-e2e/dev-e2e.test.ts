// The dev-e2e gate — seed, "Dev Namespace E2E": the manual dev desired-state smoke. The Code Queue
// commit origin/master:deploy.json pins for the dev environment is built (or its image reused)
// in the loopback registry, imported into the node's containerd, and run — PostgreSQL plus the
// scheduler, read and write services — in this run's unidesk-ci-e2e-<run-id> namespace (global
// setup creates it, labelled with its expiry); its HTTP API is checked through the API server's
// service proxy only. Nothing persistent: never unidesk-dev, never production.
import { CiError } from '../../harness/failure.ts';
import { defineGate, gateEnv, type StepContext } from '../../harness/vitest/gate.ts';
import { kubeForRun, type Kube } from '../../harness/kube/kube.ts';
import { runNamespaceName } from '../../harness/kube/guard.ts';
import { markRunFailed } from '../../harness/kube/run-failure.ts';
import { gitAccessFrom } from '../../harness/git/access.ts';
import { required } from '../../harness/config.ts';
import { readDevPin } from '../../harness/e2e/deploy-source.ts';
import { codeQueueImage, importCodeQueueImage } from '../../harness/e2e/image.ts';
import { rollOut, deleteRunNamespace } from '../../harness/e2e/rollout.ts';
import { codeQueueApi, describeCall, type CodeQueueApi } from '../../harness/e2e/api.ts';
import { createTask, expectReadRefusesWrite, readTrace, serviceVersions, waitScheduled } from '../../harness/e2e/checks.ts';
import type { E2eState } from './state.ts';

const gate = defineGate('dev-e2e');
const { config, facts } = gate;
const env = gateEnv();
const log = (line: string) => console.log(line);
const state: E2eState = {};
const namespace = runNamespaceName(config.runId);
// a failed step makes global teardown keep the evidence of the run namespace before deleting it
gate.onFailure((step) => markRunFailed(config.reportDir, config.runId, step));
const kube = (): Kube => (state.kube ??= kubeForRun(config, log));
const api = (signal: AbortSignal): CodeQueueApi => (state.api ??= codeQueueApi(kube(), namespace, signal));
/** Every request a step sent through the service proxy, with its status and timing, as properties. */
async function recordCalls(property: StepContext['property'], from: number): Promise<void> {
  const calls = state.api?.calls ?? [];
  for (let i = from; i < calls.length; i++) await property(`request.${i + 1}`, describeCall(calls[i]!));
}
const callCount = () => state.api?.calls.length ?? 0;
const remote = () => required(config.repoUrl, 'UNIDESK_CI_REPO_URL', 'the Git remote whose origin/master holds deploy.json');

gate.step('origin/master:deploy.json pins the dev code-queue commit, and that commit is pushed', async ({ property, signal }) => {
  const pin = await readDevPin({ ...gitAccessFrom(config), remote: remote(), signal, onLine: log });
  state.pin = pin;
  facts.commit = pin.commit;
  await property('deploy-json-master', pin.master);
  await property('code-queue-commit', pin.commit);
  await property('code-queue-branches', pin.branches.join(', '));
});

gate.step('the code-queue image of that commit is in the loopback registry: reused when its labels match, else built from a fresh clone', async ({ property, signal }) => {
  const image = await codeQueueImage({ config, env: { ...process.env, ...env }, commit: state.pin!.commit, branches: state.pin!.branches, signal, log });
  state.image = image;
  await property('image-ref', image.imageRef);
  await property('image-digest', image.digest);
  await property('image-rebuilt', String(image.built));
});

gate.step('the image is imported into the node containerd with its digest preserved', async ({ property, signal }) => {
  const imported = await importCodeQueueImage({ config, env: { ...process.env, ...env }, image: state.image!, signal, log });
  await property('containerd-digest', imported.digest);
  await property('containerd-action', imported.action);
  await property('import-ms', imported.ms);
});

gate.step(
  `PostgreSQL and the Code Queue write, scheduler and read services roll out in ${namespace}`,
  async ({ property, signal }) => {
    const rolled = await rollOut(kube(), { namespace, runId: config.runId, image: state.image!.imageRef, waitMs: config.waitMs, signal });
    for (const r of rolled) await property(`rollout.${r.name}`, `${r.ms} ms`);
    // four rollouts, each bounded by the wait: the step's own bound covers them all
  },
  config.waitMs * 4 + 60_000,
);

gate.step('through the service proxy: the write service creates a task, the scheduler runs it, the read service returns it with its trace', async ({ property, signal }) => {
  const a = api(signal);
  const from = callCount();
  try {
    const versions = await serviceVersions(a);
    for (const [role, v] of Object.entries(versions)) await property(`code-queue-version.${role}`, v);
    const id = await createTask(a, config.runId);
    await property('task-id', id);
    const status = await waitScheduled(a, id, { signal, log });
    if (status !== 'succeeded') throw new CiError('app', `the scheduler ended task ${id} ${status}`);
    const trace = await readTrace(a, id);
    await property('trace-steps', `${trace.stepCount} (${trace.kinds.join(', ')})`);
  } finally {
    await recordCalls(property, from);
  }
});

gate.step('the read service refuses a write', async ({ property, signal }) => {
  const from = callCount();
  try {
    await property('write-status', await expectReadRefusesWrite(api(signal)));
  } finally {
    await recordCalls(property, from);
  }
});

gate.step(`teardown: ${namespace} and everything in it are deleted`, async ({ signal }) => {
  await deleteRunNamespace(kube(), namespace, { waitMs: config.waitMs, signal });
});
