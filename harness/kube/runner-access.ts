// What the CI runner service account may do, checked by SelfSubjectAccessReviews impersonating it:
// create/delete the temporary Deployment and Service in unidesk-ci, read Deployments (the rollout
// poll), create/delete namespaces and RoleBindings binding only ClusterRole unidesk-ci-e2e-run
// (RBAC cannot narrow these by name: k3s/ci's ValidatingAdmissionPolicy does, proven in
// test/lab/kube/e2e-namespaces.test.ts) — and no workload rights in any other namespace, no other
// cluster-wide write, never deployments/status.
import { CI_NAMESPACE } from '../config.ts';
import { accessReviewer, describeQuery, type AccessQuery } from './access-review.ts';
import { serviceAccountUser } from './client.ts';
import { E2E_RUN_ROLE } from './e2e-grants.ts';
import type { Kube } from './kube.ts';

const RBAC = 'rbac.authorization.k8s.io';
/** A run namespace's name shape; RoleBinding rights are cluster-wide, so any such name answers alike. */
const RUN_NAMESPACE_EXAMPLE = 'unidesk-ci-e2e-access-review';

export const RUNNER_SERVICE_ACCOUNT = 'unidesk-ci-runner';
export const RUNNER_USER = serviceAccountUser(CI_NAMESPACE, RUNNER_SERVICE_ACCOUNT);

/** Namespaces the runner must not write: the usual suspects plus production-looking ones. */
export const FORBIDDEN_NAMESPACES = ['default', 'kube-system', 'unidesk', 'unidesk-dev', 'unidesk-prod', 'tekton-pipelines'];

const WRITE_VERBS = ['create', 'update', 'patch', 'delete'];
const WRITTEN: Array<Pick<AccessQuery, 'group' | 'resource'>> = [
  { group: 'apps', resource: 'deployments' },
  { group: '', resource: 'services' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'pods' },
  { group: 'tekton.dev', resource: 'pipelineruns' },
];

export function requiredGrants(): AccessQuery[] {
  return [
    ...['create', 'delete', 'get'].flatMap((verb) => [
      { verb, group: 'apps', resource: 'deployments', namespace: CI_NAMESPACE },
      { verb, group: '', resource: 'services', namespace: CI_NAMESPACE },
    ]),
    { verb: 'get', group: '', resource: 'services', subresource: 'proxy', namespace: CI_NAMESPACE },
    { verb: 'create', group: '', resource: 'namespaces' },
    { verb: 'delete', group: '', resource: 'namespaces' },
    { verb: 'create', group: RBAC, resource: 'rolebindings', namespace: RUN_NAMESPACE_EXAMPLE },
    { verb: 'bind', group: RBAC, resource: 'clusterroles', name: E2E_RUN_ROLE },
  ];
}

export function forbiddenOutside(namespaces: readonly string[]): AccessQuery[] {
  return [
    ...namespaces.flatMap((namespace) => WRITTEN.flatMap((r) => WRITE_VERBS.map((verb) => ({ verb, ...r, namespace })))),
    ...['update', 'patch'].map((verb) => ({ verb, group: '', resource: 'namespaces', name: CI_NAMESPACE })),
    ...['update', 'patch'].map((verb) => ({ verb, group: RBAC, resource: 'rolebindings', namespace: RUN_NAMESPACE_EXAMPLE })),
    ...['cluster-admin', 'admin', 'edit'].map((name) => ({ verb: 'bind', group: RBAC, resource: 'clusterroles', name })),
    { verb: 'escalate', group: RBAC, resource: 'clusterroles' },
    { verb: 'create', group: RBAC, resource: 'clusterroles' },
    { verb: 'create', group: RBAC, resource: 'clusterrolebindings' },
    { verb: 'get', group: '', resource: 'secrets', namespace: RUN_NAMESPACE_EXAMPLE },
  ];
}

export function forbiddenStatus(): AccessQuery[] {
  return ['get', 'update', 'patch'].map((verb) => ({ verb, group: 'apps', resource: 'deployments', subresource: 'status', namespace: CI_NAMESPACE }));
}

/** Each query whose answer differs from `expected`, described. */
export async function accessMismatches(kube: Kube, queries: readonly AccessQuery[], expected: boolean, as = RUNNER_USER): Promise<string[]> {
  const review = accessReviewer(kube, as);
  const wrong: string[] = [];
  // a few at a time: many small requests, no need to flood the API server
  for (let i = 0; i < queries.length; i += 8) {
    const batch = queries.slice(i, i + 8);
    const answers = await Promise.all(batch.map(review));
    batch.forEach((q, j) => answers[j] !== expected && wrong.push(describeQuery(q)));
  }
  return wrong;
}
