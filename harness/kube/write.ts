// The one door for writes: every create/update/patch/apply/delete is checked by the write guard
// before a request is sent. Discovery (a GET of /api/v1 or /apis/G/V) may precede the check.
import { E2E_NAMESPACE_PREFIX } from '../config.ts';
import { checkWrite, RUN_LABEL, type WriteIntent, type WriteVerb } from './guard.ts';
import { kubeError } from './errors.ts';
import { isListKind, listRefused } from './manifests.ts';
import { describeRef, type Manifest, type ObjectRef } from './objects.ts';
import type { Kube } from './kube.ts';

export type WriteRequest = {
  verb: WriteVerb;
  ref: ObjectRef;
  object?: Manifest;
  janitor?: { now: Date };
};

/** Resolve scope and namespace exactly as the client would send it, then check. */
export async function guardWrite(kube: Kube, req: WriteRequest): Promise<WriteIntent> {
  // a List is bad input, not a kind the cluster fails to serve (which would read as infra.cluster)
  if (isListKind(req.ref.kind)) throw listRefused(`${req.verb} ${describeRef(req.ref)}`, req.ref.kind);
  const resource = await kube.objects.scopeOf(req.ref.apiVersion, req.ref.kind).catch((e) => {
    throw kubeError(e, `discover ${req.ref.apiVersion} ${req.ref.kind}`);
  });
  // unclassified: kubeError classifies it
  if (!resource) throw kubeError(new Error(`the server does not serve ${req.ref.apiVersion} ${req.ref.kind}`), `${req.verb} ${describeRef(req.ref)}`);
  const intent: WriteIntent = { verb: req.verb, ref: { ...req.ref }, namespaced: resource.namespaced, object: req.object, janitor: req.janitor };
  if (intent.namespaced && intent.ref.namespace) await learnRunNamespace(kube, intent.ref.namespace);
  checkWrite(intent, { runId: kube.runId, runNamespaces: kube.runNamespaces });
  return intent;
}

/**
 * Another process of this run (global setup) may have created the run namespace: accept it only
 * if the live namespace carries this run's label.
 */
export async function learnRunNamespace(kube: Kube, ns: string): Promise<void> {
  if (kube.runNamespaces.has(ns) || ns !== `${E2E_NAMESPACE_PREFIX}${kube.runId}`) return;
  const live = await kube.core.readNamespace({ name: ns }).catch(() => undefined);
  if (live?.metadata?.labels?.[RUN_LABEL] === kube.runId && !live.metadata.deletionTimestamp) kube.runNamespaces.add(ns);
}

/** Run `send` only if the guard allows the write; API errors come back as classified CiErrors. */
export async function write<T>(kube: Kube, req: WriteRequest, send: () => Promise<T>): Promise<T> {
  await guardWrite(kube, req);
  try {
    return await send();
  } catch (e) {
    throw kubeError(e, `${req.verb} ${describeRef(req.ref)}`);
  }
}
