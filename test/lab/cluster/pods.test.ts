// The deployment controller and pod runners: pods for a Deployment, their readiness in pod and
// Deployment status, logs through client-node's Log, the service proxy, ImagePullBackOff for
// unregistered images, processes stopped when pods go, ProgressDeadlineExceeded on demand.
import * as k8s from '@kubernetes/client-node';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { podRunners } from '../../../fixtures/lab/runners/index.ts';
import { echoRunner } from './echo-runner.ts';
import { apiError, createNamespace, failure, mergePatch, raw, startWithClients, until, type Clients } from './support.ts';

const echo = echoRunner();
let c: Clients;
const ns = 'pods';

const echoDeployment = (name: string, env: k8s.V1EnvVar[] = [], image = 'lab-test/echo:1'): k8s.V1Deployment => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name, tier: 'lab' } }, spec: { containers: [{ name: 'echo', image, env, ports: [{ name: 'http', containerPort: 8080 }] }] } },
  },
});
const service = (name: string, selector: Record<string, string>): k8s.V1Service => ({
  metadata: { name },
  spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' as never }] },
});

async function rolledOut(name: string): Promise<k8s.V1Deployment> {
  return until(async () => {
    const d = await c.apps.readNamespacedDeployment({ namespace: ns, name });
    const s = d.status;
    return s?.observedGeneration === d.metadata?.generation && s?.availableReplicas === d.spec?.replicas && s?.updatedReplicas === d.spec?.replicas && s?.replicas === d.spec?.replicas && d;
  }, `rollout of ${name}`);
}
const podsOf = async (app: string) => (await c.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` })).items;

beforeAll(async () => {
  c = await startWithClients({ runners: [echo] });
  await createNamespace(c, ns);
  await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'db' }, stringData: { url: 'postgres://lab@127.0.0.1/db' } } });
  await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'flags' }, data: { role: 'read' } } });
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: echoDeployment('web', [
      { name: 'PLAIN', value: 'x' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
      { name: 'ROLE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'role' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]),
  });
  await c.core.createNamespacedService({ namespace: ns, body: service('web', { app: 'web' }) });
});
afterAll(() => c?.double.stop());

describe('deployment controller', () => {
  test('runs a pod with the template labels, pod-template-hash and an ownerReference', async () => {
    const d = await rolledOut('web');
    const pods = await podsOf('web');
    expect(pods).toHaveLength(1);
    const pod = pods[0];
    expect(pod.metadata?.labels).toMatchObject({ app: 'web', tier: 'lab', 'pod-template-hash': expect.stringMatching(/^[0-9a-f]{10}$/) });
    expect(pod.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true })]);
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'echo', ready: true });
    expect(echo.running.has(`${ns}/${pod.metadata?.name}/echo`)).toBe(true);
  });

  test('reports Deployment status the way kubectl rollout reads it', async () => {
    const d = await rolledOut('web');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    expect(d.status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
  });

  test('the container gets its env resolved from value, Secret, ConfigMap and fieldRef, plus the kubelet KUBERNETES_SERVICE_* variables', async () => {
    const body = (await c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'web:http', path: 'env' })) as unknown as { env: Record<string, string>; pod: string };
    const port = String(c.double.port);
    expect(body.env).toEqual({
      PLAIN: 'x',
      DATABASE_URL: 'postgres://lab@127.0.0.1/db',
      ROLE: 'read',
      POD_NAME: body.pod,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: port,
      KUBERNETES_SERVICE_PORT_HTTPS: port,
      KUBERNETES_PORT: `tcp://127.0.0.1:${port}`,
    });
  });

  test('a pod whose Secret is missing is stuck in CreateContainerConfigError', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('nosecret', [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }]) });
    const pod = await until(
      async () => (await podsOf('nosecret')).find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError'),
      'CreateContainerConfigError',
    );
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.message).toBe('secret "nope" not found');
  });

  test('scaling and template changes replace pods; old processes stop', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('scale') });
    await rolledOut('scale');
    const [first] = await podsOf('scale');
    await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'scale', body: { spec: { replicas: 2 } } }, mergePatch);
    expect((await rolledOut('scale')).status?.observedGeneration).toBe(2);
    expect(await podsOf('scale')).toHaveLength(2);
    await c.apps.patchNamespacedDeployment({ namespace: ns, name: 'scale', body: { spec: { template: { metadata: { labels: { app: 'scale', rev: '2' } } } } } }, mergePatch);
    const d = await rolledOut('scale');
    expect(d.status?.observedGeneration).toBe(3);
    const pods = await podsOf('scale');
    expect(pods.map((p) => p.metadata?.labels?.rev)).toEqual(['2', '2']);
    await until(() => !echo.running.has(`${ns}/${first.metadata?.name}/echo`), 'old process stopped');
  });

  test('a deleted pod is replaced and its process stopped', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('heal') });
    await rolledOut('heal');
    const [old] = await podsOf('heal');
    await c.core.deleteNamespacedPod({ namespace: ns, name: old.metadata!.name! });
    const fresh = await until(async () => (await podsOf('heal')).find((p) => p.metadata?.name !== old.metadata?.name && p.status?.phase === 'Running'), 'replacement pod');
    expect(echo.running.has(`${ns}/${fresh.metadata?.name}/echo`)).toBe(true);
    await until(() => !echo.running.has(`${ns}/${old.metadata?.name}/echo`), 'old process stopped');
  });

  test('pods deleted while they start: no error, no process left behind', async () => {
    // the kubelet's token files are still being written when the delete comes (a race that
    // rejected with ENOTEMPTY, unhandled, when the pod's dir was removed under them)
    // deletes spread over the first 40 ms of each pod's start, so some land inside that window
    const names = Array.from({ length: 40 }, (_, i) => `churn-${i}`);
    await Promise.all(
      names.map(async (name, i) => {
        await c.core.createNamespacedPod({
          namespace: ns,
          body: { metadata: { name, labels: { app: 'churn' } }, spec: { containers: [{ name: 'echo', image: 'lab-test/echo:1', ports: [{ containerPort: 8080 }] }] } },
        });
        await new Promise((r) => setTimeout(r, i));
        await c.core.deleteNamespacedPod({ namespace: ns, name });
      }),
    );
    await until(async () => (await podsOf('churn')).length === 0, 'pods deleted');
    await until(() => ![...echo.running].some((k) => k.startsWith(`${ns}/churn-`)), 'no churn process running');
  });

  test('deleting the Deployment deletes its pods and stops their processes', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('gone') });
    await rolledOut('gone');
    const [pod] = await podsOf('gone');
    await c.apps.deleteNamespacedDeployment({ namespace: ns, name: 'gone' });
    await until(async () => (await podsOf('gone')).length === 0, 'pods deleted');
    await until(() => !echo.running.has(`${ns}/${pod.metadata?.name}/echo`), 'process stopped');
  });

  test('an image no runner handles leaves the pod in ImagePullBackOff and the Deployment unavailable', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('nopull', [], 'registry.invalid/unknown:1') });
    const pod = await until(async () => (await podsOf('nopull')).find((p) => p.status?.containerStatuses?.[0]?.state?.waiting), 'waiting pod');
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses?.[0].state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.invalid/unknown:1"' });
    const d = await until(async () => {
      const x = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'nopull' });
      return x.status?.conditions && x;
    }, 'status');
    expect(d.status?.availableReplicas).toBeUndefined();
    expect(d.status?.conditions?.find((x) => x.type === 'Available')?.status).toBe('False');
    const e = await apiError(c.core.readNamespacedPodLog({ namespace: ns, name: pod.metadata!.name!, container: 'echo' }));
    expect(e).toEqual({ code: 400, body: failure(400, 'BadRequest', `container "echo" in pod "${pod.metadata?.name}" is waiting to start: trying and failing to pull image`) });
    const events = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: `metadata.namespace=${ns}` });
    const about = events.items.filter((ev) => ev.involvedObject.name === pod.metadata?.name).map((ev) => [ev.type, ev.reason, ev.message]);
    expect(about.sort()).toEqual([
      ['Normal', 'BackOff', 'Back-off pulling image "registry.invalid/unknown:1"'],
      ['Warning', 'Failed', 'Failed to pull image "registry.invalid/unknown:1": no pod runner in the lab matches this image'],
    ]);
    const scaled = events.items.find((ev) => ev.involvedObject.kind === 'Deployment' && ev.involvedObject.name === 'nopull');
    expect(scaled?.reason).toBe('ScalingReplicaSet');
  });

  test('a runner endpoint off 127.0.0.1 is refused (CrashLoopBackOff), never proxied to', async () => {
    const stopped: string[] = [];
    const rogue = {
      image: /^lab-test\/rogue:/,
      start: async (pod: { name: string }) => ({
        endpoints: { 8080: { host: '10.0.0.1' as '127.0.0.1', port: 80 } },
        ready: async () => true,
        stop: async () => void stopped.push(pod.name),
      }),
    };
    const d = await startWithClients({ runners: [rogue] });
    try {
      await createNamespace(d, 'rogue');
      await d.apps.createNamespacedDeployment({ namespace: 'rogue', body: echoDeployment('r', [], 'lab-test/rogue:1') });
      const pod = await until(
        async () => (await d.core.listNamespacedPod({ namespace: 'rogue' })).items.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'),
        'CrashLoopBackOff',
      );
      expect(pod.status?.containerStatuses?.[0].state?.waiting?.message).toBe('pod runner for lab-test/rogue:1 returned endpoint 10.0.0.1:80; lab endpoints must be on 127.0.0.1');
      expect(stopped).toEqual([pod.metadata?.name]);
      await d.core.createNamespacedService({ namespace: 'rogue', body: service('r', { app: 'r' }) });
      expect((await apiError(d.core.connectGetNamespacedServiceProxyWithPath({ namespace: 'rogue', name: 'r', path: 'x' }))).code).toBe(503);
    } finally {
      await d.double.stop();
    }
  });

  test('the double itself listens on 127.0.0.1 only', () => {
    expect(new URL(c.double.url).hostname).toBe('127.0.0.1');
  });

  test('ProgressDeadlineExceeded on demand', async () => {
    await c.double.deployments.setProgressDeadlineExceeded(ns, 'nopull');
    const d = await until(async () => {
      const x = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'nopull' });
      return x.status?.conditions?.find((k) => k.type === 'Progressing' && k.reason === 'ProgressDeadlineExceeded') && x;
    }, 'ProgressDeadlineExceeded');
    expect(d.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'False', message: expect.stringMatching(/has timed out progressing/) });
    await expect(c.double.deployments.setProgressDeadlineExceeded(ns, 'absent')).rejects.toThrow('deployment pods/absent not found');
  });

  test('no progress within progressDeadlineSeconds turns Progressing False by itself', async () => {
    const body = echoDeployment('deadline', [], 'registry.invalid/never:1');
    body.spec!.progressDeadlineSeconds = 3;
    await c.apps.createNamespacedDeployment({ namespace: ns, body });
    const early = await until(async () => (await c.apps.readNamespacedDeployment({ namespace: ns, name: 'deadline' })).status?.conditions, 'first status');
    expect(early.find((x) => x.type === 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    const late = await until(async () => {
      const x = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'deadline' });
      return x.status?.conditions?.find((k) => k.type === 'Progressing' && k.reason === 'ProgressDeadlineExceeded');
    }, 'ProgressDeadlineExceeded after 3 s');
    expect(late.status).toBe('False');
  });

  test('a readiness delay keeps the Deployment unavailable for a while', async () => {
    c.double.deployments.setReadinessDelayMs(3000);
    try {
      await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('slow') });
      await until(async () => (await podsOf('slow'))[0]?.status?.phase === 'Running', 'running pod');
      const early = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'slow' });
      expect(early.status?.availableReplicas).toBeUndefined();
      expect((await rolledOut('slow')).status?.availableReplicas).toBe(1);
    } finally {
      c.double.deployments.setReadinessDelayMs(0);
    }
  });

  test('the shared podRunners registry is consulted when no runners are passed', async () => {
    const other = echoRunner(/^lab-test\/shared-echo:/);
    podRunners.unshift(other);
    try {
      const d = await startWithClients();
      try {
        await createNamespace(d, 'shared');
        await d.apps.createNamespacedDeployment({ namespace: 'shared', body: echoDeployment('s', [], 'lab-test/shared-echo:1') });
        await until(() => other.running.size === 1, 'runner from the shared registry');
      } finally {
        await d.double.stop();
      }
      expect(other.running.size).toBe(0);
    } finally {
      podRunners.splice(podRunners.indexOf(other), 1);
    }
  });
});

describe('pod logs', () => {
  test('Log returns what the runner wrote; follow streams new output until the pod goes', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: echoDeployment('logs') });
    await c.core.createNamespacedService({ namespace: ns, body: service('logs', { app: 'logs' }) });
    await rolledOut('logs');
    const [pod] = await podsOf('logs');
    const out = new PassThrough();
    let text = '';
    let ended = false;
    out.on('data', (d: Buffer) => (text += d.toString()));
    out.on('end', () => (ended = true));
    // aborting a follow makes client-node 2.0's piped stream throw an unhandled AbortError, so the
    // follow is ended the other way: the pod goes away and the server ends the stream
    await new k8s.Log(c.kc).log(ns, pod.metadata!.name!, 'echo', out, { follow: true, tailLines: 50 });
    await until(() => text.includes('listening on 127.0.0.1:'), 'runner output');
    await c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'logs:http', path: 'followed' });
    await until(() => text.includes('GET /followed'), 'followed line');
    const once = await c.core.readNamespacedPodLog({ namespace: ns, name: pod.metadata!.name!, container: 'echo', tailLines: 1 });
    expect(once).toBe('GET /followed\n');
    await c.apps.deleteNamespacedDeployment({ namespace: ns, name: 'logs' });
    await until(() => ended, 'follow ended with the pod');
  });

  test('a wrong container name is 400; a missing pod is 404', async () => {
    const [pod] = await podsOf('web');
    const e = await apiError(c.core.readNamespacedPodLog({ namespace: ns, name: pod.metadata!.name!, container: 'nope' }));
    expect(e.body).toEqual(failure(400, 'BadRequest', `container nope is not valid for pod ${pod.metadata?.name}`));
    expect((await apiError(c.core.readNamespacedPodLog({ namespace: ns, name: 'ghost' }))).body).toEqual(failure(404, 'NotFound', 'pods "ghost" not found', { name: 'ghost', kind: 'pods' }));
  });
});

describe('service proxy', () => {
  test('GET through connectGetNamespacedServiceProxyWithPath reaches the pod with the decoded path', async () => {
    const body = (await c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'web:http', path: 'api/health' })) as unknown as {
      method: string;
      path: string;
      authorization: string | null;
    };
    expect(body).toMatchObject({ method: 'GET', path: '/api/health', authorization: null });
    const logged = c.double.requests().filter((r) => r.path.includes('/proxy/'));
    expect(logged.at(-1)?.path).toBe(`/api/v1/namespaces/${ns}/services/web:http/proxy/api/health`);
  });

  test('POST with a body through undici; status, headers and body are relayed untouched', async () => {
    const res = await raw(c.kc, 'POST', `/api/v1/namespaces/${ns}/services/web:80/proxy/api/tasks?limit=5`, '{"x":1}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo-pod')).toMatch(/^web-/);
    expect(await res.json()).toMatchObject({ method: 'POST', path: '/api/tasks?limit=5', body: '{"x":1}' });
    const teapot = await raw(c.kc, 'GET', `/api/v1/namespaces/${ns}/services/web/proxy/status/418`);
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('x-echo')).toBe('status');
    expect(await teapot.text()).toBe('status 418');
  });

  test('a Service without ready endpoints is 503; a missing Service is 404', async () => {
    await c.core.createNamespacedService({ namespace: ns, body: service('empty', { app: 'nobody' }) });
    expect(await apiError(c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'empty:http', path: 'x' }))).toEqual({
      code: 503,
      body: failure(503, 'ServiceUnavailable', 'no endpoints available for service "empty"'),
    });
    expect(await apiError(c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'absent', path: 'x' }))).toEqual({
      code: 404,
      body: failure(404, 'NotFound', 'services "absent" not found', { name: 'absent', kind: 'services' }),
    });
  });

  test('a registered handler takes the traffic, relayed as it answers', async () => {
    const off = c.double.registerServiceHandler(ns, 'empty', (req, res) => {
      expect(req.headers.authorization).toBeUndefined();
      res.writeHead(201, { 'content-type': 'text/plain', 'x-handler': 'yes' });
      res.end(`handled ${req.method} ${req.url}`);
    });
    try {
      const res = await raw(c.kc, 'PUT', `/api/v1/namespaces/${ns}/services/empty:http/proxy/a%2Fb/c?d=e`, 'payload');
      expect(res.status).toBe(201);
      expect(res.headers.get('x-handler')).toBe('yes');
      expect(await res.text()).toBe('handled PUT /a/b/c?d=e');
    } finally {
      off();
    }
    expect((await apiError(c.core.connectGetNamespacedServiceProxyWithPath({ namespace: ns, name: 'empty', path: 'x' }))).code).toBe(503);
  });
});
