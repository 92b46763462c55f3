// Server-side apply through KubernetesObjectApi and typed APIs: upsert, managedFields,
// conflicts, force, field removal, keyed lists, and the PatchOptions errors.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, failure, raw, ssa, startWithClients, type Clients } from './support.ts';

let c: Clients;
const ns = 'apply';
beforeAll(async () => {
  c = await startWithClients();
  await createNamespace(c, ns);
});
afterAll(() => c?.double.stop());

const web = (replicas: number, extra: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels: { app: 'web', ...extra } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'lab-test/unregistered:1' }] } },
    },
  }) as k8s.KubernetesObject;

const apply = (o: k8s.KubernetesObject, manager: string, force = false) => c.objects.patch(o, undefined, undefined, manager, force, k8s.PatchStrategy.ServerSideApply);

describe('server-side apply', () => {
  test('apply creates (201) then updates (200) and records the manager in managedFields', async () => {
    const created = await apply(web(1), 'harness');
    expect(created.metadata?.managedFields).toEqual([expect.objectContaining({ manager: 'harness', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' })]);
    const f = created.metadata!.managedFields![0].fieldsV1 as Record<string, Record<string, unknown>>;
    expect(f['f:spec']['f:replicas']).toEqual({});
    expect(Object.keys((f['f:spec']['f:template'] as Record<string, Record<string, Record<string, unknown>>>)['f:spec']['f:containers'])).toEqual(['k:{"name":"web"}']);
    const again = await apply(web(2), 'harness');
    expect((again as k8s.V1Deployment).spec?.replicas).toBe(2);
    expect(again.metadata?.uid).toBe(created.metadata?.uid);
  });

  test('applying the same configuration again changes nothing (same resourceVersion)', async () => {
    const a = await apply(web(2), 'harness');
    const b = await apply(web(2), 'harness');
    expect(b.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
  });

  test('a different value for a field another manager owns is 409 with FieldManagerConflict causes', async () => {
    const e = await apiError(apply(web(3), 'other'));
    expect(e).toEqual({
      code: 409,
      body: failure(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "harness" using apps/v1: .spec.replicas', {
        name: 'web',
        group: 'apps',
        kind: 'deployments',
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "harness" using apps/v1', field: '.spec.replicas' }],
      }),
    });
  });

  test('the same value is shared, not a conflict', async () => {
    const shared = await apply(web(2), 'other');
    expect(shared.metadata?.managedFields?.map((m) => m.manager).sort()).toEqual(['harness', 'other']);
  });

  test('several conflicting fields are listed one per line', async () => {
    const o = web(4) as k8s.V1Deployment;
    o.spec!.template.spec!.containers[0].image = 'lab-test/other:2';
    const e = await apiError(apply(o, 'third'));
    expect(e.body.message).toBe(
      'Apply failed with 4 conflicts: conflicts with "harness" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image\nconflicts with "other" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  test('force=true takes the field over', async () => {
    const forced = await apply(web(5), 'other', true);
    expect((forced as k8s.V1Deployment).spec?.replicas).toBe(5);
    const harness = forced.metadata?.managedFields?.find((m) => m.manager === 'harness');
    expect((harness?.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas']).toBeUndefined();
    // harness no longer owns replicas: its next apply with another value now conflicts with "other"
    const e = await apiError(apply(web(1), 'harness'));
    expect(e.body.message).toBe('Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.replicas');
  });

  test('a field the manager omits next time, and nobody else owns, is removed', async () => {
    await apply(web(5, { tier: 'backend' }), 'other', true);
    const dropped = await apply(web(5), 'other');
    expect(dropped.metadata?.labels).toEqual({ app: 'web' });
  });

  test('managers own separate containers of the keyed list', async () => {
    const side = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'lab-test/side:1' }] } } },
    };
    const merged = (await apply(side as k8s.KubernetesObject, 'sidecar-injector')) as k8s.V1Deployment;
    expect(merged.spec?.template.spec?.containers.map((x) => x.name)).toEqual(['web', 'sidecar']);
  });

  test('a YAML apply body (as kubectl sends it) is read as YAML', async () => {
    const yamlBody = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello # a comment\n';
    const res = await raw(c.kc, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/from-yaml?fieldManager=kubectl`, yamlBody, { 'content-type': 'application/apply-patch+yaml' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: unknown }).data).toEqual({ greeting: 'hello' });
    const broken = await raw(c.kc, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/from-yaml?fieldManager=kubectl`, 'data: [unclosed', { 'content-type': 'application/apply-patch+yaml' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { message: string }).message).toMatch(/^error decoding YAML body: /);
  });

  test('typed patch with the apply content type works the same (CoreV1Api)', async () => {
    const r = await c.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'cfg', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } }, fieldManager: 'typed' },
      ssa,
    );
    expect(r.data).toEqual({ a: '1' });
    expect(r.metadata?.managedFields?.[0].manager).toBe('typed');
  });
});

describe('apply errors', () => {
  test('fieldManager is required: 422 on PatchOptions', async () => {
    const e = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'cfg', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } } }, ssa));
    expect(e).toEqual({
      code: 422,
      body: failure(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
      }),
    });
  });

  test('a body whose kind, apiVersion or name does not match the URL is 400', async () => {
    const kind = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'cfg', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cfg' } }, fieldManager: 'm' }, ssa));
    expect(kind.body).toEqual(failure(400, 'BadRequest', 'the kind in the data (Secret) does not match the expected kind (ConfigMap)'));
    const version = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'cfg', body: { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'cfg' } }, fieldManager: 'm' }, ssa));
    expect(version.body).toEqual(failure(400, 'BadRequest', 'the API version in the data (v2) does not match the expected API version (v1)'));
    const name = await apiError(c.core.patchNamespacedConfigMap({ namespace: ns, name: 'cfg', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } }, fieldManager: 'm' }, ssa));
    expect(name.code).toBe(400);
    expect(name.body.reason).toBe('BadRequest');
  });

  test('apply into a missing namespace is 404 for the namespace', async () => {
    const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nowhere' } };
    const e = await apiError(apply(o, 'm'));
    expect(e.body).toEqual(failure(404, 'NotFound', 'namespaces "nowhere" not found', { name: 'nowhere', kind: 'namespaces' }));
  });

  test('an apply that would create an invalid object is 422', async () => {
    const o = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'partial', namespace: ns }, spec: { replicas: 1 } };
    const e = await apiError(apply(o, 'm'));
    expect(e.code).toBe(422);
    expect(e.body.message).toMatch(/^Deployment\.apps "partial" is invalid: \[?spec\.selector: Required value/);
  });
});
