// Every capped read against a local server that streams without end: the read stops at the cap,
// promptly, cuts the sender off, and fails with the class of whoever sent the body.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CiError } from '../../harness/failure.ts';
import { readBounded } from '../../harness/http/bounded-body.ts';
import { DirectKubeConfig } from '../../harness/kube/client.ts';
import type { Kube } from '../../harness/kube/kube.ts';
import { rawRead } from '../../harness/kube/raw.ts';
import { serviceProxyRequest } from '../../harness/kube/service-proxy.ts';
import { discoverTraceTask } from '../../harness/perf/discovery.ts';
import { createProbe } from '../../harness/perf/probe.ts';
import { expectWriteRefused } from '../../harness/perf/read-only-check.ts';
import { directTransport } from '../../harness/perf/transport.ts';
import { runProcess } from '../../harness/process/run.ts';
import { createRegistryClient } from '../../harness/registry/client.ts';
import { bearerToken } from '../../harness/registry/token.ts';
import { readJUnit, readJUnitText } from '../../harness/report/junit-read.ts';

let server: Server;
let origin: string;
let port: number;
/** Responses whose sender saw the client go away. */
let cutOff = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    // a status that makes each caller read the body: 200 for reads, 500 for the write-refusal check
    res.writeHead(req.method === 'POST' ? 500 : 200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => {
      clearInterval(timer);
      cutOff++;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function timed<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t = performance.now();
  try {
    return { value: await p, ms: performance.now() - t };
  } catch (error) {
    return { error, ms: performance.now() - t };
  }
}

function expectCapError(r: { error?: unknown; ms: number }, cls: string, names: RegExp, cap: RegExp) {
  expect(r.error).toBeInstanceOf(CiError);
  const e = r.error as CiError;
  expect(e.failureClass).toBe(cls);
  expect(e.message).toMatch(names);
  expect(e.message).toMatch(cap);
  expect(r.ms).toBeLessThan(3000);
}

function kube(): Kube {
  const kc = new DirectKubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: origin, skipTLSVerify: true }], // plain HTTP test server
    users: [{ name: 'u' }], // no token: client-node refuses a bearer over plain HTTP
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const objects = { pathOf: async () => '/api/v1/namespaces/unidesk-ci/configmaps/big' };
  return { kc, objects, runId: 'bounded', runNamespaces: new Set<string>(), log: () => undefined, ttlMs: 60_000 } as unknown as Kube;
}

describe('readBounded', () => {
  test('an undici body: stops at the cap, promptly, cuts the sender off, with the given class', async () => {
    const before = cutOff;
    const res = await request(`${origin}/endless`);
    const r = await timed(readBounded(res.body, { maxBytes: 100_000, what: `GET ${origin}/endless`, failureClass: 'infra.cluster' }));
    expectCapError(r, 'infra.cluster', /GET http:\/\/127\.0\.0\.1:\d+\/endless/, /larger than 100000 bytes/);
    await expect.poll(() => cutOff).toBeGreaterThan(before);
  });
  test('a fetch Response body the same way', async () => {
    const res = await fetch(`${origin}/endless`);
    const r = await timed(readBounded(res.body!, { maxBytes: 64 * 1024, what: 'fetch /endless', failureClass: 'app' }));
    expectCapError(r, 'app', /fetch \/endless/, /64 KiB/);
  });
  test('a body within the cap is returned whole', async () => {
    async function* parts() {
      yield new TextEncoder().encode('abc');
      yield 'def';
    }
    expect((await readBounded(parts(), { maxBytes: 6, what: 'x', failureClass: 'app' })).toString()).toBe('abcdef');
    await expect(readBounded(parts(), { maxBytes: 5, what: 'x', failureClass: 'app' })).rejects.toThrow(/larger than 5 bytes/);
  });
});

describe('each capped reader, and the class of its sender', () => {
  test('perf probe (Code Queue): the sample fails naming the path and the cap', async () => {
    await using probe = createProbe(directTransport(origin), { requestTimeoutMs: 10_000 });
    const t = performance.now();
    const s = await probe.sample('overview', '/api/tasks/overview', { index: 0, cold: false, maxBytes: 200_000 });
    expect(performance.now() - t).toBeLessThan(3000);
    expect(s.totalMs).toBeNull();
    expect(s.error).toMatch(/GET \/api\/tasks\/overview .*larger than 200000 bytes/);
  });
  test('perf discovery (Code Queue) → app, at its own 4 MiB cap', async () => {
    await using probe = createProbe(directTransport(origin), { requestTimeoutMs: 10_000 });
    expectCapError(await timed(discoverTraceTask(probe)), 'app', /GET \/api\/tasks\?limit=50/, /4 MiB/);
  });
  test('write-refusal check (Code Queue) → app', async () => {
    expectCapError(await timed(expectWriteRefused(directTransport(origin), 10_000)), 'app', /POST \/api\/tasks/, /64 KiB/);
  });
  test('service proxy (Code Queue through the API server) → app, naming the URL', async () => {
    const r = await timed(serviceProxyRequest(kube(), { namespace: 'unidesk-ci', service: 'code-queue' }, { path: '/api/tasks', maxBytes: 300_000 }));
    expectCapError(r, 'app', /services\/code-queue\/proxy\/api\/tasks/, /300000 bytes/);
  });
  test('raw object read (API server) → infra.cluster, at 8 MiB', async () => {
    expectCapError(await timed(rawRead(kube(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'unidesk-ci' } })), 'infra.cluster', /configmaps\/big/, /8 MiB/);
  });
  test('registry manifest → infra.registry, at 4 MiB', async () => {
    const client = createRegistryClient({ registry: `127.0.0.1:${port}` });
    expectCapError(await timed(client.manifest('unidesk/code-queue', 'v1')), 'infra.registry', /manifests\/v1/, /4 MiB/);
  });
  test('registry blob → infra.registry, at 8 MiB', async () => {
    const client = createRegistryClient({ registry: `127.0.0.1:${port}` });
    expectCapError(await timed(client.blob('unidesk/code-queue', 'sha256:abc')), 'infra.registry', /blobs\/sha256:abc/, /8 MiB/);
  });
  test('registry token endpoint → infra.registry, at 1 MiB', async () => {
    const r = await timed(bearerToken(`Bearer realm="${origin}/token",service="test"`, 'repository:x:pull'));
    expectCapError(r, 'infra.registry', /token endpoint http:\/\/127\.0\.0\.1:\d+\/token/, /1 MiB/);
  });
  test('a JUnit file over the cap → input naming the file; within it, read whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-junit-'));
    try {
      const file = join(dir, 'junit.xml');
      writeFileSync(file, `<testsuites>${'x'.repeat(5000)}</testsuites>`);
      const r = await timed(readJUnitText(file, 1024));
      expectCapError(r, 'input', new RegExp(`JUnit report ${file}`), /1 KiB/);
      expect(await readJUnitText(file)).toMatch(/^<testsuites>/);
      expect(await readJUnitText(join(dir, 'none.xml'))).toEqual({ missing: 'ENOENT' });
      await expect(readJUnit(join(dir, 'none.xml'))).rejects.toThrow(/no JUnit report/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('process output: kept up to the cap, the rest dropped, the result says so; the command runs on', async () => {
    const r = await runProcess('sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" a; echo; echo done >&2'], { maxOutputBytes: 1000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBe(1000);
    expect(r.outputTruncated).toBe('stdout');
    expect(r.stderr).toBe('done\n');
    const small = await runProcess('sh', ['-c', 'echo hi'], { maxOutputBytes: 1000 });
    expect(small.outputTruncated).toBeUndefined();
  });
});
