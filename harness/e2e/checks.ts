// Step 5 of the dev-e2e gate: the write service creates a task, the scheduler runs it within a
// bound, the read service returns it with its trace summary and steps, and refuses a write.
import { CiError } from '../failure.ts';
import { poll } from '../kube/wait.ts';
import { health, taskCreated, taskPage, traceSteps, traceSummary, type CodeQueueApi } from './api.ts';
import { CODE_QUEUE_ROLES } from './workloads.ts';

/** How long the scheduler may take to pick a new task up and finish it. */
export const SCHEDULED_WITHIN_MS = 30_000;

/** Each role's /healthz: up, the role it was given, and the version the commit's code reports. */
export async function serviceVersions(api: CodeQueueApi): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const role of CODE_QUEUE_ROLES) {
    const h = await api.json(role, 'GET', '/healthz', health);
    if (h.role !== role) throw new CiError('app', `code-queue-${role} reports role ${h.role}`);
    out[role] = h.version ?? 'unknown';
  }
  return out;
}

export async function createTask(api: CodeQueueApi, runId: string): Promise<number> {
  return (await api.json('write', 'POST', '/api/tasks', taskCreated, { title: `unidesk-ci dev-e2e ${runId}`, repo: 'unidesk-ci' })).id;
}

export async function waitScheduled(api: CodeQueueApi, taskId: number, o: { timeoutMs?: number; signal?: AbortSignal; log?: (l: string) => void } = {}): Promise<string> {
  return poll(
    async () => {
      const page = await api.json('read', 'GET', '/api/tasks?limit=50', taskPage);
      const task = page.tasks.find((t) => t.id === taskId);
      if (!task) return { done: false, status: `task ${taskId} not listed by the read service yet` };
      return task.status === 'succeeded' || task.status === 'failed' ? { done: true, value: task.status } : { done: false, status: `task ${taskId} is ${task.status}` };
    },
    { what: `scheduler: task ${taskId}`, timeoutMs: o.timeoutMs ?? SCHEDULED_WITHIN_MS, timeoutClass: 'app', signal: o.signal, log: o.log, intervalMs: 500 },
  );
}

export async function readTrace(api: CodeQueueApi, taskId: number): Promise<{ stepCount: number; kinds: string[] }> {
  const summary = await api.json('read', 'GET', `/api/tasks/${taskId}/trace-summary`, traceSummary);
  const steps = await api.json('read', 'GET', `/api/tasks/${taskId}/trace-steps`, traceSteps);
  if (summary.taskId !== taskId || steps.taskId !== taskId) throw new CiError('app', `the read service answered for task ${summary.taskId}/${steps.taskId}, not ${taskId}`);
  if (summary.stepCount < 1 || steps.steps.length !== summary.stepCount) {
    throw new CiError('app', `task ${taskId}: trace summary counts ${summary.stepCount} steps, trace-steps lists ${steps.steps.length} (the scheduler's step is missing)`);
  }
  return { stepCount: summary.stepCount, kinds: steps.steps.map((s) => s.kind) };
}

/** The read service must refuse a write (403); anything 2xx is the application's fault. */
export async function expectReadRefusesWrite(api: CodeQueueApi): Promise<number> {
  const res = await api.raw('read', 'POST', '/api/tasks', { title: 'must be refused', repo: 'unidesk-ci' });
  if (res.status >= 200 && res.status < 300) throw new CiError('app', `code-queue-read accepted a write (POST /api/tasks → ${res.status}): the read role must refuse writes`);
  if (res.status !== 403) throw new CiError(res.status >= 502 ? 'infra.cluster' : 'app', `code-queue-read answered a write with ${res.status}, expected 403: ${res.text.slice(0, 200)}`);
  return res.status;
}
