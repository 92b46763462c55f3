// The install gate's binding judgement without a cluster: which subjects reach the runner, what
// k3s/ci expects it to be bound to, and literal rule coverage (a wildcard is never covered).
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadRenderedManifests, type Manifest } from '../../harness/kube/index.ts';
import { AUTHENTICATED_BASELINE, uncovered } from '../../harness/kube/rbac-rules.ts';
import { expectedBindings, subjectOf } from '../../harness/kube/runner-bindings.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';

const SA = { namespace: 'unidesk-ci', name: 'unidesk-ci-runner' };
let manifests: Manifest[];
beforeAll(async () => {
  manifests = await loadRenderedManifests(join(REPO_ROOT, 'k3s/ci'));
});

describe('runner bindings', () => {
  test.each([
    [{ kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: 'unidesk-ci' }, true],
    [{ kind: 'User', name: 'system:serviceaccount:unidesk-ci:unidesk-ci-runner' }, true],
    [{ kind: 'Group', name: 'system:serviceaccounts' }, true],
    [{ kind: 'Group', name: 'system:serviceaccounts:unidesk-ci' }, true],
    [{ kind: 'Group', name: 'system:authenticated' }, true],
    [{ kind: 'Group', name: 'system:serviceaccounts:unidesk' }, false],
    [{ kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: 'unidesk' }, false],
    [{ kind: 'ServiceAccount', name: 'unidesk-ci-triggers', namespace: 'unidesk-ci' }, false],
  ])('subject %o reaches the runner: %s', (s, reaches) => {
    expect(!!subjectOf({ subjects: [s] }, SA)).toBe(reaches);
  });

  test("k3s/ci's runner bindings, with the committed rules of their roles, plus the per-run RoleBinding", () => {
    const e = expectedBindings(manifests, SA, true);
    const described = e.map((b) => [b.kind, b.namespace ?? b.prefix ?? '', b.name, `${b.roleRef.kind}/${b.roleRef.name}`].join(' '));
    expect(described.sort()).toEqual([
      'ClusterRoleBinding  unidesk-ci-e2e-namespaces ClusterRole/unidesk-ci-e2e-namespaces',
      'RoleBinding unidesk-ci unidesk-ci-runner Role/unidesk-ci-runner',
      'RoleBinding unidesk-ci-e2e- unidesk-ci-e2e-run ClusterRole/unidesk-ci-e2e-run',
    ]);
    for (const b of e) expect(b.rules.length, b.name).toBeGreaterThan(0);
  });

  test('coverage is literal: verbs, resources, groups and resourceNames each within a committed rule', () => {
    const allowed = [
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['unidesk-ci-e2e-run'] },
    ];
    expect(uncovered({ apiGroups: [''], resources: ['services'], verbs: ['get'] }, allowed)).toEqual([]);
    expect(uncovered({ apiGroups: [''], resources: ['services', 'secrets'], verbs: ['get', 'delete'] }, allowed)).toEqual(['get secrets', 'delete services,secrets']);
    expect(uncovered({ apiGroups: ['*'], resources: ['services'], verbs: ['get'] }, allowed)).toEqual(['get services.*']);
    expect(uncovered({ apiGroups: [''], resources: ['services'], verbs: ['*'] }, allowed)).toEqual(['* services']);
    expect(uncovered({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['unidesk-ci-e2e-run'] }, allowed)).toEqual([]);
    expect(uncovered({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }, allowed)).toEqual(['bind clusterroles.rbac.authorization.k8s.io']);
    expect(uncovered({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }, allowed)).toEqual([
      'bind clusterroles.rbac.authorization.k8s.io (names cluster-admin)',
    ]);
  });

  test('the authenticated baseline covers self reviews and discovery GETs, not a write or a non-discovery URL', () => {
    expect(uncovered({ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] }, AUTHENTICATED_BASELINE)).toEqual([]);
    expect(uncovered({ nonResourceURLs: ['/version', '/apis/*'], verbs: ['get'] }, AUTHENTICATED_BASELINE)).toEqual([]);
    expect(uncovered({ nonResourceURLs: ['/metrics'], verbs: ['get'] }, AUTHENTICATED_BASELINE)).toEqual(['get /metrics']);
    expect(uncovered({ nonResourceURLs: ['/api'], verbs: ['post'] }, AUTHENTICATED_BASELINE)).toEqual(['post /api']);
    expect(uncovered({ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }, AUTHENTICATED_BASELINE)).toEqual([
      'create subjectaccessreviews.authorization.k8s.io',
    ]);
  });
});
