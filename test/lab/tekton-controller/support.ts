// Shared by the Tekton controller's lab tests: an in-process double with the upstream v1.12.0
// Tekton CRDs applied, a step runner for the test-only image `lab.test/sh:1` (scripts run with
// /bin/sh through runLocalStep, exactly as a lab image runner would), and helpers to create runs
// and wait for their Succeeded condition. Without the upstream CRDs the suites are skipped, except
// in CI, where they are required.
import * as k8s from '@kubernetes/client-node';
import { runLocalStep } from '../../../fixtures/lab/cluster/controllers/tekton/local-step.ts';
import type { StepRunner } from '../../../fixtures/lab/cluster/controllers/tekton/step-runner.ts';
import { loadCrds, tektonCrdsDir } from '../cluster/crd-sources.ts';
import { clientsFor, kubeconfigFor, until, type Clients } from '../cluster/support.ts';
import { startClusterDouble } from '../../../fixtures/lab/cluster/index.ts';

export const SH = 'lab.test/sh:1';
export const shRunner: StepRunner = { image: /^lab\.test\/sh:/, run: (step, ctx) => runLocalStep(step, ctx) };

/** The upstream Pipelines v1.12.0 CRDs (UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton), or undefined. */
export function upstreamTektonCrds(): k8s.KubernetesObject[] | undefined {
  const dir = tektonCrdsDir();
  return dir ? loadCrds(dir) : undefined;
}

/** `runners`: the double's step runners (tests may unshift their own). */
export type Lab = Clients & { ns: string; logLines: string[]; runners: StepRunner[] };

export async function startTektonLab(ns: string): Promise<Lab> {
  const crds = upstreamTektonCrds();
  if (!crds) throw new Error('the upstream Tekton v1.12.0 CRDs are required (UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton)');
  const logLines: string[] = [];
  const runners = [shRunner];
  const double = await startClusterDouble({ stepRunners: runners, log: (l) => logLines.push(l) });
  const c = clientsFor(double, kubeconfigFor(double));
  for (const crd of crds) await c.objects.create(crd);
  await c.core.createNamespace({ body: { metadata: { name: ns } } });
  return { ...c, ns, logLines, runners };
}

export const haveCrds = () => {
  if (process.env.CI && !tektonCrdsDir()) throw new Error('CI must provide the upstream Tekton CRDs (set UNIDESK_CI_TEKTON_CRDS_DIR)');
  return tektonCrdsDir() !== undefined;
};

type Obj = { metadata: { name: string; uid?: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, any> };

export async function create(c: Lab, plural: 'tasks' | 'pipelines' | 'pipelineruns' | 'taskruns', body: Record<string, unknown>): Promise<Obj> {
  const kind = { tasks: 'Task', pipelines: 'Pipeline', pipelineruns: 'PipelineRun', taskruns: 'TaskRun' }[plural];
  return (await c.custom.createNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: c.ns, plural, body: { apiVersion: 'tekton.dev/v1', kind, ...body } })) as Obj;
}

export async function get(c: Lab, plural: string, name: string): Promise<Obj> {
  return (await c.custom.getNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: c.ns, plural, name })) as Obj;
}

export const succeeded = (o: Obj) => (o.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Succeeded') as { status: string; reason: string; message: string } | undefined;

/** Waits for the run's Succeeded condition to be True or False. */
export async function finished(c: Lab, plural: 'pipelineruns' | 'taskruns', name: string, timeoutMs = 30_000): Promise<Obj> {
  return until(
    async () => {
      const o = await get(c, plural, name);
      const s = succeeded(o)?.status;
      return (s === 'True' || s === 'False') && o;
    },
    `${plural} ${name} to finish`,
    timeoutMs,
  );
}

export const task = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });
export const script = (name: string, body: string, extra: Record<string, unknown> = {}) => ({ name, image: SH, script: body, ...extra });

/** true while a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
