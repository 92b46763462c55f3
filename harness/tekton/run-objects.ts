// The shapes of Tekton runs the harness reads (tekton.dev/v1): only the fields it uses, loosely
// typed so that what the controller adds passes through.

export const TEKTON_API = 'tekton.dev/v1';

export type RunResult = { name: string; value: unknown; type?: string };

export type ChildReference = { apiVersion?: string; kind?: string; name: string; pipelineTaskName: string };

export type StepState = {
  name: string;
  container?: string;
  terminated?: { exitCode?: number; reason?: string; startedAt?: string; finishedAt?: string };
  running?: { startedAt?: string };
  terminationReason?: string;
};

export type RunMeta = { name: string; generateName?: string; namespace?: string; uid?: string; labels?: Record<string, string>; creationTimestamp?: string };

type Conditions = Array<{ type?: string; status?: string; reason?: string; message?: string }>;

export type TaskRun = {
  apiVersion: string;
  kind: 'TaskRun';
  metadata: RunMeta;
  spec?: Record<string, unknown>;
  status?: { conditions?: Conditions; podName?: string; steps?: StepState[]; results?: RunResult[]; startTime?: string; completionTime?: string };
};

export type PipelineRun = {
  apiVersion: string;
  kind: 'PipelineRun';
  metadata: RunMeta;
  spec?: { pipelineRef?: { name?: string }; params?: Array<{ name: string; value: unknown }>; status?: string; [k: string]: unknown };
  status?: {
    conditions?: Conditions;
    childReferences?: ChildReference[];
    results?: RunResult[];
    skippedTasks?: Array<{ name: string; reason?: string }>;
    pipelineSpec?: { tasks?: Array<{ name: string }>; finally?: Array<{ name: string }> };
    startTime?: string;
    completionTime?: string;
  };
};

/** Results as a name → string map (array/object results JSON-encoded). */
export function resultsOf(run: { status?: { results?: RunResult[] } } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of run?.status?.results ?? []) out[r.name] = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
  return out;
}

/** Child TaskRuns in Pipeline order (tasks, then finally), as tkn shows them. */
export function orderedChildren(pr: PipelineRun): ChildReference[] {
  const order = [...(pr.status?.pipelineSpec?.tasks ?? []), ...(pr.status?.pipelineSpec?.finally ?? [])].map((t) => t.name);
  const children = (pr.status?.childReferences ?? []).filter((c) => !c.kind || c.kind === 'TaskRun');
  const rank = (c: ChildReference) => {
    const i = order.indexOf(c.pipelineTaskName);
    return i < 0 ? order.length : i;
  };
  return [...children].sort((a, b) => rank(a) - rank(b));
}
