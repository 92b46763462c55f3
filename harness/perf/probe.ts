// The HTTP probe: undici with exactly one connection (connections: 1, pipelining: 1), reused
// across samples. Per request: start, TTFB (headers), total (body complete), bytes, status and
// whether a new connection had to be opened. A failed request is a sample with an error, never
// an exception, so it counts as +∞ instead of being dropped.
import { Pool } from 'undici';
import { CiError } from '../failure.ts';
import { readBounded } from '../http/bounded-body.ts';
import type { Sample } from './sample.ts';
import type { Transport } from './transport.ts';

export type Probe = {
  transport: Transport;
  /** Measure one GET of a Code Queue path (e.g. /api/tasks/overview). */
  sample: (endpoint: string, path: string, opts: { index: number; cold: boolean; keepBody?: boolean; maxBytes?: number }) => Promise<Sample & { body?: string }>;
  /** Every connection the probe opened so far. */
  connections: () => number;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
};

export type ProbeOptions = { requestTimeoutMs: number; signal?: AbortSignal };

/**
 * Cap of one measured Code Queue response. The largest measured answers (a task's trace, the
 * overview) are tens to hundreds of KiB on the production database; 32 MiB leaves two orders of
 * magnitude of growth before the probe calls it a fault of the service (`app`: an answer this big
 * is a regression worth failing on) instead of holding it in memory.
 */
export const PROBE_MAX_BODY_BYTES = 32 * 1024 * 1024;

export function createProbe(transport: Transport, o: ProbeOptions): Probe {
  const pool = new Pool(transport.origin, { connections: 1, pipelining: 1, connect: transport.tls });
  let connects = 0;
  pool.on('connect', () => connects++);
  let t0: number | undefined;

  const sample: Probe['sample'] = async (endpoint, path, { index, cold, keepBody, maxBytes = PROBE_MAX_BODY_BYTES }) => {
    // everything but the request itself happens outside the timed window
    const before = connects;
    const startedAt = new Date().toISOString();
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new DOMException('timeout', 'TimeoutError')), o.requestTimeoutMs);
    const onOuterAbort = () => ac.abort(o.signal?.reason);
    o.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let ttfb: number | null = null;
    let status: number | null = null;
    let bytes = 0;
    const start = performance.now();
    t0 ??= start;
    const base = { endpoint, path, index, cold, startedAt, startOffsetMs: start - t0 };
    try {
      const res = await pool.request({ path: transport.basePath + path, method: 'GET', headers: transport.headers, signal: ac.signal });
      ttfb = performance.now() - start;
      status = res.statusCode;
      const what = `GET ${path} via ${transport.describe}`;
      const raw = await readBounded(res.body, { maxBytes, what, failureClass: 'app' });
      const total = performance.now() - start;
      bytes = raw.length;
      const ok = status >= 200 && status < 300;
      const body = keepBody || !ok ? raw.toString('utf8') : undefined;
      const error = ok ? undefined : `HTTP ${status}: ${body!.slice(0, 200)}`;
      return { ...base, ttfbMs: ttfb, totalMs: total, bytes, status, newConnection: connects !== before, error, body: keepBody ? body : undefined };
    } catch (e) {
      const err = e as Error & { code?: string };
      // an oversize body: its message names the path and the cap; the sample counts as +∞
      if (e instanceof CiError) return { ...base, ttfbMs: ttfb, totalMs: null, bytes, status, newConnection: connects !== before, error: e.message };
      const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no complete answer within ${o.requestTimeoutMs} ms` : `${err.code ?? err.name}: ${err.message}`;
      return { ...base, ttfbMs: ttfb, totalMs: null, bytes, status, newConnection: connects !== before, error: why };
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onOuterAbort);
    }
  };
  const close = () => pool.close().catch(() => pool.destroy());
  return { transport, sample, connections: () => connects, close, [Symbol.asyncDispose]: close };
}
