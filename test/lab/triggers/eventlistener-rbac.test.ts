// The EventListener's ServiceAccount under k3s/ci/triggers.rbac.yaml, judged by the cluster
// double's RBAC as that account: no Secret anywhere (Triggers' shipped clusterroles would grant
// every Secret of the cluster — the control below shows these questions tell the two apart), yet
// what the v0.34.0 sink needs: its namespace's Triggers objects, PipelineRun creation, and
// cluster-wide the ClusterInterceptors and ClusterTriggerBindings its informers list (without
// them a sink never serves). A signed push still starts a run: test/lab/triggers/eventlistener.test.ts.
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessMismatches, impersonating, kubeFromConfig, loadKubeConfig, type Kube, type Manifest } from '../../../harness/kube/index.ts';
import type { AccessQuery } from '../../../harness/kube/access-review.ts';
import { rawApply } from '../../../harness/kube/raw.ts';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { installLabTekton } from '../../../fixtures/lab/tekton/index.ts';
import { until } from '../cluster/support.ts';
import { haveCrds } from '../tekton-controller/support.ts';

const K3S_CI = resolve(import.meta.dirname, '../../../k3s/ci');
const NS = 'unidesk-ci';
const EL_USER = 'system:serviceaccount:unidesk-ci:unidesk-ci-triggers';
const RBAC = 'rbac.authorization.k8s.io';
const TRIGGERS = 'triggers.tekton.dev';

let double: ClusterDouble;
let kube: Kube;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

const manifests = (file: string) =>
  parseAllDocuments(readFileSync(join(K3S_CI, file), 'utf8'))
    .map((d) => d.toJS() as Manifest)
    .filter(Boolean);
const secret = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { token: 'lab-not-a-real-secret' } }) as Manifest;
const shippedBinding = {
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name: 'old-unidesk-ci-triggers-eventlistener-clusterroles' },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'tekton-triggers-eventlistener-clusterroles' },
  subjects: [{ kind: 'ServiceAccount', name: 'unidesk-ci-triggers', namespace: NS }],
} as Manifest;

/** Secret reads the EventListener must never have (including its own namespace: the sink reads none). */
const SECRET_READS: AccessQuery[] = [
  ...['kube-system', 'unidesk', 'default', 'tekton-pipelines', NS].flatMap((namespace) => [
    { verb: 'get', resource: 'secrets', namespace, name: 'x' },
    { verb: 'list', resource: 'secrets', namespace },
    { verb: 'watch', resource: 'secrets', namespace },
  ]),
  { verb: 'list', resource: 'secrets' },
];
/** What the v0.34.0 sink does as its ServiceAccount. */
const SINK_NEEDS: AccessQuery[] = [
  ...['list', 'watch', 'get'].flatMap((verb) => [
    { verb, group: TRIGGERS, resource: 'clusterinterceptors' },
    { verb, group: TRIGGERS, resource: 'clustertriggerbindings' },
    ...['eventlisteners', 'triggers', 'triggerbindings', 'triggertemplates', 'interceptors'].map((resource) => ({ verb, group: TRIGGERS, resource, namespace: NS })),
  ]),
  { verb: 'create', group: 'tekton.dev', resource: 'pipelineruns', namespace: NS },
  { verb: 'create', resource: 'events', namespace: NS },
];

beforeAll(async () => {
  double = await startClusterDouble({ tektonController: false });
  await installLabTekton({ kubeconfig: double.kubeconfigPath, log: () => undefined });
  kube = kubeFromConfig(loadKubeConfig({ kubeconfig: double.kubeconfigPath }), 'lab-operator', () => undefined);
  core = kube.kc.makeApiClient(k8s.CoreV1Api);
  apps = kube.kc.makeApiClient(k8s.AppsV1Api);
  for (const f of ['namespace.yaml', 'serviceaccounts.yaml', 'triggers.rbac.yaml', 'unidesk-ci.triggers.yaml']) for (const m of manifests(f)) await rawApply(kube, m, 'unidesk-ci');
  for (const ns of ['unidesk', 'kube-system']) {
    await core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
    await rawApply(kube, secret(ns, 'x'), 'lab-admin');
  }
}, 120_000);
afterAll(() => double?.stop());

describe.skipIf(!haveCrds())("the EventListener's ServiceAccount under triggers.rbac.yaml", () => {
  test('cannot get, list or watch a Secret in any namespace (access reviews as the ServiceAccount)', async () => {
    expect(await accessMismatches(kube, SECRET_READS, false, EL_USER)).toEqual([]);
  });

  test('an impersonated read of a Secret in kube-system or unidesk is refused 403 by RBAC', async () => {
    const asEl = impersonating(kube.kc, EL_USER).makeApiClient(k8s.CoreV1Api);
    for (const namespace of ['kube-system', 'unidesk']) {
      await expect(asEl.readNamespacedSecret({ namespace, name: 'x' })).rejects.toMatchObject({ code: 403 });
      await expect(asEl.listNamespacedSecret({ namespace })).rejects.toMatchObject({ code: 403 });
    }
    await expect(asEl.listSecretForAllNamespaces()).rejects.toMatchObject({ code: 403 });
  });

  test('can do what the v0.34.0 sink does: its Triggers objects in unidesk-ci, the cluster-scoped ones it informs, PipelineRuns and Events', async () => {
    expect(await accessMismatches(kube, SINK_NEEDS, true, EL_USER)).toEqual([]);
  });

  test("control: bound to Triggers' shipped tekton-triggers-eventlistener-clusterroles, it could read every Secret", async () => {
    await rawApply(kube, shippedBinding, 'lab-admin');
    try {
      const allowed = await accessMismatches(kube, SECRET_READS, false, EL_USER);
      // every Secret read the first test refuses is allowed with the old binding
      expect(allowed).toHaveLength(SECRET_READS.length);
      expect(allowed).toEqual(expect.arrayContaining(['get secrets in kube-system', 'list secrets in unidesk', 'list secrets (cluster-wide)']));
    } finally {
      await kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api).deleteClusterRoleBinding({ name: shippedBinding.metadata.name });
    }
    expect(await accessMismatches(kube, SECRET_READS, false, EL_USER)).toEqual([]);
  });

  test('without the ClusterInterceptor read, a sink lists as its ServiceAccount, is refused, and never becomes ready', async () => {
    const rbac = kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const binding = manifests('triggers.rbac.yaml').find((m) => m.kind === 'ClusterRoleBinding')!;
    await rbac.deleteClusterRoleBinding({ name: binding.metadata.name });
    const el = { apiVersion: `${TRIGGERS}/v1beta1`, kind: 'EventListener', metadata: { name: 'narrow', namespace: NS }, spec: { serviceAccountName: 'unidesk-ci-triggers', triggers: [] } } as Manifest;
    try {
      await rawApply(kube, el, 'lab-admin');
      const pod = await until(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'eventlistener=narrow' })).items[0], 'the narrow sink pod');
      const log = await until(async () => {
        const text = await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: 'event-listener' }).catch(() => '');
        return text.includes('failed to list *v1alpha1.ClusterInterceptor') && text;
      }, "the sink's refused list");
      expect(log).toContain(`clusterinterceptors.${TRIGGERS} is forbidden: User \\"${EL_USER}\\" cannot list resource \\"clusterinterceptors\\" in API group \\"${TRIGGERS}\\" at the cluster scope`);
      expect((await apps.readNamespacedDeployment({ namespace: NS, name: 'el-narrow' })).status?.readyReplicas ?? 0).toBe(0);
    } finally {
      await rawApply(kube, binding, 'unidesk-ci');
    }
    // restored: the reflector's retry succeeds and the sink becomes ready
    await until(async () => (await apps.readNamespacedDeployment({ namespace: NS, name: 'el-narrow' })).status?.readyReplicas === 1, 'el-narrow to become ready');
  });
});
