// Names and paths that the URL normaliser would resolve away are refused before a URL is built.
import { describe, expect, test } from 'vitest';
import { WriteRefused } from '../../harness/kube/guard.ts';
import type { Kube } from '../../harness/kube/kube.ts';
import { nameProblem, pathSegmentProblem } from '../../harness/kube/names.ts';
import { proxyUrl, serviceProxyBase } from '../../harness/kube/service-proxy.ts';
import { guardWrite } from '../../harness/kube/write.ts';

const cm = { apiVersion: 'v1', kind: 'ConfigMap' };
const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' };

describe('names as the API server validates them', () => {
  test.each(['..', '.', '', 'a/b', '%2e%2e', 'A', '-a', 'a_b', 'x'.repeat(254)])('ConfigMap %j is refused', (n) => {
    expect(nameProblem(cm, n)).toBe('is not a DNS-1123 subdomain');
  });
  test.each(['x', 'a.b', 'code-queue-ci-read', 'x'.repeat(253)])('ConfigMap %j is accepted', (n) => expect(nameProblem(cm, n)).toBeUndefined());
  test('namespaces are labels, services DNS-1035, RBAC path segments', () => {
    expect(nameProblem({ apiVersion: 'v1', kind: 'Namespace' }, 'a.b')).toBe('is not a DNS-1123 label');
    expect(nameProblem({ apiVersion: 'v1', kind: 'Service' }, '1web')).toBe('is not a DNS-1035 label');
    expect(nameProblem(role, 'system:controller:x')).toBeUndefined();
    for (const n of ['..', '.', 'a/b', 'a%2f']) expect(nameProblem(role, n)).toMatch(/not a valid path segment name/);
  });
});

describe('guardWrite refuses a name before discovery or any request', () => {
  let asked = 0;
  const kube = {
    runId: 'r1',
    runNamespaces: new Set<string>(),
    kc: { getCurrentCluster: () => ({ server: 'https://127.0.0.1:6443' }) },
    objects: {
      scopeOf: async () => ((asked += 1), { namespaced: true }),
      pathOf: async (s: { metadata: { name: string; namespace: string } }) => `/api/v1/namespaces/${s.metadata.namespace}/configmaps/${encodeURIComponent(s.metadata.name)}`,
    },
  } as unknown as Kube;

  test.each(['..', '%2e%2e', 'a/..', ''])('DELETE of ConfigMap %j in unidesk-ci', async (name) => {
    const err = await guardWrite(kube, { verb: 'delete', ref: { ...cm, name, namespace: 'unidesk-ci' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteRefused);
    expect((err as Error).message).toBe(`write guard: refused delete ConfigMap unidesk-ci/${name}: name ${JSON.stringify(name)} is not a DNS-1123 subdomain (the API server's name rules)`);
    expect(asked).toBe(0);
  });

  test('a create sends no name in the URL: a generateName placeholder passes, the namespace is still checked', async () => {
    const run = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', name: 'unidesk-ci-publish-<generated>' };
    await expect(guardWrite(kube, { verb: 'create', ref: { ...run, namespace: 'unidesk-ci' } })).resolves.toMatchObject({ verb: 'create' });
    await expect(guardWrite(kube, { verb: 'delete', ref: { ...run, namespace: 'unidesk-ci' } })).rejects.toThrow(/is not a DNS-1123 subdomain/);
    await expect(guardWrite(kube, { verb: 'create', ref: { ...run, namespace: '..' } })).rejects.toThrow(/namespace "\.\." is not a DNS-1123 label/);
  });

  test('a namespace of ..', async () => {
    await expect(guardWrite(kube, { verb: 'delete', ref: { ...cm, name: 'x', namespace: '..' } })).rejects.toThrow(/namespace "\.\." is not a DNS-1123 label/);
  });

  test('a valid name is checked against the final URL and allowed', async () => {
    await expect(guardWrite(kube, { verb: 'delete', ref: { ...cm, name: 'x', namespace: 'unidesk-ci' } })).resolves.toMatchObject({ verb: 'delete' });
  });

  test('a path that normalises elsewhere is refused even when the name passed', async () => {
    const evil = { ...kube, objects: { ...kube.objects, pathOf: async () => '/api/v1/namespaces/unidesk-ci/configmaps/../../kube-system/configmaps/x' } } as unknown as Kube;
    await expect(guardWrite(evil, { verb: 'delete', ref: { ...cm, name: 'x', namespace: 'unidesk-ci' } })).rejects.toThrow(/is normalised to \/api\/v1\/namespaces\/kube-system\/configmaps\/x$/);
  });
});

describe('service-proxy paths stay under /proxy', () => {
  const base = 'https://127.0.0.1:6443/api/v1/namespaces/unidesk-ci-e2e-r1/services/web:http/proxy';
  test.each(['/../../../unidesk-ci', '/%2e%2e/x', '/%2E%2E/x', '/a/%252e%252e/x', '/a//b', '/./a', '/a/%2f/b', '..'])('%s is refused', (p) => {
    expect(() => proxyUrl(base, p, 'POST web')).toThrow(/^POST web: refused: the path ".*" is unsafe: /);
  });
  test.each(['/api/runs', 'api/runs?x=../y', '/', '/api/runs/'])('%s is kept', (p) => {
    expect(proxyUrl(base, p, 'GET web')).toBe(base + (p.startsWith('/') ? p : `/${p}`));
  });
  test('namespace, service and port are validated before they become segments', () => {
    const kube = { kc: { getCurrentCluster: () => ({ server: 'https://127.0.0.1:6443' }) } } as unknown as Kube;
    expect(serviceProxyBase(kube, { namespace: 'unidesk-ci', service: 'web', port: 'http' })).toBe('https://127.0.0.1:6443/api/v1/namespaces/unidesk-ci/services/web%3Ahttp/proxy');
    expect(() => serviceProxyBase(kube, { namespace: '..', service: 'web' })).toThrow('service proxy target ../web: a name is not a DNS-1123 label');
    expect(() => serviceProxyBase(kube, { namespace: 'unidesk-ci', service: '..' })).toThrow('service proxy target unidesk-ci/..: a name is not a DNS-1035 label');
    expect(() => serviceProxyBase(kube, { namespace: 'unidesk-ci', service: 'web', port: '../x' })).toThrow(/the port is neither a number nor a port name/);
  });

  test('the check is on segments, after decoding', () => {
    expect(pathSegmentProblem('/a/%2e/b')).toBe('segment "%2e" is a dot segment');
    expect(pathSegmentProblem('/a/%zz')).toBe('segment "%zz" is not valid percent-encoding');
  });
});
