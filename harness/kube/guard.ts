// The write guard: decides, before anything is sent, whether the harness may write an object.
// Allowed: namespace unidesk-ci and the namespaces this run created (unidesk-ci-e2e-<run-id>,
// labelled unidesk.ai/ci-run=<run-id>). Cluster-scoped writes: only the run's own namespace
// (create/delete), the janitor deleting an expired run namespace, and the install-time objects of
// k3s/ci (Namespace unidesk-ci; the Triggers ClusterRoleBinding to unidesk-ci service accounts; the
// run-namespace grants pinned in e2e-grants.ts). Everything else is refused with an `input` CiError naming the object.
import { CI_NAMESPACE, E2E_NAMESPACE_PREFIX } from '../config.ts';
import { CiError } from '../failure.ts';
import { E2E_CLUSTER_ROLES, E2E_NAMESPACES_ROLE, E2E_POLICY, excessOf, isE2eClusterBinding, isE2ePolicyObject } from './e2e-grants.ts';
import { describeRef, type Manifest, type ObjectRef } from './objects.ts';
import { TRIGGERS_EL_CLUSTER_ROLE, TRIGGERS_EL_SHIPPED_ROLE } from './triggers-grants.ts';

export const RUN_LABEL = 'unidesk.ai/ci-run';
export const EXPIRES_ANNOTATION = 'unidesk.ai/ci-expires-at';
/** The ClusterRoles triggers.rbac.yaml may bind: Triggers' namespaced one (by RoleBinding) and k3s/ci's narrowed cluster one. */
export const TRIGGERS_CLUSTER_ROLES = [TRIGGERS_EL_CLUSTER_ROLE, TRIGGERS_EL_SHIPPED_ROLE];
/** The EventListener's cluster-wide grant (triggers.rbac.yaml): name and ClusterRole are pinned (triggers-grants.ts). */
export const TRIGGERS_CLUSTER_BINDING = { name: TRIGGERS_EL_CLUSTER_ROLE, clusterRole: TRIGGERS_EL_CLUSTER_ROLE } as const;

export type WriteVerb = 'create' | 'update' | 'patch' | 'apply' | 'delete';

export type WriteIntent = {
  verb: WriteVerb;
  ref: ObjectRef;
  /** From discovery: a namespaced kind; its namespace is the one the request would go to. */
  namespaced: boolean;
  /** The body being written (create/apply/update), or for a janitor delete the live object. */
  object?: Manifest;
  /** A janitor delete of another run's expired namespace. */
  janitor?: { now: Date };
};

export type GuardScope = { runId: string; runNamespaces: ReadonlySet<string> };

export class WriteRefused extends CiError {
  constructor(intent: WriteIntent, why: string) {
    super('input', `write guard: refused ${intent.verb} ${describeRef(intent.ref)}: ${why}`, {
      hint: `the harness may only write in ${CI_NAMESPACE} and this run's ${E2E_NAMESPACE_PREFIX}<run-id> namespace`,
    });
    this.name = 'input';
  }
}

export function runNamespaceName(runId: string): string {
  return `${E2E_NAMESPACE_PREFIX}${runId}`;
}

export function checkWrite(intent: WriteIntent, scope: GuardScope): void {
  const { ref } = intent;
  if (intent.namespaced) {
    const ns = ref.namespace;
    if (!ns) throw new WriteRefused(intent, 'no namespace given (the client would default it)');
    if (ns === CI_NAMESPACE || scope.runNamespaces.has(ns)) return;
    throw new WriteRefused(intent, `namespace ${ns} is neither ${CI_NAMESPACE} nor a namespace run ${scope.runId} created`);
  }
  if (ref.apiVersion === 'v1' && ref.kind === 'Namespace') return checkNamespaceWrite(intent, scope);
  if (ref.kind === 'ClusterRoleBinding' && ref.apiVersion === 'rbac.authorization.k8s.io/v1') {
    return ref.name === E2E_NAMESPACES_ROLE ? checkE2eObject(intent, isE2eClusterBinding(intent.object)) : checkTriggersBinding(intent);
  }
  if (ref.kind === 'ClusterRole' && ref.apiVersion === 'rbac.authorization.k8s.io/v1' && ref.name in E2E_CLUSTER_ROLES) {
    const rules = (intent.object as { rules?: object[] } | undefined)?.rules ?? [];
    return checkE2eObject(intent, intent.object?.metadata.name === ref.name && rules.every((r) => !excessOf(ref.name, r)));
  }
  if (ref.apiVersion === 'admissionregistration.k8s.io/v1' && ref.name === E2E_POLICY) return checkE2eObject(intent, isE2ePolicyObject(intent.object));
  throw new WriteRefused(intent, 'cluster-scoped writes are not allowed');
}

/** The run-namespace objects of k3s/ci (e2e-grants.ts): applied by the install, exactly as pinned. */
function checkE2eObject(intent: WriteIntent, pinned: boolean): void {
  if (intent.verb === 'apply' && pinned) return;
  throw new WriteRefused(
    intent,
    `k3s/ci's run-namespace grants may only be applied as pinned in harness/kube/e2e-grants.ts (the runner's ClusterRoles, their ClusterRoleBinding and ValidatingAdmissionPolicy ${E2E_POLICY})`,
  );
}

function checkNamespaceWrite(intent: WriteIntent, scope: GuardScope): void {
  const { ref, verb, object } = intent;
  const own = runNamespaceName(scope.runId);
  if (ref.name === own) {
    if (verb === 'delete') return;
    if ((verb === 'create' || verb === 'apply') && object?.metadata.labels?.[RUN_LABEL] === scope.runId) return;
    throw new WriteRefused(intent, `the run namespace may only be created (labelled ${RUN_LABEL}=${scope.runId}) or deleted`);
  }
  if (ref.name === CI_NAMESPACE) {
    if (verb === 'apply') return;
    throw new WriteRefused(intent, `namespace ${CI_NAMESPACE} may only be applied (k3s/ci), never ${verb}d`);
  }
  if (verb === 'delete' && intent.janitor && ref.name.startsWith(E2E_NAMESPACE_PREFIX)) {
    const suffix = ref.name.slice(E2E_NAMESPACE_PREFIX.length);
    const labels = object?.metadata.labels ?? {};
    const expires = Date.parse(object?.metadata.annotations?.[EXPIRES_ANNOTATION] ?? '');
    if (labels[RUN_LABEL] !== suffix) throw new WriteRefused(intent, `not a CI run namespace (label ${RUN_LABEL} is not ${suffix})`);
    if (!(expires < intent.janitor.now.getTime())) throw new WriteRefused(intent, `not expired (${EXPIRES_ANNOTATION} missing or in the future)`);
    return;
  }
  throw new WriteRefused(intent, `namespace ${ref.name} is neither ${CI_NAMESPACE} nor this run's ${own}`);
}

function checkTriggersBinding(intent: WriteIntent): void {
  const o = intent.object as (Manifest & { roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind?: string; namespace?: string }> }) | undefined;
  const { name, clusterRole } = TRIGGERS_CLUSTER_BINDING;
  const ok =
    intent.verb === 'apply' &&
    intent.ref.name === name &&
    o?.metadata.name === name &&
    o.roleRef?.kind === 'ClusterRole' &&
    o.roleRef.name === clusterRole &&
    (o.subjects ?? []).length > 0 &&
    (o.subjects ?? []).every((s) => s.kind === 'ServiceAccount' && s.namespace === CI_NAMESPACE);
  if (!ok) {
    throw new WriteRefused(intent, `the only cluster-wide write allowed is applying ClusterRoleBinding ${name} of ClusterRole ${clusterRole} to ${CI_NAMESPACE} service accounts`);
  }
}
