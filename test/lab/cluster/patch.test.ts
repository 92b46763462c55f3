// PATCH: JSON patch (the typed APIs' default), merge patch, strategic merge (keyed lists),
// optimistic concurrency, generation and the /status subresource.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, deployment, failure, mergePatch, raw, startWithClients, strategicPatch, type Clients } from './support.ts';

let c: Clients;
const ns = 'patch';
beforeAll(async () => {
  c = await startWithClients();
  await createNamespace(c, ns);
});
afterAll(() => c?.double.stop());

describe('patch formats', () => {
  test('JSON patch (the typed default): add, replace, remove; a failed test op is 422', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'jp' }, data: { a: '1', b: '2' } } });
    const r = await c.core.patchNamespacedConfigMap({
      namespace: ns,
      name: 'jp',
      body: [
        { op: 'replace', path: '/data/a', value: 'one' },
        { op: 'remove', path: '/data/b' },
        { op: 'add', path: '/data/c', value: '3' },
      ],
    });
    expect(r.data).toEqual({ a: 'one', c: '3' });
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'jp', body: [{ op: 'test', path: '/data/a', value: 'nope' }] }));
    expect(e.code).toBe(422);
    expect(e.body.reason).toBe('Invalid');
    expect((e.body.details as { causes: { field: string }[] }).causes[0].field).toBe('patch');
  });

  test('JSON patch move, copy and array insertion; a bad path is 422', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'jp2', finalizers: ['a/x'] }, data: { a: '1' } } });
    const r = await c.core.patchNamespacedConfigMap({
      namespace: ns,
      name: 'jp2',
      body: [
        { op: 'copy', from: '/data/a', path: '/data/b' },
        { op: 'move', from: '/data/a', path: '/data/c' },
        { op: 'add', path: '/metadata/finalizers/0', value: 'a/first' },
        { op: 'add', path: '/metadata/finalizers/-', value: 'a/last' },
      ],
    });
    expect(r.data).toEqual({ b: '1', c: '1' });
    expect(r.metadata?.finalizers).toEqual(['a/first', 'a/x', 'a/last']);
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'jp2', body: [{ op: 'remove', path: '/data/missing' }] }));
    expect(e.code).toBe(422);
    expect((e.body.details as { causes: { message: string }[] }).causes[0].message).toMatch(/remove operation does not apply: doc is missing path: \/data\/missing$/);
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'jp2', body: [{ op: 'replace', path: '/metadata/finalizers', value: [] }] });
  });

  test('merge patch: maps merge, null deletes, lists are replaced', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mp', labels: { x: '1', y: '2' } }, data: { a: '1' } } });
    const r = await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'mp', body: { metadata: { labels: { y: null, z: '3' } }, data: { b: '2' } } }, mergePatch);
    expect(r.metadata?.labels).toEqual({ x: '1', z: '3' });
    expect(r.data).toEqual({ a: '1', b: '2' });
  });

  test('strategic merge: containers merge by name, env by name; other lists replace', async () => {
    const body = deployment('smp');
    body.spec.template.spec.containers = [{ name: 'main', image: 'a:1', env: [{ name: 'A', value: '1' }] } as never, { name: 'side', image: 'b:1' } as never];
    await c.apps.createNamespacedDeployment({ namespace: ns, body });
    const r = await c.apps.patchNamespacedDeployment(
      { namespace: ns, name: 'smp', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'a:2', env: [{ name: 'B', value: '2' }] }] } } } } },
      strategicPatch,
    );
    const containers = r.spec?.template.spec?.containers ?? [];
    expect(containers.map((x) => `${x.name}=${x.image}`)).toEqual(['main=a:2', 'side=b:1']);
    expect(containers[0].env?.map((e) => e.name)).toEqual(['A', 'B']);
  });

  test('strategic merge: `$patch: delete` removes one keyed item', async () => {
    const r = await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'smp', body: { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } } }, strategicPatch);
    expect(r.spec?.template.spec?.containers.map((x) => x.name)).toEqual(['main']);
  });

  test('a patch carrying a stale metadata.resourceVersion is 409 Conflict', async () => {
    const cm = await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'stale' } } });
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'stale', body: { data: { a: '1' } } }, mergePatch);
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'stale', body: { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { a: '2' } } }, mergePatch));
    expect(e).toEqual({
      code: 409,
      body: failure(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again', {
        name: 'stale',
        kind: 'configmaps',
      }),
    });
  });

  test('force on a non-apply patch is 422', async () => {
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'stale', body: { data: { a: '3' } }, force: true }, mergePatch));
    expect(e).toEqual({
      code: 422,
      body: failure(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }],
      }),
    });
  });

  test('an unknown patch content type is 415', async () => {
    const res = await raw(c.kc, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/stale`, '{}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { reason: string }).reason).toBe('UnsupportedMediaType');
  });

  test('patching a missing object is 404', async () => {
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'ghost', body: { data: {} } }, mergePatch));
    expect(e.body).toEqual(failure(404, 'NotFound', 'configmaps "ghost" not found', { name: 'ghost', kind: 'configmaps' }));
  });
});

describe('generation and status', () => {
  test('generation moves on spec changes only', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('gen') });
    const labelled = await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'gen', body: { metadata: { labels: { x: 'y' } } } }, mergePatch);
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'gen', body: { spec: { replicas: 2 } } }, mergePatch);
    expect(scaled.metadata?.generation).toBe(2);
  });

  test('writes to the main resource ignore status; /status changes only status', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: { ...deployment('st'), status: { replicas: 9 } } as k8s.V1Deployment });
    const viaMain = await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'st', body: { status: { observedGeneration: 99 } } }, mergePatch);
    expect(viaMain.status?.observedGeneration).not.toBe(99);
    const viaStatus = await c.apps.patchNamespacedDeploymentStatus(
      { namespace: ns, name: 'st', body: { spec: { replicas: 5 }, status: { conditions: [{ type: 'Lab', status: 'True' }] } } },
      mergePatch,
    );
    expect(viaStatus.status?.conditions?.some((x) => x.type === 'Lab')).toBe(true);
    expect(viaStatus.spec?.replicas).toBe(1);
    expect(viaStatus.metadata?.generation).toBe(1);
    // a kind without a controller keeps what /status wrote
    await c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'st' }, spec: { ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } } });
    expect((await c.core.readNamespacedService({ namespace: ns, name: 'st' })).status?.loadBalancer?.ingress).toBeUndefined();
    await c.core.replaceNamespacedServiceStatus({ namespace: ns, name: 'st', body: { metadata: { name: 'st' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.2' }] } } } });
    const read = await c.core.readNamespacedServiceStatus({ namespace: ns, name: 'st' });
    expect(read.status?.loadBalancer?.ingress).toEqual([{ ip: '10.0.0.2' }]);
  });
});
