// The lab's Triggers in the cluster double alone (no step image, no Tekton controller: created
// runs stay as created): k3s/ci's EventListener, bindings, template and RBAC applied as an
// operator would, then what the reconciler made of it, how the sink answers through the service
// proxy and on its loopback port, what RBAC refuses the EventListener's ServiceAccount, and the
// curl block of docs/triggers.md run as written. The end to end path (a signed push running the
// commit Pipeline to Succeeded in the full lab) is test/gates/triggers.test.ts.
import { randomBytes } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kubeFromConfig, loadKubeConfig, type Kube, type Manifest } from '../../../harness/kube/index.ts';
import { rawApply } from '../../../harness/kube/raw.ts';
import { startClusterDouble, type ClusterDouble, type KObject } from '../../../fixtures/lab/cluster/index.ts';
import { installLabTekton } from '../../../fixtures/lab/tekton/index.ts';
import { until } from '../cluster/support.ts';
import { haveCrds } from '../tekton-controller/support.ts';
import { deliverToPort, deliverViaProxy, githubHeaders, pushEvent, sign, sinkLines, type Delivery } from '../../support/triggers.ts';

const K3S_CI = resolve(import.meta.dirname, '../../../k3s/ci');
const NS = 'unidesk-ci';
const SECRET = randomBytes(24).toString('hex');
const SHA = 'a'.repeat(40);
const CLONE = 'http://127.0.0.1:1/unidesk.git';

let double: ClusterDouble;
let kube: Kube;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let custom: k8s.CustomObjectsApi;

const manifests = (file: string) =>
  parseAllDocuments(readFileSync(join(K3S_CI, file), 'utf8'))
    .map((d) => d.toJS() as Manifest)
    .filter(Boolean);
const el = () =>
  custom.getNamespacedCustomObject({ group: 'triggers.tekton.dev', version: 'v1beta1', namespace: NS, plural: 'eventlisteners', name: 'unidesk-ci' }) as Promise<
    KObject & { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; address?: { url: string } } }
  >;
const ready = (o: Awaited<ReturnType<typeof el>>) => o.status?.conditions?.find((c) => c.type === 'Ready');
const pipelineRuns = async (selector?: string) =>
  ((await custom.listNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: NS, plural: 'pipelineruns', labelSelector: selector })) as { items: KObject[] }).items;
const sinkPod = async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'eventlistener=unidesk-ci' })).items[0]!;
const sinkLog = async () => core.readNamespacedPodLog({ namespace: NS, name: (await sinkPod()).metadata!.name!, container: 'event-listener' });
/** Waits for the sink's last line about this event and returns the event's lines. */
const outcome = (eventID: string, pattern: RegExp) =>
  until(async () => {
    const lines = sinkLines(await sinkLog(), eventID);
    return lines.some((l) => pattern.test(l.msg)) && lines;
  }, `the sink's log line for event ${eventID}`);
const snapshot = () => new Map(double.objects().map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion]));

beforeAll(async () => {
  double = await startClusterDouble({ tektonController: false });
  await installLabTekton({ kubeconfig: double.kubeconfigPath, log: () => undefined });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(double.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  kube = kubeFromConfig(loadKubeConfig({ kubeconfig: double.kubeconfigPath }), 'lab-operator', () => undefined);
  for (const f of ['namespace.yaml', 'serviceaccounts.yaml', 'triggers.rbac.yaml', 'unidesk-ci.triggers.yaml']) for (const m of manifests(f)) await rawApply(kube, m, 'unidesk-ci');
  await rawApply(kube, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unidesk-ci-github-webhook', namespace: NS }, stringData: { secret: SECRET } } as Manifest, 'unidesk-ci');
  await until(async () => ready(await el())?.status === 'True', 'the EventListener to be Ready', 30_000);
}, 120_000);
afterAll(() => double?.stop());

const signedPush = () => {
  const body = JSON.stringify(pushEvent({ after: SHA, cloneUrl: CLONE }));
  return { body, headers: githubHeaders('push', sign(body, SECRET)) };
};

describe.skipIf(!haveCrds())('the EventListener reconciler', () => {
  test("el-unidesk-ci: a Deployment and a ClusterIP Service with Triggers' labels, owned by the EventListener; status as Triggers writes it", async () => {
    const listener = await el();
    const labels = { 'app.kubernetes.io/managed-by': 'EventListener', 'app.kubernetes.io/part-of': 'Triggers', eventlistener: 'unidesk-ci' };
    const owner = { apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'EventListener', name: 'unidesk-ci', uid: listener.metadata.uid, controller: true, blockOwnerDeletion: true };
    const dep = await apps.readNamespacedDeployment({ namespace: NS, name: 'el-unidesk-ci' });
    expect(dep.metadata!.labels).toMatchObject(labels);
    expect(dep.metadata!.ownerReferences).toEqual([owner]);
    expect(dep.spec!.selector.matchLabels).toEqual(labels);
    const pod = dep.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe('unidesk-ci-triggers');
    expect(pod.containers[0]).toMatchObject({ name: 'event-listener', image: 'ghcr.io/tektoncd/triggers/cmd/eventlistenersink:v0.34.0' });
    expect(pod.containers[0]!.args).toEqual(expect.arrayContaining(['--el-name=unidesk-ci', '--el-namespace=unidesk-ci', '--port=8080', '--payload-validation=true']));
    const svc = await core.readNamespacedService({ namespace: NS, name: 'el-unidesk-ci' });
    expect(svc.metadata!.labels).toMatchObject(labels);
    expect(svc.metadata!.ownerReferences).toEqual([owner]);
    expect(svc.spec!.type).toBe('ClusterIP');
    expect(svc.spec!.selector).toEqual(labels);
    expect(svc.spec!.ports!.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['http-listener', 8080, 8080],
      ['http-metrics', 9000, 9000],
    ]);
    expect(listener.status).toMatchObject({ address: { url: 'http://el-unidesk-ci.unidesk-ci.svc.cluster.local:8080' }, configuration: { generatedName: 'el-unidesk-ci' } });
    expect(listener.status!.conditions!.map((c) => [c.type, c.status, c.message])).toEqual([
      ['Available', 'True', 'Deployment has minimum availability.'],
      ['Deployment', 'True', 'Deployment exists'],
      ['Progressing', 'True', expect.stringMatching(/^ReplicaSet "el-unidesk-ci-\w+" has successfully progressed\.$/)],
      ['Ready', 'True', 'EventListener is ready'],
      ['Service', 'True', 'Service exists'],
    ]);
  });

  test('a CEL interceptor is reported unsupported: Ready False, and the sink creates nothing for that trigger', async () => {
    await rawApply(
      kube,
      {
        apiVersion: 'triggers.tekton.dev/v1beta1',
        kind: 'EventListener',
        metadata: { name: 'with-cel', namespace: NS },
        spec: {
          serviceAccountName: 'unidesk-ci-triggers',
          triggers: [{ name: 'cel', interceptors: [{ ref: { name: 'cel' }, params: [{ name: 'filter', value: "body.ref == 'refs/heads/master'" }] }], template: { ref: 'unidesk-ci-commit' } }],
        },
      } as Manifest,
      'unidesk-ci',
    );
    const cond = await until(async () => {
      const o = (await custom.getNamespacedCustomObject({ group: 'triggers.tekton.dev', version: 'v1beta1', namespace: NS, plural: 'eventlisteners', name: 'with-cel' })) as Awaited<
        ReturnType<typeof el>
      >;
      return ready(o)?.reason === 'Unsupported' && ready(o);
    }, 'with-cel to be reported Unsupported');
    expect(cond).toMatchObject({
      status: 'False',
      message: "the lab's Triggers does not implement: spec.triggers[0].interceptors[0]: the cel interceptor (only github; the lab has no CEL evaluator)",
    });
    // (its sink pod started before it goes: a pod deleted while it starts races its scratch dir)
    await until(async () => (await apps.readNamespacedDeployment({ namespace: NS, name: 'el-with-cel' })).status?.availableReplicas === 1, 'el-with-cel to be available');
    const { body, headers } = signedPush();
    const res = await deliverViaProxy(kc, body, headers, '/api/v1/namespaces/unidesk-ci/services/el-with-cel:8080/proxy/');
    expect(res.status).toBe(202);
    const pod = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'eventlistener=with-cel' })).items[0]!;
    const lines = await until(async () => {
      const l = sinkLines(await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: 'event-listener' }), res.json!.eventID as string);
      return l.length ? l : undefined;
    }, 'the with-cel sink to log the event');
    expect(lines.map((l) => l.msg)).toEqual([cond.message]);
    expect(await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${res.json!.eventID}`)).toEqual([]);
    await custom.deleteNamespacedCustomObject({ group: 'triggers.tekton.dev', version: 'v1beta1', namespace: NS, plural: 'eventlisteners', name: 'with-cel' });
    await until(async () => !(await core.listNamespacedService({ namespace: NS })).items.some((s) => s.metadata!.name === 'el-with-cel'), 'el-with-cel to be garbage-collected');
  });
});

describe.skipIf(!haveCrds())('the sink', () => {
  test("a signed push through the service proxy: 202 with the event id at once; one PipelineRun with the labels Triggers puts, the event's after and clone_url", async () => {
    const { body, headers } = signedPush();
    const res = await deliverViaProxy(kc, body, headers);
    expect(res.status).toBe(202);
    expect(res.contentType).toBe('application/json');
    const listener = await el();
    expect(res.json).toEqual({ eventListener: 'unidesk-ci', namespace: 'unidesk-ci', eventListenerUID: listener.metadata.uid, eventID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.text.endsWith('}\n')).toBe(true);
    const eventID = res.json!.eventID as string;
    const [pr] = await until(async () => {
      const l = await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${eventID}`);
      return l.length ? l : undefined;
    }, 'the PipelineRun of the event');
    expect(pr!.metadata.name).toMatch(/^unidesk-ci-commit-[a-z0-9]{5}$/);
    expect(pr!.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'unidesk-ci',
      'triggers.tekton.dev/eventlistener': 'unidesk-ci',
      'triggers.tekton.dev/trigger': 'github-push',
      'triggers.tekton.dev/triggers-eventid': eventID,
    });
    expect((pr!.spec as { params: unknown[] }).params).toEqual([
      { name: 'repo-url', value: CLONE },
      { name: 'revision', value: SHA },
    ]);
    expect((pr!.spec as { workspaces: unknown[] }).workspaces).toContainEqual({ name: 'git-credentials', secret: { secretName: 'unidesk-ci-git-credentials', defaultMode: 0o400 } });
    // created by the EventListener's ServiceAccount, as the request log shows
    const creates = double.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/apis/tekton.dev/v1/namespaces/unidesk-ci/pipelineruns'));
    expect(creates.at(-1)).toMatchObject({ user: 'system:serviceaccount:unidesk-ci:unidesk-ci-triggers', code: 201 });
  });

  test('the sink also answers on its loopback port (named in its first log line), the same way', async () => {
    const port = Number(/served on 127\.0\.0\.1:(\d+)/.exec(await sinkLog())?.[1]);
    expect(port).toBeGreaterThan(0);
    const { body, headers } = signedPush();
    const res = await deliverToPort(port, body, headers);
    expect(res.status).toBe(202);
    await until(async () => (await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${res.json!.eventID}`)).length === 1, 'the PipelineRun');
    expect((await deliverToPort(port, '', {})).status).toBe(400);
  });

  type Case = [string, number, () => { body: Buffer | string; headers: Record<string, string> }, RegExp | undefined];
  const other = JSON.stringify(pushEvent({ after: 'b'.repeat(40), cloneUrl: CLONE }));
  const cases: Case[] = [
    [
      'a wrong signature',
      202,
      () => ({ body: signedPush().body, headers: githubHeaders('push', sign(signedPush().body, 'not-the-secret')) }),
      /^interceptor stopped trigger processing: rpc error: code = FailedPrecondition desc = payload signature check failed$/,
    ],
    ['no signature', 202, () => ({ body: signedPush().body, headers: githubHeaders('push') }), /desc = no X-Hub-Signature-256 header set$/],
    ['a signature over another body', 202, () => ({ body: signedPush().body, headers: githubHeaders('push', sign(other, SECRET)) }), /desc = payload signature check failed$/],
    ['a ping event, signed', 202, () => ({ body: signedPush().body, headers: githubHeaders('ping', sign(signedPush().body, SECRET)) }), /desc = event type ping is not allowed$/],
    [
      'a pull_request event, signed',
      202,
      () => ({ body: signedPush().body, headers: githubHeaders('pull_request', sign(signedPush().body, SECRET)) }),
      /desc = event type pull_request is not allowed$/,
    ],
    ['malformed JSON, signed', 400, () => ({ body: '{"after": ', headers: githubHeaders('push', sign('{"after": ', SECRET)) }), undefined],
    [
      'a 10 MB push with a wrong signature (v0.34.0 reads it all)',
      202,
      () => ({ body: JSON.stringify({ ...pushEvent({ after: SHA, cloneUrl: CLONE }), padding: 'x'.repeat(10 * 1024 * 1024) }), headers: githubHeaders('push', 'sha256=00') }),
      /desc = payload signature check failed$/,
    ],
  ];
  test.each(cases)('%s: HTTP %i, no PipelineRun, nothing else changed', async (_name, code, make, logged) => {
    const before = snapshot();
    const runs = (await pipelineRuns()).length;
    const { body, headers } = make();
    const res: Delivery = await deliverViaProxy(kc, body, headers);
    expect(res.status).toBe(code);
    expect(res.contentType).toBe('application/json');
    if (code === 400)
      expect(res.json).toEqual({ eventListener: 'unidesk-ci', namespace: 'unidesk-ci', eventListenerUID: '', errorMessage: 'Invalid event body format : unexpected end of JSON input' });
    else {
      expect(Object.keys(res.json!)).toEqual(['eventListener', 'namespace', 'eventListenerUID', 'eventID']);
      const lines = await outcome(res.json!.eventID as string, logged!);
      expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(logged!)]);
    }
    expect((await pipelineRuns()).length).toBe(runs);
    expect(snapshot()).toEqual(before);
  });
});

describe.skipIf(!haveCrds())('the EventListener ServiceAccount', () => {
  test('a template changed to create a Deployment is refused by RBAC: the sink logs the 403, nothing is created', async () => {
    const tt = { group: 'triggers.tekton.dev', version: 'v1beta1', namespace: NS, plural: 'triggertemplates', name: 'unidesk-ci-commit' };
    const original = (await custom.getNamespacedCustomObject(tt)) as KObject & { spec: Record<string, unknown> };
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { generateName: 'triggered-' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'x', image: 'busybox:1.36.1' }] } } },
    };
    await custom.patchNamespacedCustomObject({ ...tt, body: { spec: { ...original.spec, resourcetemplates: [dep] } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    try {
      const { body, headers } = signedPush();
      const res = await deliverViaProxy(kc, body, headers);
      const lines = await outcome(res.json!.eventID as string, /^problem creating obj: /);
      expect(lines.at(-1)).toMatchObject({
        level: 'error',
        msg: 'problem creating obj: deployments.apps is forbidden: User "system:serviceaccount:unidesk-ci:unidesk-ci-triggers" cannot create resource "deployments" in API group "apps" in the namespace "unidesk-ci"',
      });
      expect((await apps.listNamespacedDeployment({ namespace: NS })).items.map((d) => d.metadata!.name)).toEqual(['el-unidesk-ci']);
    } finally {
      await custom.patchNamespacedCustomObject({ ...tt, body: { spec: original.spec } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    }
  });
});

const haveTools = ['curl', 'openssl'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
describe.skipIf(!haveCrds() || !haveTools)('docs/triggers.md', () => {
  test('its curl block, run as written, signs the file with openssl and is accepted: 202 and the run', async () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/triggers.md'), 'utf8');
    const block = /<!-- triggers-curl:begin -->\n```sh\n([\s\S]*?)```\n<!-- triggers-curl:end -->/.exec(doc)?.[1];
    expect(block, 'the marked curl block in docs/triggers.md').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'triggers-curl-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), double.caPem);
      // pretty-printed with a trailing newline: the bytes signed must be the bytes sent
      writeFileSync(join(dir, 'push.json'), `${JSON.stringify(pushEvent({ after: SHA, cloneUrl: CLONE }), null, 2)}\n`);
      // async: the double answering curl lives in this process
      const { stdout: out } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block!], {
        env: { PATH: process.env.PATH, SERVER: double.url, TOKEN: double.adminToken, CA: join(dir, 'ca.crt'), WEBHOOK_SECRET: SECRET, BODY: join(dir, 'push.json') },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const answer = JSON.parse(out) as { eventListener: string; eventID: string };
      expect(answer.eventListener).toBe('unidesk-ci');
      await until(async () => (await pipelineRuns(`triggers.tekton.dev/triggers-eventid=${answer.eventID}`)).length === 1, 'the PipelineRun of the curl delivery');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
