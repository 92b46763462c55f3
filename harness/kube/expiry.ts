// The expiry every object a run may leave behind carries (its run namespace, the objects it owns
// in unidesk-ci): the janitor deletes labelled objects past it, so a run killed before teardown
// never blocks later runs for longer than this bound.
import { EXPIRES_ANNOTATION } from './guard.ts';

export const MIN_RUN_TTL_MS = 2 * 3600_000;

/** Longer than any live run: several times the longest single wait, and at least two hours. */
export function runTtlMs(waitMs?: number): number {
  return Math.max(MIN_RUN_TTL_MS, 6 * (waitMs ?? 0));
}

export function expiresAt(ttlMs: number, now = Date.now()): string {
  return new Date(now + ttlMs).toISOString();
}

export function expiryAnnotation(ttlMs: number, now = Date.now()): Record<string, string> {
  return { [EXPIRES_ANNOTATION]: expiresAt(ttlMs, now) };
}
