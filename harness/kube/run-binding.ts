// The RoleBinding that gives the runner its rights inside its own run namespace: ClusterRole
// unidesk-ci-e2e-run (k3s/ci/e2e-namespaces.rbac.yaml), bound in unidesk-ci-e2e-<run-id> only.
// Created (POST, not apply): the runner may create and delete RoleBindings, never patch them,
// and k3s/ci's ValidatingAdmissionPolicy admits exactly this roleRef and subject.
import { CI_NAMESPACE } from '../config.ts';
import { CiError } from '../failure.ts';
import { statusOf } from './errors.ts';
import type { Kube } from './kube.ts';
import type { Manifest, ObjectRef } from './objects.ts';
import { RUNNER_SERVICE_ACCOUNT } from './runner-access.ts';
import { write } from './write.ts';

export const RUN_CLUSTER_ROLE = 'unidesk-ci-e2e-run';
export const RUN_ROLE_BINDING = 'unidesk-ci-e2e-run';

export function runRoleBinding(namespace: string): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: RUN_ROLE_BINDING, namespace, labels: { 'app.kubernetes.io/part-of': 'unidesk-ci' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: RUN_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: RUNNER_SERVICE_ACCOUNT, namespace: CI_NAMESPACE }],
  } as Manifest;
}

/** Creates the binding in the run namespace (it goes with the namespace: no separate teardown). */
export async function createRunRoleBinding(kube: Kube, namespace: string): Promise<ObjectRef> {
  const body = runRoleBinding(namespace);
  const ref: ObjectRef = { apiVersion: body.apiVersion, kind: body.kind, name: RUN_ROLE_BINDING, namespace };
  await write(kube, { verb: 'create', ref, object: body }, () => kube.objects.create(body)).catch((e: CiError) => {
    const s = statusOf(e.cause);
    if (s.code === 404) throw new CiError('infra.cluster', `ClusterRole ${RUN_CLUSTER_ROLE} is missing: run \`unidesk-ci install\` (k3s/ci) first`, { hint: s.body.message });
    throw e;
  });
  kube.log(`namespace: bound ClusterRole ${RUN_CLUSTER_ROLE} to ${RUNNER_SERVICE_ACCOUNT} in ${namespace}`);
  return ref;
}
