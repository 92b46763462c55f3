// Step 4 (and 6) of the dev-e2e gate: the run's workloads are applied in the run namespace and
// each Deployment is waited for on the main resource (kubectl's rollout rules); the database
// password is generated per run and registered as a secret before it exists anywhere.
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../redact.ts';
import { applyObject } from '../kube/apply.ts';
import { deleteAndWait } from '../kube/delete.ts';
import { FIELD_MANAGER, type Kube } from '../kube/kube.ts';
import { refOf } from '../kube/objects.ts';
import { write } from '../kube/write.ts';
import { waitForRollout } from '../kube/rollout.ts';
import { codeQueueWorkload, databaseSecret, databaseUrl, postgresWorkload, type WorkloadSpec } from './workloads.ts';

export type RolloutOptions = { namespace: string; runId: string; image: string; waitMs: number; signal?: AbortSignal };
export type RolledOut = { name: string; ms: number };

/**
 * The Deployments' own deadline is half the wait bound (10..600 s): a pod that never becomes ready
 * ends as the API server reports it, ProgressDeadlineExceeded, well before the harness stops waiting.
 */
export const progressDeadlineSeconds = (waitMs: number) => Math.min(600, Math.max(10, Math.ceil(waitMs / 2000)));

export async function rollOut(kube: Kube, o: RolloutOptions): Promise<RolledOut[]> {
  const password = randomBytes(18).toString('base64url');
  const spec: WorkloadSpec = { namespace: o.namespace, runId: o.runId, image: o.image, password, progressDeadlineSeconds: progressDeadlineSeconds(o.waitMs) };
  registerSecret(password);
  registerSecret(databaseUrl(spec));
  // Secrets in a run namespace are write-only for the runner (docs/manifests.md): created, never
  // applied (server-side apply reads the object first)
  const secret = databaseSecret(spec);
  await write(kube, { verb: 'create', ref: refOf(secret), object: secret }, () => kube.objects.create(secret, undefined, undefined, FIELD_MANAGER));
  const out: RolledOut[] = [];
  for (const [deployment, service] of [postgresWorkload(spec), codeQueueWorkload(spec, 'write'), codeQueueWorkload(spec, 'scheduler'), codeQueueWorkload(spec, 'read')]) {
    o.signal?.throwIfAborted();
    const name = deployment.metadata.name;
    const t0 = performance.now();
    await applyObject(kube, deployment);
    await applyObject(kube, service);
    kube.log(`dev-e2e: waiting for Deployment ${o.namespace}/${name} to roll out`);
    await waitForRollout(kube, o.namespace, name, { timeoutMs: o.waitMs, signal: o.signal });
    out.push({ name, ms: Math.round(performance.now() - t0) });
  }
  return out;
}

/** The run namespace with everything in it, waited for (global teardown then finds nothing left). */
export async function deleteRunNamespace(kube: Kube, namespace: string, o: { waitMs: number; signal?: AbortSignal }): Promise<void> {
  o.signal?.throwIfAborted();
  kube.log(`dev-e2e: deleting ${namespace}`);
  await deleteAndWait(kube, { apiVersion: 'v1', kind: 'Namespace', name: namespace }, { timeoutMs: o.waitMs });
  kube.log(`dev-e2e: ${namespace} deleted`);
}
