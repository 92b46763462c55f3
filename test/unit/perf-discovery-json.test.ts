// Invalid JSON from Code Queue during task discovery is the service's fault (app), named with the
// request path, not an unclassified SyntaxError.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CiError } from '../../harness/failure.ts';
import { discoverTraceTask } from '../../harness/perf/discovery.ts';
import { createProbe } from '../../harness/perf/probe.ts';
import { directTransport } from '../../harness/perf/transport.ts';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>maintenance</html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('a page that is not JSON is app, naming GET path and the body start', async () => {
  await using probe = createProbe(directTransport(origin), { requestTimeoutMs: 5_000 });
  const err = await discoverTraceTask(probe, { pageSize: 7 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CiError);
  expect((err as CiError).failureClass).toBe('app');
  expect((err as CiError).message).toMatch(/GET \/api\/tasks\?limit=7 .*not JSON: <html>maintenance/);
});
