// Global setup's janitor: deletes run namespaces (unidesk-ci-e2e-*, labelled with their run id)
// whose expiry annotation has passed — leftovers of runs that were killed before teardown.
import { E2E_NAMESPACE_PREFIX } from '../config.ts';
import { isNotFound, kubeError } from './errors.ts';
import { EXPIRES_ANNOTATION, RUN_LABEL } from './guard.ts';
import type { Kube } from './kube.ts';
import type { Manifest } from './objects.ts';
import { write } from './write.ts';

/** kept: run namespaces not expired, or whose ci-run label does not match their name. */
export type JanitorResult = { deleted: string[]; kept: string[] };

export async function deleteExpiredRunNamespaces(kube: Kube, now = new Date()): Promise<JanitorResult> {
  const list = await kube.core.listNamespace({ labelSelector: RUN_LABEL }).catch((e) => {
    throw kubeError(e, 'list run namespaces');
  });
  const result: JanitorResult = { deleted: [], kept: [] };
  for (const ns of list.items) {
    const name = ns.metadata?.name ?? '';
    if (!name.startsWith(E2E_NAMESPACE_PREFIX) || ns.metadata?.deletionTimestamp) continue;
    const expires = Date.parse(ns.metadata?.annotations?.[EXPIRES_ANNOTATION] ?? '');
    // a namespace whose label names another run is not this janitor's to judge
    if (ns.metadata?.labels?.[RUN_LABEL] !== name.slice(E2E_NAMESPACE_PREFIX.length) || !(expires < now.getTime())) {
      result.kept.push(name);
      continue;
    }
    const live: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: ns.metadata?.labels, annotations: ns.metadata?.annotations } };
    // 404 counts as done: gone meanwhile, or a retried DELETE whose first attempt did it (retry.ts)
    await write(kube, { verb: 'delete', ref: { apiVersion: 'v1', kind: 'Namespace', name }, object: live, janitor: { now } }, () =>
      kube.core.deleteNamespace({ name }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      }),
    );
    kube.log(`janitor: deleted expired namespace ${name} (expired ${new Date(expires).toISOString()})`);
    result.deleted.push(name);
  }
  return result;
}
