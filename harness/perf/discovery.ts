// Find a task worth measuring: scan recent tasks page by page (newest first) until one has
// persisted trace steps. Newly created tasks often have none yet; they are skipped, not failed.
import { taskPageResponse } from './code-queue-api.ts';
import { CiError } from '../failure.ts';
import type { Probe } from './probe.ts';

/**
 * Cap of one discovery page: a page of at most 50 task summaries is a few tens of KiB; 4 MiB is
 * far beyond any real page, so an answer that big is the service's fault (`app`), read no further.
 */
export const DISCOVERY_MAX_PAGE_BYTES = 4 * 1024 * 1024;

export type DiscoveredTask = { taskId: number; stepSeq: number; stepCount: number; scanned: number; pages: number };
export type DiscoveryOptions = { pageSize?: number; maxPages?: number; log?: (line: string) => void };

export async function discoverTraceTask(probe: Probe, o: DiscoveryOptions = {}): Promise<DiscoveredTask> {
  const pageSize = o.pageSize ?? 50;
  const maxPages = o.maxPages ?? 20;
  let before: number | null = null;
  let scanned = 0;
  for (let page = 1; page <= maxPages; page++) {
    const path = `/api/tasks?limit=${pageSize}${before ? `&before=${before}` : ''}`;
    const s = await probe.sample('discovery', path, { index: page - 1, cold: false, keepBody: true, maxBytes: DISCOVERY_MAX_PAGE_BYTES });
    if (s.error || s.body === undefined) {
      const failureClass = s.status !== null && s.status < 500 ? 'app' : probe.transport.infraClass;
      throw new CiError(failureClass, `task discovery: GET ${path} via ${probe.transport.describe} failed: ${s.error ?? 'no body'}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(s.body);
    } catch {
      throw new CiError('app', `task discovery: GET ${path} via ${probe.transport.describe} answered a body that is not JSON: ${s.body.slice(0, 200)}`);
    }
    const parsed = taskPageResponse.safeParse(value);
    if (!parsed.success) throw new CiError('app', `task discovery: GET ${path} answered a body that is not a task page: ${parsed.error.issues[0]?.message}`);
    const hit = parsed.data.tasks.find((t) => t.traceStepCount > 0);
    scanned += parsed.data.tasks.length;
    if (hit) {
      o.log?.(`perf: task ${hit.id} has ${hit.traceStepCount} trace steps (scanned ${scanned} tasks on ${page} page(s))`);
      return { taskId: hit.id, stepCount: hit.traceStepCount, stepSeq: Math.ceil(hit.traceStepCount / 2), scanned, pages: page };
    }
    o.log?.(`perf: discovery page ${page}: none of ${parsed.data.tasks.length} tasks has trace steps yet`);
    if (parsed.data.nextBefore === null) break;
    before = parsed.data.nextBefore;
  }
  throw new CiError(
    'input',
    `task discovery: none of the ${scanned} most recent tasks has persisted trace steps (scanned at most ${maxPages} pages of ${pageSize}); the trace endpoints cannot be measured`,
    {
      hint: 'check that Code Queue persists trace steps for finished tasks, or point the gate at a database with traced tasks',
    },
  );
}
