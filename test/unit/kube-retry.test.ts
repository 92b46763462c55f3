// Retries of transient Kubernetes API failures: the pure schedule (retry-policy.ts) and the transport
// loop (retry.ts) with a fake clock and a fake server; the lab test sends real requests to the double.
import * as k8s from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { kubeError } from '../../harness/kube/errors.ts';
import { RETRY, isIdempotent, nextRetry, retryAfterMs, type AttemptOutcome } from '../../harness/kube/retry-policy.ts';
import { ATTEMPTS_HEADER, RetryingHttpLibrary, attemptsNote, sendWithRetry, type RetryClock } from '../../harness/kube/retry.ts';

const at = { now: Date.parse('2026-12-02T12:00:00Z'), random: 0.5 };

describe('isIdempotent', () => {
  test.each([
    ['GET', '/api/v1/namespaces/a/configmaps/b', undefined, true],
    ['GET', '/api/v1/namespaces/a/configmaps', undefined, true],
    ['GET', '/api/v1/namespaces/a/configmaps?watch=true', undefined, false],
    ['GET', '/api/v1/namespaces/a/pods/p/log?follow=true', undefined, false],
    ['PATCH', '/api/v1/namespaces/a/configmaps/b?fieldManager=x', 'application/apply-patch+yaml', true],
    ['PATCH', '/api/v1/namespaces/a/configmaps/b', 'application/merge-patch+json', false],
    ['PATCH', '/api/v1/namespaces/a/configmaps/b', 'application/json-patch+json', false],
    ['POST', '/api/v1/namespaces/a/configmaps', 'application/json', false],
    ['PUT', '/api/v1/namespaces/a/configmaps/b', 'application/json', false],
    ['DELETE', '/api/v1/namespaces/a/configmaps/b', 'application/json', true],
    ['GET', '/api/v1/namespaces/a/services/web:8080/proxy/api/x', undefined, false],
    ['GET', '/api/v1/namespaces/a/pods/p/proxy', undefined, false],
  ])('%s %s (%s) → %s', (method, url, contentType, want) => {
    expect(isIdempotent({ method, url: `https://127.0.0.1:6443${url}`, contentType })).toBe(want);
  });
});

describe('nextRetry', () => {
  test.each([429, 500, 502, 503, 504])('HTTP %i is retried', (status) => {
    expect(nextRetry(1, { status }, 0, at)).toMatchObject({ retry: true });
  });
  test.each([400, 401, 403, 404, 409, 410, 422])('HTTP %i is not', (status) => {
    expect(nextRetry(1, { status }, 0, at)).toEqual({ retry: false, reason: 'not transient' });
  });
  test.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])('%s is retried', (errorCode) => {
    expect(nextRetry(1, { errorCode }, 0, at)).toMatchObject({ retry: true });
  });
  test.each(['ECONNREFUSED', 'ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'unknown'])('%s is not', (errorCode) => {
    expect(nextRetry(1, { errorCode }, 0, at).retry).toBe(false);
  });

  test('the backoff doubles per attempt, up to maxDelayMs, with jitter between half and all of it', () => {
    const delays = (random: number) => [1, 2, 3, 4, 5, 6].map((n) => nextRetry(n, { status: 503 }, 0, { ...at, random, bounds: { ...RETRY, maxAttempts: 10 } }));
    expect(delays(0.9999).map((d) => (d.retry ? d.delayMs : -1))).toEqual([200, 400, 800, 1600, 2000, 2000]);
    expect(delays(0).map((d) => (d.retry ? d.delayMs : -1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test('Retry-After in seconds is honoured instead of the backoff, and capped', () => {
    expect(nextRetry(1, { status: 429, retryAfter: '1' }, 0, at)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry(1, { status: 503, retryAfter: '3' }, 0, at)).toEqual({ retry: true, delayMs: 3000 });
    expect(nextRetry(1, { status: 429, retryAfter: '3600' }, 0, at)).toEqual({ retry: true, delayMs: RETRY.maxRetryAfterMs });
  });

  test('Retry-After as an HTTP-date is the time until then; a past date means at once; garbage falls back to the backoff', () => {
    expect(retryAfterMs(new Date(at.now + 2000).toUTCString(), at.now)).toBe(2000);
    expect(nextRetry(1, { status: 429, retryAfter: new Date(at.now + 2000).toUTCString() }, 0, at)).toEqual({ retry: true, delayMs: 2000 });
    expect(nextRetry(1, { status: 429, retryAfter: new Date(at.now - 60_000).toUTCString() }, 0, at)).toEqual({ retry: true, delayMs: 0 });
    expect(nextRetry(1, { status: 429, retryAfter: 'soon' }, 0, at)).toEqual({ retry: true, delayMs: 150 });
  });

  test('gives up after maxAttempts, or when the wait would end past maxTotalMs', () => {
    expect(nextRetry(RETRY.maxAttempts, { status: 503 }, 0, at)).toEqual({ retry: false, reason: 'attempts' });
    expect(nextRetry(RETRY.maxAttempts - 1, { status: 503 }, 0, at).retry).toBe(true);
    expect(nextRetry(1, { status: 429, retryAfter: '5' }, RETRY.maxTotalMs - 4000, at)).toEqual({ retry: false, reason: 'time' });
  });
});

/** A clock that advances by the waits it is asked for. */
function fakeClock(): RetryClock & { waits: number[] } {
  let t = 0;
  const waits: number[] = [];
  return { waits, now: () => t, random: () => 0.5, sleep: async (ms) => void (waits.push(ms), (t += ms)) };
}

describe('sendWithRetry', () => {
  const get = { method: 'GET', url: 'https://k/api/v1/namespaces/a' };
  const answers = (...outcomes: AttemptOutcome[]) => {
    let i = 0;
    const sent: AttemptOutcome[] = [];
    return {
      sent,
      send: async () => {
        const o = outcomes[Math.min(i++, outcomes.length - 1)]!;
        sent.push(o);
        if ('errorCode' in o) throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: o.errorCode }) });
        return { response: o, outcome: o };
      },
    };
  };

  test('two 503s then 200: three sends, two backoff waits, no note on success', async () => {
    const a = answers({ status: 503 }, { status: 503 }, { status: 200 });
    const clock = fakeClock();
    const r = await sendWithRetry(get, a.send, async () => undefined, clock);
    expect(a.sent).toHaveLength(3);
    expect(clock.waits).toEqual([150, 300]);
    expect(r).toMatchObject({ response: { status: 200 }, attempts: 3 });
  });

  test('a POST meeting 503 is sent once', async () => {
    const a = answers({ status: 503 }, { status: 201 });
    const r = await sendWithRetry({ method: 'POST', url: 'https://k/api/v1/namespaces' }, a.send, async () => undefined, fakeClock());
    expect(a.sent).toHaveLength(1);
    expect(r).toMatchObject({ response: { status: 503 }, attempts: 1, note: undefined });
  });

  test('503 forever: maxAttempts sends, then the last answer with the attempt count', async () => {
    const a = answers({ status: 503 });
    const discarded: unknown[] = [];
    const r = await sendWithRetry(get, a.send, async (x) => void discarded.push(x), fakeClock());
    expect(a.sent).toHaveLength(RETRY.maxAttempts);
    expect(discarded).toHaveLength(RETRY.maxAttempts - 1);
    expect(r.note).toBe('after 5 attempts over 2.3 s');
  });

  test('connection reset, then success; a reset that persists is rethrown with its note', async () => {
    const ok = answers({ errorCode: 'ECONNRESET' }, { status: 200 });
    expect((await sendWithRetry(get, ok.send, async () => undefined, fakeClock())).attempts).toBe(2);
    const bad = answers({ errorCode: 'ECONNRESET' });
    const err = await sendWithRetry(get, bad.send, async () => undefined, fakeClock()).catch((e: unknown) => e);
    expect(bad.sent).toHaveLength(RETRY.maxAttempts);
    expect(attemptsNote(err)).toBe('after 5 attempts over 2.3 s');
    expect(kubeError(err, 'read Namespace a').message).toMatch(/^read Namespace a: Kubernetes API unreachable or failed after 5 attempts over 2\.3 s \(ECONNRESET\)/);
  });

  test('an aborted request is not sent again', async () => {
    const a = answers({ status: 503 }, { status: 200 });
    const ac = new AbortController();
    ac.abort();
    await sendWithRetry({ ...get, signal: ac.signal }, a.send, async () => undefined, fakeClock());
    expect(a.sent).toHaveLength(1);
  });
});

describe('RetryingHttpLibrary under a client-node API', () => {
  function api(statuses: number[], clock = fakeClock()) {
    const seen: string[] = [];
    const inner: k8s.HttpLibrary = {
      send: (ctx) => {
        seen.push(`${ctx.getHttpMethod()} ${new URL(ctx.getUrl()).pathname}`);
        const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
        const body = status === 200 ? { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'a' } } : { kind: 'Status', code: status, reason: 'ServiceUnavailable', message: 'etcd is away' };
        const text = JSON.stringify(body);
        return new k8s.Observable(
          Promise.resolve(new k8s.ResponseContext(status, { 'content-type': 'application/json' }, { text: async () => text, binary: async () => Buffer.from(text), stream: () => undefined as never })),
        );
      },
    };
    const config = k8s.createConfiguration({ baseServer: new k8s.ServerConfiguration('https://k', {}), httpApi: new RetryingHttpLibrary(inner, clock) });
    return { core: new k8s.CoreV1Api(config), seen };
  }

  test('a read that meets two 503s succeeds on the third attempt', async () => {
    const a = api([503, 503, 200]);
    expect((await a.core.readNamespace({ name: 'a' })).metadata?.name).toBe('a');
    expect(a.seen).toEqual(['GET /api/v1/namespaces/a', 'GET /api/v1/namespaces/a', 'GET /api/v1/namespaces/a']);
  });

  test('giving up: the ApiException carries the note and kubeError reports it, class infra.cluster', async () => {
    const a = api([503]);
    const err = await a.core.readNamespace({ name: 'a' }).catch((e: unknown) => e);
    expect((err as k8s.ApiException<unknown>).headers[ATTEMPTS_HEADER]).toBe('after 5 attempts over 2.3 s');
    const ci = kubeError(err, 'read Namespace a');
    expect(ci.message).toBe('read Namespace a: after 5 attempts over 2.3 s: HTTP 503 ServiceUnavailable: etcd is away');
    expect(ci.failureClass).toBe('infra.cluster');
  });

  test('a create meeting 503 is sent once and reported without an attempt count', async () => {
    const a = api([503, 201]);
    const err = await a.core.createNamespace({ body: { metadata: { name: 'a' } } }).catch((e: unknown) => e);
    expect(a.seen).toEqual(['POST /api/v1/namespaces']);
    expect(kubeError(err, 'create Namespace a').message).toBe('create Namespace a: HTTP 503 ServiceUnavailable: etcd is away');
  });

  test('a 404 is final at once', async () => {
    const a = api([404]);
    await a.core.readNamespace({ name: 'a' }).catch(() => undefined);
    expect(a.seen).toHaveLength(1);
  });
});
