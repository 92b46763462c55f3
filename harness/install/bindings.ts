// Install-gate steps: every grant that reaches the runner's or the EventListener's ServiceAccount,
// whoever made it (any binding in any namespace, to the account or a group it is in, of any role),
// must be one k3s/ci makes (harness/kube/runner-bindings.ts). Read only. An extra grant is
// infra.cluster: the committed manifests passed the policy; the live cluster's RBAC differs from
// them, a cluster misconfiguration an operator repairs (not bad input to the harness).
import { CI_NAMESPACE } from '../config.ts';
import { CiError } from '../failure.ts';
import { auditBindings, expectedBindings } from '../kube/runner-bindings.ts';
import { TRIGGERS_EL_SHIPPED_ROLE, TRIGGERS_EL_SHIPPED_RULES } from '../kube/triggers-grants.ts';
import { RUNNER_SERVICE_ACCOUNT, serviceAccountUser, type Kube, type Manifest } from '../kube/index.ts';

export const LISTENER_SERVICE_ACCOUNT = 'unidesk-ci-triggers';

/** The bindings checked (described), or infra.cluster naming each extra binding, role and rule. */
export async function checkAccountBindings(kube: Kube, manifests: readonly Manifest[], account: 'runner' | 'listener'): Promise<string[]> {
  const runner = account === 'runner';
  const sa = { namespace: CI_NAMESPACE, name: runner ? RUNNER_SERVICE_ACCOUNT : LISTENER_SERVICE_ACCOUNT };
  const expected = expectedBindings(manifests, sa, runner, runner ? {} : { [TRIGGERS_EL_SHIPPED_ROLE]: TRIGGERS_EL_SHIPPED_RULES });
  const { checked, extra } = await auditBindings(kube, sa, expected);
  if (extra.length) {
    throw new CiError('infra.cluster', `${serviceAccountUser(sa.namespace, sa.name)} is granted more than k3s/ci grants: ${extra.join(' | ')}`, {
      hint: `delete the extra binding (or the extra rule of its role); only k3s/ci/*.rbac.yaml${runner ? ' and the per-run RoleBinding' : ''} may grant ${sa.name} anything`,
    });
  }
  return checked;
}
