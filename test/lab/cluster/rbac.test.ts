// Bearer-token authentication and RBAC: service-account tokens and Impersonate-User evaluated
// against the Roles/ClusterRoles/bindings applied to the double; access reviews answer from the
// same evaluation; the admin token is cluster-admin.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, clientsFor, createNamespace, failure, kubeconfigFor, raw, startWithClients, type Clients } from './support.ts';

let admin: Clients;
let runner: Clients;
const ns = 'unidesk-ci';
const SA = `system:serviceaccount:${ns}:runner`;

beforeAll(async () => {
  admin = await startWithClients();
  await createNamespace(admin, ns);
  await createNamespace(admin, 'elsewhere');
  await admin.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'runner' } } });
  await admin.rbac.createNamespacedRole({
    namespace: ns,
    body: {
      metadata: { name: 'runner' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'], resourceNames: ['allowed'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    },
  });
  await admin.rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: { metadata: { name: 'runner' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runner' }, subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: ns }] },
  });
  runner = clientsFor(admin.double, kubeconfigFor(admin.double, admin.double.serviceAccountToken(ns, 'runner')));
});
afterAll(() => admin?.double.stop());

describe('service-account token', () => {
  test('allowed by its Role: list and create configmaps in its namespace', async () => {
    await runner.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mine' } } });
    expect((await runner.core.listNamespacedConfigMap({ namespace: ns })).items.map((i) => i.metadata?.name)).toContain('mine');
    expect(admin.double.requests().at(-1)).toMatchObject({ method: 'GET', user: SA, code: 200 });
  });

  test('forbidden outside its namespace, with the apiserver wording', async () => {
    expect(await apiError(runner.core.listNamespacedConfigMap({ namespace: 'elsewhere' }))).toEqual({
      code: 403,
      body: failure(403, 'Forbidden', `configmaps is forbidden: User "${SA}" cannot list resource "configmaps" in API group "" in the namespace "elsewhere"`, { kind: 'configmaps' }),
    });
  });

  test('forbidden for a verb the Role lacks, before any existence check', async () => {
    expect(await apiError(runner.core.deleteNamespacedConfigMap({ namespace: ns, name: 'does-not-exist' }))).toEqual({
      code: 403,
      body: failure(403, 'Forbidden', `configmaps "does-not-exist" is forbidden: User "${SA}" cannot delete resource "configmaps" in API group "" in the namespace "${ns}"`, {
        name: 'does-not-exist',
        kind: 'configmaps',
      }),
    });
  });

  test('resourceNames restrict to the named object', async () => {
    expect((await apiError(runner.apps.readNamespacedDeployment({ namespace: ns, name: 'allowed' }))).code).toBe(404);
    const e = await apiError(runner.apps.readNamespacedDeployment({ namespace: ns, name: 'other' }));
    expect(e.body.message).toBe(`deployments.apps "other" is forbidden: User "${SA}" cannot get resource "deployments" in API group "apps" in the namespace "${ns}"`);
  });

  test('cluster-scoped resources need a ClusterRoleBinding', async () => {
    const e = await apiError(runner.core.listNamespace());
    expect(e.body.message).toBe(`namespaces is forbidden: User "${SA}" cannot list resource "namespaces" in API group "" at the cluster scope`);
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'ns-reader' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }] } });
    await admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'runner-ns-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ns-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: ns }],
      },
    });
    expect((await runner.core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  test('a RoleBinding to a ClusterRole grants it in that namespace only', async () => {
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: 'elsewhere',
      body: {
        metadata: { name: 'runner-secrets' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: ns }],
      },
    });
    expect((await runner.core.listNamespacedSecret({ namespace: 'elsewhere' })).items).toBeDefined();
    expect((await apiError(runner.core.listNamespacedSecret({ namespace: ns }))).code).toBe(403);
  });

  test('discovery is open to every authenticated user; /version too', async () => {
    const res = await raw(runner.kc, 'GET', '/apis/apps/v1');
    expect(res.status).toBe(200);
    expect((await runner.kc.makeApiClient(k8s.VersionApi).getCode()).gitVersion).toMatch(/^v1\.\d+/);
  });
});

describe('impersonation', () => {
  test('the admin impersonating the service account gets exactly its rights', async () => {
    const as = clientsFor(admin.double, kubeconfigFor(admin.double, admin.double.adminToken, SA));
    expect((await as.core.listNamespacedConfigMap({ namespace: ns })).items.length).toBeGreaterThan(0);
    const e = await apiError(as.core.deleteNamespacedConfigMap({ namespace: ns, name: 'mine' }));
    expect(e.code).toBe(403);
    expect(e.body.message).toContain(`User "${SA}" cannot delete resource "configmaps"`);
  });

  test('a service account may not impersonate without the impersonate verb', async () => {
    const sneaky = clientsFor(admin.double, kubeconfigFor(admin.double, admin.double.serviceAccountToken(ns, 'runner'), 'system:serviceaccount:kube-system:admin'));
    expect(await apiError(sneaky.core.listNamespace())).toEqual({
      code: 403,
      body: failure(403, 'Forbidden', `serviceaccounts "admin" is forbidden: User "${SA}" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"`, {
        name: 'admin',
        kind: 'serviceaccounts',
      }),
    });
  });
});

describe('impersonating groups', () => {
  test('each Impersonate-Group needs its own right: a user-impersonator cannot add system:masters', async () => {
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'impersonate-users' }, rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }] } });
    await admin.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'imp' } } });
    await admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'imp-users' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-users' },
        subjects: [{ kind: 'ServiceAccount', name: 'imp', namespace: ns }],
      },
    });
    const token = admin.double.serviceAccountToken(ns, 'imp');
    const kc = kubeconfigFor(admin.double, token);
    const asUser = await raw(kc, 'GET', '/api/v1/namespaces', undefined, { 'Impersonate-User': 'jane' });
    expect(asUser.status).toBe(403);
    expect(((await asUser.json()) as { message: string }).message).toBe('namespaces is forbidden: User "jane" cannot list resource "namespaces" in API group "" at the cluster scope');
    const escalate = await raw(kc, 'GET', '/api/v1/namespaces', undefined, { 'Impersonate-User': 'jane', 'Impersonate-Group': 'system:masters' });
    expect(await escalate.json()).toEqual(
      failure(403, 'Forbidden', `groups "system:masters" is forbidden: User "system:serviceaccount:${ns}:imp" cannot impersonate resource "groups" in API group "" at the cluster scope`, {
        name: 'system:masters',
        kind: 'groups',
      }),
    );
    const byAdmin = await raw(admin.kc, 'GET', '/api/v1/namespaces', undefined, { 'Impersonate-User': 'jane', 'Impersonate-Group': 'system:masters' });
    expect(byAdmin.status).toBe(200);
  });
});

describe('access reviews', () => {
  test('SelfSubjectAccessReview answers from the same rules', async () => {
    const ask = async (verb: string, resource: string, namespace = ns, group = '') =>
      (await runner.authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, resource, namespace, group } } } })).status?.allowed;
    expect(await ask('create', 'configmaps')).toBe(true);
    expect(await ask('delete', 'configmaps')).toBe(false);
    expect(await ask('list', 'configmaps', 'elsewhere')).toBe(false);
    expect(await ask('get', 'pods')).toBe(false);
    const sub = await runner.authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: 'get', resource: 'pods', subresource: 'log', namespace: ns } } } });
    expect(sub.status?.allowed).toBe(true);
  });

  test('SubjectAccessReview asks about another user; the service account may not create one', async () => {
    const r = await admin.authz.createSubjectAccessReview({ body: { spec: { user: SA, resourceAttributes: { verb: 'create', resource: 'configmaps', namespace: ns } } } });
    expect(r.status?.allowed).toBe(true);
    const denied = await admin.authz.createSubjectAccessReview({ body: { spec: { user: SA, resourceAttributes: { verb: 'create', group: 'apps', resource: 'deployments', namespace: ns } } } });
    expect(denied.status?.allowed).toBe(false);
    const e = await apiError(runner.authz.createSubjectAccessReview({ body: { spec: { user: SA, resourceAttributes: { verb: 'get', resource: 'pods' } } } }));
    expect(e.code).toBe(403);
  });

  test('the admin token is cluster-admin', async () => {
    const r = await admin.authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: '*', group: '*', resource: '*' } } } });
    expect(r.status?.allowed).toBe(true);
  });

  test('a review without attributes is 422', async () => {
    const e = await apiError(runner.authz.createSelfSubjectAccessReview({ body: { spec: {} } }));
    expect(e.code).toBe(422);
  });
});
