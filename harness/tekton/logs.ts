// A finished or running PipelineRun's step logs the way `tkn pr logs` prints them: tasks in
// Pipeline order (then finally), steps in container order, each line prefixed `[task : step] `.
// A cancelled or timed-out TaskRun's pod is deleted by Tekton, and its logs with it: said in a line.
import { CI_NAMESPACE } from '../config.ts';
import { isNotFound, kubeError } from '../kube/errors.ts';
import type { Kube } from '../kube/kube.ts';
import { readTaskRun } from './pipelinerun.ts';
import { orderedChildren, type PipelineRun, type TaskRun } from './run-objects.ts';

export type StepLog = { task: string; step: string; lines: string[] };

export function prefixed(logs: readonly StepLog[]): string[] {
  return logs.flatMap((l) => l.lines.map((line) => `[${l.task} : ${l.step}] ${line}`));
}

export async function pipelineRunLogs(kube: Kube, pr: PipelineRun): Promise<StepLog[]> {
  const out: StepLog[] = [];
  for (const child of orderedChildren(pr)) {
    const tr = await readTaskRun(kube, child.name).catch((e) => {
      throw kubeError(e, `read TaskRun ${child.name}`);
    });
    out.push(...(await taskRunLogs(kube, tr, child.pipelineTaskName)));
  }
  return out;
}

export async function taskRunLogs(kube: Kube, tr: TaskRun, task: string): Promise<StepLog[]> {
  const pod = tr.status?.podName;
  const out: StepLog[] = [];
  for (const s of tr.status?.steps ?? []) {
    const container = s.container ?? `step-${s.name}`;
    if (!pod) {
      out.push({ task, step: s.name, lines: ['(no pod: the TaskRun never started one)'] });
      continue;
    }
    try {
      const text = await kube.core.readNamespacedPodLog({ name: pod, namespace: CI_NAMESPACE, container });
      const lines = String(text).split('\n');
      if (lines.at(-1) === '') lines.pop();
      out.push({ task, step: s.name, lines });
    } catch (e) {
      if (!isNotFound(e)) throw kubeError(e, `read the log of ${pod}/${container}`);
      out.push({ task, step: s.name, lines: [`(pod ${pod} is gone: Tekton deleted it with its logs)`] });
    }
  }
  return out;
}
