// In-cluster configuration of the double's pods: a Deployment pod's process finds its
// ServiceAccount token, ca.crt and namespace at /var/run/secrets/kubernetes.io/serviceaccount (a
// private mount, not the host's) and KUBERNETES_SERVICE_HOST/PORT, so client-node's
// loadFromCluster() and the harness reach the double over verified TLS as that ServiceAccount.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SERVICE_ACCOUNT_MOUNT } from '../../../fixtures/lab/cluster/in-cluster.ts';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { spawnContainerProcess } from '../../../fixtures/lab/runners/process.ts';
import { podRunners, type PodRunner } from '../../../fixtures/lab/runners/index.ts';
import { clientsFor, kubeconfigFor, until, type Clients } from '../cluster/support.ts';

const probe: PodRunner = {
  image: /^lab-test\/in-cluster:/,
  async start(pod, ctx) {
    const p = spawnContainerProcess(process.execPath, [new URL('./in-cluster-probe.ts', import.meta.url).pathname], pod.container.env, ctx.log, ctx.serviceAccountDir);
    return { endpoints: {}, ready: async () => true, stop: p.stop };
  },
};

let double: ClusterDouble;
let c: Clients;
beforeAll(async () => {
  podRunners.unshift(probe);
  double = await startClusterDouble({});
  c = clientsFor(double, kubeconfigFor(double));
});
afterAll(async () => {
  podRunners.splice(podRunners.indexOf(probe), 1);
  await double?.stop();
});

const NS = 'unidesk-ci';

describe('pods get in-cluster configuration', () => {
  test.skipIf(process.getuid?.() !== 0)('loadFromCluster() and the harness work as the pod ServiceAccount; RBAC applies', async () => {
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
    await c.core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'probe' } } });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'probe-config' }, data: { a: '1' } } });
    await c.rbac.createNamespacedRole({ namespace: NS, body: { metadata: { name: 'probe' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] } });
    await c.rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: { metadata: { name: 'probe' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'probe' }, subjects: [{ kind: 'ServiceAccount', name: 'probe', namespace: NS }] },
    });
    await c.apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'probe' },
        spec: {
          selector: { matchLabels: { app: 'probe' } },
          template: { metadata: { labels: { app: 'probe' } }, spec: { serviceAccountName: 'probe', containers: [{ name: 'probe', image: 'lab-test/in-cluster:1' }] } },
        },
      },
    });
    const pod = await until(async () => (await c.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=probe' })).items[0]?.metadata?.name, 'probe pod');
    const log = await until(
      async () => {
        const text = String(await c.core.readNamespacedPodLog({ namespace: NS, name: pod, container: 'probe' }));
        return /^secrets: /m.test(text) && text;
      },
      'probe output',
      30_000,
    );
    expect(log).toContain(`client-node loadFromCluster: https://127.0.0.1:${double.port} configmaps probe-config\n`);
    expect(log).toContain('harness in-cluster: configmaps 1\n');
    expect(log).toContain('secrets: 403\n');
    const calls = double
      .requests()
      .filter((r) => r.user.startsWith('system:serviceaccount:'))
      .map((r) => `${r.user} ${r.method} ${r.path} ${r.code}`);
    expect(calls).toEqual([
      `system:serviceaccount:${NS}:probe GET /api/v1/namespaces/${NS}/configmaps 200`,
      `system:serviceaccount:${NS}:probe GET /api/v1/namespaces/${NS}/configmaps 200`,
      `system:serviceaccount:${NS}:probe GET /api/v1/namespaces/${NS}/secrets 403`,
    ]);
    // the token was mounted for the pod only: the host path carries no token of this double
    const host = `${SERVICE_ACCOUNT_MOUNT}/token`;
    const token = double.serviceAccountToken(NS, 'probe');
    expect(existsSync(host) ? readFileSync(host, 'utf8') : '').not.toBe(token);
  });

  test('automountServiceAccountToken: false gives no ServiceAccount directory, but the service env', async () => {
    const seen: { env?: Record<string, string>; dir?: string } = {};
    const spy: PodRunner = {
      image: /^lab-test\/no-token:/,
      start: async (pod, ctx) => ((seen.env = pod.container.env), (seen.dir = ctx.serviceAccountDir), { endpoints: {}, ready: async () => true, stop: async () => undefined }),
    };
    podRunners.unshift(spy);
    try {
      await c.apps.createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'no-token' },
          spec: {
            selector: { matchLabels: { app: 'no-token' } },
            template: {
              metadata: { labels: { app: 'no-token' } },
              spec: { automountServiceAccountToken: false, containers: [{ name: 'main', image: 'lab-test/no-token:1', env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'overridden' }] }] },
            },
          },
        },
      });
      await until(() => seen.env, 'runner started');
      expect(seen.dir).toBeUndefined();
      expect(seen.env).toMatchObject({ KUBERNETES_SERVICE_HOST: 'overridden' });
    } finally {
      podRunners.splice(podRunners.indexOf(spy), 1);
    }
  });
});
