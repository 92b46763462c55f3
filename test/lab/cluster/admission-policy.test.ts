// ValidatingAdmissionPolicies in the double: served like a built-in (discovery, CRUD), compiled
// at write time, evaluated with @bufbuild/cel on every write, denials worded and coded exactly
// as kube-apiserver's policy plugin; features the double does not enforce are refused at create.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, clientsFor, createNamespace, failure, kubeconfigFor, raw, startWithClients, type Clients } from './support.ts';

let admin: Clients;
let sa: Clients;
const ns = 'vap';
const SA = `system:serviceaccount:${ns}:writer`;
const VAP = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
const VAPB = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
const bindingOf = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName: name, validationActions: ['Deny'], ...spec },
});
const configMapRules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE', 'UPDATE'] }] };

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await raw(admin.kc, 'POST', path, JSON.stringify(body));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const cm = (name: string, data: Record<string, string> = {}) => ({ metadata: { name }, data });

beforeAll(async () => {
  admin = await startWithClients();
  await createNamespace(admin, ns);
  await admin.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'writer' } } });
  await admin.rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'writer' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'get'] }] } });
  await admin.rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: { metadata: { name: 'writer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'writer' }, subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: ns }] },
  });
  sa = clientsFor(admin.double, kubeconfigFor(admin.double, admin.double.serviceAccountToken(ns, 'writer')));
  const created = await post(
    VAP,
    policy('no-secrets-word', {
      failurePolicy: 'Fail',
      matchConstraints: configMapRules,
      matchConditions: [{ name: 'not-admin', expression: "!('system:masters' in request.userInfo.groups)" }],
      variables: [{ name: 'data', expression: 'has(object.data) ? object.data : {}' }],
      validations: [
        { expression: "!('password' in variables.data)", message: 'no passwords in ConfigMaps' },
        { expression: 'object.metadata.name.size() < 10' },
        { expression: "object.metadata.name != 'forbidden'", reason: 'Forbidden', messageExpression: "'name ' + object.metadata.name + ' is taken'" },
      ],
    }),
  );
  expect(created.status).toBe(201);
  expect((await post(VAPB, bindingOf('no-secrets-word'))).status).toBe(201);
});
afterAll(() => admin?.double.stop());

describe('served like a built-in', () => {
  test('discovery lists both kinds, cluster-scoped', async () => {
    const res = await raw(admin.kc, 'GET', '/apis/admissionregistration.k8s.io/v1');
    const list = (await res.json()) as { resources: { name: string; namespaced: boolean; kind: string }[] };
    expect(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.name, r.namespaced])).toEqual([
      ['validatingadmissionpolicies', false],
      ['validatingadmissionpolicybindings', false],
    ]);
  });

  test('schema validation: validations must be a list', async () => {
    const r = await post(VAP, policy('bad-type', { validations: 'x' }));
    expect(r.status).toBe(400);
  });
});

describe('evaluation', () => {
  test('a failed validation denies with the plugin wording, reason Invalid (422)', async () => {
    expect(await apiError(sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('a', { password: 'x' }) }))).toEqual({
      code: 422,
      body: failure(422, 'Invalid', `configmaps "a" is forbidden: ValidatingAdmissionPolicy 'no-secrets-word' with binding 'no-secrets-word' denied request: no passwords in ConfigMaps`, {
        name: 'a',
        kind: 'configmaps',
        causes: [{ message: "ValidatingAdmissionPolicy 'no-secrets-word' with binding 'no-secrets-word' denied request: no passwords in ConfigMaps" }],
      }),
    });
    expect(admin.double.objects().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'a')).toBe(false);
  });

  test('without a message the failed expression is named; reason Forbidden is 403 with the messageExpression', async () => {
    const long = await apiError(sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('much-too-long') }));
    expect((long.body as { message: string }).message).toMatch(/denied request: failed expression: object\.metadata\.name\.size\(\) < 10$/);
    const taken = await apiError(sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('forbidden') }));
    expect(taken.code).toBe(403);
    expect(taken.body).toMatchObject({
      reason: 'Forbidden',
      message: `configmaps "forbidden" is forbidden: ValidatingAdmissionPolicy 'no-secrets-word' with binding 'no-secrets-word' denied request: name forbidden is taken`,
    });
  });

  test('a passing write is stored; an update is judged too', async () => {
    await sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('ok', { user: 'x' }) });
    const e = await apiError(sa.core.replaceNamespacedConfigMap({ namespace: ns, name: 'ok', body: cm('ok', { password: 'x' }) }));
    expect(e.code).toBe(422);
  });

  test('matchConditions false: the policy does not apply (the admin is system:masters)', async () => {
    await admin.core.createNamespacedConfigMap({ namespace: ns, body: cm('admin-made', { password: 'x' }) });
    expect(admin.double.objects().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'admin-made')).toBe(true);
  });

  test('a runtime error with failurePolicy Fail denies, naming the expression', async () => {
    expect((await post(VAP, policy('errs', { matchConstraints: configMapRules, validations: [{ expression: "object.data['missing'] == 'x'" }] }))).status).toBe(201);
    expect((await post(VAPB, bindingOf('errs', { matchResources: { namespaceSelector: { matchLabels: { strict: 'yes' } } } }))).status).toBe(201);
    // the binding's namespaceSelector: not in this namespace yet
    await sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('before', { a: 'b' }) });
    await admin.core.patchNamespace({ name: ns, body: { metadata: { labels: { strict: 'yes' } } } }, (await import('./support.ts')).mergePatch);
    const e = await apiError(sa.core.createNamespacedConfigMap({ namespace: ns, body: cm('after', { a: 'b' }) }));
    expect((e.body as { message: string }).message).toBe(
      `configmaps "after" is forbidden: ValidatingAdmissionPolicy 'errs' with binding 'errs' denied request: expression 'object.data['missing'] == 'x'' resulted in error: field not found: missing`,
    );
    await admin.core.patchNamespace({ name: ns, body: { metadata: { labels: { strict: null } } } }, (await import('./support.ts')).mergePatch);
  });
});

test('DELETE sees oldObject; a denial fails a deletecollection too', async () => {
  const rules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['DELETE'] }] };
  expect(
    (
      await post(
        VAP,
        policy('keep', { matchConstraints: rules, validations: [{ expression: "object == null && !(has(oldObject.metadata.labels) && 'keep' in oldObject.metadata.labels)", message: 'kept' }] }),
      )
    ).status,
  ).toBe(201);
  expect((await post(VAPB, bindingOf('keep'))).status).toBe(201);
  await admin.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'kept', labels: { keep: 'yes' } } } });
  expect((await apiError(admin.core.deleteNamespacedConfigMap({ namespace: ns, name: 'kept' }))).body).toMatchObject({
    code: 422,
    message: `configmaps "kept" is forbidden: ValidatingAdmissionPolicy 'keep' with binding 'keep' denied request: kept`,
  });
  expect((await apiError(admin.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'keep' }))).code).toBe(422);
  expect(admin.double.objects().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kept')).toBe(true);
  await admin.core.deleteNamespacedConfigMap({ namespace: ns, name: 'before' });
  await raw(admin.kc, 'DELETE', `${VAPB}/keep`);
});

describe('refused at create', () => {
  test.each([
    ['spec.paramKind', policy('p1', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] })],
    ['spec.auditAnnotations', policy('p2', { auditAnnotations: [{ key: 'a', valueExpression: "'x'" }] })],
    [
      'spec.matchConstraints.resourceRules[0].operations',
      policy('p3', { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services/proxy'], operations: ['CONNECT'] }] } }),
    ],
  ])('%s is not enforced, so it is refused', async (field, body) => {
    const r = await post(VAP, body);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ reason: 'FieldValueNotSupported', field }] } });
  });

  test('a binding with paramRef or the Audit action is refused', async () => {
    expect((await post(VAPB, { ...bindingOf('b1'), spec: { policyName: 'x', paramRef: { name: 'p' }, validationActions: ['Deny'] } })).status).toBe(422);
    expect((await post(VAPB, { ...bindingOf('b2'), spec: { policyName: 'x', validationActions: ['Audit'] } })).status).toBe(422);
  });

  test('an expression that does not compile is 422 naming it', async () => {
    const r = await post(VAP, policy('p4', { validations: [{ expression: 'object.(' }] }));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ details: { causes: [{ field: 'spec.validations[0].expression' }] } });
    expect(String(r.body.message)).toContain('compilation failed');
  });
});

describe('RBAC escalation prevention', () => {
  const rb = (name: string, role: string) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: ns }],
  });
  beforeAll(async () => {
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'big' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] } });
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'small' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } });
    await admin.rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'binder' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }] },
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: { metadata: { name: 'binder' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'binder' }, subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: ns }] },
    });
  });

  test('binding a role with rights not held is forbidden, listing them', async () => {
    expect(await apiError(sa.rbac.createNamespacedRoleBinding({ namespace: ns, body: rb('esc', 'big') }))).toEqual({
      code: 403,
      body: failure(
        403,
        'Forbidden',
        `rolebindings.rbac.authorization.k8s.io "esc" is forbidden: user "${SA}" (groups=["system:serviceaccounts" "system:serviceaccounts:${ns}" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}`,
        { name: 'esc', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' },
      ),
    });
  });

  test('a role whose rights are all held may be bound', async () => {
    await sa.rbac.createNamespacedRoleBinding({ namespace: ns, body: rb('held', 'small') });
  });

  test('bind on the role (resourceNames honoured) allows it', async () => {
    await admin.rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'bind-big' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['big'] }] },
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'bind-big' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'bind-big' },
        subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: ns }],
      },
    });
    await sa.rbac.createNamespacedRoleBinding({ namespace: ns, body: rb('bound', 'big') });
    // bind names 'big' only; 'big2' grants what the writer does not hold (it now holds big's get/list)
    await admin.rbac.createClusterRole({ body: { metadata: { name: 'big2' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'delete'] }] } });
    expect((await apiError(sa.rbac.createNamespacedRoleBinding({ namespace: ns, body: rb('other', 'big2') }))).code).toBe(403);
  });
});
