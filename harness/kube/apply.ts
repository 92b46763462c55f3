// Server-side apply (field manager unidesk-ci, force) of manifests, reporting per object whether
// it was created, changed or unchanged: the object's resourceVersion is compared before and after
// (a no-op apply does not write, so the resourceVersion stays). Bodies are raw JSON (see raw.ts).
import { isNotFound, kubeError } from './errors.ts';
import { loadManifests } from './manifests.ts';
import { asHeader, describeRef, refOf, type Manifest } from './objects.ts';
import { FIELD_MANAGER, type Kube } from './kube.ts';
import { rawApply, rawRead } from './raw.ts';
import { guardWrite, write } from './write.ts';

export type ApplyOutcome = 'created' | 'changed' | 'unchanged';
export type ApplyResult = { object: string; outcome: ApplyOutcome; resourceVersion?: string; generation?: number };

export async function applyObject(kube: Kube, object: Manifest): Promise<ApplyResult> {
  const ref = refOf(object);
  // guard first: not even a read goes to a namespace the run may not write
  await guardWrite(kube, { verb: 'apply', ref, object });
  const before = await rawRead(kube, asHeader(ref)).catch((e) => {
    if (isNotFound(e)) return undefined;
    throw kubeError(e, `read ${describeRef(ref)}`);
  });
  const after = await write(kube, { verb: 'apply', ref, object }, () => rawApply(kube, object, FIELD_MANAGER));
  const rv = after.metadata?.resourceVersion;
  const outcome: ApplyOutcome = !before ? 'created' : before.metadata?.resourceVersion === rv ? 'unchanged' : 'changed';
  return { object: describeRef(ref), outcome, resourceVersion: rv, generation: after.metadata?.generation };
}

/** Kinds other objects live in or are typed by: applied first, one by one. */
const FIRST_KINDS = new Set(['Namespace', 'CustomResourceDefinition']);
const CONCURRENCY = 6;

/**
 * Namespaces and CRDs first, in file order; then the rest a few at a time (the API server does not
 * need RoleBindings after Roles or Pipelines after Tasks). One line per object, in file order.
 */
export async function applyObjects(kube: Kube, objects: readonly Manifest[]): Promise<ApplyResult[]> {
  const results: ApplyResult[] = new Array(objects.length);
  const indexed = objects.map((o, i) => [o, i] as const);
  for (const [o, i] of indexed.filter(([o]) => FIRST_KINDS.has(o.kind))) results[i] = await applyObject(kube, o);
  const rest = indexed.filter(([o]) => !FIRST_KINDS.has(o.kind));
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const [o, i] = rest[next++]!;
      results[i] = await applyObject(kube, o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rest.length) }, worker));
  for (const r of results) kube.log(`apply: ${r.object} ${r.outcome}`);
  return results;
}

export async function applyManifests(kube: Kube, path: string): Promise<ApplyResult[]> {
  return applyObjects(
    kube,
    (await loadManifests(path)).map((m) => m.object),
  );
}

export function summarize(results: readonly ApplyResult[]): Record<ApplyOutcome, number> {
  const s: Record<ApplyOutcome, number> = { created: 0, changed: 0, unchanged: 0 };
  for (const r of results) s[r.outcome] += 1;
  return s;
}
