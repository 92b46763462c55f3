// Shared by the cluster double's protocol tests: a double per test file, client-node clients
// from the kubeconfig it wrote, and helpers that read the Status body of an ApiException.
import * as k8s from '@kubernetes/client-node';
import { fetch, type Response } from 'undici';
import { startClusterDouble, type ClusterDouble, type ClusterDoubleOptions } from '../../../fixtures/lab/cluster/index.ts';

export type Clients = {
  double: ClusterDouble;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
  authz: k8s.AuthorizationV1Api;
  custom: k8s.CustomObjectsApi;
  ext: k8s.ApiextensionsV1Api;
  objects: k8s.KubernetesObjectApi;
};

export function kubeconfigFor(double: ClusterDouble, token?: string, impersonateUser?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (!token) {
    kc.loadFromFile(double.kubeconfigPath);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: double.url, caData: Buffer.from(double.caPem).toString('base64') }],
    users: [{ name: 'u', token, ...(impersonateUser ? { impersonateUser } : {}) }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'u', namespace: 'default' }],
    currentContext: 'lab',
  });
  return kc;
}

export function clientsFor(double: ClusterDouble, kc: k8s.KubeConfig): Clients {
  return {
    double,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    authz: kc.makeApiClient(k8s.AuthorizationV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    ext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

export async function startWithClients(opts: ClusterDoubleOptions = {}): Promise<Clients> {
  const double = await startClusterDouble(opts);
  return clientsFor(double, kubeconfigFor(double));
}

export type StatusError = { code: number; body: Record<string, unknown> };

/** The HTTP code and parsed Status body of a failed client-node call (fails if it succeeded). */
export async function apiError(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    const ex = e as { code?: number; body?: unknown };
    if (typeof ex.code !== 'number') throw e;
    const body = typeof ex.body === 'string' && ex.body ? JSON.parse(ex.body) : (ex.body as Record<string, unknown>);
    return { code: ex.code, body };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The Status body kube-apiserver sends for a failure. */
export function failure(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** A raw request with the kubeconfig's authentication (client-node's RequestContext + undici). */
export async function raw(kc: k8s.KubeConfig, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = `${kc.getCurrentCluster()!.server}${path}`;
  const ctx = new k8s.RequestContext(url, method as k8s.HttpMethod);
  await kc.applySecurityAuthentication(ctx);
  return fetch(url, { method, headers: { ...ctx.getHeaders(), 'content-type': 'application/json', ...headers }, dispatcher: ctx.getDispatcher() as never, body });
}

export const ssa = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);
export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** Polls until fn returns a truthy value (robust on a loaded machine; no fixed sleeps). */
export async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function createNamespace(c: Clients, name: string): Promise<void> {
  await c.core.createNamespace({ body: { metadata: { name } } });
}

/** A Deployment body; the default image has no pod runner (ImagePullBackOff). */
export function deployment(name: string, image = 'lab-test/unregistered:1') {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
    },
  };
}
