// A trivial pod runner used only by these tests: a node:http echo server per container that
// answers with what it received and the environment the double resolved for it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PodRunner } from '../../../fixtures/lab/runners/index.ts';

export type EchoRunner = PodRunner & { running: Set<string> };

export function echoRunner(image = /^lab-test\/echo:/): EchoRunner {
  const running = new Set<string>();
  return {
    image,
    running,
    async start(pod, ctx) {
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          ctx.log(`${req.method} ${req.url}\n`);
          const status = /^\/status\/(\d{3})$/.exec(req.url ?? '');
          if (status) {
            res.writeHead(Number(status[1]), { 'content-type': 'text/plain', 'x-echo': 'status' });
            res.end(`status ${status[1]}`);
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json', 'x-echo-pod': pod.name });
          res.end(
            JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString(), env: pod.container.env, pod: pod.name, authorization: req.headers.authorization ?? null }),
          );
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as AddressInfo).port;
      const key = `${pod.namespace}/${pod.name}/${pod.container.name}`;
      running.add(key);
      ctx.log(`echo ${pod.name} listening on 127.0.0.1:${port}\n`);
      const readyAt = Date.now() + Number(pod.container.env.READY_AFTER_MS ?? 0);
      return {
        endpoints: Object.fromEntries(pod.container.ports.map((p) => [p.containerPort, { host: '127.0.0.1' as const, port }])),
        ready: async () => Date.now() >= readyAt,
        stop: async () => {
          running.delete(key);
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
        },
      };
    },
  };
}
