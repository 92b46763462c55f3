// The EventListener reconciler's pure parts: the el-<name> Deployment and Service as
// pkg/reconciler/eventlistener/resources builds them, the status conditions as
// event_listener_types.go sets them, and what the lab refuses by name.
import { describe, expect, test } from 'vitest';
import type { KObject } from '../../fixtures/lab/cluster/types.ts';
import { eventListenerDeployment, eventListenerService, listenerUrl } from '../../fixtures/lab/cluster/controllers/triggers/resources.ts';
import { eventListenerStatus } from '../../fixtures/lab/cluster/controllers/triggers/status.ts';
import { unsupportedInEventListener } from '../../fixtures/lab/cluster/controllers/triggers/unsupported.ts';

const el = (spec: Record<string, unknown> = {}, extra: Partial<KObject['metadata']> = {}): KObject => ({
  apiVersion: 'triggers.tekton.dev/v1beta1',
  kind: 'EventListener',
  metadata: { name: 'ci', namespace: 'unidesk-ci', uid: 'uid-1', generation: 2, labels: { 'app.kubernetes.io/part-of': 'unidesk-ci', team: 'x' }, ...extra },
  spec: { serviceAccountName: 'ci-el', triggers: [], ...spec },
});
const LABELS = { 'app.kubernetes.io/managed-by': 'EventListener', 'app.kubernetes.io/part-of': 'Triggers', eventlistener: 'ci' };

describe('el-<name> resources', () => {
  test("Triggers' labels win over the EventListener's; the selector is Triggers' own; owned by the EventListener", () => {
    const d = eventListenerDeployment(el());
    expect(d.metadata).toEqual({
      name: 'el-ci',
      namespace: 'unidesk-ci',
      labels: { team: 'x', ...LABELS },
      ownerReferences: [{ apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'EventListener', name: 'ci', uid: 'uid-1', controller: true, blockOwnerDeletion: true }],
    });
    const spec = d.spec as {
      replicas: number;
      selector: unknown;
      template: { metadata: { labels: unknown }; spec: { serviceAccountName: string; containers: { args: string[]; ports: unknown[]; readinessProbe: unknown }[] } };
    };
    expect(spec.replicas).toBe(1);
    expect(spec.selector).toEqual({ matchLabels: LABELS });
    expect(spec.template.metadata.labels).toEqual({ team: 'x', ...LABELS });
    expect(spec.template.spec.serviceAccountName).toBe('ci-el');
    const c = spec.template.spec.containers[0]!;
    expect(c.args.slice(0, 3)).toEqual(['--el-name=ci', '--el-namespace=unidesk-ci', '--port=8080']);
    expect(c.args).toContain('--payload-validation=true');
    expect(c.ports).toEqual([
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/live', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 });
  });

  test('payload validation off by annotation; default ServiceAccount', () => {
    const d = eventListenerDeployment(el({ serviceAccountName: undefined }, { annotations: { 'tekton.dev/payload-validation': 'false' } }));
    const spec = d.spec as { template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } } };
    expect(spec.template.spec.containers[0]!.args).toContain('--payload-validation=false');
    expect(spec.template.spec.serviceAccountName).toBe('default');
    expect(d.metadata.annotations).toEqual({ 'tekton.dev/payload-validation': 'false' });
  });

  test('the Service: ClusterIP unless asked otherwise, http-listener and http-metrics', () => {
    expect(eventListenerService(el()).spec).toEqual({
      selector: LABELS,
      type: 'ClusterIP',
      ports: [
        { name: 'http-listener', protocol: 'TCP', port: 8080, targetPort: 8080 },
        { name: 'http-metrics', protocol: 'TCP', port: 9000, targetPort: 9000 },
      ],
    });
    const custom = el({ resources: { kubernetesResource: { serviceType: 'NodePort', servicePort: 8888 } } });
    expect((eventListenerService(custom).spec as { type: string }).type).toBe('NodePort');
    expect(listenerUrl(custom)).toBe('http://el-ci.unidesk-ci.svc.cluster.local:8888');
  });
});

describe('status', () => {
  const dep = (available: string, progressing = 'True'): KObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'el-ci' },
    status: {
      conditions: [
        { type: 'Available', status: available, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: progressing, reason: 'NewReplicaSetAvailable', message: 'ok' },
      ],
    },
  });
  const status = (o: Partial<Parameters<typeof eventListenerStatus>[0]>) =>
    eventListenerStatus({ el: el(), serviceExists: true, deployment: dep('True'), unsupported: [], now: 'T1', ...o }) as {
      conditions: { type: string; status: string; message?: string; reason?: string; lastTransitionTime: string }[];
      address?: unknown;
      observedGeneration: number;
      configuration: unknown;
    };

  test('ready: every condition True, sorted by type; address and generatedName', () => {
    const s = status({});
    expect(s.conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Deployment', 'True', undefined, 'Deployment exists'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', 'ok'],
      ['Ready', 'True', undefined, 'EventListener is ready'],
      ['Service', 'True', undefined, 'Service exists'],
    ]);
    expect(s).toMatchObject({ observedGeneration: 2, address: { url: 'http://el-ci.unidesk-ci.svc.cluster.local:8080' }, configuration: { generatedName: 'el-ci' } });
  });

  test('not ready: the first of Service, Deployment, Progressing, Available not True names itself', () => {
    expect(status({ deployment: dep('False') }).conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      message: 'Condition Available has status: False with message: Deployment has minimum availability.',
    });
    expect(status({ deployment: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} } }).conditions.map((c) => c.type)).toEqual(['Deployment', 'Ready', 'Service']);
  });

  test('lastTransitionTime kept while a condition is unchanged', () => {
    const first = status({ now: 'T1' });
    const again = status({ el: { ...el(), status: first }, now: 'T2', deployment: dep('False') });
    expect(again.conditions.find((c) => c.type === 'Service')!.lastTransitionTime).toBe('T1');
    expect(again.conditions.find((c) => c.type === 'Available')!.lastTransitionTime).toBe('T2');
  });

  test('unsupported: Ready False, reason Unsupported, naming what', () => {
    expect(status({ unsupported: ['spec.triggerGroups'] }).conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'Unsupported',
      message: "the lab's Triggers does not implement: spec.triggerGroups",
    });
  });
});

describe('unsupportedInEventListener', () => {
  const github = {
    ref: { name: 'github' },
    params: [
      { name: 'secretRef', value: { secretName: 'a', secretKey: 'b' } },
      { name: 'eventTypes', value: ['push'] },
    ],
  };
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "k3s/ci's shape",
      {
        resources: { kubernetesResource: { serviceType: 'ClusterIP' } },
        triggers: [{ name: 'p', interceptors: [github], bindings: [{ ref: 'b' }, { name: 'x', value: 'y' }], template: { ref: 't' } }],
      },
      [],
    ],
    [
      'CEL',
      { triggers: [{ name: 'p', interceptors: [github, { ref: { name: 'cel' }, params: [{ name: 'filter', value: 'true' }] }] }] },
      ['spec.triggers[0].interceptors[1]: the cel interceptor (only github; the lab has no CEL evaluator)'],
    ],
    [
      'a namespaced Interceptor',
      { triggers: [{ interceptors: [{ ref: { name: 'mine', kind: 'NamespacedInterceptor' } }] }] },
      ['spec.triggers[0].interceptors[0]: NamespacedInterceptor "mine" (only the core ClusterInterceptor github)'],
    ],
    [
      'github owners',
      { triggers: [{ interceptors: [{ ref: { name: 'github' }, params: [{ name: 'githubOwners', value: {} }] }] }] },
      ['spec.triggers[0].interceptors[0]: github interceptor params githubOwners'],
    ],
    [
      'groups, selectors, custom resources, pod templates',
      {
        triggerGroups: [],
        labelSelector: {},
        resources: { customResource: {}, kubernetesResource: { spec: {} } },
        triggers: [{ triggerRef: 'x', bindings: [{ ref: 'c', kind: 'ClusterTriggerBinding' }] }],
      },
      [
        'spec.triggerGroups',
        'spec.labelSelector',
        'spec.resources.customResource',
        'spec.resources.kubernetesResource.spec',
        'spec.triggers[0].triggerRef',
        'spec.triggers[0].bindings[0]: kind ClusterTriggerBinding',
      ],
    ],
  ])('%s', (_n, spec, want) => expect(unsupportedInEventListener(el(spec))).toEqual(want));
});
