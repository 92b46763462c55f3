// The sink's HTTP handler against a fake API server: the answers v0.34.0 gives (202 and its body,
// 500 without the EventListener, /live), and each trigger's outcome as its log line or its create.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSink, type Sink } from '../../fixtures/lab/cluster/controllers/triggers/sink.ts';
import type { ApiAnswer, SinkApi } from '../../fixtures/lab/cluster/controllers/triggers/sink-api.ts';

const NS = 'ci';
const KEY = 'k3y';
const objects = new Map<string, unknown>();
const posts: { path: string; body: Record<string, any>; user?: string }[] = [];
let postAnswer: ApiAnswer | undefined;
const notFound = (what: string): ApiAnswer => ({ code: 404, body: { kind: 'Status', message: `${what} not found` } });
const api: SinkApi = {
  async get(path) {
    return objects.has(path) ? { code: 200, body: structuredClone(objects.get(path)) } : notFound(path.split('/').slice(-2).join(' '));
  },
  async post(path, body, user) {
    posts.push({ path, body: body as Record<string, any>, user });
    return postAnswer ?? { code: 201, body };
  },
};
const lines: string[] = [];
let sink: Sink;
let server: http.Server;
let base: string;

const el = (triggers: unknown[], name = 'ci') =>
  objects.set(`/apis/triggers.tekton.dev/v1beta1/namespaces/${NS}/eventlisteners/${name}`, { metadata: { name, namespace: NS, uid: 'el-uid' }, spec: { triggers } });
const github = {
  ref: { name: 'github' },
  params: [
    { name: 'secretRef', value: { secretName: 'hook', secretKey: 'secret' } },
    { name: 'eventTypes', value: ['push'] },
  ],
};
const template = {
  spec: {
    params: [{ name: 'rev' }],
    resourcetemplates: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { generateName: 'run-' }, spec: { params: [{ name: 'rev', value: '$(tt.params.rev)' }] } }],
  },
};
const trigger = (extra: Record<string, unknown> = {}) => ({ name: 'push', interceptors: [github], bindings: [{ name: 'rev', value: '$(body.after)' }], template, ...extra });
const post = async (body: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}/`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const signed = (body: string, event = 'push') => ({ 'x-github-event': event, 'x-hub-signature-256': `sha256=${createHmac('sha256', KEY).update(body).digest('hex')}` });
const logged = (eventID: string) =>
  lines
    .map((l) => JSON.parse(l) as Record<string, string>)
    .filter((l) => l['/triggers-eventid'] === eventID)
    .map((l) => l.msg);

beforeAll(async () => {
  objects.set(`/api/v1/namespaces/${NS}/secrets/hook`, { data: { secret: Buffer.from(KEY).toString('base64') } });
  objects.set('/apis/tekton.dev/v1', {
    resources: [
      { name: 'pipelineruns', kind: 'PipelineRun' },
      { name: 'pipelineruns/status', kind: 'PipelineRun' },
    ],
  });
  sink = createSink({ name: 'ci', namespace: NS, payloadValidation: true, api, coreInterceptors: api, log: (l) => lines.push(l) });
  server = http.createServer((q, r) => sink.handle(q, r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the sink handler', () => {
  test('/live answers ok', async () => {
    const res = await fetch(`${base}/live`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });

  test('202 with the JSON body and a newline; the trigger creates the rendered run with the labels, as the EventListener ServiceAccount', async () => {
    el([trigger()]);
    posts.length = 0;
    const body = '{"after":"abc"}';
    const res = await post(body, signed(body));
    expect(res).toMatchObject({ status: 202, type: 'application/json' });
    const json = JSON.parse(res.text) as { eventID: string };
    expect(res.text).toBe(`${JSON.stringify({ eventListener: 'ci', namespace: NS, eventListenerUID: 'el-uid', eventID: json.eventID })}\n`);
    await sink.idle();
    expect(posts).toEqual([{ path: `/apis/tekton.dev/v1/namespaces/${NS}/pipelineruns`, user: undefined, body: expect.objectContaining({ spec: { params: [{ name: 'rev', value: 'abc' }] } }) }]);
    expect(posts[0]!.body.metadata.labels).toEqual({ 'triggers.tekton.dev/eventlistener': 'ci', 'triggers.tekton.dev/trigger': 'push', 'triggers.tekton.dev/triggers-eventid': json.eventID });
  });

  test('a trigger-level serviceAccountName is impersonated', async () => {
    el([trigger({ serviceAccountName: 'narrow' })]);
    posts.length = 0;
    const body = '{"after":"abc"}';
    await post(body, signed(body));
    await sink.idle();
    expect(posts.map((p) => p.user)).toEqual([`system:serviceaccount:${NS}:narrow`]);
  });

  test('without its EventListener: 500 and an empty body, and the reason in the log', async () => {
    const bare = createSink({ name: 'gone', namespace: NS, payloadValidation: true, api, coreInterceptors: api, log: (l) => lines.push(l) });
    const s = http.createServer((q, r) => bare.handle(q, r));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`, { method: 'POST', body: '{}' });
      expect([res.status, await res.text()]).toEqual([500, '']);
      expect(JSON.parse(lines.at(-1)!).msg).toBe('Error getting EventListener gone in Namespace ci: eventlisteners gone not found');
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  test.each<[string, unknown[], string, Record<string, string> | undefined, RegExp]>([
    [
      'a Secret that is not there',
      [trigger({ interceptors: [{ ...github, params: [{ name: 'secretRef', value: { secretName: 'nope', secretKey: 'secret' } }] }] })],
      '{"after":"abc"}',
      undefined,
      /^interceptor stopped trigger processing: rpc error: code = FailedPrecondition desc = error getting secret: secrets nope not found$/,
    ],
    [
      'a TriggerBinding that is not there (upstream names the binding by its empty name)',
      [trigger({ interceptors: [], bindings: [{ ref: 'missing' }] })],
      '{}',
      {},
      /^failed to resolve bindings: error getting TriggerBinding : triggerbindings missing not found$/,
    ],
    ['a TriggerTemplate that is not there', [trigger({ interceptors: [], template: { ref: 'gone' } })], '{}', {}, /^error getting TriggerTemplate gone: triggertemplates gone not found$/],
    [
      'a value the event lacks, with no default',
      [trigger({ interceptors: [] })],
      '{"before":"x"}',
      {},
      /^failed to ApplyEventValuesToParams: failed to replace JSONPath value for param rev: \$\(body.after\): after is not found$/,
    ],
    [
      'a kind the API server does not serve',
      [trigger({ interceptors: [], template: { spec: { resourcetemplates: [{ apiVersion: 'tekton.dev/v1', kind: 'Widget', metadata: { name: 'w' } }] } } })],
      '{"after":"abc"}',
      {},
      /^problem creating obj: couldn't find API resource for json: error could not find resource with apiVersion tekton.dev\/v1 and kind Widget$/,
    ],
  ])('%s: the trigger stops with a log line', async (_n, triggers, body, headers, want) => {
    el(triggers);
    posts.length = 0;
    const res = await post(body, headers ?? signed(body));
    expect(res.status).toBe(202);
    await sink.idle();
    expect(logged((JSON.parse(res.text) as { eventID: string }).eventID).at(-1)).toMatch(want);
    expect(posts).toEqual([]);
  });

  test('a create the API server refuses: 403 as it is, anything else wrapped as upstream', async () => {
    el([trigger({ interceptors: [] })]);
    for (const [answer, want] of [
      [{ code: 403, body: { message: 'pipelineruns.tekton.dev is forbidden: nope' } }, 'problem creating obj: pipelineruns.tekton.dev is forbidden: nope'],
      [{ code: 409, body: { message: 'exists' } }, 'problem creating obj: couldn\'t create resource with group version kind "tekton.dev/v1, Resource=pipelineruns": exists'],
    ] as const) {
      postAnswer = answer;
      const res = await post('{"after":"abc"}');
      await sink.idle();
      expect(logged((JSON.parse(res.text) as { eventID: string }).eventID).at(-1)).toBe(want);
    }
    postAnswer = undefined;
  });

  test("payload validation off: a body that is not JSON is accepted (202) and the trigger fails with Go's decode error", async () => {
    const loose = createSink({ name: 'ci', namespace: NS, payloadValidation: false, api, coreInterceptors: api, log: (l) => lines.push(l) });
    const s = http.createServer((q, r) => loose.handle(q, r));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    try {
      el([trigger({ interceptors: [] })]);
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`, { method: 'POST', body: 'not json' });
      expect(res.status).toBe(202);
      await loose.idle();
      expect(logged(((await res.json()) as { eventID: string }).eventID)).toEqual([
        "failed to ApplyEventValuesToParams: failed to marshal event: failed to unmarshal request body: invalid character 'o' in literal null (expecting 'u')",
      ]);
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });
});
