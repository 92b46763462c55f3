// Create/get/list/update/delete through client-node's typed APIs, with the exact Status bodies.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, clientsFor, createNamespace, deployment, failure, kubeconfigFor, raw, startWithClients, type Clients } from './support.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
  await createNamespace(c, 'crud');
});
afterAll(() => c?.double.stop());

describe('create and read', () => {
  test('create sets uid, creationTimestamp, resourceVersion and managedFields; get returns the same object', async () => {
    const made = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'cm1', labels: { a: 'b' } }, data: { k: 'v' } } });
    expect(made.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(made.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(made.metadata?.managedFields?.[0]).toMatchObject({ operation: 'Update', fieldsType: 'FieldsV1', apiVersion: 'v1' });
    const read = await c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'cm1' });
    expect(read.metadata?.uid).toBe(made.metadata?.uid);
    expect(read.data).toEqual({ k: 'v' });
  });

  test('resourceVersion is one global counter that grows with every write', async () => {
    const a = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'rv-a' } } });
    const b = await c.core.createNamespacedSecret({ namespace: 'crud', body: { metadata: { name: 'rv-b' } } });
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    const list = await c.core.listNamespacedConfigMap({ namespace: 'crud' });
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(b.metadata?.resourceVersion));
  });

  test('generateName appends 5 random characters', async () => {
    const a = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { generateName: 'gen-' } } });
    const b = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { generateName: 'gen-' } } });
    expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(b.metadata?.name).not.toBe(a.metadata?.name);
  });

  test('generation starts at 1 on Deployments and is absent on ConfigMaps', async () => {
    const d = await c.apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('gen-web') });
    expect(d.metadata?.generation).toBe(1);
    const cm = await c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'cm1' });
    expect(cm.metadata?.generation).toBeUndefined();
  });

  test('Secret stringData is stored base64-encoded in data', async () => {
    const s = await c.core.createNamespacedSecret({ namespace: 'crud', body: { metadata: { name: 's1' }, stringData: { password: 'hunter2' } } });
    expect(s.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });
    expect(s.stringData).toBeUndefined();
  });
});

describe('errors', () => {
  test('404 NotFound names the resource (core group without suffix, apps with)', async () => {
    expect(await apiError(c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'nope' }))).toEqual({
      code: 404,
      body: failure(404, 'NotFound', 'configmaps "nope" not found', { name: 'nope', kind: 'configmaps' }),
    });
    expect(await apiError(c.apps.readNamespacedDeployment({ namespace: 'crud', name: 'web' }))).toEqual({
      code: 404,
      body: failure(404, 'NotFound', 'deployments.apps "web" not found', { name: 'web', group: 'apps', kind: 'deployments' }),
    });
  });

  test('creating inside a missing namespace is 404 for the namespace', async () => {
    expect(await apiError(c.core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'x' } } }))).toEqual({
      code: 404,
      body: failure(404, 'NotFound', 'namespaces "ghost" not found', { name: 'ghost', kind: 'namespaces' }),
    });
  });

  test('409 AlreadyExists', async () => {
    await c.apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('dup') });
    expect(await apiError(c.apps.createNamespacedDeployment({ namespace: 'crud', body: deployment('dup') }))).toEqual({
      code: 409,
      body: failure(409, 'AlreadyExists', 'deployments.apps "dup" already exists', { name: 'dup', group: 'apps', kind: 'deployments' }),
    });
  });

  test('400 BadRequest when a create carries a resourceVersion', async () => {
    const e = await apiError(c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'with-rv', resourceVersion: '5' } } }));
    expect(e).toEqual({ code: 400, body: failure(400, 'BadRequest', 'resourceVersion should not be set on objects to be created') });
  });

  test('400 BadRequest when the body namespace differs from the URL', async () => {
    const e = await apiError(c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'x', namespace: 'other' } } }));
    expect(e.body).toEqual(failure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
  });

  test('404 for resources and groups the double does not serve', async () => {
    const res = await raw(c.kc, 'GET', '/apis/example.com/v1/namespaces/crud/gizmos');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(failure(404, 'NotFound', 'the server could not find the requested resource'));
    const sub = await raw(c.kc, 'GET', '/api/v1/namespaces/crud/configmaps/cm1/scale');
    expect(sub.status).toBe(404);
  });

  test('405 MethodNotAllowed for a verb the resource does not have', async () => {
    const res = await raw(c.kc, 'POST', '/api/v1/namespaces/crud/configmaps/cm1', '{}');
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    const review = await raw(c.kc, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(review.status).toBe(405);
  });

  test('malformed bodies are 400 BadRequest, never a crash or a silent success', async () => {
    const broken = await raw(c.kc, 'POST', '/api/v1/namespaces/crud/configmaps', '{"metadata": {');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { message: string }).message).toMatch(/^error decoding JSON body: /);
    const list = await raw(c.kc, 'POST', '/api/v1/namespaces/crud/configmaps', '[1,2]');
    expect(await list.json()).toEqual(failure(400, 'BadRequest', 'the body must be a JSON object'));
    const empty = await raw(c.kc, 'POST', '/api/v1/namespaces/crud/configmaps', '');
    expect(empty.status).toBe(400);
    const meta = await raw(c.kc, 'POST', '/api/v1/namespaces/crud/configmaps', '{"metadata": "x"}');
    expect(await meta.json()).toEqual(failure(400, 'BadRequest', 'metadata must be an object'));
    const encoding = await raw(c.kc, 'GET', '/api/v1/namespaces/crud/configmaps/%E0%A4%A');
    expect(encoding.status).toBe(400);
  });

  test('401 Unauthorized without a valid token', async () => {
    const stranger = clientsFor(c.double, kubeconfigFor(c.double, 'wrong-token'));
    // client-node's generated code drops the body of a 401, so the body is read raw
    expect((await apiError(stranger.core.listNamespace())).code).toBe(401);
    const res = await raw(stranger.kc, 'GET', '/api/v1/namespaces');
    expect(await res.json()).toEqual(failure(401, 'Unauthorized', 'Unauthorized'));
    expect(c.double.requests().at(-1)).toMatchObject({ path: '/api/v1/namespaces', user: 'system:anonymous', code: 401 });
  });
});

describe('update', () => {
  test('PUT with the current resourceVersion succeeds, with a stale one is 409 Conflict', async () => {
    const cm = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'upd' }, data: { a: '1' } } });
    const stale = structuredClone(cm);
    cm.data = { a: '2' };
    const updated = await c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'upd', body: cm });
    expect(updated.data).toEqual({ a: '2' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    stale.data = { a: '3' };
    expect(await apiError(c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'upd', body: stale }))).toEqual({
      code: 409,
      body: failure(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again', {
        name: 'upd',
        kind: 'configmaps',
      }),
    });
  });

  test('PUT without a resourceVersion is unconditional', async () => {
    const r = await c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'upd', body: { metadata: { name: 'upd' }, data: { a: 'forced' } } });
    expect(r.data).toEqual({ a: 'forced' });
  });

  test('a no-op update keeps the resourceVersion', async () => {
    const cur = await c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'upd' });
    const again = await c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'upd', body: cur });
    expect(again.metadata?.resourceVersion).toBe(cur.metadata?.resourceVersion);
  });

  test('PUT of a missing object is 404', async () => {
    const e = await apiError(c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'missing', body: { metadata: { name: 'missing' } } }));
    expect(e.code).toBe(404);
    expect(e.body.message).toBe('configmaps "missing" not found');
  });

  test('PUT with a different name in the body is 400', async () => {
    const e = await apiError(c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'upd', body: { metadata: { name: 'other' } } }));
    expect(e.body).toEqual(failure(400, 'BadRequest', 'the name of the object (other) does not match the name on the URL (upd)'));
  });
});

describe('delete', () => {
  test('delete answers a Success Status with the uid; the object is gone', async () => {
    const cm = await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'del' } } });
    const res = await raw(c.kc, 'DELETE', '/api/v1/namespaces/crud/configmaps/del');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'del', kind: 'configmaps', uid: cm.metadata?.uid } });
    expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'del' }))).code).toBe(404);
    expect((await apiError(c.core.deleteNamespacedConfigMap({ namespace: 'crud', name: 'del' }))).code).toBe(404);
  });

  test('an object with finalizers comes back with a deletionTimestamp and goes when the finalizer is removed', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'fin', finalizers: ['lab.unidesk.ai/hold'] } } });
    const res = await raw(c.kc, 'DELETE', '/api/v1/namespaces/crud/configmaps/fin');
    const body = (await res.json()) as { kind: string; metadata: { deletionTimestamp?: string } };
    expect(body.kind).toBe('ConfigMap');
    expect(body.metadata.deletionTimestamp).toMatch(/Z$/);
    const held = await c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'fin' });
    held.metadata!.finalizers = [];
    await c.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'fin', body: held });
    expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'crud', name: 'fin' }))).code).toBe(404);
  });

  test('a stale precondition is 409', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'pre' } } });
    const e = await apiError(c.core.deleteNamespacedConfigMap({ namespace: 'crud', name: 'pre', body: { preconditions: { resourceVersion: '1' } } }));
    expect(e.code).toBe(409);
    expect(e.body.reason).toBe('Conflict');
  });

  test('deletecollection removes what the label selector matches', async () => {
    for (const [name, team] of [
      ['dc-1', 'x'],
      ['dc-2', 'x'],
      ['dc-3', 'y'],
    ]) {
      await c.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name, labels: { team } } } });
    }
    await c.core.deleteCollectionNamespacedConfigMap({ namespace: 'crud', labelSelector: 'team=x' });
    const left = await c.core.listNamespacedConfigMap({ namespace: 'crud', labelSelector: 'team' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['dc-3']);
  });
});

describe('list', () => {
  test('list across namespaces, with limit and continue', async () => {
    await createNamespace(c, 'crud-2');
    await c.core.createNamespacedConfigMap({ namespace: 'crud-2', body: { metadata: { name: 'elsewhere' } } });
    const all = await c.core.listConfigMapForAllNamespaces();
    expect(all.items.some((i) => i.metadata?.namespace === 'crud-2')).toBe(true);
    const page1 = await c.core.listNamespacedConfigMap({ namespace: 'crud', limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata?._continue).toBeTruthy();
    const page2 = await c.core.listNamespacedConfigMap({ namespace: 'crud', limit: 2, _continue: page1.metadata?._continue });
    expect(page2.items[0].metadata?.name).not.toBe(page1.items[0].metadata?.name);
  });
});
