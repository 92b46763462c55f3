// The CI's PipelineRuns in unidesk-ci, newest first (by start time, then creation), as tkn lists them.
import { CI_NAMESPACE } from '../config.ts';
import { kubeError } from '../kube/errors.ts';
import type { Kube } from '../kube/kube.ts';
import { TEKTON_API, type PipelineRun } from './run-objects.ts';

const time = (pr: PipelineRun) => Date.parse(pr.status?.startTime ?? pr.metadata.creationTimestamp ?? '') || 0;

export function newestFirst(runs: readonly PipelineRun[]): PipelineRun[] {
  return [...runs].sort((a, b) => time(b) - time(a) || b.metadata.name.localeCompare(a.metadata.name));
}

export async function listPipelineRuns(kube: Kube, limit?: number): Promise<PipelineRun[]> {
  try {
    const list = await kube.objects.list(TEKTON_API, 'PipelineRun', CI_NAMESPACE);
    const runs = newestFirst(list.items as unknown as PipelineRun[]);
    return limit === undefined ? runs : runs.slice(0, limit);
  } catch (e) {
    throw kubeError(e, `list PipelineRuns in ${CI_NAMESPACE}`);
  }
}
