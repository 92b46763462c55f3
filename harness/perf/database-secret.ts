// The Secret the read service takes DATABASE_URL from. On D601 it is provisioned with the
// production read credentials; in the lab the suite applies one pointing at the lab's seeded
// PostgreSQL (labelled with the run id, deleted with the read service).
import { CI_NAMESPACE } from '../config.ts';
import { applyObjects } from '../kube/apply.ts';
import { deleteAndWait } from '../kube/delete.ts';
import type { Kube } from '../kube/kube.ts';
import { refOf, type Manifest } from '../kube/objects.ts';
import { registerSecret } from '../redact.ts';

export async function applyDatabaseSecret(kube: Kube, name: string, databaseUrl: string): Promise<AsyncDisposable> {
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
  await applyObjects(kube, [secret]);
  return { [Symbol.asyncDispose]: async () => void (await deleteAndWait(kube, refOf(secret), { timeoutMs: 60_000 })) };
}
