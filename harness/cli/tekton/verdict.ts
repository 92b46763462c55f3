// The verdict of a finished PipelineRun, from what Tekton wrote: per task its tkn status, the
// failure class and first failure line its gate reported as Task results, the commit; and the
// exit code: 0 on success, else the worst failure class of the tasks. A task whose step failed
// without a class is unclassified (1); a run that failed with no such task failed in Tekton itself
// (CouldntGetTask, PipelineRunTimeout, an unpullable image...): the CI's own infrastructure,
// infra.cluster. Pure.
import { exitCodeFor, isFailureClass, UNCLASSIFIED_EXIT_CODE, worstFailureClass, type FailureClass } from '../../failure.ts';
import { succeededCondition, tknStatus } from '../../tekton/condition.ts';
import { paintStatus } from '../style.ts';
import { orderedChildren, resultsOf, type PipelineRun, type TaskRun } from '../../tekton/run-objects.ts';

/** Ctrl-C: the run was cancelled on the user's word (128 + SIGINT). */
export const CANCELLED_EXIT_CODE = 130;

export type TaskRow = { task: string; taskRun?: string; status: string; failureClass?: FailureClass; message?: string };

export type PipelineRunVerdict = {
  name: string;
  status: string;
  reason?: string;
  message?: string;
  commit?: string;
  results: Record<string, string>;
  tasks: TaskRow[];
  exitCode: number;
  failureClass?: FailureClass;
};

export function pipelineRunVerdict(pr: PipelineRun, taskRuns: readonly TaskRun[]): PipelineRunVerdict {
  const c = succeededCondition(pr);
  const byName = new Map(taskRuns.map((t) => [t.metadata.name, t]));
  const tasks: TaskRow[] = orderedChildren(pr).map((child) => {
    const tr = byName.get(child.name);
    const r = resultsOf(tr);
    const cls = r['failure-class'];
    return {
      task: child.pipelineTaskName,
      taskRun: child.name,
      status: tknStatus(succeededCondition(tr)),
      ...(isFailureClass(cls) ? { failureClass: cls } : {}),
      ...(r['failure-message'] ? { message: r['failure-message'] } : succeededCondition(tr)?.status === 'False' ? { message: succeededCondition(tr)?.message } : {}),
    };
  });
  for (const s of pr.status?.skippedTasks ?? []) tasks.push({ task: s.name, status: 'Skipped', message: s.reason });
  const results = resultsOf(pr);
  const commit = results.commit ?? taskRuns.map((t) => resultsOf(t).commit).find((x) => x && /^[0-9a-f]{40}$/.test(x));
  const base = { name: pr.metadata.name, status: tknStatus(c), reason: c?.reason, message: c?.message, commit, results, tasks };
  if (c?.status === 'True') return { ...base, exitCode: 0 };
  const worst = worstFailureClass(tasks.map((t) => t.failureClass));
  if (worst) return { ...base, exitCode: exitCodeFor(worst), failureClass: worst };
  if (c?.reason === 'Cancelled' || c?.reason === 'CancelledRunFinally') return { ...base, exitCode: CANCELLED_EXIT_CODE };
  // a step that exited non-zero without its gate's class (a crash before the gate's reporter ran):
  // unclassified, as the same crash is in a local run
  if (tasks.some((t) => t.status === 'Failed')) return { ...base, exitCode: UNCLASSIFIED_EXIT_CODE };
  return { ...base, exitCode: exitCodeFor('infra.cluster'), failureClass: 'infra.cluster' };
}

/** The summary as tkn-like text lines. */
export function formatVerdict(v: PipelineRunVerdict, colour = false): string[] {
  const out = [`PipelineRun ${v.name}: ${paintStatus(v.status, colour)}${v.message ? ` — ${v.message}` : ''}`];
  if (v.commit) out.push(`  commit ${v.commit}`);
  const w = Math.max(4, ...v.tasks.map((t) => t.task.length));
  const sw = Math.max(6, ...v.tasks.map((t) => t.status.length));
  out.push(`  ${'TASK'.padEnd(w)}  ${'STATUS'.padEnd(sw)}  CLASS           FIRST FAILURE LINE`);
  for (const t of v.tasks) out.push(`  ${t.task.padEnd(w)}  ${paintStatus(t.status.padEnd(sw), colour)}  ${(t.failureClass ?? '---').padEnd(14)}  ${t.message ?? ''}`.trimEnd());
  for (const [k, val] of Object.entries(v.results)) if (k !== 'commit') out.push(`  ${k}=${val}`);
  out.push(`  exit ${v.exitCode}${v.failureClass ? ` (${v.failureClass})` : ''}`);
  return out;
}
