// The cluster-wide objects k3s/ci ships for the dev-e2e gate's run namespaces
// (k3s/ci/e2e-namespaces.{rbac,policy}.yaml), pinned by name and by the most each may grant.
// The write guard lets the install apply exactly these; the manifest policy refuses any rule
// wider than the table below (another verb or resource, a wildcard, a missing resourceName).
import { CI_NAMESPACE } from '../config.ts';
import type { Manifest } from './objects.ts';
import { TRIGGERS_EL_CLUSTER_GRANTS, TRIGGERS_EL_CLUSTER_ROLE } from './triggers-grants.ts';

export const E2E_NAMESPACES_ROLE = 'unidesk-ci-e2e-namespaces';
export const E2E_RUN_ROLE = 'unidesk-ci-e2e-run';
export const E2E_POLICY = 'unidesk-ci-e2e-namespaces';
export const RUNNER_SUBJECT = { kind: 'ServiceAccount', name: 'unidesk-ci-runner', namespace: CI_NAMESPACE } as const;

type Grant = { group: string; resource: string; verbs: string[]; resourceNames?: string[] };
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/** The most each pinned ClusterRole may grant (also the EventListener's, triggers-grants.ts). */
export const E2E_CLUSTER_ROLES: Record<string, Grant[]> = {
  [E2E_NAMESPACES_ROLE]: [
    { group: '', resource: 'namespaces', verbs: [...READ, 'create', 'delete'] },
    { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', verbs: ['get', 'create', 'delete'] },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verbs: ['bind'], resourceNames: [E2E_RUN_ROLE] },
  ],
  [E2E_RUN_ROLE]: [
    { group: 'apps', resource: 'deployments', verbs: [...READ, ...WRITE] },
    { group: '', resource: 'services', verbs: [...READ, ...WRITE] },
    { group: '', resource: 'secrets', verbs: WRITE },
    { group: '', resource: 'services/proxy', verbs: ['get', 'create'] },
    { group: '', resource: 'pods', verbs: READ },
    { group: '', resource: 'events', verbs: READ },
    { group: '', resource: 'pods/log', verbs: ['get'] },
    { group: '', resource: 'configmaps', verbs: READ },
  ],
  [TRIGGERS_EL_CLUSTER_ROLE]: TRIGGERS_EL_CLUSTER_GRANTS,
};

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

/** Why a rule of a pinned ClusterRole grants more than its table allows (undefined: within it). */
export function excessOf(role: string, rule: Rule): string | undefined {
  const allowed = E2E_CLUSTER_ROLES[role];
  if (!allowed) return `ClusterRole ${role} is not one k3s/ci may define`;
  if (rule.nonResourceURLs) return 'grants nonResourceURLs';
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        const g = allowed.find((a) => a.group === group && a.resource === resource && a.verbs.includes(verb));
        const what = `${verb} ${resource}${group ? `.${group}` : ''}`;
        if (!g) return `grants ${what}, more than ${role} may`;
        const names = rule.resourceNames ?? [];
        if (g.resourceNames && (!names.length || names.some((n) => !g.resourceNames!.includes(n)))) return `grants ${what} beyond resourceNames ${g.resourceNames.join(', ')}`;
      }
    }
  }
  return undefined;
}

type Binding = Manifest & { roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind?: string; name?: string; namespace?: string }> };

/** The ClusterRoleBinding of the namespaces role: to the runner alone. */
export function isE2eClusterBinding(o: Manifest | undefined): boolean {
  const b = o as Binding | undefined;
  const s = b?.subjects ?? [];
  return (
    b?.metadata.name === E2E_NAMESPACES_ROLE &&
    b.roleRef?.kind === 'ClusterRole' &&
    b.roleRef.name === E2E_NAMESPACES_ROLE &&
    s.length === 1 &&
    s[0].kind === RUNNER_SUBJECT.kind &&
    s[0].name === RUNNER_SUBJECT.name &&
    s[0].namespace === RUNNER_SUBJECT.namespace
  );
}

/** The policy and its binding, by kind and pinned name (the binding must name the policy). */
export function isE2ePolicyObject(o: Manifest | undefined): boolean {
  if (!o || o.apiVersion !== 'admissionregistration.k8s.io/v1' || o.metadata.name !== E2E_POLICY) return false;
  if (o.kind === 'ValidatingAdmissionPolicy') return true;
  return o.kind === 'ValidatingAdmissionPolicyBinding' && (o as { spec?: { policyName?: string } }).spec?.policyName === E2E_POLICY;
}
