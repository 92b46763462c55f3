// The Kubernetes client never goes through HTTP(S)_PROXY/ALL_PROXY: with all of them pointing at
// the lab's tinyproxy (and Node told to honour them), a control request shows up in the proxy's
// log (as a refused CONNECT), the harness client's API calls do not.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLab, type Lab } from '../../../fixtures/lab/index.ts';
import { runProcess } from '../../../harness/process/run.ts';
import { namespace, startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let proxy: Lab;
beforeAll(async () => {
  proxy = await startLab({ services: ['proxy'], log: () => undefined });
  lab = await startKubeLab();
  await lab.adminApply(namespace('unidesk-ci'));
  await lab.adminApply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'unidesk-ci' }, spec: { ports: [{ port: 80 }] } } as never);
  lab.double.registerServiceHandler('unidesk-ci', 'echo', (_req, res) => res.end('hi'));
});
afterAll(async () => {
  await lab?.[Symbol.asyncDispose]();
  await proxy?.stop();
});

test('API calls bypass the proxy variables; a proxy-honouring control request does not', async () => {
  const proxyUrl = proxy.env.UNIDESK_CI_PROXY_URL!;
  const logFile = proxy.env.LAB_PROXY_LOG!;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_USE_ENV_PROXY: '1' };
  for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) env[v] = proxyUrl;
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  const r = await runProcess(process.execPath, [join(import.meta.dirname, 'proxy-client.ts'), lab.double.url, lab.double.kubeconfigPath], { env, timeoutMs: 60_000 });
  expect(r.exitCode, r.tail).toBe(0);
  expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ listed: expect.any(Number), applied: 'created', proxied: 200 });
  const log = await readFile(logFile, 'utf8');
  const port = new URL(lab.double.url).port;
  // Node tunnels even http:// through the proxy (CONNECT), which tinyproxy refuses for this port:
  // the control request shows up as exactly one request line for the double's address …
  const viaProxy = log.split('\n').filter((l) => /Request \(file descriptor \d+\):/.test(l) && l.includes(`127.0.0.1:${port}`));
  expect(viaProxy).toHaveLength(1);
  // … and none of the harness client's calls went through it, although the double saw every one
  const seen = lab.double.requests(since).map((q) => `${q.method} ${q.path.split('?')[0]}`);
  expect(seen).toEqual(expect.arrayContaining(['GET /api/v1/namespaces', 'PATCH /api/v1/namespaces/unidesk-ci/configmaps/via-harness', 'GET /api/v1/namespaces/unidesk-ci/services/echo/proxy/hello']));
});
