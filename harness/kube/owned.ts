// Fixed-name objects in unidesk-ci that one run at a time owns (label unidesk.ai/ci-run=<run-id>),
// like the perf gate's code-queue-ci-read. Claimed by create (atomic: 409 when present), re-applied
// only when the live object is this run's, deleted only when it is this run's — with a uid
// precondition, so an object another run created in between is never deleted. Each carries an
// expiry annotation, so the janitor (janitor-ci-objects.ts) removes it if its run died.
import { CiError } from '../failure.ts';
import { applyObject } from './apply.ts';
import { isNotFound, kubeError, statusOf } from './errors.ts';
import { EXPIRES_ANNOTATION, RUN_LABEL } from './guard.ts';
import { FIELD_MANAGER, type Kube } from './kube.ts';
import { asHeader, describeRef, refOf, type Manifest, type ObjectRef } from './objects.ts';
import { rawRead, type RawObject } from './raw.ts';
import { poll } from './wait.ts';
import { write } from './write.ts';
import { expiryAnnotation } from './expiry.ts';
import { recordCreated, recordIntent } from '../cleanup/ledger.ts';

async function readLive(kube: Kube, ref: ObjectRef): Promise<RawObject | undefined> {
  return rawRead(kube, asHeader(ref) as Manifest).catch((e) => {
    if (isNotFound(e)) return undefined;
    throw kubeError(e, `read ${describeRef(ref)}`);
  });
}

function ownerOf(o: RawObject): string | undefined {
  return (o.metadata?.labels as Record<string, string> | undefined)?.[RUN_LABEL];
}

/** `busy` says what a foreign owner means, e.g. "another perf run is in progress". */
export async function claimObject(kube: Kube, given: Manifest, busy: string): Promise<'created' | 'applied'> {
  const ref = refOf(given);
  // the expiry lets the janitor remove it if this run dies before deleting it (harness/kube/expiry.ts)
  const object = structuredClone(given);
  object.metadata.annotations = { ...object.metadata.annotations, ...expiryAnnotation(kube.ttlMs) };
  const refuse = (live: RawObject) => {
    const owner = ownerOf(live);
    const who = owner ? `run ${owner}` : `no CI run (no ${RUN_LABEL} label)`;
    return new CiError('infra.cluster', `${describeRef(ref)} belongs to ${who}, not this run ${kube.runId}: ${busy}; not taking it over`, {
      hint: `it is deleted when its run ends; if that run died, the janitor deletes it once its ${EXPIRES_ANNOTATION} has passed (without one, delete it by hand and retry)`,
    });
  };
  const live = await readLive(kube, ref);
  if (live && ownerOf(live) !== kube.runId) throw refuse(live);
  if (!live) {
    // in the ledger before the request: the cleanup owner deletes it if this process dies meanwhile
    recordIntent(ref, kube.runId);
    const created = await write(kube, { verb: 'create', ref, object }, async () => {
      try {
        const made = await kube.objects.create(structuredClone(object), undefined, undefined, FIELD_MANAGER);
        recordCreated(ref, kube.runId, (made as RawObject).metadata?.uid as string | undefined);
        return true;
      } catch (e) {
        if (statusOf(e).code === 409) return false; // someone created it since the read
        throw e;
      }
    });
    if (created) {
      kube.log(`apply: ${describeRef(ref)} created`);
      return 'created';
    }
    const now = await readLive(kube, ref);
    if (now && ownerOf(now) !== kube.runId) throw refuse(now);
  }
  const r = await applyObject(kube, object);
  kube.log(`apply: ${r.object} ${r.outcome}`);
  return 'applied';
}

export type DeleteOwnedResult = 'deleted' | 'absent' | 'foreign';

/**
 * Delete the object only if the live one carries this run's label (and, given `uid`, is that very
 * object, not a later one of the same name); wait until that one is gone.
 */
export async function deleteOwned(kube: Kube, ref: ObjectRef, o: { timeoutMs: number; uid?: string }): Promise<DeleteOwnedResult> {
  const what = describeRef(ref);
  const live = await readLive(kube, ref);
  if (!live) return 'absent';
  const owner = ownerOf(live);
  const uid = live.metadata?.uid as string | undefined;
  if (owner !== kube.runId || (o.uid && uid !== o.uid)) {
    const why = owner !== kube.runId ? `it belongs to ${owner ? `run ${owner}` : 'no CI run'}, not this run ${kube.runId}` : `its uid ${uid} is not the ${o.uid} this run created`;
    kube.log(`cleanup: not deleting ${what}: ${why}`);
    return 'foreign';
  }
  const sent = await write(kube, { verb: 'delete', ref }, async () => {
    try {
      await kube.objects.delete(asHeader(ref), undefined, undefined, undefined, undefined, 'Background', { preconditions: { uid } });
      return 'deleted' as const;
    } catch (e) {
      if (isNotFound(e)) return 'absent' as const;
      if (statusOf(e).code === 409) return 'foreign' as const; // uid precondition: replaced since the read
      throw e;
    }
  });
  if (sent !== 'deleted') return sent;
  await poll(
    async () => {
      const now = await readLive(kube, ref);
      if (!now || now.metadata?.uid !== uid) return { done: true, value: undefined };
      return { done: false, status: now.metadata?.deletionTimestamp ? 'terminating' : 'still present' };
    },
    { what: `delete ${what}`, timeoutMs: o.timeoutMs, log: kube.log },
  );
  return 'deleted';
}
