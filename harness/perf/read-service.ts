// The cluster transport's lifetime: apply the temporary read Deployment + Service, wait with the
// rollout poll, hand out the service-proxy transport, and delete both (waiting until gone) on
// dispose — also when applying or the rollout fails. (SIGINT/SIGTERM: see run-transport.ts.)
import { CI_NAMESPACE } from '../config.ts';
import { applyObjects } from '../kube/apply.ts';
import { deleteAndWait } from '../kube/delete.ts';
import type { Kube } from '../kube/kube.ts';
import { refOf } from '../kube/objects.ts';
import { waitForRollout } from '../kube/rollout.ts';
import { serviceProxyEndpoint } from '../kube/service-proxy.ts';
import { READ_SERVICE, readServiceManifests, type ReadServiceSpec } from './read-service-manifests.ts';
import type { Transport } from './transport.ts';

export type ReadService = AsyncDisposable & { transport: Transport; deleted: () => boolean };

export async function deployReadService(kube: Kube, spec: ReadServiceSpec, o: { timeoutMs: number; signal?: AbortSignal }): Promise<ReadService> {
  const objects = readServiceManifests(spec);
  let deleted = false;
  const remove = async () => {
    if (deleted) return;
    deleted = true;
    const errors: string[] = [];
    for (const obj of [...objects].reverse()) {
      await deleteAndWait(kube, refOf(obj), { timeoutMs: 120_000 }).catch((e: Error) => errors.push(e.message));
    }
    if (errors.length) throw new Error(`cleanup of ${READ_SERVICE}: ${errors.join('; ')}`);
    kube.log(`perf: deleted Deployment and Service ${CI_NAMESPACE}/${READ_SERVICE}`);
  };
  try {
    await applyObjects(kube, objects);
    kube.log(`perf: waiting for Deployment ${CI_NAMESPACE}/${READ_SERVICE} (${spec.image}) to roll out`);
    await waitForRollout(kube, CI_NAMESPACE, READ_SERVICE, { timeoutMs: o.timeoutMs, signal: o.signal });
  } catch (e) {
    await remove().catch(() => undefined);
    throw e;
  }
  const transport = await clusterTransport(kube);
  return { transport, deleted: () => deleted, [Symbol.asyncDispose]: remove };
}

/** The read service through the API server's service proxy, with the kubeconfig's TLS and auth. */
export async function clusterTransport(kube: Kube): Promise<Transport> {
  // headers (bearer token, impersonation) exactly as the client sends them; TLS material from the kubeconfig
  const ep = await serviceProxyEndpoint(kube, { namespace: CI_NAMESPACE, service: READ_SERVICE, port: 'http' });
  const base = new URL(ep.baseUrl);
  const opts: { ca?: unknown; cert?: unknown; key?: unknown } = {};
  await kube.kc.applyToHTTPSOptions(opts as never);
  const cluster = kube.kc.getCurrentCluster();
  return {
    kind: 'cluster',
    origin: base.origin,
    basePath: base.pathname,
    headers: ep.headers,
    tls: base.protocol === 'https:' ? { ca: opts.ca as string, cert: opts.cert as string, key: opts.key as string, rejectUnauthorized: !cluster?.skipTLSVerify } : undefined,
    infraClass: 'infra.cluster',
    describe: `service proxy ${base.origin}${base.pathname}`,
  };
}
