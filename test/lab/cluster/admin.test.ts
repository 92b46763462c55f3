// The lab side: the `cluster` lab service publishes a kubeconfig the gates use as-is, the
// /lab/v1 admin API steers the double from another process (admin token only), and stopping
// leaves nothing behind.
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { labClusterAdmin, labClusterAdminFromKubeconfig, type LabClusterAdmin } from '../../../fixtures/lab/cluster/admin-client.ts';
import { spawnClusterDouble } from '../../../fixtures/lab/cluster/child.ts';
import { startClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { startLab, type Lab } from '../../../fixtures/lab/index.ts';
import { CiError } from '../../../harness/failure.ts';
import { apiError, clientsFor, kubeconfigFor, raw, until, type Clients } from './support.ts';

let lab: Lab;
let admin: LabClusterAdmin;
let c: Clients;

beforeAll(async () => {
  lab = await startLab({ services: ['cluster'], log: () => undefined });
  admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(lab.env.UNIDESK_CI_KUBECONFIG);
  c = clientsFor(undefined as never, kc);
});
afterAll(() => lab?.stop());

describe('lab service', () => {
  test('publishes UNIDESK_CI_KUBECONFIG and LAB_CLUSTER_URL on 127.0.0.1', async () => {
    expect(lab.env.LAB_CLUSTER_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(lab.env.UNIDESK_CI_KUBECONFIG)).toBe(true);
    expect(c.kc.getCurrentCluster()).toMatchObject({ server: lab.env.LAB_CLUSTER_URL, caData: expect.any(String) });
    expect(c.kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    expect(c.kc.getCurrentContext()).toBe('lab');
    const names = (await c.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });
});

describe('/lab/v1 admin API', () => {
  test('the request log shows method, decoded path and user; nothing else reached the server', async () => {
    const before = (await admin.requests()).at(-1)?.seq ?? 0;
    await c.core.createNamespace({ body: { metadata: { name: 'adm' } } });
    await apiError(c.core.readNamespacedConfigMap({ namespace: 'adm', name: 'x' }));
    const seen = await admin.requests(before);
    expect(seen.map((r) => [r.method, r.path, r.user, r.code])).toEqual([
      ['POST', '/api/v1/namespaces', 'lab-admin', 201],
      ['GET', '/api/v1/namespaces/adm/configmaps/x', 'lab-admin', 404],
    ]);
    expect(await admin.requests(seen.at(-1)!.seq)).toEqual([]);
  });

  test('objects() snapshots everything stored, so a test can prove nothing was written', async () => {
    const before = await admin.objects();
    await c.core.createNamespacedConfigMap({ namespace: 'adm', body: { metadata: { name: 'new' } } });
    const after = await admin.objects();
    const key = (o: { kind: string; metadata: { namespace?: string; name?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(after.map(key).filter((k) => !before.map(key).includes(k))).toEqual(['ConfigMap/adm/new']);
  });

  test('service-account tokens, settings, finalize and deployment steering work over HTTP', async () => {
    const token = await admin.serviceAccountToken('adm', 'bot');
    const asBot = clientsFor(undefined as never, kubeconfigForUrl(lab.env.LAB_CLUSTER_URL, token, c.kc.getCurrentCluster()!.caData!));
    expect((await apiError(asBot.core.listNamespacedConfigMap({ namespace: 'adm' }))).body.message).toContain('User "system:serviceaccount:adm:bot" cannot list');
    await admin.settings({ namespaceFinalizeDelayMs: null });
    await c.core.deleteNamespace({ name: 'adm' });
    expect((await c.core.readNamespace({ name: 'adm' })).status?.phase).toBe('Terminating');
    await admin.finalizeNamespace('adm');
    expect((await apiError(c.core.readNamespace({ name: 'adm' }))).code).toBe(404);
    await admin.settings({ namespaceFinalizeDelayMs: 100 });
    await expect(admin.setProgressDeadlineExceeded('adm', 'nothing')).rejects.toThrow(/HTTP 404/);
  });

  test('a service backend set over HTTP takes the service proxy traffic', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('from backend');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      await c.core.createNamespace({ body: { metadata: { name: 'adm2' } } });
      await c.core.createNamespacedService({ namespace: 'adm2', body: { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } } });
      await admin.setServiceBackend('adm2', 'svc', (server.address() as { port: number }).port);
      expect(await c.core.connectGetNamespacedServiceProxyWithPath({ namespace: 'adm2', name: 'svc', path: 'x' })).toBe('from backend');
      await admin.clearServiceBackend('adm2', 'svc');
      expect((await apiError(c.core.connectGetNamespacedServiceProxyWithPath({ namespace: 'adm2', name: 'svc', path: 'x' }))).code).toBe(503);
    } finally {
      server.close();
    }
  });

  test('pod logs can be appended for pods no runner writes (Tekton step pods)', async () => {
    await c.core.createNamespacedPod({ namespace: 'adm2', body: { metadata: { name: 'step-pod' }, spec: { containers: [{ name: 'step-build', image: 'lab-test/none:1' }] } } });
    await admin.appendPodLog('adm2', 'step-pod', 'step-build', 'built\n');
    expect(await c.core.readNamespacedPodLog({ namespace: 'adm2', name: 'step-pod', container: 'step-build' })).toBe('built\n');
  });

  test('only the admin token may use it; bad bodies are 400', async () => {
    const token = await admin.serviceAccountToken('adm2', 'bot');
    const dispatcher = new Agent({ connect: { ca: Buffer.from(c.kc.getCurrentCluster()!.caData!, 'base64').toString() } });
    const res = await fetch(`${lab.env.LAB_CLUSTER_URL}/lab/v1/objects`, { headers: { authorization: `Bearer ${token}` }, dispatcher });
    expect(res.status).toBe(403);
    expect((await fetch(`${lab.env.LAB_CLUSTER_URL}/lab/v1/objects`, { dispatcher })).status).toBe(401);
    // TLS is verified: without the lab's CA the connection is refused
    await expect(fetch(`${lab.env.LAB_CLUSTER_URL}/lab/v1/objects`)).rejects.toThrow();
    await expect(admin.settings({ readinessDelayMs: -1 })).rejects.toThrow(/HTTP 400/);
    const unknown = await raw(c.kc, 'GET', '/lab/v1/nothing-here');
    expect(unknown.status).toBe(404);
  });

  test('admin requests are not in the request log', async () => {
    const last = (await admin.requests()).at(-1)?.seq ?? 0;
    await admin.objects();
    expect(await admin.requests(last)).toEqual([]);
  });
});

describe('admin client errors', () => {
  test('an unreachable double is infra.cluster; a missing kubeconfig is input', async () => {
    const gone = labClusterAdmin('http://127.0.0.1:1', 'x');
    const e = await gone.objects().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CiError);
    expect((e as CiError).failureClass).toBe('infra.cluster');
    const missing = await labClusterAdminFromKubeconfig('/nonexistent/kubeconfig').catch((x: unknown) => x);
    expect((missing as CiError).failureClass).toBe('input');
    const unset = await labClusterAdminFromKubeconfig('').catch((x: unknown) => x);
    expect((unset as CiError).message).toMatch(/UNIDESK_CI_KUBECONFIG is not set/);
  });
});

describe('as a child process', () => {
  test('serves client-node from its own process and leaves nothing behind when stopped', async () => {
    const child = await spawnClusterDouble();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(child.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'from-child' } } });
    expect((await core.readNamespace({ name: 'from-child' })).status?.phase).toBe('Active');
    expect(child.pid).not.toBe(process.pid);
    await child.stop();
    expect(() => process.kill(child.pid, 0)).toThrow();
    expect(existsSync(child.kubeconfigPath)).toBe(false);
  });

  test('a bad LAB_CLUSTER_PORT is refused with a message', async () => {
    process.env.LAB_CLUSTER_PORT = 'http';
    try {
      await expect(spawnClusterDouble()).rejects.toThrow(/exited with 2 before it was ready: LAB_CLUSTER_PORT must be a TCP port number, got "http"/);
    } finally {
      delete process.env.LAB_CLUSTER_PORT;
    }
  });
});

describe('cleanup', () => {
  test('stop() closes the port, ends open watches and removes its temp dir', async () => {
    const d = await startClusterDouble();
    const kc = kubeconfigFor(d);
    let done = false;
    await new k8s.Watch(kc).watch(
      '/api/v1/namespaces',
      {},
      () => undefined,
      () => (done = true),
    );
    await d.stop();
    await until(() => done, 'watch ended by stop');
    expect(existsSync(d.dir)).toBe(false);
    const after = await kc
      .makeApiClient(k8s.VersionApi)
      .getCode()
      .catch((e: Error) => e);
    expect(after).toBeInstanceOf(Error);
  });

  test('await using stops it too', async () => {
    let kc: k8s.KubeConfig;
    {
      await using d = await startClusterDouble();
      kc = kubeconfigFor(d);
      expect((await kc.makeApiClient(k8s.VersionApi).getCode()).major).toBe('1');
    }
    expect(
      await kc
        .makeApiClient(k8s.VersionApi)
        .getCode()
        .catch((e: Error) => e),
    ).toBeInstanceOf(Error);
  });
});

function kubeconfigForUrl(url: string, token: string, caData: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: url, caData }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'u' }],
    currentContext: 'lab',
  });
  return kc;
}
