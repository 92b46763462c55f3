// Polling a condition with an AbortSignal and an upper bound, printing a progress line when the
// observed state changes and at least every `progressEveryMs` while it does not.
import { CiError, type FailureClass } from '../failure.ts';

export type PollState<T> = { done: true; value: T } | { done: false; status: string };

export type PollOptions = {
  what: string;
  timeoutMs: number;
  signal?: AbortSignal;
  intervalMs?: number;
  progressEveryMs?: number;
  log?: (line: string) => void;
  /** Class of the timeout error (default infra.cluster). */
  timeoutClass?: FailureClass;
};

/** The bound of a poll passed while the state was still not done (callers may tell it from other failures). */
export class PollTimeout extends CiError {}

export async function poll<T>(check: () => Promise<PollState<T>>, o: PollOptions): Promise<T> {
  const started = Date.now();
  const log = o.log ?? ((l: string) => console.log(l));
  let lastStatus: string | undefined;
  let lastLine = 0;
  for (;;) {
    if (o.signal?.aborted) throw new CiError('infra.cluster', `${o.what}: aborted (${String(o.signal.reason ?? 'signal')})`);
    const state = await check();
    if (state.done) return state.value;
    const now = Date.now();
    const elapsed = now - started;
    if (state.status !== lastStatus || now - lastLine >= (o.progressEveryMs ?? 5000)) {
      log(`${o.what}: ${state.status} (${Math.round(elapsed / 1000)} s)`);
      lastStatus = state.status;
      lastLine = now;
    }
    if (elapsed >= o.timeoutMs) {
      throw new PollTimeout(o.timeoutClass ?? 'infra.cluster', `${o.what}: still ${state.status} after ${o.timeoutMs} ms`);
    }
    await sleep(Math.min(o.intervalMs ?? 250, Math.max(1, o.timeoutMs - elapsed)), o.signal);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
