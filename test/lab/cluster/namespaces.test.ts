// Namespaces pass through Terminating: DELETE returns the namespace with a deletionTimestamp,
// creates inside it are 403, a second DELETE is 409, the namespace controller then removes the
// contents and the namespace (after a steerable delay, or on finalize()).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, failure, raw, startWithClients, until, type Clients } from './support.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({ namespaceFinalizeDelayMs: null });
});
afterAll(() => c?.double.stop());

describe('namespace lifecycle', () => {
  test('a new namespace is Active with the kubernetes finalizer and gets a default ServiceAccount', async () => {
    const made = await c.core.createNamespace({ body: { metadata: { name: 'life' } } });
    expect(made.status?.phase).toBe('Active');
    expect(made.spec?.finalizers).toEqual(['kubernetes']);
    await until(() => c.core.readNamespacedServiceAccount({ namespace: 'life', name: 'default' }), 'default ServiceAccount');
  });

  test('DELETE answers the Terminating namespace; it stays until finalized', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'content' } } });
    const res = await raw(c.kc, 'DELETE', '/api/v1/namespaces/life');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kind: string; metadata: { deletionTimestamp?: string }; spec: unknown; status: unknown };
    expect(body.kind).toBe('Namespace');
    expect(body.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(body.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(body.status).toEqual({ phase: 'Terminating' });
    const read = await c.core.readNamespace({ name: 'life' });
    expect(read.status?.phase).toBe('Terminating');
    expect(await c.core.readNamespacedConfigMap({ namespace: 'life', name: 'content' })).toBeTruthy();
  });

  test('creating inside a Terminating namespace is 403 with the NamespaceTerminating cause', async () => {
    expect(await apiError(c.core.createNamespacedConfigMap({ namespace: 'life', body: { metadata: { name: 'x' } } }))).toEqual({
      code: 403,
      body: failure(403, 'Forbidden', 'configmaps "x" is forbidden: unable to create new content in namespace life because it is being terminated', {
        name: 'x',
        kind: 'configmaps',
        causes: [{ reason: 'NamespaceTerminating', message: 'namespace life is being terminated', field: 'metadata.namespace' }],
      }),
    });
  });

  test('deleting it again is 409 Conflict', async () => {
    expect(await apiError(c.core.deleteNamespace({ name: 'life' }))).toEqual({
      code: 409,
      body: failure(
        409,
        'Conflict',
        'Operation cannot be fulfilled on namespaces "life": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
        { name: 'life', kind: 'namespaces' },
      ),
    });
  });

  test('finalize() deletes the contents (DELETED events) and the namespace', async () => {
    const events: string[] = [];
    const w = await new k8s.Watch(c.kc).watch(
      '/api/v1/namespaces/life/configmaps',
      {},
      (type, obj: k8s.V1ConfigMap) => events.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    await until(() => events.includes('ADDED content'), 'initial ADDED');
    await c.double.namespaces.finalize('life');
    await until(() => events.includes('DELETED content'), 'DELETED event for the content');
    w.abort();
    expect((await apiError(c.core.readNamespace({ name: 'life' }))).code).toBe(404);
  });

  test('with a finalize delay the namespace disappears by itself', async () => {
    c.double.namespaces.setFinalizeDelayMs(150);
    try {
      await createNamespace(c, 'auto');
      await c.core.deleteNamespace({ name: 'auto' });
      expect((await c.core.readNamespace({ name: 'auto' })).status?.phase).toBe('Terminating');
      await until(async () => (await apiError(c.core.readNamespace({ name: 'auto' }))).code === 404, 'namespace gone');
    } finally {
      c.double.namespaces.setFinalizeDelayMs(null);
    }
  });

  test('the system namespaces may not be deleted', async () => {
    const e = await apiError(c.core.deleteNamespace({ name: 'default' }));
    expect(e.body).toEqual(failure(403, 'Forbidden', 'namespaces "default" is forbidden: this namespace may not be deleted', { name: 'default', kind: 'namespaces' }));
  });

  test('finalize() of a namespace that is not Terminating is refused', async () => {
    await createNamespace(c, 'alive');
    await expect(c.double.namespaces.finalize('alive')).rejects.toThrow('namespace alive is not Terminating: delete it first');
  });
});
