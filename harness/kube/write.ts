// The one door for writes: every create/update/patch/apply/delete is checked by the write guard
// before a request is sent. Discovery (a GET of /api/v1 or /apis/G/V) may precede the check.
import { E2E_NAMESPACE_PREFIX } from '../config.ts';
import { checkWrite, RUN_LABEL, WriteRefused, type WriteIntent, type WriteVerb } from './guard.ts';
import { kubeError } from './errors.ts';
import { isListKind, listRefused } from './manifests.ts';
import { normalisedPathOf, refProblem } from './names.ts';
import { asHeader, describeRef, type Manifest, type ObjectRef } from './objects.ts';
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
  // a name like `..` would be resolved away by the URL normaliser: refused as the API server would refuse it
  const bad = refProblem(req.ref, req.verb !== 'create');
  if (bad) throw new WriteRefused({ ...req, namespaced: Boolean(req.ref.namespace) }, `${bad} (the API server's name rules)`);
  const resource = await kube.objects.scopeOf(req.ref.apiVersion, req.ref.kind).catch((e) => {
    throw kubeError(e, `discover ${req.ref.apiVersion} ${req.ref.kind}`);
  });
  // unclassified: kubeError classifies it
  if (!resource) throw kubeError(new Error(`the server does not serve ${req.ref.apiVersion} ${req.ref.kind}`), `${req.verb} ${describeRef(req.ref)}`);
  const intent: WriteIntent = { verb: req.verb, ref: { ...req.ref }, namespaced: resource.namespaced, object: req.object, janitor: req.janitor };
  if (intent.namespaced && intent.ref.namespace) await learnRunNamespace(kube, intent.ref.namespace);
  checkWrite(intent, { runId: kube.runId, runNamespaces: kube.runNamespaces });
  await checkFinalPath(kube, intent);
  return intent;
}

/** The URL the client will send, after normalisation, must still name the object the guard allowed. */
async function checkFinalPath(kube: Kube, intent: WriteIntent): Promise<void> {
  const path = await kube.objects.pathOf(asHeader(intent.ref), 'read').catch((e) => {
    throw kubeError(e, `discover ${intent.ref.apiVersion} ${intent.ref.kind}`);
  });
  const server = (kube.kc.getCurrentCluster()?.server ?? 'https://cluster.invalid').replace(/\/+$/, '');
  const sent = normalisedPathOf(server + path);
  if (sent !== normalisedPathOf(server).replace(/\/$/, '') + path) throw new WriteRefused(intent, `the request path ${path} is normalised to ${sent}`);
  if (intent.namespaced && !path.includes(`/namespaces/${intent.ref.namespace}/`)) throw new WriteRefused(intent, `the request path ${path} is not in namespace ${intent.ref.namespace}`);
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
