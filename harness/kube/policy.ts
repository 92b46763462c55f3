// Policies over the k3s/ci manifests (static tests and the install gate use them):
// no `latest`, no wildcard (also in a subresource) or /status RBAC, no pods/exec|attach|portforward,
// escalate, bind, impersonate or unnamed secrets outside the pins of e2e-grants.ts, and nothing cluster-wide beyond the EventListener's
// ClusterRoles (triggers-grants.ts) and the run-namespace grants pinned in e2e-grants.ts, no object outside unidesk-ci, the EventListener stays ClusterIP with a GitHub
// secretRef, proxy variables set on git/dependency steps and cleared on Kubernetes-calling steps,
// every step image in the prewarm list (prewarm-coverage.ts), nothing privileged and capabilities
// only for buildah (policy-build-isolation.ts). They judge k3s/ci as rendered
// (render.ts): an unrendered step image has no tag and is refused like `latest`.
import { CI_NAMESPACE } from '../config.ts';
import { GATES, gateSpec, type Gate } from '../gates.ts';
import { E2E_CLUSTER_ROLES, E2E_NAMESPACES_ROLE, excessOf, isE2eClusterBinding, isE2ePolicyObject } from './e2e-grants.ts';
import { TRIGGERS_CLUSTER_BINDING, TRIGGERS_CLUSTER_ROLES } from './guard.ts';
import { unpinnedReason } from './images.ts';
import { describeRef, refOf, type Manifest } from './objects.ts';
import { buildIsolationRule } from './policy-build-isolation.ts';
import { hostPathRule } from './policy-host-paths.ts';
import { unprewarmedStepImages } from './prewarm-coverage.ts';
import { gateOfStep, stepsOf, type StepOf, type Violation } from './task-steps.ts';

export { gateOfStep, stepsOf, type StepOf, type Violation };

export const EGRESS_PROXY = 'http://d601-provider-egress-proxy.unidesk.svc.cluster.local:18789';
export const REQUIRED_NO_PROXY = ['code-queue-ci-read', 'd601-tcp-egress-gateway', 'unidesk-ci-git-mirror', '.svc', 'kubernetes.default.svc'];
export const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterInterceptor',
  'ClusterTriggerBinding',
  'PersistentVolume',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

type Any = Record<string, any>; // manifests are free-form YAML here; each rule reads what it needs

export function policyViolations(objects: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const o of objects) {
    const add = (rule: string, message: string) => out.push({ object: describeRef(refOf(o)), rule, message });
    namespaceRule(o, add);
    rbacRule(o as Any, add);
    listenerRule(o as Any, add);
    hostPathRule(o, add);
    buildIsolationRule(o, add);
    for (const { image, where } of imagesOf(o as Any)) {
      const why = unpinnedReason(image);
      if (why) add('pinned-images', `${where}: ${why}`);
    }
    for (const s of stepsOf(o as Any)) stepProxyRule(s, add);
  }
  out.push(...unprewarmedStepImages(objects));
  return out;
}

type Add = (rule: string, message: string) => void;

function namespaceRule(o: Manifest, add: Add): void {
  if (CLUSTER_SCOPED.has(o.kind)) {
    const allowed = (o.kind === 'Namespace' && o.metadata.name === CI_NAMESPACE) || o.kind === 'ClusterRoleBinding' || o.kind === 'ClusterRole' || isE2ePolicyObject(o);
    if (!allowed) add('namespace', `cluster-scoped ${o.kind} is not allowed in k3s/ci`);
  } else if (o.metadata.namespace !== CI_NAMESPACE) {
    add('namespace', `must be in namespace ${CI_NAMESPACE}, found ${o.metadata.namespace ?? '(none: would default)'}`);
  }
  for (const t of (o as Any).spec?.resourcetemplates ?? []) {
    if (t?.metadata?.namespace && t.metadata.namespace !== CI_NAMESPACE) add('namespace', `resource template ${t.kind} targets namespace ${t.metadata.namespace}`);
  }
}

function rbacRule(o: Any, add: Add): void {
  if (o.kind === 'Role' || o.kind === 'ClusterRole') {
    const pinned = o.kind === 'ClusterRole' && o.metadata?.name in E2E_CLUSTER_ROLES;
    if (o.kind === 'ClusterRole' && !pinned) add('rbac', `no ClusterRole may be defined but ${Object.keys(E2E_CLUSTER_ROLES).join(', ')} (harness/kube/e2e-grants.ts)`);
    for (const [i, r] of (o.rules ?? []).entries()) {
      const excess = pinned ? excessOf(o.metadata.name, r) : undefined;
      if (excess) add('rbac', `rules[${i}] ${excess}`);
      for (const m of ruleViolations(r, `rules[${i}]`, pinned && !excess)) add('rbac', m);
    }
  }
  if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
    const ref = o.roleRef ?? {};
    if (o.kind === 'ClusterRoleBinding' && o.metadata?.name === E2E_NAMESPACES_ROLE) {
      if (!isE2eClusterBinding(o as Manifest))
        add('rbac', `ClusterRoleBinding ${E2E_NAMESPACES_ROLE} must bind ClusterRole ${E2E_NAMESPACES_ROLE} to ServiceAccount ${CI_NAMESPACE}/unidesk-ci-runner alone`);
      return;
    }
    if (ref.kind === 'ClusterRole' && !TRIGGERS_CLUSTER_ROLES.includes(ref.name)) add('rbac', `binds ClusterRole ${ref.name}; only the standard Triggers ClusterRoles may be bound`);
    if (o.kind === 'ClusterRoleBinding' && ref.name !== TRIGGERS_CLUSTER_BINDING.clusterRole)
      add('rbac', `ClusterRoleBinding to ${ref.name}; only ${TRIGGERS_CLUSTER_BINDING.clusterRole} may be bound cluster-wide`);
    if (o.kind === 'ClusterRoleBinding' && o.metadata?.name !== TRIGGERS_CLUSTER_BINDING.name)
      add('rbac', `ClusterRoleBinding ${o.metadata?.name}; the only one allowed is ${TRIGGERS_CLUSTER_BINDING.name}`);
    for (const s of o.subjects ?? []) {
      if (s.kind !== 'ServiceAccount' || s.namespace !== CI_NAMESPACE) add('rbac', `subject ${s.kind} ${s.namespace ?? ''}/${s.name} is not a ${CI_NAMESPACE} service account`);
    }
  }
}

/** Grants that reach beyond the namespace's own objects: container shells, privilege escalation, Secrets in bulk. */
const SHELL_RESOURCES = ['pods/exec', 'pods/attach', 'pods/portforward'];
const PRIVILEGE_VERBS = ['escalate', 'bind', 'impersonate'];

/** What the policy refuses in one RBAC rule (also applied by the install gate to live roles, runner-bindings.ts). */
export function ruleViolations(r: Any, where: string, pinnedOk = false): string[] {
  const out: string[] = [];
  const add = (_rule: string, m: string) => out.push(m);
  for (const field of ['verbs', 'resources', 'apiGroups'] as const) {
    if ((r[field] ?? []).some((v: string) => v.includes('*'))) add('rbac', `${where}.${field} contains a wildcard`);
  }
  for (const res of r.resources ?? []) if (/\/status$/.test(res)) add('rbac', `${where} grants ${res} (the rollout poll reads the main resource)`);
  if (r.nonResourceURLs) add('rbac', `${where} grants nonResourceURLs`);
  privilegeRule(r, where, pinnedOk, add);
  return out;
}

/** `pinnedOk`: a rule of a ClusterRole within its e2e-grants.ts table (the pinned bind of unidesk-ci-e2e-run, the run namespace's Secret writes). */
function privilegeRule(r: Any, where: string, pinnedOk: boolean, add: Add): void {
  for (const res of r.resources ?? []) if (SHELL_RESOURCES.includes(res)) add('rbac', `${where} grants ${res} (a shell or tunnel into containers)`);
  if (pinnedOk) return;
  for (const verb of r.verbs ?? []) if (PRIVILEGE_VERBS.includes(verb)) add('rbac', `${where} grants the ${verb} verb (privilege escalation)`);
  if ((r.resources ?? []).includes('secrets') && !(r.resourceNames ?? []).length) add('rbac', `${where} grants secrets without resourceNames (only the named Secrets the gates need)`);
}

function listenerRule(o: Any, add: Add): void {
  if (o.kind === 'Ingress' || o.kind === 'Route' || o.kind === 'Gateway' || o.kind === 'HTTPRoute') add('listener', `${o.kind} exposes CI outside the cluster`);
  if (o.kind === 'Service' && o.spec?.type && o.spec.type !== 'ClusterIP') add('listener', `Service type ${o.spec.type}; only ClusterIP is allowed`);
  if (o.kind !== 'EventListener') return;
  const type = o.spec?.resources?.kubernetesResource?.serviceType;
  if (type !== 'ClusterIP') add('listener', `EventListener serviceType must be ClusterIP explicitly, found ${type ?? '(unset)'}`);
  for (const t of o.spec?.triggers ?? []) {
    const github = (t.interceptors ?? []).find((i: Any) => i.ref?.name === 'github');
    const secretRef = github?.params?.find((p: Any) => p.name === 'secretRef')?.value;
    if (!secretRef?.secretName || !secretRef?.secretKey) add('listener', `trigger ${t.name}: GitHub interceptor with a secretRef (secretName, secretKey) is required`);
  }
}

function imagesOf(o: Any): Array<{ image: string; where: string }> {
  const out: Array<{ image: string; where: string }> = [];
  for (const s of stepsOf(o)) if (s.step.image !== undefined) out.push({ image: String(s.step.image), where: `step ${s.task}/${s.step.name}` });
  for (const c of [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])]) out.push({ image: String(c.image), where: `container ${c.name}` });
  if (o.kind === 'ConfigMap' && typeof o.data?.images === 'string') {
    for (const line of o.data.images
      .split('\n')
      .map((l: string) => l.trim())
      .filter(Boolean))
      out.push({ image: line, where: 'prewarm list' });
  }
  return out;
}

function stepProxyRule({ task, step }: StepOf, add: Add): void {
  const gate = gateOfStep(step);
  if (!gate) return;
  const env = new Map<string, string>((step.env ?? []).map((e: Any) => [e.name, e.value]));
  const where = `step ${task}/${step.name} (suites/${gate})`;
  // a gate calling the Kubernetes API has the proxy cleared; the others download through it
  if (!GATES.includes(gate as Gate)) {
    add('proxy', `${where}: unknown gate ${gate}`);
  } else if (gateSpec(gate as Gate).cluster) {
    for (const v of PROXY_VARIABLES) if (env.get(v) !== '') add('proxy', `${where} calls the Kubernetes API: ${v} must be cleared (value "")`);
  } else {
    for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) if (env.get(v) !== EGRESS_PROXY) add('proxy', `${where}: ${v} must be ${EGRESS_PROXY}`);
    for (const v of ['NO_PROXY', 'no_proxy']) {
      const list = (env.get(v) ?? '').split(',');
      const missing = REQUIRED_NO_PROXY.filter((h) => !list.includes(h));
      if (missing.length) add('proxy', `${where}: ${v} lacks ${missing.join(', ')}`);
    }
  }
}
