// Rollout of a Deployment, read from the main resource (never /status: the CI role cannot read it),
// with kubectl's `rollout status` rules. ProgressDeadlineExceeded fails at once: a temporary CI
// service that cannot come up is an infrastructure problem of the run (infra.cluster), not an
// application verdict — the gate that owns the service may reclassify with its own evidence.
import type * as k8s from '@kubernetes/client-node';
import { CiError } from '../failure.ts';
import { kubeError } from './errors.ts';
import type { Kube } from './kube.ts';
import { poll } from './wait.ts';

export type RolloutState = { done: true } | { done: false; failed: false; status: string } | { done: false; failed: true; status: string };

/** kubectl's DeploymentStatusViewer, as a pure function. */
export function rolloutState(d: k8s.V1Deployment): RolloutState {
  const name = d.metadata?.name ?? '?';
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { done: false, failed: false, status: 'waiting for deployment spec update to be observed' };
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: true, status: `deployment "${name}" exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}` };
  }
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < want) return { done: false, failed: false, status: `${updated} out of ${want} new replicas have been updated` };
  if (total > updated) return { done: false, failed: false, status: `${total - updated} old replicas are pending termination` };
  if (available < updated) return { done: false, failed: false, status: `${available} of ${updated} updated replicas are available` };
  return { done: true };
}

export type RolloutOptions = { timeoutMs: number; signal?: AbortSignal; intervalMs?: number };

export async function waitForRollout(kube: Kube, namespace: string, name: string, o: RolloutOptions): Promise<k8s.V1Deployment> {
  return poll(
    async () => {
      const d = await kube.apps.readNamespacedDeployment({ name, namespace }).catch((e) => {
        throw kubeError(e, `read Deployment ${namespace}/${name}`);
      });
      const state = rolloutState(d);
      if (state.done) return { done: true, value: d };
      if (state.failed) throw new CiError('infra.cluster', `rollout of Deployment ${namespace}/${name} failed: ${state.status}`);
      return { done: false, status: state.status };
    },
    { what: `rollout Deployment ${namespace}/${name}`, timeoutMs: o.timeoutMs, signal: o.signal, intervalMs: o.intervalMs, log: kube.log },
  );
}
