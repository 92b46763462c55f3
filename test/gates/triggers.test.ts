// The trigger boundary end to end in the lab (seed: "Trigger Boundary"): after the lab's `ci
// install`, GitHub push deliveries reach k3s/ci's EventListener only through the API server's
// service proxy to its ClusterIP Service, as a UniDesk route would forward them. A signed push
// runs the commit Pipeline on the pushed commit; every other delivery starts nothing and changes
// nothing; the EventListener's ServiceAccount can create only what the template needs.
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { CI_NAMESPACE } from '../../harness/config.ts';
import { git } from '../../harness/git/exec.ts';
import { accessReviewer } from '../../harness/kube/index.ts';
import { succeededCondition, waitForPipelineRun, type PipelineRun } from '../../harness/tekton/index.ts';
import { labClusterAdminFromKubeconfig, type LabClusterAdmin } from '../../fixtures/lab/cluster/admin-client.ts';
import type { KObject } from '../../fixtures/lab/cluster/index.ts';
import { GIT_CREDENTIALS_SECRET, installLabCi, type LabCi } from '../../fixtures/lab/tekton/ci.ts';
import { useLab } from '../support/lab.ts';
import { deliverViaProxy, githubHeaders, pushEvent, sign, sinkLines, type Delivery } from '../support/triggers.ts';

const lab = useLab(['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], 300_000);
let ci: LabCi;
let kc: k8s.KubeConfig;
let custom: k8s.CustomObjectsApi;
let admin: LabClusterAdmin;
let master: string;

const EL = { group: 'triggers.tekton.dev', version: 'v1beta1', namespace: CI_NAMESPACE };
const pipelineRuns = async (selector?: string) =>
  ((await custom.listNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: CI_NAMESPACE, plural: 'pipelineruns', labelSelector: selector })) as { items: PipelineRun[] }).items;
const sinkLog = async () => {
  const pod = (await ci.kube.core.listNamespacedPod({ namespace: CI_NAMESPACE, labelSelector: 'eventlistener=unidesk-ci' })).items[0]!;
  return ci.kube.core.readNamespacedPodLog({ namespace: CI_NAMESPACE, name: pod.metadata!.name!, container: 'event-listener' });
};
async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** The sink's lines for an event, once one matches `last` (its outcome). */
const outcome = (eventID: string, last: RegExp) =>
  until(async () => {
    const lines = sinkLines(await sinkLog(), eventID);
    return lines.some((l) => last.test(l.msg)) ? lines : undefined;
  }, `the sink's outcome line for event ${eventID}`);
/** Every stored object (Events too), by identity → resourceVersion. */
const snapshot = async () => new Map((await admin.objects()).map((o: KObject) => [`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]));
const pushBody = (after = master) => JSON.stringify(pushEvent({ after, cloneUrl: lab.env.UNIDESK_CI_REPO_URL! }));

beforeAll(async () => {
  ci = await installLabCi(lab.env, (l) => console.log(l));
  kc = new k8s.KubeConfig();
  kc.loadFromFile(lab.env.UNIDESK_CI_KUBECONFIG!);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  admin = await labClusterAdminFromKubeconfig(lab.env.UNIDESK_CI_KUBECONFIG);
  master = (await git(['rev-parse', 'master^{commit}'], { cwd: join(lab.env.LAB_GIT_ROOT!, 'unidesk.git') })).stdout.trim();
  // the listener is up: its Service answers through the proxy
  await until(
    async () => {
      const el = (await custom.getNamespacedCustomObject({ ...EL, plural: 'eventlisteners', name: 'unidesk-ci' })) as KObject & { status?: { conditions?: { type: string; status: string }[] } };
      return el.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined;
    },
    'the EventListener unidesk-ci to be Ready',
    60_000,
  );
}, 1_200_000);

describe('deliveries that must start nothing', () => {
  const TEN_MB = 10 * 1024 * 1024;
  /** A valid push event padded to 10 MB (GitHub allows 25 MB; v0.34.0's sink reads it all). */
  const bigPush = () => {
    const base = pushEvent({ after: master, cloneUrl: lab.env.UNIDESK_CI_REPO_URL! });
    const pad = TEN_MB - JSON.stringify({ ...base, padding: '' }).length;
    return JSON.stringify({ ...base, padding: 'x'.repeat(pad) });
  };
  type Case = [string, number, () => { body: string; headers: Record<string, string> }, RegExp | undefined];
  const cases: Case[] = [
    ['a wrong signature', 202, () => ({ body: pushBody(), headers: githubHeaders('push', sign(pushBody(), 'not-the-webhook-secret')) }), /desc = payload signature check failed$/],
    ['no signature', 202, () => ({ body: pushBody(), headers: githubHeaders('push') }), /desc = no X-Hub-Signature-256 header set$/],
    [
      'a signature over a different body',
      202,
      () => ({ body: pushBody(), headers: githubHeaders('push', sign(pushBody('0123456789abcdef0123456789abcdef01234567'), ci.webhookSecret)) }),
      /desc = payload signature check failed$/,
    ],
    [
      'a ping event, correctly signed',
      202,
      () => ({ body: '{"zen":"Design for failure.","hook_id":1}', headers: githubHeaders('ping', sign('{"zen":"Design for failure.","hook_id":1}', ci.webhookSecret)) }),
      /desc = event type ping is not allowed$/,
    ],
    [
      'a pull_request event, correctly signed',
      202,
      () => ({ body: pushBody(), headers: githubHeaders('pull_request', sign(pushBody(), ci.webhookSecret)) }),
      /desc = event type pull_request is not allowed$/,
    ],
    ['a malformed JSON body, correctly signed', 400, () => ({ body: '{"after": "abc",', headers: githubHeaders('push', sign('{"after": "abc",', ci.webhookSecret)) }), undefined],
    [
      'a 10 MB push event with a wrong signature',
      202,
      () => ({ body: bigPush(), headers: githubHeaders('push', sign(bigPush(), 'not-the-webhook-secret')) }),
      /desc = payload signature check failed$/,
    ],
    ['a 10 MB body that is not JSON, correctly signed', 400, () => ({ body: 'x'.repeat(TEN_MB), headers: githubHeaders('push', sign('x'.repeat(TEN_MB), ci.webhookSecret)) }), undefined],
  ];

  test.each(cases)('%s: HTTP %i as the v0.34.0 sink answers, no PipelineRun, nothing else changed in the cluster', async (_name, code, make, logged) => {
    const before = await snapshot();
    const { body, headers } = make();
    const res: Delivery = await deliverViaProxy(kc, body, headers);
    expect(res.status, res.text).toBe(code);
    expect(res.contentType).toBe('application/json');
    if (code === 400) {
      expect(res.json).toEqual({
        eventListener: 'unidesk-ci',
        namespace: 'unidesk-ci',
        eventListenerUID: '',
        errorMessage: expect.stringMatching(/^Invalid event body format : (unexpected end of JSON input|invalid character 'x' looking for beginning of value)$/),
      });
    } else {
      const uid = ((await custom.getNamespacedCustomObject({ ...EL, plural: 'eventlisteners', name: 'unidesk-ci' })) as KObject).metadata.uid;
      expect(res.json).toEqual({ eventListener: 'unidesk-ci', namespace: 'unidesk-ci', eventListenerUID: uid, eventID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      // the trigger ran (after the answer) and stopped: one line in the pod log, nothing created
      const lines = await outcome(res.json!.eventID as string, logged!);
      expect(lines.map((l) => [l.level, l.msg])).toEqual([['debug', expect.stringMatching(/^interceptor stopped trigger processing: rpc error: code = FailedPrecondition desc = /)]]);
      expect(await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${res.json!.eventID}`)).toEqual([]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('a signed push', () => {
  test("through the service proxy: exactly one unidesk-ci-commit-* PipelineRun on the event's after and clone_url, with the git credentials, Succeeded", async () => {
    const runsBefore = (await pipelineRuns()).length;
    const body = pushBody();
    const res = await deliverViaProxy(kc, body, githubHeaders('push', sign(body, ci.webhookSecret)));
    expect(res.status, res.text).toBe(202);
    const eventID = res.json!.eventID as string;
    const created = await until(async () => {
      const l = await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${eventID}`);
      return l.length ? l : undefined;
    }, 'the PipelineRun of the push');
    expect(created).toHaveLength(1);
    expect((await pipelineRuns()).length).toBe(runsBefore + 1);
    const pr = created[0]!;
    expect(pr.metadata.name).toMatch(/^unidesk-ci-commit-[a-z0-9]{5}$/);
    expect(pr.metadata.labels).toMatchObject({ 'triggers.tekton.dev/eventlistener': 'unidesk-ci', 'triggers.tekton.dev/trigger': 'github-push', 'triggers.tekton.dev/triggers-eventid': eventID });
    const spec = pr.spec as { pipelineRef: { name: string }; params: { name: string; value: string }[]; workspaces: { name: string }[]; taskRunSpecs?: unknown[] };
    expect(spec.pipelineRef).toEqual({ name: 'unidesk-ci-commit' });
    expect(spec.params).toEqual([
      { name: 'repo-url', value: lab.env.UNIDESK_CI_REPO_URL },
      { name: 'revision', value: master },
    ]);
    // 0400 and a tokenless ServiceAccount for repo-check: the commit's code reads neither (docs/commit-gate.md)
    expect(spec.workspaces).toContainEqual({ name: 'git-credentials', secret: { secretName: GIT_CREDENTIALS_SECRET, defaultMode: 0o400 } });
    expect(spec.taskRunSpecs).toEqual([
      { pipelineTaskName: 'repo-check', serviceAccountName: 'unidesk-ci-repo-check' },
      { pipelineTaskName: 'backend-core-artifact', serviceAccountName: 'unidesk-ci-builder' },
    ]);
    // created by the EventListener's ServiceAccount, nobody else
    const posts = (await admin.requests()).filter((r) => r.method === 'POST' && r.path.startsWith(`/apis/tekton.dev/v1/namespaces/${CI_NAMESPACE}/pipelineruns`) && r.code === 201);
    expect(posts.at(-1)!.user).toBe('system:serviceaccount:unidesk-ci:unidesk-ci-triggers');
    const done = await waitForPipelineRun(ci.kube, pr.metadata.name, { timeoutMs: 300_000, log: () => undefined });
    expect(succeededCondition(done)).toMatchObject({ status: 'True' });
    expect((done.status as { results?: unknown[] }).results).toContainEqual({ name: 'commit', value: master });
  }, 400_000);
});

describe('the EventListener ServiceAccount', () => {
  test('may create PipelineRuns and TaskRuns in unidesk-ci and nothing else (what its two Triggers ClusterRoles grant)', async () => {
    const can = accessReviewer(ci.kube, 'system:serviceaccount:unidesk-ci:unidesk-ci-triggers');
    const creates: [string, string, string, boolean][] = [
      ['tekton.dev', 'pipelineruns', CI_NAMESPACE, true],
      ['tekton.dev', 'taskruns', CI_NAMESPACE, true],
      ['tekton.dev', 'pipelineruns', 'default', false],
      ['tekton.dev', 'pipelines', CI_NAMESPACE, false],
      ['tekton.dev', 'tasks', CI_NAMESPACE, false],
      ['apps', 'deployments', CI_NAMESPACE, false],
      ['', 'pods', CI_NAMESPACE, false],
      ['', 'services', CI_NAMESPACE, false],
      ['', 'secrets', CI_NAMESPACE, false],
      ['', 'configmaps', CI_NAMESPACE, false],
      ['', 'serviceaccounts', CI_NAMESPACE, false],
      ['rbac.authorization.k8s.io', 'rolebindings', CI_NAMESPACE, false],
      ['triggers.tekton.dev', 'triggertemplates', CI_NAMESPACE, false],
      ['triggers.tekton.dev', 'eventlisteners', CI_NAMESPACE, false],
    ];
    const answers = await Promise.all(creates.map(([group, resource, namespace]) => can({ verb: 'create', group, resource, namespace })));
    expect(creates.map(([g, r, ns], i) => `${r}.${g}@${ns}: ${answers[i]}`)).toEqual(creates.map(([g, r, ns, want]) => `${r}.${g}@${ns}: ${want}`));
  });

  test('creates only what the template needs: a template changed to create a Deployment is refused by RBAC', async () => {
    const tt = { ...EL, plural: 'triggertemplates', name: 'unidesk-ci-commit' };
    const original = (await custom.getNamespacedCustomObject(tt)) as KObject & { spec: Record<string, unknown> };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { generateName: 'triggered-', namespace: CI_NAMESPACE },
      spec: { replicas: 1, selector: { matchLabels: { app: 'triggered' } }, template: { metadata: { labels: { app: 'triggered' } }, spec: { containers: [{ name: 'x', image: 'busybox:1.36.1' }] } } },
    };
    await custom.patchNamespacedCustomObject({ ...tt, body: { spec: { ...original.spec, resourcetemplates: [deployment] } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    try {
      const deploymentsBefore = (await ci.kube.apps.listNamespacedDeployment({ namespace: CI_NAMESPACE })).items.map((d) => d.metadata!.name);
      const body = pushBody();
      const res = await deliverViaProxy(kc, body, githubHeaders('push', sign(body, ci.webhookSecret)));
      expect(res.status).toBe(202);
      const eventID = res.json!.eventID as string;
      const lines = await outcome(eventID, /^problem creating obj: /);
      const refusal = lines.find((l) => l.msg.startsWith('problem creating obj: '))!;
      console.log(`sink: ${refusal.msg}`);
      expect(refusal).toMatchObject({
        level: 'error',
        msg: 'problem creating obj: deployments.apps is forbidden: User "system:serviceaccount:unidesk-ci:unidesk-ci-triggers" cannot create resource "deployments" in API group "apps" in the namespace "unidesk-ci"',
      });
      const refused = (await admin.requests()).filter((r) => r.method === 'POST' && r.path.startsWith(`/apis/apps/v1/namespaces/${CI_NAMESPACE}/deployments`));
      expect(refused.at(-1)).toMatchObject({ user: 'system:serviceaccount:unidesk-ci:unidesk-ci-triggers', code: 403 });
      expect((await ci.kube.apps.listNamespacedDeployment({ namespace: CI_NAMESPACE })).items.map((d) => d.metadata!.name)).toEqual(deploymentsBefore);
      expect(await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${eventID}`)).toEqual([]);
    } finally {
      await custom.patchNamespacedCustomObject({ ...tt, body: { spec: original.spec } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    }
  });
});

describe('the boundary', () => {
  test('el-unidesk-ci is a ClusterIP Service; no NodePort, LoadBalancer or Ingress exists for it', async () => {
    const svc = await ci.kube.core.readNamespacedService({ namespace: CI_NAMESPACE, name: 'el-unidesk-ci' });
    expect(svc.spec!.type).toBe('ClusterIP');
    expect(svc.spec!.ports!.every((p) => p.nodePort === undefined)).toBe(true);
    expect(svc.metadata!.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'EventListener', 'app.kubernetes.io/part-of': 'Triggers', eventlistener: 'unidesk-ci' });
    const all = await admin.objects();
    const exposing = all.filter((o) => (o.kind === 'Service' && (o.spec as { type?: string }).type !== 'ClusterIP') || ['Ingress', 'IngressRoute', 'Gateway', 'HTTPRoute', 'Route'].includes(o.kind));
    expect(exposing.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
    const el = (await custom.getNamespacedCustomObject({ ...EL, plural: 'eventlisteners', name: 'unidesk-ci' })) as KObject & { status: { address: { url: string } } };
    expect(el.status.address.url).toBe('http://el-unidesk-ci.unidesk-ci.svc.cluster.local:8080');
  });
});
