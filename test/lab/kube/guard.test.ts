// The write guard against the cluster double: writes aimed at default, unidesk-dev, kube-system and
// production-looking namespaces (and cluster-scoped objects) are refused before anything is sent —
// the double's request log shows no request to those namespaces and no write at all.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WriteRefused, applyObject, createRunNamespace, deleteAndWait, serviceProxyRequest, write, type Manifest } from '../../../harness/kube/index.ts';
import { configMap, deployment, namespace, startKubeLab, touching, writes, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
beforeAll(async () => {
  lab = await startKubeLab();
  for (const ns of ['default', 'unidesk-dev', 'kube-system', 'unidesk', 'unidesk-prod', 'unidesk-ci']) await lab.adminApply(namespace(ns));
  await lab.adminApply(configMap('victim', 'unidesk-dev'));
});
afterAll(() => lab[Symbol.asyncDispose]());

const FORBIDDEN = ['default', 'unidesk-dev', 'kube-system', 'unidesk', 'unidesk-prod'];

describe('write guard against the double', () => {
  test.each(FORBIDDEN)('every write verb to %s is refused and nothing reaches the namespace', async (ns) => {
    const kube = lab.kube('guard1');
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['apply', () => applyObject(kube, configMap('x', ns))],
      [
        'create',
        () => write(kube, { verb: 'create', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: ns }, object: configMap('x', ns) }, () => kube.objects.create(configMap('x', ns))),
      ],
      ['delete', () => deleteAndWait(kube, { apiVersion: 'v1', kind: 'ConfigMap', name: 'victim', namespace: ns })],
      ['apply deployment', () => applyObject(kube, deployment('web', ns, 'unidesk-code-queue:dev'))],
    ];
    for (const [what, attempt] of attempts) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(WriteRefused);
      expect((err as WriteRefused).failureClass).toBe('input');
      expect((err as Error).message).toMatch(new RegExp(`^write guard: refused \\w+ (ConfigMap|Deployment) ${ns}/(x|victim|web): namespace ${ns} is neither unidesk-ci`));
    }
    expect(touching(lab.double, since, ns)).toEqual([]);
    expect(writes(lab.double, since)).toEqual([]);
    // the victim is still there
    expect(lab.double.objects().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'victim' && o.metadata.namespace === 'unidesk-dev')).toBe(true);
  });

  test('cluster-scoped writes and foreign namespaces are refused without a write', async () => {
    const kube = lab.kube('guard2');
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'evil' }, rules: [] } as Manifest;
    await expect(applyObject(kube, role)).rejects.toThrow('write guard: refused apply ClusterRole evil: cluster-scoped writes are not allowed');
    await expect(deleteAndWait(kube, { apiVersion: 'v1', kind: 'Namespace', name: 'unidesk-dev' })).rejects.toThrow(/refused delete Namespace unidesk-dev/);
    await expect(applyObject(kube, namespace('unidesk-ci-e2e-someone-else', { 'unidesk.ai/ci-run': 'guard2' }))).rejects.toThrow(/refused apply Namespace unidesk-ci-e2e-someone-else/);
    await expect(applyObject(kube, configMap('x', undefined))).rejects.toThrow(/no namespace given/);
    expect(writes(lab.double, since)).toEqual([]);
  });

  test("a ClusterRoleBinding other than k3s/ci's pinned Triggers binding never reaches the double", async () => {
    const kube = lab.kube('guard5');
    const crb = (name: string, role: string, subjects: unknown[]) =>
      ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects,
      }) as Manifest;
    const name = 'unidesk-ci-triggers-eventlistener-cluster';
    const sa = [{ kind: 'ServiceAccount', name: 'unidesk-ci-triggers', namespace: 'unidesk-ci' }];
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    for (const bad of [
      crb(name, 'tekton-triggers-eventlistener-roles', sa),
      crb('unidesk-ci-extra', name, sa),
      crb(name, 'tekton-triggers-eventlistener-clusterroles', sa),
      crb(name, name, [{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }]),
    ]) {
      await expect(applyObject(kube, bad)).rejects.toMatchObject({
        failureClass: 'input',
        message: expect.stringMatching(/^write guard: refused apply ClusterRoleBinding .*: the only cluster-wide write allowed/),
      });
    }
    // not even the pre-read: the double saw no request for any ClusterRoleBinding
    expect(lab.double.requests(since).filter((r) => r.path.includes('clusterrolebindings'))).toEqual([]);
    expect(writes(lab.double, since)).toEqual([]);
    // the pinned binding itself is allowed (control: the refusals above are about the binding, not the kind)
    expect((await applyObject(kube, crb(name, name, sa))).outcome).toBe('created');
  });

  test('unidesk-ci and the run namespace are writable; another run cannot write this run namespace', async () => {
    const kube = lab.kube('guard3');
    expect((await applyObject(kube, configMap('ok', 'unidesk-ci'))).outcome).toBe('created');
    await using ns = await createRunNamespace(kube, { reportDir: lab.double.dir, handleSignals: false });
    expect((await applyObject(kube, configMap('ok', ns.name))).outcome).toBe('created');
    const other = lab.kube('guard4');
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    await expect(applyObject(other, configMap('y', ns.name))).rejects.toThrow(`namespace ${ns.name} is neither unidesk-ci nor a namespace run guard4 created`);
    expect(writes(lab.double, since)).toEqual([]);
    // the same run in another process (fresh client) learns its namespace from the label
    const sameRun = lab.kube('guard3');
    expect((await applyObject(sameRun, configMap('again', ns.name))).outcome).toBe('created');
  });

  test('a DELETE through an object named .. (or encoded, or a climbing proxy path) never reaches the double', async () => {
    const kube = lab.kube('guard6');
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    for (const name of ['..', '%2e%2e', '.', 'x/..']) {
      const err = await deleteAndWait(kube, { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'unidesk-ci' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(WriteRefused);
      expect((err as Error).message).toMatch(/is not a DNS-1123 subdomain/);
    }
    const post = (path: string) => serviceProxyRequest(kube, { namespace: 'unidesk-ci', service: 'web', port: 'http' }, { method: 'POST', path, body: {} });
    for (const path of ['/../../../../namespaces/kube-system', '/%2e%2e/%2e%2e/x', '/a//b']) {
      await expect(post(path), path).rejects.toMatchObject({ failureClass: 'input', message: expect.stringMatching(/refused: the path .* is unsafe/) });
    }
    expect(writes(lab.double, since)).toEqual([]);
    expect(lab.double.requests(since).filter((r) => r.path.includes('..') || /%2e/i.test(r.path))).toEqual([]);
    // the namespace the normaliser would have reached is still there
    expect(lab.double.objects().some((o) => o.kind === 'Namespace' && o.metadata.name === 'unidesk-ci' && !o.metadata.deletionTimestamp)).toBe(true);
  });
});
