// One measured request, as recorded in the metrics JSON and the history.
import { z } from 'zod';

export const sampleSchema = z.object({
  endpoint: z.string(),
  path: z.string(),
  /** 0-based position within this endpoint's samples. */
  index: z.number().int().nonnegative(),
  cold: z.boolean(),
  /** Wall-clock start (ISO) and offset from the run's first request. */
  startedAt: z.string(),
  startOffsetMs: z.number(),
  /** Headers received; null when the request failed before headers. */
  ttfbMs: z.number().nullable(),
  /** Body complete; null (read as +∞) when the request failed. */
  totalMs: z.number().nullable(),
  bytes: z.number().int().nonnegative(),
  status: z.number().int().nullable(),
  newConnection: z.boolean(),
  error: z.string().optional(),
});
export type Sample = z.infer<typeof sampleSchema>;

/** The value a statistic uses: total time, +∞ for anything that did not answer 2xx. */
export function sampleValue(s: Sample): number {
  return s.totalMs !== null && s.status !== null && s.status >= 200 && s.status < 300 && !s.error ? s.totalMs : Infinity;
}
