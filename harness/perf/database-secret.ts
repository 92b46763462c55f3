// The Secret the read service takes DATABASE_URL from. On D601 it is provisioned with the
// production read credentials; in the lab the suite applies one pointing at the lab's seeded
// PostgreSQL (labelled with the run id, deleted with the read service — only if still this run's).
import { CI_NAMESPACE } from '../config.ts';
import type { Kube } from '../kube/kube.ts';
import { refOf, type Manifest } from '../kube/objects.ts';
import { claimObject, deleteOwned } from '../kube/owned.ts';
import { registerSecret } from '../redact.ts';
import { BUSY } from './read-service.ts';

export type DatabaseSecret = AsyncDisposable & { apply: (signal?: AbortSignal) => Promise<void> };

/** Prepares only: dispose (registered before `apply`) deletes the Secret if this run created it. */
export function labDatabaseSecret(kube: Kube, name: string, databaseUrl: string): DatabaseSecret {
  registerSecret(databaseUrl);
  try {
    registerSecret(decodeURIComponent(new URL(databaseUrl).password) || undefined);
  } catch {
    // not a URL: the whole value is registered above
  }
  const secret: Manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: CI_NAMESPACE, labels: { 'unidesk.ai/ci-run': kube.runId, 'app.kubernetes.io/part-of': 'unidesk-ci' } },
    type: 'Opaque',
    data: { DATABASE_URL: Buffer.from(databaseUrl).toString('base64') },
  };
  let removal: Promise<unknown> | undefined;
  return {
    apply: async (signal) => {
      signal?.throwIfAborted();
      await claimObject(kube, secret, BUSY);
    },
    [Symbol.asyncDispose]: async () => void (await (removal ??= deleteOwned(kube, refOf(secret), { timeoutMs: 60_000 }))),
  };
}
