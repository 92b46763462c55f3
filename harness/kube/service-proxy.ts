// Requests to a Service through the API server's service proxy
// (/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH), with the kubeconfig's auth and the
// client's direct dispatcher. `serviceProxyEndpoint` hands out url + dispatcher + headers so a
// caller (the perf probe) can time undici `request` calls itself (TTFB, total). Non-GET requests
// are refused outside unidesk-ci and the run's own namespaces (the write guard's rule).
import * as k8s from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { CI_NAMESPACE } from '../config.ts';
import { CiError } from '../failure.ts';
import { readBoundedText } from '../http/bounded-body.ts';
import { kubeError } from './errors.ts';
import type { Kube } from './kube.ts';
import { nameProblem, normalisedPathOf, pathSegmentProblem } from './names.ts';
import { learnRunNamespace } from './write.ts';

export type ServiceTarget = { namespace: string; service: string; port?: string | number };

export type ServiceProxyEndpoint = {
  /** Base URL ending in `/proxy`; append `/api/...`. */
  baseUrl: string;
  dispatcher: Dispatcher;
  headers: Record<string, string>;
};

export function serviceProxyBase(kube: Kube, t: ServiceTarget): string {
  checkTarget(t);
  const server = kube.kc.getCurrentCluster()?.server?.replace(/\/+$/, '') ?? '';
  const svc = t.port === undefined ? t.service : `${t.service}:${t.port}`;
  return `${server}/api/v1/namespaces/${encodeURIComponent(t.namespace)}/services/${encodeURIComponent(svc)}/proxy`;
}

export async function serviceProxyEndpoint(kube: Kube, t: ServiceTarget): Promise<ServiceProxyEndpoint> {
  const baseUrl = serviceProxyBase(kube, t);
  const ctx = new k8s.RequestContext(baseUrl, k8s.HttpMethod.GET);
  await kube.kc.applySecurityAuthentication(ctx);
  return { baseUrl, dispatcher: ctx.getDispatcher() as Dispatcher, headers: { ...ctx.getHeaders() } };
}

/**
 * Cap of one answer through the service proxy. The callers (the e2e API checks, perf's read-only
 * checks) read Code Queue's JSON answers of a few KiB to a few hundred KiB; 16 MiB is far above
 * any of them. The body comes from the service under test (the API server only relays it), so an
 * oversize answer is `app`.
 */
export const SERVICE_PROXY_MAX_BODY_BYTES = 16 * 1024 * 1024;

export type ProxyRequest = {
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Override of SERVICE_PROXY_MAX_BODY_BYTES for this request. */
  maxBytes?: number;
};
export type ProxyResponse = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

/** Namespace and Service names as the API server validates them, before they become URL segments. */
function checkTarget(t: ServiceTarget): void {
  const why = nameProblem({ apiVersion: 'v1', kind: 'Namespace' }, t.namespace) ?? nameProblem({ apiVersion: 'v1', kind: 'Service' }, t.service);
  const port = t.port === undefined || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(String(t.port)) ? undefined : 'the port is neither a number nor a port name';
  if (why || port) throw new CiError('input', `service proxy target ${t.namespace}/${t.service}${t.port === undefined ? '' : `:${t.port}`}: ${why ? `a name ${why}` : port}`);
}

/**
 * The path after `/proxy` must stay under it once normalised: no empty, `.` or `..` segment (also
 * percent-encoded), so a request cannot climb to another Service or an API object.
 */
export function proxyUrl(baseUrl: string, path: string, what: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  const why = pathSegmentProblem(p);
  const url = baseUrl + p;
  const base = normalisedPathOf(baseUrl);
  const sent = normalisedPathOf(url);
  if (why || (sent !== base && !sent.startsWith(`${base}/`))) {
    throw new CiError('input', `${what}: refused: the path ${JSON.stringify(p)} ${why ? `is unsafe: ${why}` : `escapes ${base} (normalised to ${sent})`}`);
  }
  return url;
}

/**
 * A POST through the proxy can change state in the backend: the write guard's namespace rule
 * applies (unidesk-ci and this run's namespaces only), checked before anything is sent.
 */
async function guardProxyWrite(kube: Kube, t: ServiceTarget, method: string): Promise<void> {
  if (method === 'GET') return;
  await learnRunNamespace(kube, t.namespace);
  if (t.namespace === CI_NAMESPACE || kube.runNamespaces.has(t.namespace)) return;
  throw new CiError(
    'input',
    `write guard: refused ${method} to service ${t.namespace}/${t.service} via the service proxy: namespace ${t.namespace} is neither ${CI_NAMESPACE} nor a namespace run ${kube.runId} created`,
  );
}

export async function serviceProxyRequest(kube: Kube, t: ServiceTarget, r: ProxyRequest): Promise<ProxyResponse> {
  await guardProxyWrite(kube, t, r.method ?? 'GET');
  const ep = await serviceProxyEndpoint(kube, t);
  const path = r.path.startsWith('/') ? r.path : `/${r.path}`;
  const json = r.body === undefined ? undefined : JSON.stringify(r.body);
  const what = `${r.method ?? 'GET'} ${t.service} ${path} via service proxy in ${t.namespace}`;
  const url = proxyUrl(ep.baseUrl, path, what);
  try {
    const res = await request(url, {
      method: r.method ?? 'GET',
      dispatcher: ep.dispatcher,
      headers: { ...ep.headers, accept: 'application/json, */*', ...(json ? { 'content-type': 'application/json' } : {}), ...r.headers },
      body: json,
      signal: r.signal,
    });
    const text = await readBoundedText(res.body, { maxBytes: r.maxBytes ?? SERVICE_PROXY_MAX_BODY_BYTES, what: `${what} (${ep.baseUrl}${path})`, failureClass: 'app' });
    return { status: res.statusCode, headers: res.headers, text };
  } catch (e) {
    throw kubeError(e, what); // passes the oversize CiError through
  }
}

/** GET/POST expecting 2xx JSON of a given shape; a proxy error (503 no endpoints) is infra.cluster. */
export async function serviceProxyJson<S extends z.ZodType>(kube: Kube, t: ServiceTarget, r: ProxyRequest, schema: S): Promise<z.infer<S>> {
  const res = await serviceProxyRequest(kube, t, r);
  return proxiedJson(res, `${r.method ?? 'GET'} ${r.path} on service ${t.namespace}/${t.service}`, schema);
}

/** A proxied reply as 2xx JSON of `schema`: 502/503 from the proxy is infra.cluster, the rest the service's (app). */
export function proxiedJson<S extends z.ZodType>(res: Pick<ProxyResponse, 'status' | 'text'>, what: string, schema: S): z.infer<S> {
  if (res.status === 503 || res.status === 502) throw new CiError('infra.cluster', `${what}: HTTP ${res.status} from the service proxy: ${res.text.slice(0, 300)}`);
  if (res.status < 200 || res.status > 299) throw new CiError('app', `${what}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch {
    throw new CiError('app', `${what}: response is not JSON: ${res.text.slice(0, 200)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CiError('app', `${what}: unexpected response: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
