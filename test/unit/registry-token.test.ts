// The anonymous bearer-token exchange public registries ask for, against a registry stand-in on
// 127.0.0.1: a 401 with a Bearer challenge → token from the realm → the retried request carries it,
// and the token never shows up in an error.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRegistryClient } from '../../harness/registry/client.ts';
import { redact } from '../../harness/redact.ts';

const TOKEN = 'tok-3f9a8c7e1b2d';
const seen: string[] = [];
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    if (req.url?.startsWith('/token')) {
      const scope = new URL(req.url, 'http://x').searchParams.get('scope');
      if (scope === 'repository:denied/repo:pull') return void res.writeHead(403).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="lab"` }).end();
    }
    const body = '{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:' + '0'.repeat(64) + '","size":1},"layers":[]}';
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('a Bearer challenge is answered with an anonymous token, then the request is retried with it', async () => {
  const client = createRegistryClient({ registry: `127.0.0.1:${port}` });
  const m = await client.manifest('oven/bun', '1-debian');
  expect(m?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  expect(seen).toEqual(['GET /v2/oven/bun/manifests/1-debian -', 'GET /token?service=lab&scope=repository%3Aoven%2Fbun%3Apull -', `GET /v2/oven/bun/manifests/1-debian Bearer ${TOKEN}`]);
  // the token is registered as a secret
  expect(redact(`Authorization: Bearer ${TOKEN}`)).not.toContain(TOKEN);
});

test('a token endpoint that refuses is infra.auth, naming the scope', async () => {
  const client = createRegistryClient({ registry: `127.0.0.1:${port}` });
  await expect(client.manifest('denied/repo', '1')).rejects.toMatchObject({ failureClass: 'infra.auth', message: expect.stringMatching(/HTTP 403 for repository:denied\/repo:pull/) });
});
