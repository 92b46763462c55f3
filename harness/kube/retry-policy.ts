// When a Kubernetes API request may be sent again, and after how long: pure functions, no I/O.
// Only idempotent requests are retried — reads (GET, never a watch or a log follow), server-side
// apply (PATCH application/apply-patch+yaml) and DELETE (with a uid precondition, or where the caller
// counts 404 as done). A create (POST), an update (PUT), a merge/JSON patch, every watch and the
// service proxy go once.
// Transient: 429 (Retry-After honoured), 500/502/503/504, and a connection that broke mid-request.

/**
 * The bounds (documented in docs/kube.md, "Retries"). With full backoff the waits are about
 * 0.2, 0.4, 0.8, 1.6 s (jitter: each between half and all of that), so a request that keeps
 * failing gives up after 5 attempts in ~1.5–3 s plus its own time; never after more than 10 s.
 */
export const RETRY = {
  /** Attempts in all, the first one included. */
  maxAttempts: 5,
  /** Wait before the second attempt; doubled for each further one. */
  baseDelayMs: 200,
  /** No single backoff wait is longer. */
  maxDelayMs: 2_000,
  /** A server's Retry-After is honoured up to this; a longer one is cut to it. */
  maxRetryAfterMs: 5_000,
  /** No attempt starts when the wait before it would end later than this after the first one started. */
  maxTotalMs: 10_000,
} as const;

export type RetryBounds = { readonly [K in keyof typeof RETRY]: number };

/** Statuses an API server (or the load balancer in front of it) uses for "try again". */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Connection failures where the server may not have seen the request or its answer was lost.
 * ECONNREFUSED is not one: nothing listens, and retrying would only delay "API server unreachable".
 */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT']);

export type RequestShape = { method: string; url: string; contentType?: string };

/** Whether sending the same request twice has the effect of sending it once. */
export function isIdempotent(r: RequestShape): boolean {
  const method = r.method.toUpperCase();
  const u = new URL(r.url, 'http://x');
  const q = u.searchParams;
  // pods|services/.../proxy is the service's traffic (its own verdict, its own timing), not an API call
  if (/\/proxy(\/|$)/.test(u.pathname)) return false;
  if (method === 'GET') return q.get('watch') !== 'true' && q.get('watch') !== '1' && q.get('follow') !== 'true';
  if (method === 'PATCH') return (r.contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/apply-patch+yaml';
  return method === 'DELETE';
}

/** What one attempt ended with: an HTTP status (with its Retry-After header) or a connection error code. */
export type AttemptOutcome = { status: number; retryAfter?: string } | { errorCode: string };

export function isTransient(o: AttemptOutcome): boolean {
  return 'status' in o ? TRANSIENT_STATUSES.has(o.status) : TRANSIENT_ERROR_CODES.has(o.errorCode);
}

/** Retry-After as milliseconds (delta-seconds or an HTTP-date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'not transient' | 'attempts' | 'time' };

/**
 * After attempt number `attempt` (1 = the first) ended with `outcome`, `elapsedMs` after the first
 * attempt started: wait `delayMs` and send again, or give up. `random` in [0, 1) is the jitter.
 */
export function nextRetry(attempt: number, outcome: AttemptOutcome, elapsedMs: number, o: { now: number; random: number; bounds?: RetryBounds }): RetryDecision {
  const b = o.bounds ?? RETRY;
  if (!isTransient(outcome)) return { retry: false, reason: 'not transient' };
  if (attempt >= b.maxAttempts) return { retry: false, reason: 'attempts' };
  const backoff = Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(backoff / 2 + (o.random * backoff) / 2);
  const asked = 'status' in outcome ? retryAfterMs(outcome.retryAfter, o.now) : undefined;
  const delayMs = asked === undefined ? jittered : Math.min(asked, b.maxRetryAfterMs);
  if (elapsedMs + delayMs > b.maxTotalMs) return { retry: false, reason: 'time' };
  return { retry: true, delayMs };
}

/** "after 4 attempts over 7.3 s" — how a give-up is reported. */
export function describeAttempts(attempts: number, elapsedMs: number): string {
  return `after ${attempts} attempts over ${(elapsedMs / 1000).toFixed(1)} s`;
}
