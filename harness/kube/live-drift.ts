// k3s/ci as live in the cluster against this checkout's manifests, read only (GETs, never an
// apply): what `unidesk-ci status` shows and what the install gate verifies. Repairing drift is
// `unidesk-ci install`'s job.
import { CiError } from '../failure.ts';
import { objectDrift, type Drift } from '../tekton/drift.ts';
import { isNotFound, kubeError } from './errors.ts';
import type { Kube } from './kube.ts';
import { asHeader, describeRef, refOf, type Manifest } from './objects.ts';
import { rawRead } from './raw.ts';

export async function readLive(kube: Kube, o: Manifest): Promise<Record<string, unknown> | undefined> {
  return rawRead(kube, asHeader(refOf(o))).catch((e) => {
    if (isNotFound(e)) return undefined;
    throw kubeError(e, `read ${describeRef(refOf(o))}`);
  });
}

export async function driftOf(kube: Kube, objects: readonly Manifest[]): Promise<Drift[]> {
  return Promise.all(objects.map(async (o) => objectDrift(describeRef(refOf(o)), o as Record<string, unknown>, await readLive(kube, o))));
}

/** infra.cluster naming each missing object, and each differing object with its fields; else the count checked. */
export async function verifyInstalled(kube: Kube, objects: readonly Manifest[]): Promise<number> {
  const drift = await driftOf(kube, objects);
  const missing = drift.filter((d) => d.state === 'missing').map((d) => d.object);
  if (missing.length) throw new CiError('infra.cluster', `k3s/ci is not installed: ${missing.join(', ')} not found (run \`unidesk-ci install\`)`);
  const differs = drift.filter((d) => d.state === 'differs').map((d) => `${d.object} differs at ${d.paths.join(', ')}`);
  if (differs.length) throw new CiError('infra.cluster', `k3s/ci is not installed as committed: ${differs.join('; ')} (run \`unidesk-ci install\` to repair it)`);
  return drift.length;
}
