// Label and field selectors on list, through the typed APIs and KubernetesObjectApi.list.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, failure, startWithClients, type Clients } from './support.ts';

let c: Clients;
const ns = 'sel';
beforeAll(async () => {
  c = await startWithClients();
  await createNamespace(c, ns);
  const labels: Record<string, Record<string, string>> = {
    a: { app: 'web', tier: 'front' },
    b: { app: 'web', tier: 'back' },
    c: { app: 'db' },
    d: {},
  };
  for (const [name, l] of Object.entries(labels)) await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: l } } });
});
afterAll(() => c?.double.stop());

const names = async (labelSelector?: string, fieldSelector?: string) =>
  (await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector, fieldSelector })).items.map((i) => i.metadata?.name).filter((n) => n !== 'kube-root-ca.crt');

describe('labelSelector', () => {
  test.each([
    ['app=web', ['a', 'b']],
    ['app==web', ['a', 'b']],
    ['app!=web', ['c', 'd']],
    ['app=web,tier=back', ['b']],
    ['tier in (front,back)', ['a', 'b']],
    ['app notin (web)', ['c', 'd']],
    ['tier', ['a', 'b']],
    ['!tier', ['c', 'd']],
    ['app in (web, db),!tier', ['c']],
  ])('%s', async (sel, want) => {
    expect(await names(sel)).toEqual(want);
  });

  test('KubernetesObjectApi.list passes the selector the same way', async () => {
    const l = await c.objects.list('v1', 'ConfigMap', ns, undefined, undefined, undefined, undefined, 'app=db');
    expect(l.items.map((i) => i.metadata?.name)).toEqual(['c']);
  });

  test('an unparsable selector is 400 BadRequest', async () => {
    const e = await apiError(c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app in (web' }));
    expect(e.code).toBe(400);
    expect(e.body.reason).toBe('BadRequest');
    expect(e.body.message).toMatch(/^unable to parse requirement: /);
    const bad = await apiError(c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=we b' }));
    expect(bad.code).toBe(400);
  });
});

describe('fieldSelector', () => {
  test('metadata.name and metadata.namespace, = and !=', async () => {
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names(undefined, 'metadata.name!=b')).toEqual(['a', 'c', 'd']);
    const across = await c.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns},metadata.name=c` });
    expect(across.items.map((i) => i.metadata?.name)).toEqual(['c']);
  });

  test('an unsupported field is 400 BadRequest', async () => {
    const e = await apiError(c.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'spec.foo=bar' }));
    expect(e.body).toEqual(failure(400, 'BadRequest', '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'));
  });
});
