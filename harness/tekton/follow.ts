// Waiting for a PipelineRun to finish, with a line per TaskRun state change (as `tkn pr describe`
// names them) and the PipelineRun's own status at least every few seconds while it waits.
import { CI_NAMESPACE } from '../config.ts';
import { kubeError } from '../kube/errors.ts';
import type { Kube } from '../kube/kube.ts';
import { poll } from '../kube/wait.ts';
import { isDone, succeededCondition, tknStatus } from './condition.ts';
import { readPipelineRun } from './pipelinerun.ts';
import { TEKTON_API, type PipelineRun, type TaskRun } from './run-objects.ts';

export type TaskRunChange = { pipelineTask: string; taskRun: string; status: string; message?: string };

export type FollowOptions = {
  timeoutMs: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  onTaskRun?: (change: TaskRunChange) => void;
  intervalMs?: number;
};

export async function listTaskRuns(kube: Kube, pipelineRun: string): Promise<TaskRun[]> {
  try {
    const list = await kube.objects.list(TEKTON_API, 'TaskRun', CI_NAMESPACE, undefined, undefined, undefined, undefined, `tekton.dev/pipelineRun=${pipelineRun}`);
    return list.items as unknown as TaskRun[];
  } catch (e) {
    throw kubeError(e, `list the TaskRuns of PipelineRun ${pipelineRun}`);
  }
}

/** Resolves with the finished PipelineRun; a run still going after timeoutMs is an infra.cluster CiError. */
export async function waitForPipelineRun(kube: Kube, name: string, o: FollowOptions): Promise<PipelineRun> {
  const seen = new Map<string, string>();
  return poll(
    async () => {
      const pr = await readPipelineRun(kube, name).catch((e) => {
        throw kubeError(e, `read PipelineRun ${name}`);
      });
      if (o.onTaskRun) {
        for (const tr of await listTaskRuns(kube, name)) {
          const c = succeededCondition(tr);
          const status = tknStatus(c);
          if (seen.get(tr.metadata.name) === status) continue;
          seen.set(tr.metadata.name, status);
          o.onTaskRun({
            pipelineTask: tr.metadata.labels?.['tekton.dev/pipelineTask'] ?? tr.metadata.name,
            taskRun: tr.metadata.name,
            status,
            message: isDone(c) && c?.status === 'False' ? c.message : undefined,
          });
        }
      }
      const c = succeededCondition(pr);
      if (isDone(c)) return { done: true, value: pr };
      return { done: false, status: `${tknStatus(c)}${c?.message ? `: ${c.message}` : ''}` };
    },
    { what: `PipelineRun ${name}`, timeoutMs: o.timeoutMs, signal: o.signal, log: o.log, intervalMs: o.intervalMs ?? 200, progressEveryMs: 5000 },
  );
}
