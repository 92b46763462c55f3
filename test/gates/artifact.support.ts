// Evidence for "publication never writes anywhere but the registry": a snapshot of the fixture
// repository (every file of the bare repo, hashed) and of the cluster double (every object with
// its resourceVersion, and the API request log, read over /lab/v1 which itself is not logged).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labClusterAdminFromKubeconfig } from '../../fixtures/lab/cluster/admin-client.ts';

export async function snapshotRepository(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

export type ClusterSnapshot = { objects: string[]; lastRequest: number };

export async function snapshotCluster(kubeconfig: string): Promise<ClusterSnapshot> {
  const admin = await labClusterAdminFromKubeconfig(kubeconfig);
  const objects = (await admin.objects()).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name} rv=${o.metadata?.resourceVersion}`).sort();
  const requests = await admin.requests();
  return { objects, lastRequest: requests.at(-1)?.seq ?? 0 };
}

/** API requests the double received after a snapshot, as "METHOD path (user)". */
export async function requestsSince(kubeconfig: string, snapshot: ClusterSnapshot): Promise<string[]> {
  const admin = await labClusterAdminFromKubeconfig(kubeconfig);
  return (await admin.requests(snapshot.lastRequest)).filter((r) => r.seq > snapshot.lastRequest).map((r) => `${r.method} ${r.path} (${r.user})`);
}
