// Global setup's janitor for unidesk-ci: deletes objects a run created there (labelled with its
// run id, e.g. the perf gate's code-queue-ci-read) whose expiry annotation has passed — leftovers
// of runs killed before cleanup, which later runs would otherwise refuse to take over.
import { CI_NAMESPACE } from '../config.ts';
import { isNotFound, kubeError, statusOf } from './errors.ts';
import { EXPIRES_ANNOTATION, RUN_LABEL } from './guard.ts';
import type { Kube } from './kube.ts';
import { asHeader, describeRef, type ObjectRef } from './objects.ts';
import { poll } from './wait.ts';
import { write } from './write.ts';

/** The kinds CI creates in unidesk-ci (read service Deployment + Service, the lab's database Secret). */
export const CI_RUN_OBJECT_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'Secret' },
] as const;

/** kept: not expired (or replaced meanwhile); unmarked: labelled but without a valid expiry. */
export type CiObjectJanitorResult = { deleted: string[]; kept: string[]; unmarked: string[] };

type Live = { metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: unknown; labels?: Record<string, string>; annotations?: Record<string, string> } };

export async function deleteExpiredCiObjects(kube: Kube, o: { now?: Date; timeoutMs?: number } = {}): Promise<CiObjectJanitorResult> {
  const now = o.now ?? new Date();
  const result: CiObjectJanitorResult = { deleted: [], kept: [], unmarked: [] };
  for (const { apiVersion, kind } of CI_RUN_OBJECT_KINDS) {
    const items = await listLabelled(kube, apiVersion, kind);
    for (const item of items) {
      const m = item.metadata ?? {};
      // never outside unidesk-ci, never unlabelled, whatever the server answered
      if (m.namespace !== CI_NAMESPACE || !m.name || !m.labels?.[RUN_LABEL] || m.deletionTimestamp) continue;
      const ref: ObjectRef = { apiVersion, kind, name: m.name, namespace: CI_NAMESPACE };
      const what = describeRef(ref);
      const run = m.labels[RUN_LABEL];
      const expires = Date.parse(m.annotations?.[EXPIRES_ANNOTATION] ?? '');
      if (Number.isNaN(expires)) {
        kube.log(`janitor: leaving ${what} of run ${run}: no ${EXPIRES_ANNOTATION} annotation (made before expiries); delete it by hand if that run is dead`);
        result.unmarked.push(what);
      } else if (!(expires < now.getTime())) {
        result.kept.push(what);
      } else if (await deleteExpired(kube, ref, m.uid, o.timeoutMs ?? 120_000, `run ${run}, expired ${new Date(expires).toISOString()}`)) {
        result.deleted.push(what);
      } else {
        result.kept.push(what);
      }
    }
  }
  return result;
}

async function listLabelled(kube: Kube, apiVersion: string, kind: string): Promise<Live[]> {
  try {
    const list = await kube.objects.list(apiVersion, kind, CI_NAMESPACE, undefined, undefined, undefined, undefined, RUN_LABEL);
    return list.items as Live[];
  } catch (e) {
    if (isNotFound(e)) return []; // unidesk-ci not applied yet: nothing to sweep
    // a runner without list rights on a kind (D601's runner has none on Secrets) sweeps the others
    if (statusOf(e).code === 403) {
      kube.log(`janitor: not sweeping ${kind}s in ${CI_NAMESPACE}: no list permission`);
      return [];
    }
    throw kubeError(e, `list ${kind}s in ${CI_NAMESPACE}`);
  }
}

/** Deleted with a uid precondition (an object a new run created meanwhile survives), then waited for. */
async function deleteExpired(kube: Kube, ref: ObjectRef, uid: string | undefined, timeoutMs: number, why: string): Promise<boolean> {
  const what = describeRef(ref);
  const sent = await write(kube, { verb: 'delete', ref }, async () => {
    try {
      await kube.objects.delete(asHeader(ref), undefined, undefined, undefined, undefined, 'Background', { preconditions: { uid } });
      return true;
    } catch (e) {
      if (isNotFound(e) || statusOf(e).code === 409) return false;
      throw e;
    }
  });
  if (!sent) return false;
  kube.log(`janitor: deleting expired ${what} (${why})`);
  await poll(
    async () => {
      const live = (await kube.objects.read(asHeader(ref)).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw kubeError(e, `read ${what}`);
      })) as Live | undefined;
      if (!live || live.metadata?.uid !== uid) return { done: true, value: undefined };
      return { done: false, status: live.metadata?.deletionTimestamp ? 'terminating' : 'still present' };
    },
    { what: `janitor: delete ${what}`, timeoutMs, log: kube.log },
  );
  return true;
}
