// The dev-e2e gate's rights, as the runner service account (its own token) against k3s/ci as
// applied by the admin: it creates its labelled run namespace, binds itself there and works in
// it; the ValidatingAdmissionPolicy and RBAC escalation prevention stop everything else. The
// raw client calls below bypass the harness's write guard on purpose: the cluster must refuse.
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyManifests, applyObject, createRunNamespace, kubeFromConfig, write, type Kube, type Manifest } from '../../../harness/kube/index.ts';
import { DirectKubeConfig } from '../../../harness/kube/client.ts';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { configMap, deployment, namespace, registerTestImages, startKubeLab, type KubeLab } from './support.ts';

const RUNNER = 'system:serviceaccount:unidesk-ci:unidesk-ci-runner';
const DENIED = "ValidatingAdmissionPolicy 'unidesk-ci-e2e-namespaces' with binding 'unidesk-ci-e2e-namespaces' denied request: ";
let lab: KubeLab & AsyncDisposable;
let reports: string;
let unregister: () => void;

function runnerKube(runId: string): Kube {
  const kc = new DirectKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: lab.double.url, caData: Buffer.from(lab.double.caPem).toString('base64') }],
    users: [{ name: 'runner', token: lab.double.serviceAccountToken('unidesk-ci', 'unidesk-ci-runner') }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'runner', namespace: 'unidesk-ci' }],
    currentContext: 'lab',
  });
  return kubeFromConfig(kc, runId, (l) => lab.lines.push(l));
}

/** HTTP code and Status body of a refused raw call (fails if it succeeded). */
async function refused(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'the cluster accepted the request').toBeInstanceOf(k8s.ApiException);
  const ex = e as k8s.ApiException<unknown>;
  const body = (typeof ex.body === 'string' ? JSON.parse(ex.body) : ex.body) as { reason: string; message: string };
  return { code: ex.code, reason: body.reason, message: body.message };
}

const binding = (ns: string, roleRef: string, subjects = [{ kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: 'unidesk-ci' }]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'b', namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRef },
  subjects,
});

beforeAll(async () => {
  unregister = registerTestImages();
  lab = await startKubeLab({ tekton: true });
  reports = await mkdtemp(join(tmpdir(), 'e2e-ns-'));
  await applyManifests(lab.kube('install'), join(REPO_ROOT, 'k3s/ci'));
  for (const ns of ['unidesk-dev', 'unidesk-ci-e2e-someone']) await lab.adminApply(namespace(ns, ns === 'unidesk-dev' ? {} : { 'unidesk.ai/ci-run': 'someone' }));
});
afterAll(async () => {
  unregister?.();
  await lab?.[Symbol.asyncDispose]();
  await rm(reports, { recursive: true, force: true });
});

test('the runner creates its run namespace, binds itself there and works in it', async () => {
  const kube = runnerKube('e2eok');
  const since = lab.double.requests().length;
  {
    await using ns = await createRunNamespace(kube, { reportDir: reports, handleSignals: false, waitMs: 10_000 });
    expect(ns.name).toBe('unidesk-ci-e2e-e2eok');
    const rb = lab.double.objects().find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === ns.name)!;
    expect(rb).toMatchObject({ metadata: { name: 'unidesk-ci-e2e-run' }, roleRef: { kind: 'ClusterRole', name: 'unidesk-ci-e2e-run' } });
    await applyObject(kube, deployment('app', ns.name, 'lab-test/app:1'));
    await applyObject(kube, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: ns.name }, spec: { selector: { app: 'app' }, ports: [{ port: 8080 }] } } as Manifest);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: ns.name }, stringData: { token: 'x' } } as Manifest;
    await write(kube, { verb: 'create', ref: { apiVersion: 'v1', kind: 'Secret', name: 'token', namespace: ns.name }, object: secret }, () => kube.objects.create(secret));
    let pod: string | undefined;
    for (let i = 0; i < 100 && !pod; i++) {
      pod = (await kube.core.listNamespacedPod({ namespace: ns.name })).items.find((p) => p.status?.phase === 'Running')?.metadata?.name;
      if (!pod) await new Promise((r) => setTimeout(r, 100));
    }
    expect(await kube.core.readNamespacedPodLog({ name: pod!, namespace: ns.name })).toContain('started lab-test/app:1');
    // Secrets are write-only for the runner
    expect((await refused(kube.core.readNamespacedSecret({ name: 'token', namespace: ns.name }))).code).toBe(403);
  }
  expect(lab.double.objects().some((o) => o.kind === 'Namespace' && o.metadata.name === 'unidesk-ci-e2e-e2eok')).toBe(false);
  const mine = lab.double.requests(since).filter((r) => r.method !== 'GET');
  expect(mine.length).toBeGreaterThan(4);
  expect(mine.every((r) => r.user === RUNNER && r.code < 300)).toBe(true);
});

describe('the runner cannot', () => {
  const core = () => runnerKube('e2eno').core;
  const objects = () => runnerKube('e2eno').objects;
  const NAMES = 'the runner may only write namespaces named unidesk-ci-e2e-<run-id> labelled unidesk.ai/ci-run=<run-id>';

  test.each([
    ['unidesk-dev', { 'unidesk.ai/ci-run': 'dev' }],
    ['default2', { 'unidesk.ai/ci-run': 'default2' }],
    ['unidesk-ci-e2e-x', undefined],
    ['unidesk-ci-e2e-x', { 'unidesk.ai/ci-run': 'y' }],
  ])('create namespace %s labelled %j', async (name, labels) => {
    expect(await refused(core().createNamespace({ body: { metadata: { name, labels } } }))).toEqual({ code: 422, reason: 'Invalid', message: `namespaces "${name}" is forbidden: ${DENIED}${NAMES}` });
  });

  test('delete unidesk-ci or kube-system', async () => {
    expect(await refused(core().deleteNamespace({ name: 'unidesk-ci' }))).toEqual({ code: 422, reason: 'Invalid', message: `namespaces "unidesk-ci" is forbidden: ${DENIED}${NAMES}` });
    expect((await refused(core().deleteNamespace({ name: 'kube-system' }))).code).toBe(403);
    expect(lab.double.objects().find((o) => o.kind === 'Namespace' && o.metadata.name === 'unidesk-ci')?.metadata.deletionTimestamp).toBeUndefined();
  });

  test('bind another ClusterRole (escalation), other subjects, or in another namespace', async () => {
    await lab.adminApply(namespace('unidesk-ci-e2e-e2eno', { 'unidesk.ai/ci-run': 'e2eno' }));
    const ns = 'unidesk-ci-e2e-e2eno';
    for (const role of ['cluster-admin', 'admin']) {
      await lab
        .adminApply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] } as never)
        .catch(() => undefined);
    }
    const escalation = await refused(objects().create(binding(ns, 'cluster-admin') as never));
    expect(escalation.code).toBe(403);
    expect(escalation.message).toMatch(
      /^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "system:serviceaccount:unidesk-ci:unidesk-ci-runner" \(groups=\[.*\]\) is attempting to grant RBAC permissions not currently held:\n/,
    );
    expect((await refused(objects().create(binding(ns, 'admin') as never))).code).toBe(403);
    const others = await refused(objects().create(binding(ns, 'unidesk-ci-e2e-run', [{ kind: 'ServiceAccount', name: 'default', namespace: 'unidesk-ci' }]) as never));
    expect(others).toEqual({
      code: 422,
      reason: 'Invalid',
      message: `rolebindings.rbac.authorization.k8s.io "b" is forbidden: ${DENIED}the runner may only bind ClusterRole unidesk-ci-e2e-run to itself (ServiceAccount unidesk-ci/unidesk-ci-runner)`,
    });
    for (const other of ['unidesk-ci', 'unidesk-dev', 'default']) {
      const r = await refused(objects().create(binding(other, 'unidesk-ci-e2e-run') as never));
      expect(r.message).toContain('the runner may only write RoleBindings in a unidesk-ci-e2e-<run-id> namespace');
    }
    expect(lab.double.objects().filter((o) => o.kind === 'RoleBinding' && o.metadata.name === 'b')).toEqual([]);
  });

  test('write into default or unidesk-dev', async () => {
    for (const ns of ['default', 'unidesk-dev']) {
      expect((await refused(core().createNamespacedConfigMap({ namespace: ns, body: configMap('x', ns) as never }))).code).toBe(403);
      expect((await refused(runnerKube('e2eno').apps.createNamespacedDeployment({ namespace: ns, body: deployment('x', ns, 'lab-test/x:1') as never }))).code).toBe(403);
    }
  });
});
