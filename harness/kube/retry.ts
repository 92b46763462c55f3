// Sending a Kubernetes API request again after a transient failure (policy: retry-policy.ts). It sits
// at the transport — client-node's HttpLibrary for every client made from a DirectKubeConfig, and
// raw.ts's fetch — so each read inside a poll, each apply and each delete is covered without call
// sites knowing; a non-idempotent request passes through once. When the harness gives up after
// more than one attempt, the error carries "after N attempts over T s" (attemptsNote, kubeError).
import * as k8s from '@kubernetes/client-node';
import { sleep } from './wait.ts';
import { describeAttempts, isIdempotent, nextRetry, type AttemptOutcome, type RequestShape } from './retry-policy.ts';

/** Response header the transport adds to a failed answer it gave up on (ApiException keeps headers). */
export const ATTEMPTS_HEADER = 'x-unidesk-ci-attempts';
const thrownAttempts = new WeakMap<object, string>();

export type RetryClock = { now: () => number; random: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> };

const realClock: RetryClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep,
};

function errorCode(e: unknown): string {
  let cur = e as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; cur && depth < 4; depth++, cur = cur.cause as typeof cur) {
    if (typeof cur.code === 'string') return cur.code;
  }
  return 'unknown';
}

export type Sent<R> = { response: R; outcome: AttemptOutcome };
export type Retried<R> = { response: R; attempts: number; elapsedMs: number; note?: string };

/**
 * Send; while the request is idempotent and the outcome transient, wait and send again within the
 * bounds. `discard` releases a response that is not returned. A thrown error that ends the loop
 * after several attempts is remembered for attemptsNote.
 */
export async function sendWithRetry<R>(
  req: RequestShape & { signal?: AbortSignal },
  send: () => Promise<Sent<R>>,
  discard: (r: R) => Promise<unknown>,
  clock: RetryClock = realClock,
): Promise<Retried<R>> {
  const idempotent = isIdempotent(req);
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    let sent: Sent<R> | undefined;
    let thrown: unknown;
    try {
      sent = await send();
    } catch (e) {
      thrown = e;
    }
    const elapsedMs = clock.now() - started;
    const note = attempt > 1 ? describeAttempts(attempt, elapsedMs) : undefined;
    const outcome: AttemptOutcome = sent ? sent.outcome : { errorCode: errorCode(thrown) };
    const decision = idempotent && !req.signal?.aborted ? nextRetry(attempt, outcome, elapsedMs, { now: clock.now(), random: clock.random() }) : undefined;
    if (!decision?.retry) {
      if (sent) return { response: sent.response, attempts: attempt, elapsedMs, note };
      if (note && thrown && typeof thrown === 'object') thrownAttempts.set(thrown, note);
      throw thrown;
    }
    if (sent) await discard(sent.response).catch(() => undefined);
    await clock.sleep(decision.delayMs, req.signal);
  }
}

/** "after 4 attempts over 7.3 s" when the transport gave up on this error after retrying, else undefined. */
export function attemptsNote(e: unknown): string | undefined {
  if (e instanceof k8s.ApiException) {
    const h = (e.headers ?? {}) as Record<string, string>;
    if (h[ATTEMPTS_HEADER]) return h[ATTEMPTS_HEADER];
  }
  return e && typeof e === 'object' ? thrownAttempts.get(e) : undefined;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** client-node's transport with retries; a failed answer given up on carries ATTEMPTS_HEADER. */
export class RetryingHttpLibrary implements k8s.HttpLibrary {
  private readonly inner: k8s.HttpLibrary;
  private readonly clock: RetryClock;

  constructor(inner: k8s.HttpLibrary = new k8s.IsomorphicFetchHttpLibrary(), clock: RetryClock = realClock) {
    this.inner = inner;
    this.clock = clock;
  }

  send(ctx: k8s.RequestContext): k8s.Observable<k8s.ResponseContext> {
    return new k8s.Observable(this.#send(ctx));
  }

  async #send(ctx: k8s.RequestContext): Promise<k8s.ResponseContext> {
    const shape = { method: ctx.getHttpMethod().toString(), url: ctx.getUrl(), contentType: header(ctx.getHeaders(), 'content-type'), signal: ctx.getSignal() };
    const r = await sendWithRetry(
      shape,
      async () => {
        const res = await this.inner.send(ctx).toPromise();
        return { response: res, outcome: { status: res.httpStatusCode, retryAfter: header(res.headers, 'retry-after') } };
      },
      (res) => res.body.text(),
      this.clock,
    );
    const res = r.response;
    if (!r.note || (res.httpStatusCode >= 200 && res.httpStatusCode <= 299)) return res;
    return new k8s.ResponseContext(res.httpStatusCode, { ...res.headers, [ATTEMPTS_HEADER]: r.note }, res.body);
  }
}
