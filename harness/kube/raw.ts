// Object requests with raw JSON bodies. client-node's KubernetesObjectApi serializes built-in kinds
// through its typed models, which drop keys whose JSON name differs from the TypeScript one
// (`x-kubernetes-preserve-unknown-fields`, `enum`, `default`, `$ref` in a CRD schema): manifests are
// sent and read back exactly as written here, with the same URL, auth and direct dispatcher.
import * as k8s from '@kubernetes/client-node';
import { fetch } from 'undici';
import { readBoundedText } from '../http/bounded-body.ts';
import type { Kube } from './kube.ts';
import type { Manifest } from './objects.ts';
import { ATTEMPTS_HEADER, sendWithRetry } from './retry.ts';

export type RawObject = Record<string, any> & { metadata?: { name?: string; namespace?: string; resourceVersion?: string; generation?: number; [k: string]: unknown } };

/**
 * One object as the API server returns it: etcd refuses objects over 1.5 MiB (its default request
 * limit), so 8 MiB is no object but a faulty API server or something in between (infra.cluster).
 */
export const RAW_OBJECT_MAX_BYTES = 8 * 1024 * 1024;

async function send(kube: Kube, method: k8s.HttpMethod, spec: Manifest, action: 'read' | 'patch', query: Record<string, string>, body?: string, contentType?: string): Promise<RawObject> {
  const path = await kube.objects.pathOf(structuredClone(spec), action);
  const server = kube.kc.getCurrentCluster()?.server?.replace(/\/+$/, '') ?? '';
  const url = new URL(server + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const ctx = new k8s.RequestContext(url.toString(), method);
  await kube.kc.applySecurityAuthentication(ctx);
  const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
  if (contentType) headers['content-type'] = contentType;
  // transient failures of a read or an apply are retried (retry.ts); the note rides on the headers
  const { response: res, note } = await sendWithRetry(
    { method, url: url.toString(), contentType },
    async () => {
      const r = await fetch(url, { method, headers, body, dispatcher: ctx.getDispatcher() as never });
      return { response: r, outcome: { status: r.status, retryAfter: r.headers.get('retry-after') ?? undefined } };
    },
    (r) => r.text(),
  );
  const text = res.body ? await readBoundedText(res.body, { maxBytes: RAW_OBJECT_MAX_BYTES, what: `${method} ${url.pathname}`, failureClass: 'infra.cluster' }) : '';
  if (res.status < 200 || res.status > 299) {
    throw new k8s.ApiException(res.status, 'Unsuccessful HTTP Request', text, { ...Object.fromEntries(res.headers), ...(note ? { [ATTEMPTS_HEADER]: note } : {}) });
  }
  return JSON.parse(text) as RawObject;
}

export function rawRead(kube: Kube, spec: Manifest): Promise<RawObject> {
  return send(kube, k8s.HttpMethod.GET, spec, 'read', {});
}

/** Server-side apply, unguarded: callers go through `write` (harness) or are lab fixtures. */
export function rawApply(kube: Kube, spec: Manifest, fieldManager: string): Promise<RawObject> {
  return send(kube, k8s.HttpMethod.PATCH, spec, 'patch', { fieldManager, force: 'true' }, JSON.stringify(spec), k8s.PatchStrategy.ServerSideApply);
}
