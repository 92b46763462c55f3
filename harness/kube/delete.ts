// Delete an object (through the write guard) and wait until the server no longer has it.
import { isNotFound, kubeError } from './errors.ts';
import { asHeader, describeRef, type ObjectRef } from './objects.ts';
import type { Kube } from './kube.ts';
import { poll } from './wait.ts';
import { write } from './write.ts';

export type DeleteOptions = { timeoutMs?: number; signal?: AbortSignal; propagationPolicy?: 'Foreground' | 'Background' };

/** Returns false when the object was already gone. */
export async function deleteAndWait(kube: Kube, ref: ObjectRef, o: DeleteOptions = {}): Promise<boolean> {
  const existed = await write(kube, { verb: 'delete', ref }, async () => {
    try {
      await kube.objects.delete(asHeader(ref), undefined, undefined, undefined, undefined, o.propagationPolicy ?? 'Background');
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  });
  if (!existed) return false;
  await waitGone(kube, ref, o);
  return true;
}

export async function waitGone(kube: Kube, ref: ObjectRef, o: DeleteOptions = {}): Promise<void> {
  const what = describeRef(ref);
  await poll(
    async () => {
      try {
        const live = await kube.objects.read(asHeader(ref));
        return { done: false, status: live.metadata?.deletionTimestamp ? 'terminating' : 'still present' };
      } catch (e) {
        if (isNotFound(e)) return { done: true, value: undefined };
        throw kubeError(e, `read ${what}`);
      }
    },
    { what: `delete ${what}`, timeoutMs: o.timeoutMs ?? 120_000, signal: o.signal, log: kube.log },
  );
}
