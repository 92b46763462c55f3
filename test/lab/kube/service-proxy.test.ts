// The service proxy client: GET and POST through the API server to a Service's backend, the
// endpoint (url + dispatcher + headers) for callers that time requests themselves, and a Service
// without endpoints reported as infra.cluster.
import { request } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { serviceProxyEndpoint, serviceProxyJson, serviceProxyRequest } from '../../../harness/kube/index.ts';
import { createRunNamespace } from '../../../harness/kube/index.ts';
import { namespace, startKubeLab, touching, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
const svc = (name: string, ns = 'unidesk-ci') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ name: 'http', port: 8080 }] } }) as never;
beforeAll(async () => {
  lab = await startKubeLab();
  await lab.adminApply(namespace('unidesk-ci'));
  await lab.adminApply(svc('echo'));
  await lab.adminApply(svc('empty'));
  lab.double.registerServiceHandler('unidesk-ci', 'echo', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, body, contentType: req.headers['content-type'] ?? null }));
    });
  });
});
afterAll(() => lab?.[Symbol.asyncDispose]());

const Echo = z.object({ method: z.string(), url: z.string(), body: z.string(), contentType: z.string().nullable() });

test('GET and POST JSON reach the backend through the API server', async () => {
  const kube = lab.kube('proxy1');
  const target = { namespace: 'unidesk-ci', service: 'echo', port: 'http' };
  expect(await serviceProxyJson(kube, target, { path: '/api/tasks/overview?limit=5' }, Echo)).toMatchObject({ method: 'GET', url: '/api/tasks/overview?limit=5' });
  expect(await serviceProxyJson(kube, target, { method: 'POST', path: 'api/tasks', body: { title: 'x' } }, Echo)).toEqual({
    method: 'POST',
    url: '/api/tasks',
    body: '{"title":"x"}',
    contentType: 'application/json',
  });
  const seen = lab.double.requests().map((r) => `${r.method} ${r.path}`);
  expect(seen).toEqual(expect.arrayContaining(['POST /api/v1/namespaces/unidesk-ci/services/echo:http/proxy/api/tasks']));
});

test('the endpoint lets a caller time undici requests itself', async () => {
  const ep = await serviceProxyEndpoint(lab.kube('proxy2'), { namespace: 'unidesk-ci', service: 'echo' });
  expect(ep.baseUrl).toBe(`${lab.double.url}/api/v1/namespaces/unidesk-ci/services/echo/proxy`);
  expect(ep.headers.Authorization ?? ep.headers.authorization).toMatch(/^Bearer /);
  const t0 = performance.now();
  const res = await request(`${ep.baseUrl}/ping`, { dispatcher: ep.dispatcher, headers: ep.headers });
  const ttfb = performance.now() - t0;
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(await res.body.text())).toMatchObject({ url: '/ping' });
  expect(ttfb).toBeGreaterThan(0);
});

test('no endpoints → infra.cluster; a non-2xx app answer → app; a missing Service → 404 passed through', async () => {
  const kube = lab.kube('proxy3');
  await expect(serviceProxyJson(kube, { namespace: 'unidesk-ci', service: 'empty' }, { path: '/x' }, Echo)).rejects.toMatchObject({
    failureClass: 'infra.cluster',
    message: expect.stringMatching(/^GET \/x on service unidesk-ci\/empty: HTTP 503 from the service proxy/),
  });
  await expect(serviceProxyJson(kube, { namespace: 'unidesk-ci', service: 'echo' }, { path: '/x' }, z.object({ nope: z.string() }))).rejects.toMatchObject({ failureClass: 'app' });
  expect((await serviceProxyRequest(kube, { namespace: 'unidesk-ci', service: 'missing' }, { path: '/x' })).status).toBe(404);
});

test('a POST through the proxy is refused outside unidesk-ci and the run namespace; nothing is sent', async () => {
  const kube = lab.kube('proxy4');
  for (const ns of ['unidesk-dev', 'default', 'kube-system', 'unidesk-ci-e2e-someone-else']) {
    await lab.adminApply(namespace(ns));
    await lab.adminApply(svc('echo', ns));
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    await expect(serviceProxyRequest(kube, { namespace: ns, service: 'echo' }, { method: 'POST', path: '/api/tasks', body: {} })).rejects.toMatchObject({
      failureClass: 'input',
      message: `write guard: refused POST to service ${ns}/echo via the service proxy: namespace ${ns} is neither unidesk-ci nor a namespace run proxy4 created`,
    });
    expect(lab.double.requests(since).filter((r) => r.path.includes('/proxy'))).toEqual([]);
    expect(touching(lab.double, since, ns).filter((r) => r.method !== 'GET')).toEqual([]);
  }
  // reading stays possible (GET is not a write), and the run's own namespace may be POSTed to
  expect((await serviceProxyRequest(kube, { namespace: 'unidesk-dev', service: 'echo' }, { path: '/x' })).status).not.toBe(0);
  await using ns = await createRunNamespace(kube, { reportDir: lab.double.dir, handleSignals: false });
  await lab.adminApply(svc('echo', ns.name));
  lab.double.registerServiceHandler(ns.name, 'echo', (_req, res) => res.end('{}'));
  expect((await serviceProxyRequest(kube, { namespace: ns.name, service: 'echo' }, { method: 'POST', path: '/api/tasks', body: {} })).status).toBe(200);
});

test('a backend that streams without end: the read stops at the cap, promptly, as app naming the URL and the cap', async () => {
  await lab.adminApply(svc('endless'));
  let closed = 0;
  lab.double.registerServiceHandler('unidesk-ci', 'endless', (_req, res) => {
    res.setHeader('content-type', 'application/json');
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => {
      clearInterval(timer);
      closed++;
    });
  });
  const t0 = performance.now();
  const err = await serviceProxyRequest(lab.kube('proxy5'), { namespace: 'unidesk-ci', service: 'endless' }, { path: '/api/tasks', maxBytes: 256 * 1024 }).catch((e: unknown) => e);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(err).toMatchObject({
    failureClass: 'app',
    message: expect.stringMatching(/services\/endless\/proxy\/api\/tasks.*larger than 256 KiB/),
  });
  // the sender is cut off, not left streaming into a dropped connection
  await expect.poll(() => closed, { timeout: 5000 }).toBe(1);
});
