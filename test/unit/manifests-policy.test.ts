// The k3s/ci policies hold for the real manifests, and each policy catches a deliberately broken copy.
import { describe, expect, test } from 'vitest';
import type { Manifest } from '../../harness/kube/index.ts';
import { policyViolations, type Violation } from '../../harness/kube/policy.ts';
import { k3sCiObjects } from './manifests-support.ts';

const objects = await k3sCiObjects();
type Obj = Manifest & Record<string, any>;

/** Apply `mutate` to a copy of the named object (or add objects) and return the new violations. */
function violationsAfter(mutate: (all: Obj[]) => void): Violation[] {
  const copy = structuredClone(objects) as Obj[];
  mutate(copy);
  return policyViolations(copy);
}
const find = (all: Obj[], kind: string, name?: string) => all.find((o) => o.kind === kind && (!name || o.metadata.name === name))!;
const step = (all: Obj[], task: string) => find(all, 'Task', task).spec.steps[0];
const env = (s: any, name: string) => s.env.find((e: any) => e.name === name);
const TRIGGERS = 'unidesk-ci-triggers-eventlistener-cluster';
const rule = (a: Obj[], role: string, resource: string) => find(a, 'ClusterRole', role).rules.find((r: any) => r.resources.includes(resource));
/** The run-namespace grants (e2e-namespaces.*.yaml): exactly as pinned, nothing broader. */
const E2E_CASES: Array<[string, string, RegExp, (all: Obj[]) => void]> = [
  ['rbac', 'reading Secrets in a run namespace', /grants get secrets, more than unidesk-ci-e2e-run may/, (a) => void rule(a, 'unidesk-ci-e2e-run', 'secrets').verbs.push('get')],
  [
    'rbac',
    'updating namespaces cluster-wide',
    /grants update namespaces, more than unidesk-ci-e2e-namespaces may/,
    (a) => void rule(a, 'unidesk-ci-e2e-namespaces', 'namespaces').verbs.push('update'),
  ],
  ['rbac', 'a wildcard in the namespaces ClusterRole', /rules\[0\]\.resources contains a wildcard/, (a) => void (rule(a, 'unidesk-ci-e2e-namespaces', 'namespaces').resources = ['*'])],
  [
    'rbac',
    'bind without resourceNames',
    /grants bind clusterroles\.rbac\.authorization\.k8s\.io beyond resourceNames unidesk-ci-e2e-run/,
    (a) => void delete rule(a, 'unidesk-ci-e2e-namespaces', 'clusterroles').resourceNames,
  ],
  ['rbac', 'bind on cluster-admin', /beyond resourceNames unidesk-ci-e2e-run/, (a) => void rule(a, 'unidesk-ci-e2e-namespaces', 'clusterroles').resourceNames.push('cluster-admin')],
  [
    'rbac',
    'workload rights cluster-wide',
    /grants create deployments\.apps, more than unidesk-ci-e2e-namespaces may/,
    (a) => void find(a, 'ClusterRole', 'unidesk-ci-e2e-namespaces').rules.push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }),
  ],
  [
    'rbac',
    'the run ClusterRole bound cluster-wide',
    /must bind ClusterRole unidesk-ci-e2e-namespaces to ServiceAccount unidesk-ci\/unidesk-ci-runner alone/,
    (a) => void (find(a, 'ClusterRoleBinding', 'unidesk-ci-e2e-namespaces').roleRef.name = 'unidesk-ci-e2e-run'),
  ],
  [
    'rbac',
    'another subject of the namespaces ClusterRole',
    /to ServiceAccount unidesk-ci\/unidesk-ci-runner alone/,
    (a) => void find(a, 'ClusterRoleBinding', 'unidesk-ci-e2e-namespaces').subjects.push({ kind: 'ServiceAccount', name: 'default', namespace: 'unidesk-ci' }),
  ],
  [
    'rbac',
    "Secrets in the EventListener's cluster ClusterRole",
    /grants list secrets, more than unidesk-ci-triggers-eventlistener-cluster may/,
    (a) => void find(a, 'ClusterRole', TRIGGERS).rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }),
  ],
  [
    'rbac',
    "the EventListener bound to Triggers' shipped cluster ClusterRole",
    /ClusterRoleBinding to tekton-triggers-eventlistener-clusterroles; only unidesk-ci-triggers-eventlistener-cluster may be bound cluster-wide/,
    (a) => void (find(a, 'ClusterRoleBinding', TRIGGERS).roleRef.name = 'tekton-triggers-eventlistener-clusterroles'),
  ],
  ['namespace', 'another ValidatingAdmissionPolicy', /cluster-scoped ValidatingAdmissionPolicy is not allowed/, (a) => void (find(a, 'ValidatingAdmissionPolicy').metadata.name = 'other')],
  [
    'namespace',
    'a policy binding to another policy',
    /cluster-scoped ValidatingAdmissionPolicyBinding is not allowed/,
    (a) => void (find(a, 'ValidatingAdmissionPolicyBinding').spec.policyName = 'other'),
  ],
];

describe('k3s/ci policies', () => {
  test('the real manifests have no violations', () => {
    expect(policyViolations(objects)).toEqual([]);
  });

  const broken: Array<[string, string, RegExp, (all: Obj[]) => void]> = [
    ['pinned-images', 'a step image tagged latest', /uses the mutable tag latest/, (a) => void (step(a, 'unidesk-ci-perf').image = '127.0.0.1:5000/unidesk/unidesk-ci:latest')],
    ['pinned-images', 'an untagged prewarm image', /alpine\/git has no tag or digest/, (a) => void (find(a, 'ConfigMap', 'unidesk-ci-prewarm-images').data.images += 'alpine/git\n')],
    ['pinned-images', 'a malformed digest', /malformed digest/, (a) => void (step(a, 'unidesk-ci-perf').image = 'oven/bun@sha256:abc')],
    ['rbac', 'wildcard verbs', /rules\[0\]\.verbs contains a wildcard/, (a) => void (find(a, 'Role').rules[0].verbs = ['*'])],
    ['rbac', 'wildcard resources', /rules\[1\]\.resources contains a wildcard/, (a) => void (find(a, 'Role').rules[1].resources = ['*'])],
    ['rbac', 'deployments/status', /grants deployments\/status/, (a) => void find(a, 'Role').rules[0].resources.push('deployments/status')],
    ['rbac', 'a subresource wildcard */status', /rules\[0\]\.resources contains a wildcard/, (a) => void find(a, 'Role').rules[0].resources.push('*/status')],
    ['rbac', 'a subresource wildcard pods/*', /rules\[3\]\.resources contains a wildcard/, (a) => void find(a, 'Role').rules[3].resources.push('pods/*')],
    ['rbac', 'pods/exec', /rules\[3\] grants pods\/exec \(a shell or tunnel into containers\)/, (a) => void find(a, 'Role').rules[3].resources.push('pods/exec')],
    ['rbac', 'pods/attach in the pinned run ClusterRole', /grants pods\/attach \(a shell/, (a) => void rule(a, 'unidesk-ci-e2e-run', 'pods/log').resources.push('pods/attach')],
    [
      'rbac',
      'reading Secrets without resourceNames',
      /rules\[\d+\] grants secrets without resourceNames/,
      (a) => void find(a, 'Role').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }),
    ],
    ['rbac', 'the escalate verb', /grants the escalate verb/, (a) => void find(a, 'Role').rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] })],
    [
      'rbac',
      'the bind verb in a Role',
      /grants the bind verb/,
      (a) => void find(a, 'Role').rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['admin'] }),
    ],
    ['rbac', 'the impersonate verb', /grants the impersonate verb/, (a) => void find(a, 'Role').rules.push({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] })],
    ['rbac', 'a ClusterRole', /no ClusterRole may be defined/, (a) => void a.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [] })],
    ['rbac', 'a binding to cluster-admin', /only the standard Triggers ClusterRoles/, (a) => void (find(a, 'ClusterRoleBinding', TRIGGERS).roleRef.name = 'cluster-admin')],
    [
      'rbac',
      'another ClusterRoleBinding name',
      /ClusterRoleBinding extra; the only one allowed is unidesk-ci-triggers-eventlistener-cluster/,
      (a) => void (find(a, 'ClusterRoleBinding', TRIGGERS).metadata.name = 'extra'),
    ],
    ...E2E_CASES,
    ['rbac', 'a user subject', /is not a unidesk-ci service account/, (a) => void find(a, 'RoleBinding').subjects.push({ kind: 'User', name: 'bob' })],
    ['namespace', 'an object in default', /must be in namespace unidesk-ci, found default/, (a) => void (find(a, 'ConfigMap').metadata.namespace = 'default')],
    ['namespace', 'an object in unidesk (production)', /found unidesk$/, (a) => void (find(a, 'Task').metadata.namespace = 'unidesk')],
    ['namespace', 'an object without namespace', /would default/, (a) => void delete find(a, 'ServiceAccount').metadata.namespace],
    ['namespace', 'a Namespace other than unidesk-ci', /cluster-scoped Namespace/, (a) => void a.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unidesk-dev' } })],
    ['namespace', 'a PipelineRun template in unidesk-dev', /targets namespace unidesk-dev/, (a) => void (find(a, 'TriggerTemplate').spec.resourcetemplates[0].metadata.namespace = 'unidesk-dev')],
    [
      'listener',
      'EventListener NodePort',
      /serviceType must be ClusterIP explicitly, found NodePort/,
      (a) => void (find(a, 'EventListener').spec.resources.kubernetesResource.serviceType = 'NodePort'),
    ],
    ['listener', 'EventListener without serviceType', /found \(unset\)/, (a) => void delete find(a, 'EventListener').spec.resources],
    [
      'listener',
      'a LoadBalancer Service',
      /Service type LoadBalancer/,
      (a) => void a.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'el', namespace: 'unidesk-ci' }, spec: { type: 'LoadBalancer' } }),
    ],
    ['listener', 'an Ingress', /Ingress exposes CI/, (a) => void a.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'el', namespace: 'unidesk-ci' } })],
    ['listener', 'no GitHub secretRef', /GitHub interceptor with a secretRef/, (a) => void (find(a, 'EventListener').spec.triggers[0].interceptors[0].params = [])],
    [
      'proxy',
      'proxy left set on a Kubernetes-calling step',
      /perf-gate \(suites\/perf\) calls the Kubernetes API: HTTPS_PROXY must be cleared/,
      (a) => void (env(step(a, 'unidesk-ci-perf'), 'HTTPS_PROXY').value = 'http://proxy:3128'),
    ],
    [
      'proxy',
      'a Kubernetes-calling step without ALL_PROXY cleared',
      /dev-e2e-gate .*ALL_PROXY must be cleared/,
      (a) => void (step(a, 'unidesk-ci-dev-e2e').env = step(a, 'unidesk-ci-dev-e2e').env.filter((e: any) => e.name !== 'ALL_PROXY')),
    ],
    ['proxy', 'a git step without the egress proxy', /commit-gate \(suites\/commit\): HTTP_PROXY must be/, (a) => void (env(step(a, 'unidesk-ci-repo-check'), 'HTTP_PROXY').value = '')],
    [
      'proxy',
      'NO_PROXY missing kubernetes.default.svc',
      /NO_PROXY lacks kubernetes\.default\.svc/,
      (a) => {
        const e = env(step(a, 'unidesk-ci-backend-core-artifact'), 'NO_PROXY');
        e.value = e.value
          .split(',')
          .filter((h: string) => h !== 'kubernetes.default.svc')
          .join(',');
      },
    ],
    [
      'prewarm',
      'the harness step image dropped from the prewarm list',
      /step unidesk-ci-perf\/perf-gate runs 127\.0\.0\.1:5000\/unidesk\/unidesk-ci:[\w.-]+, which is not listed in ConfigMap unidesk-ci-prewarm-images/,
      (a) => {
        const cm = find(a, 'ConfigMap', 'unidesk-ci-prewarm-images');
        cm.data.images = cm.data.images
          .split('\n')
          .filter((l: string) => !l.includes('unidesk/unidesk-ci:'))
          .join('\n');
      },
    ],
    [
      'prewarm',
      'a step on an image the list does not hold',
      /step unidesk-ci-repo-check\/[\w-]+ runs alpine\/git:2\.46\.0, which is not listed/,
      (a) => void (step(a, 'unidesk-ci-repo-check').image = 'alpine/git:2.46.0'),
    ],
    [
      'prewarm',
      'a Pipeline-embedded taskSpec on an unlisted image',
      /step unidesk-ci-commit\/extra\/probe runs oven\/bun:1\.2-debian/,
      (a) => void find(a, 'Pipeline', 'unidesk-ci-commit').spec.tasks.push({ name: 'extra', taskSpec: { steps: [{ name: 'probe', image: 'oven/bun:1.2-debian' }] } }),
    ],
    [
      'prewarm',
      'no prewarm list at all',
      /not listed in a ConfigMap unidesk-ci-prewarm-images \(none in k3s\/ci\)/,
      (a) => void a.splice(a.indexOf(find(a, 'ConfigMap', 'unidesk-ci-prewarm-images')), 1),
    ],
  ];

  test('a step image is matched the way containerd names it (docker.io short names)', () => {
    const v = violationsAfter((a) => {
      const cm = find(a, 'ConfigMap', 'unidesk-ci-prewarm-images');
      cm.data.images += 'docker.io/library/busybox:1.36\n';
      step(a, 'unidesk-ci-perf').image = 'busybox:1.36';
    });
    expect(v.filter((x) => x.rule === 'prewarm')).toEqual([]);
  });

  test.each(broken)('%s policy catches %s', (rule, _what, message, mutate) => {
    const v = violationsAfter(mutate);
    expect(
      v.filter((x) => x.rule === rule && message.test(x.message)),
      JSON.stringify(v),
    ).not.toEqual([]);
  });
});
