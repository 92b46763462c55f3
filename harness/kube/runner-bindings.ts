// Every RBAC grant that reaches a ServiceAccount, whoever made it: the RoleBindings (all
// namespaces) and ClusterRoleBindings whose subjects name the account or a group it is in
// (system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated), and the rules of
// the roles they reference (any owner). Each rule must be covered by what k3s/ci commits for that
// binding, or by Kubernetes' authenticated baseline (rbac-rules.ts); anything else is an extra
// grant, named with binding, role, rule and what the policy says of it. Reads only.
import * as k8s from '@kubernetes/client-node';
import { E2E_NAMESPACE_PREFIX } from '../config.ts';
import { isNotFound, kubeError } from './errors.ts';
import type { Kube } from './kube.ts';
import type { Manifest } from './objects.ts';
import { ruleViolations } from './policy.ts';
import { AUTHENTICATED_BASELINE, TEKTON_INFO, uncovered, type RbacRule } from './rbac-rules.ts';
import { RUN_CLUSTER_ROLE, RUN_ROLE_BINDING } from './run-binding.ts';

export type Subject = { kind: string; name: string; namespace?: string };
type RoleRef = { kind: string; name: string };
export type LiveBinding = { kind: 'RoleBinding' | 'ClusterRoleBinding'; namespace?: string; name: string; roleRef: RoleRef; subjects: Subject[] };
export type Account = { namespace: string; name: string };

/** The subject naming the account (itself or one of its groups), if any. */
export function subjectOf(b: { subjects?: Subject[] | null }, sa: Account): Subject | undefined {
  const groups = ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'];
  return (b.subjects ?? []).find(
    (s) =>
      (s.kind === 'ServiceAccount' && s.name === sa.name && (s.namespace ?? '') === sa.namespace) ||
      (s.kind === 'User' && s.name === `system:serviceaccount:${sa.namespace}:${sa.name}`) ||
      (s.kind === 'Group' && groups.includes(s.name)),
  );
}

const describe = (b: { kind: string; namespace?: string; name: string }) => `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
type Expected = { kind: string; namespace?: string; prefix?: string; name: string; roleRef: RoleRef; rules: RbacRule[] };

/** The account's bindings in k3s/ci with their roles' committed rules (`shipped`: pinned rules of
 * ClusterRoles k3s/ci binds but does not define); `runNamespaces`: also the per-run RoleBinding (run-binding.ts). */
export function expectedBindings(manifests: readonly Manifest[], sa: Account, runNamespaces = false, shipped: Record<string, readonly RbacRule[]> = {}): Expected[] {
  const any = manifests as ReadonlyArray<Manifest & { roleRef?: RoleRef; subjects?: Subject[]; rules?: RbacRule[] }>;
  const rulesOf = (ref: RoleRef, ns?: string) =>
    any.find((m) => m.kind === ref.kind && m.metadata.name === ref.name && (ref.kind === 'ClusterRole' || m.metadata.namespace === ns))?.rules ??
    (ref.kind === 'ClusterRole' ? [...(shipped[ref.name] ?? [])] : []);
  const out: Expected[] = any
    .filter(
      (m) =>
        (m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding') && m.roleRef && (m.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace),
    )
    .map((m) => ({ kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name, roleRef: m.roleRef!, rules: rulesOf(m.roleRef!, m.metadata.namespace) }));
  if (runNamespaces)
    out.push({
      kind: 'RoleBinding',
      prefix: E2E_NAMESPACE_PREFIX,
      name: RUN_ROLE_BINDING,
      roleRef: { kind: 'ClusterRole', name: RUN_CLUSTER_ROLE },
      rules: rulesOf({ kind: 'ClusterRole', name: RUN_CLUSTER_ROLE }),
    });
  return out;
}

function expectedFor(b: LiveBinding, expected: readonly Expected[]): Expected | undefined {
  return expected.find(
    (e) =>
      e.kind === b.kind &&
      e.name === b.name &&
      e.roleRef.kind === b.roleRef.kind &&
      e.roleRef.name === b.roleRef.name &&
      (e.prefix ? !!b.namespace?.startsWith(e.prefix) : e.namespace === b.namespace),
  );
}

/** The live bindings naming the account (cluster-wide list of both kinds). */
export async function liveBindingsOf(kube: Kube, sa: Account): Promise<LiveBinding[]> {
  const rbac = kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const [crbs, rbs] = await Promise.all([
    rbac.listClusterRoleBinding().catch((e) => Promise.reject(kubeError(e, 'list ClusterRoleBindings'))),
    rbac.listRoleBindingForAllNamespaces().catch((e) => Promise.reject(kubeError(e, 'list RoleBindings in all namespaces'))),
  ]);
  const live = (kind: LiveBinding['kind'], b: k8s.V1ClusterRoleBinding | k8s.V1RoleBinding): LiveBinding => ({
    kind,
    namespace: b.metadata?.namespace,
    name: b.metadata?.name ?? '',
    roleRef: b.roleRef,
    subjects: (b.subjects ?? []) as Subject[],
  });
  return [...crbs.items.map((b) => live('ClusterRoleBinding', b)), ...rbs.items.map((b) => live('RoleBinding', b))].filter((b) => subjectOf(b, sa));
}

async function roleRules(kube: Kube, b: LiveBinding): Promise<RbacRule[] | undefined> {
  const rbac = kube.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const what = b.roleRef.kind === 'ClusterRole' ? `ClusterRole ${b.roleRef.name}` : `Role ${b.namespace}/${b.roleRef.name}`;
  const role = await (b.roleRef.kind === 'ClusterRole' ? rbac.readClusterRole({ name: b.roleRef.name }) : rbac.readNamespacedRole({ name: b.roleRef.name, namespace: b.namespace! })).catch((e) => {
    if (isNotFound(e)) return undefined; // a binding to a missing role grants nothing
    throw kubeError(e, `read ${what}`);
  });
  return role ? ((role.rules ?? []) as RbacRule[]) : undefined;
}

export type BindingAudit = { checked: string[]; extra: string[] };

/** Each live binding of the account, and each rule of its role that k3s/ci does not grant through it. */
export async function auditBindings(kube: Kube, sa: Account, expected: readonly Expected[]): Promise<BindingAudit> {
  const audit: BindingAudit = { checked: [], extra: [] };
  for (const b of await liveBindingsOf(kube, sa)) {
    const s = subjectOf(b, sa)!;
    audit.checked.push(describe(b));
    const rules = await roleRules(kube, b);
    const mine = expectedFor(b, expected);
    const allowed = [...(mine?.rules ?? []), ...AUTHENTICATED_BASELINE, ...(b.kind === 'RoleBinding' && b.namespace === TEKTON_INFO.namespace ? TEKTON_INFO.rules : [])];
    for (const [i, rule] of (rules ?? []).entries()) {
      const extra = uncovered(rule, allowed);
      if (!extra.length) continue;
      const policy = ruleViolations(rule, 'it');
      const why = mine ? 'more than k3s/ci grants through it' : 'a binding k3s/ci does not make';
      audit.extra.push(
        `${describe(b)} (subject ${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}) → ${b.roleRef.kind} ${b.roleRef.name}: rules[${i}] grants ${extra.join('; ')} — ${why}${policy.length ? `; policy: ${policy.join('; ')}` : ''}`,
      );
    }
  }
  return audit;
}
