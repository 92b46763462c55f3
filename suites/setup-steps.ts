// Ordered global-setup steps after the lab is up. Each may add variables to ciEnv for the
// workers and return its teardown. The Kubernetes layer adds, in order: the janitor (expired run
// namespaces and expired run objects in unidesk-ci, before anything else), apply k3s/ci (when UNIDESK_CI_APPLY_MANIFESTS=1, and always in the lab for the gates whose lab
// has Tekton), the run's ephemeral namespace (install, dev-e2e) with teardown.
import { loadConfig, type Gate, type RunConfig } from '../harness/config.ts';
import { gatesWhere } from '../harness/gates.ts';
import { applyObjects, createRunNamespace, deleteExpiredCiObjects, deleteExpiredRunNamespaces, kubeForRun, loadCheckedManifests, runFailed, statusOf, summarize } from '../harness/kube/index.ts';
import { checkTektonComponent, checkTektonCrds, TEKTON_COMPONENTS } from '../harness/tekton/index.ts';
import { failureClassOf } from '../harness/failure.ts';
import type { Kube } from '../harness/kube/kube.ts';
import { ensureStepImage } from '../harness/image/step-image/ensure.ts';

export type SetupContext = {
  gate: Gate;
  /** process.env plus what earlier steps published. */
  env: Record<string, string | undefined>;
  /** Add variables here to hand them to the test workers. */
  ciEnv: Record<string, string>;
  /** The run configuration global setup parsed (a step called alone parses `env`). */
  config?: RunConfig;
};

const configOf = (ctx: SetupContext): RunConfig => ctx.config ?? loadConfig(ctx.env);

export type SetupStep = (ctx: SetupContext) => Promise<(() => Promise<void>) | void>;

/** Gates that get a run namespace unidesk-ci-e2e-<run-id> (creating one needs namespace rights). */
export const RUN_NAMESPACE_GATES: readonly Gate[] = gatesWhere((g) => g.runNamespace);
/** Gates whose lab includes the Tekton stand-in, so k3s/ci is applied there. */
export const LAB_APPLY_GATES: readonly Gate[] = gatesWhere((g) => g.lab.includes('tekton'));
export { K3S_CI_DIR } from '../harness/config.ts';

const log = (line: string) => console.log(line);

export const applyK3sCi: SetupStep = async (ctx) => {
  const { gate, env } = ctx;
  const config = configOf(ctx);
  if (!config.applyManifests && !(config.lab && LAB_APPLY_GATES.includes(gate))) return;
  const t0 = performance.now();
  // the policies run first: a violating copy is refused before any request or build (harness/kube/k3s-ci.ts)
  const objects = await loadCheckedManifests(config.manifestsDir);
  // the lab's install gate: the step image the rendered Tasks name is served before they exist
  // (built or reused); `unidesk-ci install` does this itself before it runs the gate
  const kube = kubeForRun(config, log);
  if (config.lab && gate === 'install') {
    // a cluster without the right Tekton gets neither a 1.5 GB push nor Tasks it cannot serve
    const notReady = await tektonNotReady(kube);
    if (notReady) return log(`setup: ${notReady}: step image not pushed, k3s/ci not applied (the install gate's steps say what is wrong)`);
    await ensureStepImage({ registry: config.registry, env: { ...process.env, ...env }, log });
  }
  const results = await applyObjects(kube, objects);
  const s = summarize(results);
  log(`setup: applied k3s/ci in ${Math.round(performance.now() - t0)} ms: ${s.created} created, ${s.changed} changed, ${s.unchanged} unchanged`);
};

/** Why Tekton is not as the seed pins it (the install gate's own checks), or undefined. */
async function tektonNotReady(kube: Kube): Promise<string | undefined> {
  try {
    for (const c of TEKTON_COMPONENTS) await checkTektonComponent(kube, c);
    await checkTektonCrds(kube);
    return undefined;
  } catch (e) {
    if (failureClassOf(e) === 'infra.cluster') return (e as Error).message;
    throw e;
  }
}

/** Leftovers of killed runs: expired run namespaces, then expired run objects in unidesk-ci. */
export const janitor: SetupStep = async (ctx) => {
  const { gate } = ctx;
  const config = configOf(ctx);
  // perf over a base URL creates nothing in a cluster, and a laptop running it may have none
  if (gate === 'perf' && config.perf.transport === 'direct' && !config.lab && !config.applyManifests) return log('setup: janitor skipped (perf direct transport)');
  const kube = kubeForRun(config, log);
  const namespaces = await deleteExpiredRunNamespaces(kube).catch((e: unknown) => {
    // a gate that creates no run namespace may run without cluster-wide list rights (perf on D601)
    if (!RUN_NAMESPACE_GATES.includes(gate) && statusOf((e as Error).cause).code === 403) {
      log('setup: janitor: no right to list namespaces; run namespaces not swept');
      return { deleted: [] as string[] };
    }
    throw e;
  });
  if (namespaces.deleted.length) log(`setup: janitor deleted ${namespaces.deleted.join(', ')}`);
  const objects = await deleteExpiredCiObjects(kube, { timeoutMs: config.waitMs });
  if (objects.deleted.length) log(`setup: janitor deleted ${objects.deleted.join(', ')}`);
};

export const runNamespace: SetupStep = async (ctx) => {
  if (!RUN_NAMESPACE_GATES.includes(ctx.gate)) return;
  const config = configOf(ctx);
  const kube = kubeForRun(config, log);
  const ns = await createRunNamespace(kube, { reportDir: config.reportDir, waitMs: config.waitMs });
  ctx.ciEnv.UNIDESK_CI_E2E_NAMESPACE = ns.name;
  return async () => {
    if (runFailed(config.reportDir, config.runId)) ns.markFailed();
    await ns.teardown();
  };
};

export const setupSteps: SetupStep[] = [janitor, applyK3sCi, runNamespace];
