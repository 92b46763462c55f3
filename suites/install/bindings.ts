// Install-gate step: every grant that reaches the runner ServiceAccount, whoever made it (any
// binding in any namespace, to the account or a group it is in, of any role), must be one k3s/ci
// makes (harness/kube/runner-bindings.ts). Read only. An extra grant is infra.cluster: the
// committed manifests passed the policy; the live cluster's RBAC differs from them, which is a
// cluster misconfiguration an operator repairs (not bad input to the harness).
import { CI_NAMESPACE } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import { auditBindings, expectedBindings } from '../../harness/kube/runner-bindings.ts';
import { RUNNER_SERVICE_ACCOUNT, RUNNER_USER, type Kube, type Manifest } from '../../harness/kube/index.ts';

/** The bindings checked (described), or infra.cluster naming each extra binding, role and rule. */
export async function checkRunnerBindings(kube: Kube, manifests: readonly Manifest[]): Promise<string[]> {
  const sa = { namespace: CI_NAMESPACE, name: RUNNER_SERVICE_ACCOUNT };
  const { checked, extra } = await auditBindings(kube, sa, expectedBindings(manifests, sa, true));
  if (extra.length) {
    throw new CiError('infra.cluster', `${RUNNER_USER} is granted more than k3s/ci grants: ${extra.join(' | ')}`, {
      hint: 'delete the extra binding (or the extra rule of its role); only k3s/ci/*.rbac.yaml and the per-run RoleBinding may grant the runner anything',
    });
  }
  return checked;
}
