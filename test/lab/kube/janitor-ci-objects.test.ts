// The janitor of unidesk-ci (harness/kube/janitor-ci-objects.ts) against the cluster double: only
// labelled, expired Deployments/Services/Secrets in unidesk-ci are deleted; unexpired, unlabelled,
// unmarked and other namespaces' objects are untouched; a perf run's leftovers stop blocking.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CiError } from '../../../harness/failure.ts';
import { deleteExpiredCiObjects, EXPIRES_ANNOTATION, RUN_LABEL, type Kube, type Manifest } from '../../../harness/kube/index.ts';
import { claimObject } from '../../../harness/kube/owned.ts';
import { labDatabaseSecret } from '../../../harness/perf/database-secret.ts';
import { BUSY } from '../../../harness/perf/read-service.ts';
import { readServiceManifests } from '../../../harness/perf/read-service-manifests.ts';
import { deployment, namespace, startKubeLab, writes, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
beforeAll(async () => {
  lab = await startKubeLab();
  await lab.adminApply(namespace('unidesk-ci'));
  await lab.adminApply(namespace('unidesk-dev'));
});
afterAll(() => lab[Symbol.asyncDispose]());

const PAST = () => new Date(Date.now() - 60_000).toISOString();
const FUTURE = () => new Date(Date.now() + 3600_000).toISOString();

function mark(m: Manifest, run: string | undefined, expires: string | undefined): Manifest {
  m.metadata.labels = run ? { [RUN_LABEL]: run } : undefined;
  m.metadata.annotations = expires ? { [EXPIRES_ANNOTATION]: expires } : undefined;
  return m;
}
const deploy = (name: string, ns = 'unidesk-ci') => deployment(name, ns, 'lab-test/idle:1', 0);
const service = (name: string, ns = 'unidesk-ci') =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] } }) as Manifest;
const secret = (name: string, ns = 'unidesk-ci') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', data: { a: 'MQ==' } }) as Manifest;

const find = (kind: string, name: string, ns = 'unidesk-ci') => lab.double.objects().find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);

describe('janitor of unidesk-ci', () => {
  test('expired labelled Deployment/Service/Secret deleted; unexpired, unlabelled, unmarked and other namespaces untouched', async () => {
    for (const m of [
      mark(deploy('dead-deploy'), 'dead1', PAST()),
      mark(service('dead-svc'), 'dead1', PAST()),
      mark(secret('dead-secret'), 'dead1', PAST()),
      mark(deploy('live-deploy'), 'live1', FUTURE()),
      mark(secret('live-secret'), 'live1', FUTURE()),
      mark(service('plain-svc'), undefined, PAST()),
      mark(secret('old-secret'), 'old1', undefined),
      mark(deploy('dead-deploy', 'unidesk-dev'), 'dead1', PAST()),
      mark(secret('dead-secret', 'unidesk-dev'), 'dead1', PAST()),
    ]) {
      await lab.adminApply(m);
    }
    const untouched = [
      ['Deployment', 'live-deploy', 'unidesk-ci'],
      ['Secret', 'live-secret', 'unidesk-ci'],
      ['Service', 'plain-svc', 'unidesk-ci'],
      ['Secret', 'old-secret', 'unidesk-ci'],
      ['Deployment', 'dead-deploy', 'unidesk-dev'],
      ['Secret', 'dead-secret', 'unidesk-dev'],
    ] as const;
    const before = untouched.map(([k, n, ns]) => find(k, n, ns)?.metadata.resourceVersion);
    expect(before.every(Boolean)).toBe(true);
    const since = lab.double.requests().at(-1)?.seq ?? 0;

    const result = await deleteExpiredCiObjects(lab.kube('jan2'), { timeoutMs: 30_000 });

    expect(result.deleted.sort()).toEqual(['Deployment unidesk-ci/dead-deploy', 'Secret unidesk-ci/dead-secret', 'Service unidesk-ci/dead-svc']);
    expect(result.kept.sort()).toEqual(['Deployment unidesk-ci/live-deploy', 'Secret unidesk-ci/live-secret']);
    expect(result.unmarked).toEqual(['Secret unidesk-ci/old-secret']);
    for (const [k, n] of [
      ['Deployment', 'dead-deploy'],
      ['Service', 'dead-svc'],
      ['Secret', 'dead-secret'],
    ])
      expect(find(k, n)).toBeUndefined();
    expect(untouched.map(([k, n, ns]) => find(k, n, ns)?.metadata.resourceVersion)).toEqual(before);
    // writes: exactly the three deletes, all in unidesk-ci
    const w = writes(lab.double, since);
    expect(w.every((r) => r.method === 'DELETE' && r.path.includes('/namespaces/unidesk-ci/'))).toBe(true);
    expect(w.map((r) => r.path.split('?')[0].split('/').at(-1)).sort()).toEqual(['dead-deploy', 'dead-secret', 'dead-svc']);
    expect(lab.lines.filter((l) => l.startsWith('janitor: deleting expired ')).length).toBe(3);
    expect(lab.lines.some((l) => /janitor: leaving Secret unidesk-ci\/old-secret of run old1: no unidesk\.ai\/ci-expires-at annotation/.test(l))).toBe(true);
  });

  test("a dead perf run's read Service and database Secret block the next run until the janitor removes them", async () => {
    // the dead run's claim stamped an expiry already in the past (its ttl ran out)
    const dead: Kube = { ...lab.kube('deadperf'), ttlMs: -60_000 };
    const spec = { runId: 'deadperf', image: 'unidesk-code-queue:abc123', databaseSecret: 'code-queue-ci-read-database', registry: '127.0.0.1:5000' };
    const svc = readServiceManifests(spec)[1];
    await claimObject(dead, svc, BUSY);
    await labDatabaseSecret(dead, 'code-queue-ci-read-database', 'postgres://u:pw@127.0.0.1:5432/db').apply();
    expect(Date.parse(find('Service', svc.metadata.name)?.metadata.annotations?.[EXPIRES_ANNOTATION] ?? '')).toBeLessThan(Date.now());

    const next = lab.kube('nextperf');
    const blocked = await claimObject(next, readServiceManifests({ ...spec, runId: 'nextperf' })[1], BUSY).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(CiError);
    expect((blocked as CiError).failureClass).toBe('infra.cluster');

    const result = await deleteExpiredCiObjects(next, { timeoutMs: 30_000 });
    expect(result.deleted).toEqual(expect.arrayContaining([`Service unidesk-ci/${svc.metadata.name}`, 'Secret unidesk-ci/code-queue-ci-read-database']));

    expect(await claimObject(next, readServiceManifests({ ...spec, runId: 'nextperf' })[1], BUSY)).toBe('created');
    const claimed = find('Service', svc.metadata.name);
    expect(claimed?.metadata.labels?.[RUN_LABEL]).toBe('nextperf');
    // the new claim carries a future expiry (the janitor leaves it alone)
    expect(Date.parse(claimed?.metadata.annotations?.[EXPIRES_ANNOTATION] ?? '')).toBeGreaterThan(Date.now());
    expect((await deleteExpiredCiObjects(next)).deleted).toEqual([]);
    expect(find('Service', svc.metadata.name)?.metadata.uid).toBe(claimed?.metadata.uid);
  });
});
