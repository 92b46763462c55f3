// The cluster transport's lifetime: the temporary read Deployment + Service. `readService` only
// prepares; its disposal (registered before anything is created) deletes whichever of the two this
// run created — at any point, also while `deploy` is still applying or waiting for the rollout
// (the caller aborts that wait first). Objects of another run with the same name are neither taken
// over nor deleted (harness/kube/owned.ts).
import { CI_NAMESPACE } from '../config.ts';
import { CiError, failureClassOf, worstFailureClass } from '../failure.ts';
import { skipsTlsVerify } from '../kube/client.ts';
import type { Kube } from '../kube/kube.ts';
import { refOf } from '../kube/objects.ts';
import { claimObject, deleteOwned } from '../kube/owned.ts';
import { waitForRollout } from '../kube/rollout.ts';
import { serviceProxyEndpoint } from '../kube/service-proxy.ts';
import { READ_SERVICE, readServiceManifests, type ReadServiceSpec } from './read-service-manifests.ts';
import type { Transport } from './transport.ts';

export const BUSY = 'another perf run is in progress';

export type ReadService = AsyncDisposable & {
  deploy: (o: { timeoutMs: number; signal?: AbortSignal }) => Promise<Transport>;
  deleted: () => boolean;
};

export function readService(kube: Kube, spec: ReadServiceSpec): ReadService {
  const objects = readServiceManifests(spec);
  let removal: Promise<void> | undefined;
  const remove = async () => {
    const errors: Error[] = [];
    for (const obj of [...objects].reverse()) {
      await deleteOwned(kube, refOf(obj), { timeoutMs: 120_000 }).catch((e: Error) => errors.push(e));
    }
    // a delete that failed is the cluster's (or its own class's) failure, not the harness's
    const cls = worstFailureClass(errors.map(failureClassOf)) ?? 'infra.cluster';
    if (errors.length) throw new CiError(cls, `cleanup of ${READ_SERVICE}: ${errors.map((e) => e.message).join('; ')}`);
    kube.log(`perf: cleaned up Deployment and Service ${CI_NAMESPACE}/${READ_SERVICE}`);
  };
  return {
    async deploy(o) {
      for (const obj of objects) {
        o.signal?.throwIfAborted();
        await claimObject(kube, obj, BUSY);
      }
      kube.log(`perf: waiting for Deployment ${CI_NAMESPACE}/${READ_SERVICE} (${spec.image}) to roll out`);
      await waitForRollout(kube, CI_NAMESPACE, READ_SERVICE, { timeoutMs: o.timeoutMs, signal: o.signal });
      return clusterTransport(kube);
    },
    deleted: () => removal !== undefined,
    // one removal however often it is asked for (failure path and signal handler may both ask)
    [Symbol.asyncDispose]: () => (removal ??= remove()),
  };
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
    tls: base.protocol === 'https:' ? { ca: opts.ca as string, cert: opts.cert as string, key: opts.key as string, rejectUnauthorized: !skipsTlsVerify(cluster) } : undefined,
    infraClass: 'infra.cluster',
    describe: `service proxy ${base.origin}${base.pathname}`,
  };
}
