// Watch through client-node's Watch: initial ADDED, resume from a resourceVersion, BOOKMARKs,
// 410 Expired, selectors and timeoutSeconds.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createNamespace, mergePatch, startWithClients, until, type Clients } from './support.ts';

let c: Clients;
const ns = 'watch';
beforeAll(async () => {
  c = await startWithClients({ watchHistoryLimit: 50, bookmarkIntervalMs: 100 });
  await createNamespace(c, ns);
});
afterAll(() => c?.double.stop());

type Seen = { type: string; name?: string; rv?: string; obj: Record<string, unknown> };

async function watchInto(path: string, query: Record<string, string | number | boolean | undefined>) {
  const seen: Seen[] = [];
  let done: unknown = 'open';
  const ac = await new k8s.Watch(c.kc).watch(
    path,
    query,
    (type, obj: k8s.KubernetesObject & Record<string, unknown>) => seen.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, obj }),
    (err) => (done = err ?? null),
  );
  return { seen, ac, done: () => done };
}

describe('watch', () => {
  test('without resourceVersion: ADDED for existing objects, then live events', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w1' } } });
    const w = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, {});
    await until(() => w.seen.some((e) => e.type === 'ADDED' && e.name === 'w1'), 'synthetic ADDED');
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'w1', body: { data: { a: '1' } } }, mergePatch);
    await c.core.deleteNamespacedConfigMap({ namespace: ns, name: 'w1' });
    await until(() => w.seen.some((e) => e.type === 'DELETED' && e.name === 'w1'), 'DELETED');
    w.ac.abort();
    expect(w.seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(w.seen[1].obj.kind).toBe('ConfigMap');
    expect(w.seen[1].obj.apiVersion).toBe('v1');
  });

  test('with resourceVersion=N: replays exactly the events after N', async () => {
    const a = await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'r1' } } });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'r2' } } });
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'r1', body: { data: { x: 'y' } } }, mergePatch);
    const w = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: a.metadata?.resourceVersion });
    await until(() => w.seen.length >= 2, 'replayed events');
    w.ac.abort();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED r2', 'MODIFIED r1']);
  });

  test('a resourceVersion older than the history gets an ERROR event with 410 Expired', async () => {
    const first = await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'old' } } });
    for (let i = 0; i < 60; i++) await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'old', body: { data: { i: String(i) } } }, mergePatch);
    const w = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: first.metadata?.resourceVersion });
    await until(() => w.seen.length >= 1, 'ERROR event');
    w.ac.abort();
    expect(w.seen[0].type).toBe('ERROR');
    expect(w.seen[0].obj).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${first.metadata?.resourceVersion}`,
      reason: 'Expired',
      code: 410,
    });
  });

  test('BOOKMARKs carry only kind, apiVersion and resourceVersion, and only when asked for', async () => {
    const withBookmarks = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { allowWatchBookmarks: true, labelSelector: 'none=here' });
    const without = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'none=here' });
    await until(() => withBookmarks.seen.some((e) => e.type === 'BOOKMARK'), 'a BOOKMARK');
    const b = withBookmarks.seen.find((e) => e.type === 'BOOKMARK')!;
    expect(b.obj).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    // give the other watch several bookmark intervals' worth of chances
    const marker = await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'marker', labels: { none: 'here' } } } });
    await until(() => without.seen.some((e) => e.name === 'marker') && withBookmarks.seen.filter((e) => e.type === 'BOOKMARK').length >= 3, 'more bookmarks');
    expect(marker).toBeTruthy();
    expect(without.seen.map((e) => e.type)).toEqual(['ADDED']);
    withBookmarks.ac.abort();
    without.ac.abort();
  });

  test('labelSelector and fieldSelector filter the stream', async () => {
    const byLabel = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'team=a' });
    const byField = await watchInto(`/api/v1/configmaps`, { fieldSelector: `metadata.name=f2,metadata.namespace=${ns}` });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'f1', labels: { team: 'a' } } } });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'f2', labels: { team: 'b' } } } });
    await until(() => byLabel.seen.length && byField.seen.length, 'filtered events');
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'f3', labels: { team: 'a' } } } });
    await until(() => byLabel.seen.length === 2, 'second labelled event');
    byLabel.ac.abort();
    byField.ac.abort();
    expect(byLabel.seen.map((e) => e.name)).toEqual(['f1', 'f3']);
    expect(byField.seen.map((e) => e.name)).toEqual(['f2']);
  });

  test('an object entering or leaving the label selection is ADDED or DELETED for that watch', async () => {
    const w = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'phase=on' });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'moving', labels: { phase: 'off' } } } });
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'moving', body: { metadata: { labels: { phase: 'on' } } } }, mergePatch);
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'moving', body: { data: { a: '1' } } }, mergePatch);
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'moving', body: { metadata: { labels: { phase: 'off' } } } }, mergePatch);
    await until(() => w.seen.length >= 3, 'three events');
    w.ac.abort();
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED moving', 'MODIFIED moving', 'DELETED moving']);
  });

  test("client-node's informer (list, then watch from the list's resourceVersion) sees add, update and delete", async () => {
    const core = c.kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(c.kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'inf=1' }), 'inf=1');
    const seen: string[] = [];
    informer.on('add', (o: k8s.V1ConfigMap) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o: k8s.V1ConfigMap) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o: k8s.V1ConfigMap) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', () => undefined);
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf-a', labels: { inf: '1' } } } });
    await informer.start();
    await until(() => seen.includes('add inf-a'), 'listed object');
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf-b', labels: { inf: '1' } } } });
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'inf-b', body: { data: { v: '2' } } }, mergePatch);
    await c.core.deleteNamespacedConfigMap({ namespace: ns, name: 'inf-a' });
    await until(() => seen.includes('delete inf-a'), 'delete event');
    await informer.stop();
    expect(seen).toEqual(['add inf-a', 'add inf-b', 'update inf-b 2', 'delete inf-a']);
  });

  test('timeoutSeconds ends the stream; client-node reports done', async () => {
    const w = await watchInto(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    await until(() => w.done() !== 'open', 'watch end', 10_000);
    expect(w.done()).toBeNull();
  });

  test("Deployments are watchable the same way, with the controller's status updates", async () => {
    const w = await watchInto(`/apis/apps/v1/namespaces/${ns}/deployments`, {});
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'dw' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'lab-test/none:1' }] } } },
      },
    });
    await until(() => w.seen.some((e) => e.type === 'MODIFIED' && (e.obj.status as { observedGeneration?: number } | undefined)?.observedGeneration === 1), 'status from the controller');
    w.ac.abort();
    expect(w.seen[0]).toMatchObject({ type: 'ADDED', name: 'dw' });
  });
});
