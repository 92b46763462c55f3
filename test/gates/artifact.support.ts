// Evidence for "publication never writes anywhere but the registry": a snapshot of the fixture
// repository (every file of the bare repo, hashed) and of the cluster double's objects.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

export async function snapshotRepository(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

/** Every namespace, Deployment, Service and ConfigMap in the double, with resourceVersions. */
export async function snapshotCluster(kubeconfig: string): Promise<string[]> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const key = (kind: string, o: k8s.V1ObjectMeta | undefined) => `${kind} ${o?.namespace ?? ''}/${o?.name} rv=${o?.resourceVersion}`;
  const [ns, deploys, svcs, cms] = await Promise.all([
    core.listNamespace(),
    apps.listDeploymentForAllNamespaces(),
    core.listServiceForAllNamespaces(),
    core.listConfigMapForAllNamespaces(),
  ]);
  return [
    ...ns.items.map((o) => key('Namespace', o.metadata)),
    ...deploys.items.map((o) => key('Deployment', o.metadata)),
    ...svcs.items.map((o) => key('Service', o.metadata)),
    ...cms.items.map((o) => key('ConfigMap', o.metadata)),
  ].sort();
}
