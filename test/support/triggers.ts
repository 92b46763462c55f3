// Delivering GitHub webhooks in tests, as GitHub and a UniDesk route do: a push payload, its
// X-Hub-Signature-256 (HMAC-SHA256 of the exact bytes sent), and a raw POST through the API
// server's service proxy to the EventListener's Service (or to the sink's loopback port).
import { createHmac } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';

export const EL_PROXY_PATH = '/api/v1/namespaces/unidesk-ci/services/el-unidesk-ci:8080/proxy/';

export const sign = (body: Buffer | string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The fields of a GitHub push event Triggers and k3s/ci read, in GitHub's shape. */
export function pushEvent(o: { after: string; cloneUrl: string; ref?: string; before?: string }): Record<string, unknown> {
  const repo = { id: 1, name: 'unidesk', full_name: 'unidesk-ai/unidesk', private: true, clone_url: o.cloneUrl, html_url: 'https://github.com/unidesk-ai/unidesk', default_branch: 'master' };
  const commit = { id: o.after, message: 'lab push', timestamp: '2026-01-01T00:00:00Z', added: [], removed: [], modified: ['README.md'] };
  return {
    ref: o.ref ?? 'refs/heads/master',
    before: o.before ?? '0'.repeat(40),
    after: o.after,
    created: false,
    deleted: false,
    forced: false,
    repository: repo,
    pusher: { name: 'lab' },
    sender: { login: 'lab' },
    head_commit: commit,
    commits: [commit],
  };
}

export type Delivery = { status: number; contentType: string | null; text: string; json?: Record<string, unknown> };

async function answer(res: Awaited<ReturnType<typeof fetch>>): Promise<Delivery> {
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, json };
}

/** POST body with headers through the service proxy, authenticated as the kubeconfig's user. */
export async function deliverViaProxy(kc: k8s.KubeConfig, body: Buffer | string, headers: Record<string, string>, path = EL_PROXY_PATH): Promise<Delivery> {
  const cluster = kc.getCurrentCluster()!;
  const token = kc.getCurrentUser()!.token!;
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : undefined;
  const res = await fetch(`${cluster.server}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body, dispatcher: new Agent({ connect: { ca } }) });
  return answer(res);
}

/** POST straight to the sink's loopback port (what the pod serves as container port 8080). */
export async function deliverToPort(port: number, body: Buffer | string, headers: Record<string, string>): Promise<Delivery> {
  return answer(await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body }));
}

/** GitHub's headers for an event; the signature when given. */
export const githubHeaders = (event: string, signature?: string): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': 'GitHub-Hookshot/lab',
  'x-github-event': event,
  'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  ...(signature ? { 'x-hub-signature-256': signature } : {}),
});

/** The sink's JSON log lines for one event (the el-<name> pod log). */
export function sinkLines(log: string, eventID: string): { level: string; msg: string }[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: string; msg: string; '/triggers-eventid'?: string })
    .filter((l) => l['/triggers-eventid'] === eventID);
}
