// Install-gate checks that read live objects: the EventListener's Service and the run namespace
// (labelled, expiring, with the runner's RoleBinding).
import { CI_NAMESPACE } from '../config.ts';
import { CiError } from '../failure.ts';
import { poll, PollTimeout } from '../kube/wait.ts';
import {
  EXPIRES_ANNOTATION,
  RUN_CLUSTER_ROLE,
  RUN_LABEL,
  RUN_ROLE_BINDING,
  RUNNER_SERVICE_ACCOUNT,
  asHeader,
  isNotFound,
  kubeError,
  refOf,
  runNamespaceName,
  runRoleBinding,
  type Kube,
  type Manifest,
} from '../kube/index.ts';

/** Tekton Triggers names the listener's Service el-<name>; it must be ClusterIP, as the spec asks. */
export async function checkListenerService(kube: Kube, manifests: readonly Manifest[], o: { timeoutMs: number; signal?: AbortSignal; log?: (line: string) => void }): Promise<string> {
  const listeners = manifests.filter((m) => m.kind === 'EventListener');
  if (!listeners.length) throw new CiError('input', 'k3s/ci has no EventListener');
  const found: string[] = [];
  for (const el of listeners) {
    const name = `el-${el.metadata.name}`;
    const live = await kube.objects.read({ apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'EventListener', metadata: { name: el.metadata.name, namespace: CI_NAMESPACE } }).catch((e) => {
      throw kubeError(e, `read EventListener ${CI_NAMESPACE}/${el.metadata.name}`);
    });
    const wanted = (live as { spec?: { resources?: { kubernetesResource?: { serviceType?: string } } } }).spec?.resources?.kubernetesResource?.serviceType;
    if (wanted !== 'ClusterIP') throw new CiError('infra.cluster', `EventListener ${el.metadata.name} asks for serviceType ${wanted ?? '(unset)'}, must be ClusterIP`);
    // Triggers creates the Service after the EventListener is applied: wait for it, bounded
    const svc = await poll(
      async () => {
        const s = await kube.core.readNamespacedService({ name, namespace: CI_NAMESPACE }).catch((e) => {
          if (isNotFound(e)) return undefined;
          throw kubeError(e, `read Service ${CI_NAMESPACE}/${name}`);
        });
        return s ? { done: true as const, value: s } : { done: false as const, status: 'not created yet' };
      },
      { what: `Service ${CI_NAMESPACE}/${name} of EventListener ${el.metadata.name}`, timeoutMs: o.timeoutMs, signal: o.signal, log: o.log },
    ).catch((e) => {
      if (e instanceof PollTimeout) throw new CiError('infra.cluster', `Service ${CI_NAMESPACE}/${name} not found after ${o.timeoutMs} ms: is the Tekton Triggers controller running?`);
      throw e;
    });
    if (svc.spec?.type !== 'ClusterIP') throw new CiError('infra.cluster', `Service ${CI_NAMESPACE}/${name} is ${svc.spec?.type}, must be ClusterIP`);
    found.push(`${name}=ClusterIP`);
  }
  return found.join(', ');
}

export async function checkRunNamespace(kube: Kube, runId: string): Promise<string> {
  const name = runNamespaceName(runId);
  const ns = await kube.core.readNamespace({ name }).catch((e) => {
    if (isNotFound(e)) throw new CiError('infra.cluster', `namespace ${name} was not created by global setup`);
    throw kubeError(e, `read Namespace ${name}`);
  });
  if (ns.metadata?.labels?.[RUN_LABEL] !== runId) throw new CiError('infra.cluster', `namespace ${name} lacks label ${RUN_LABEL}=${runId}`);
  const expires = Date.parse(ns.metadata?.annotations?.[EXPIRES_ANNOTATION] ?? '');
  if (!(expires > Date.now())) throw new CiError('infra.cluster', `namespace ${name} has no future ${EXPIRES_ANNOTATION}`);
  await checkRunRoleBinding(kube, name);
  return name;
}

/** The runner's rights in the run namespace: exactly ClusterRole unidesk-ci-e2e-run, to the runner alone. */
async function checkRunRoleBinding(kube: Kube, namespace: string): Promise<void> {
  const want = runRoleBinding(namespace) as Manifest & { roleRef: unknown; subjects: unknown };
  const live = (await kube.objects.read(asHeader(refOf(want))).catch((e) => {
    if (isNotFound(e)) throw new CiError('infra.cluster', `RoleBinding ${namespace}/${RUN_ROLE_BINDING} was not created with the run namespace`);
    throw kubeError(e, `read RoleBinding ${namespace}/${RUN_ROLE_BINDING}`);
  })) as { roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind?: string; name?: string; namespace?: string }> };
  const subjects = (live.subjects ?? []).map((s) => `${s.kind}:${s.namespace}/${s.name}`);
  if (live.roleRef?.kind !== 'ClusterRole' || live.roleRef.name !== RUN_CLUSTER_ROLE || subjects.join(',') !== `ServiceAccount:${CI_NAMESPACE}/${RUNNER_SERVICE_ACCOUNT}`) {
    throw new CiError(
      'infra.cluster',
      `RoleBinding ${namespace}/${RUN_ROLE_BINDING} binds ${live.roleRef?.kind} ${live.roleRef?.name} to ${subjects.join(', ') || 'nobody'}; expected ClusterRole ${RUN_CLUSTER_ROLE} to ${CI_NAMESPACE}/${RUNNER_SERVICE_ACCOUNT} alone`,
    );
  }
}
