// The install gate's binding step (harness/install/bindings.ts) against the cluster double with
// k3s/ci applied and a run namespace bound as global setup binds it: it passes; an admin's extra
// ClusterRoleBinding of a foreign ClusterRole (`view`, or one that lists Secrets), a RoleBinding
// in another namespace, a group binding (system:serviceaccounts:unidesk-ci) or a rule added to
// k3s/ci's own Role makes it fail as infra.cluster naming binding, role and rule; removed, it
// passes again. The same for the EventListener's account (Triggers' shipped namespaced role is
// pinned as released; the pre-narrowing secrets-reading binding fails). The step only reads (no write in the double's request log).
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyManifests, createRunNamespace, loadRenderedManifests, type Manifest } from '../../../harness/kube/index.ts';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { checkAccountBindings } from '../../../harness/install/bindings.ts';
import { namespace, registerTestImages, startKubeLab, writes, type KubeLab } from './support.ts';

const RBAC = 'rbac.authorization.k8s.io';
const RUNNER = { kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: 'unidesk-ci' };
let lab: KubeLab & AsyncDisposable;
let reports: string;
let unregister: () => void;
let manifests: Manifest[];
let runNs: AsyncDisposable & { name: string };

const clusterRole = (name: string, rules: unknown[]) => ({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules }) as Manifest;
const crb = (name: string, role: string, subjects: unknown[] = [RUNNER]) =>
  ({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects }) as Manifest;
const rb = (ns: string, name: string, role: string, subjects: unknown[] = [RUNNER]) =>
  ({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects }) as Manifest;

const check = () => checkAccountBindings(lab.kube('bindings'), manifests, 'runner');
async function failure(): Promise<{ failureClass: string; message: string }> {
  const e = await check().then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'the step passed').toBeInstanceOf(Error);
  return e as { failureClass: string; message: string };
}
/** Apply as admin, run the step, then delete and show it passes again. */
async function extra(objects: Manifest[], remove: () => Promise<unknown>): Promise<string> {
  for (const o of objects) await lab.adminApply(o);
  try {
    const e = await failure();
    expect(e.failureClass).toBe('infra.cluster');
    return e.message;
  } finally {
    await remove();
    await expect(check()).resolves.toBeDefined();
  }
}

beforeAll(async () => {
  unregister = registerTestImages();
  lab = await startKubeLab({ tekton: true });
  reports = await mkdtemp(join(tmpdir(), 'bindings-'));
  await applyManifests(lab.kube('install'), join(REPO_ROOT, 'k3s/ci'));
  manifests = await loadRenderedManifests(join(REPO_ROOT, 'k3s/ci'));
  for (const ns of ['unidesk', 'kube-system']) await lab.adminApply(namespace(ns));
  // the run namespace and its RoleBinding, as global setup makes them
  runNs = await createRunNamespace(lab.kube('bindings'), { reportDir: reports, handleSignals: false, waitMs: 10_000 });
}, 120_000);
afterAll(async () => {
  await runNs?.[Symbol.asyncDispose]();
  unregister?.();
  await lab?.[Symbol.asyncDispose]();
  await rm(reports, { recursive: true, force: true });
});

describe("the install gate's runner-bindings step against the double", () => {
  test("k3s/ci as applied plus the run namespace's RoleBinding: passes, listing each binding it judged, and writes nothing", async () => {
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    expect((await check()).sort()).toEqual(['ClusterRoleBinding unidesk-ci-e2e-namespaces', `RoleBinding ${runNs.name}/unidesk-ci-e2e-run`, 'RoleBinding unidesk-ci/unidesk-ci-runner'].sort());
    expect(writes(lab.double, since)).toEqual([]);
  });

  test("an admin's ClusterRoleBinding of the foreign ClusterRole view: fails naming binding, role and rule; removed, passes", async () => {
    const view = clusterRole('view', [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch'] }]);
    await lab.adminApply(view);
    const rbac = lab.kube('x').kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const msg = await extra([crb('runner-can-view', 'view')], () => rbac.deleteClusterRoleBinding({ name: 'runner-can-view' }));
    expect(msg).toMatch(/^system:serviceaccount:unidesk-ci:unidesk-ci-runner is granted more than k3s\/ci grants: /);
    expect(msg).toContain(
      'ClusterRoleBinding runner-can-view (subject ServiceAccount unidesk-ci/unidesk-ci-runner) → ClusterRole view: rules[0] grants get pods,configmaps; list pods,configmaps; watch pods,configmaps — a binding k3s/ci does not make',
    );
  });

  test('a ClusterRole listing Secrets bound to the group system:serviceaccounts:unidesk-ci: fails, with the policy naming the Secret grant', async () => {
    const rbac = lab.kube('x').kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const msg = await extra(
      [
        clusterRole('secret-lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
        crb('ci-accounts-list-secrets', 'secret-lister', [{ kind: 'Group', name: 'system:serviceaccounts:unidesk-ci', apiGroup: RBAC }]),
      ],
      () => rbac.deleteClusterRoleBinding({ name: 'ci-accounts-list-secrets' }),
    );
    expect(msg).toContain(
      'ClusterRoleBinding ci-accounts-list-secrets (subject Group system:serviceaccounts:unidesk-ci) → ClusterRole secret-lister: rules[0] grants list secrets — a binding k3s/ci does not make; policy: it grants secrets without resourceNames',
    );
  });

  test('a RoleBinding in another namespace (kube-system) of the run ClusterRole: fails even though the role is ours', async () => {
    const rbac = lab.kube('x').kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const msg = await extra([rb('kube-system', 'unidesk-ci-e2e-run', 'unidesk-ci-e2e-run')], () => rbac.deleteNamespacedRoleBinding({ name: 'unidesk-ci-e2e-run', namespace: 'kube-system' }));
    expect(msg).toMatch(
      /RoleBinding kube-system\/unidesk-ci-e2e-run \(subject ServiceAccount unidesk-ci\/unidesk-ci-runner\) → ClusterRole unidesk-ci-e2e-run: rules\[0\] grants get deployments\.apps; .* — a binding k3s\/ci does not make/,
    );
  });

  test("a rule added to k3s/ci's own Role in the cluster (a wildcard): more than k3s/ci grants through that binding", async () => {
    const role = manifests.find((m) => m.kind === 'Role' && m.metadata.name === 'unidesk-ci-runner') as Manifest & { rules: unknown[] };
    const wider = { ...structuredClone(role), rules: [...role.rules, { apiGroups: [''], resources: ['*'], verbs: ['get'] }] } as Manifest;
    const msg = await extra([wider], () => lab.adminApply(role));
    expect(msg).toContain(
      'RoleBinding unidesk-ci/unidesk-ci-runner (subject ServiceAccount unidesk-ci/unidesk-ci-runner) → Role unidesk-ci-runner: rules[7] grants get * — more than k3s/ci grants through it; policy: it.resources contains a wildcard',
    );
  });

  test("the EventListener's account: passes as applied; the pre-narrowing binding of Triggers' shipped clusterroles fails naming its Secret rule", async () => {
    const listener = () => checkAccountBindings(lab.kube('bindings'), manifests, 'listener');
    expect((await listener()).sort()).toEqual(['ClusterRoleBinding unidesk-ci-triggers-eventlistener-cluster', 'RoleBinding unidesk-ci/unidesk-ci-triggers-eventlistener-roles']);
    const old = crb('unidesk-ci-triggers-eventlistener-clusterroles', 'tekton-triggers-eventlistener-clusterroles', [{ kind: 'ServiceAccount', name: 'unidesk-ci-triggers', namespace: 'unidesk-ci' }]);
    await lab.adminApply(old);
    try {
      const e = await listener().then(
        () => undefined,
        (x: { failureClass: string; message: string }) => x,
      );
      expect(e?.failureClass).toBe('infra.cluster');
      expect(e?.message).toContain(
        'ClusterRoleBinding unidesk-ci-triggers-eventlistener-clusterroles (subject ServiceAccount unidesk-ci/unidesk-ci-triggers) → ClusterRole tekton-triggers-eventlistener-clusterroles: rules[1] grants get secrets; list secrets; watch secrets — a binding k3s/ci does not make; policy: it grants secrets without resourceNames',
      );
    } finally {
      await lab.kube('x').kc.makeApiClient(k8s.RbacAuthorizationV1Api).deleteClusterRoleBinding({ name: old.metadata.name });
    }
    await expect(listener()).resolves.toHaveLength(2);
  });

  test("Kubernetes' baseline for system:authenticated (self reviews, discovery GETs) is not an extra grant", async () => {
    const basic = clusterRole('lab-basic-user', [
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'], verbs: ['get'] },
    ]);
    await lab.adminApply(basic);
    await lab.adminApply(crb('lab-basic-user', 'lab-basic-user', [{ kind: 'Group', name: 'system:authenticated', apiGroup: RBAC }]));
    try {
      expect(await check()).toContain('ClusterRoleBinding lab-basic-user');
    } finally {
      await lab.kube('x').kc.makeApiClient(k8s.RbacAuthorizationV1Api).deleteClusterRoleBinding({ name: 'lab-basic-user' });
    }
  });
});
