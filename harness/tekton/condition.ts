// The one condition Tekton runs carry (`type: Succeeded`) and how tkn prints it (cli
// pkg/formatted: True → Succeeded, False → Failed, Unknown → Running, the reason appended when it
// says more: `Failed(CouldntGetTask)`, `Running(Pending)`; Completed reads Succeeded, Cancelled reads
// Cancelled, PipelineRunPending reads Pending). Pure.

export type RunCondition = { status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string };

type WithConditions = { status?: { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> } };

export function succeededCondition(run: WithConditions | undefined): RunCondition | undefined {
  const c = run?.status?.conditions?.find((x) => x.type === 'Succeeded');
  if (!c || (c.status !== 'True' && c.status !== 'False' && c.status !== 'Unknown')) return undefined;
  return { status: c.status, reason: c.reason || undefined, message: c.message || undefined };
}

/** Finished: the condition is True or False (completionTime is set then). */
export function isDone(c: RunCondition | undefined): boolean {
  return c?.status === 'True' || c?.status === 'False';
}

export function isSucceeded(c: RunCondition | undefined): boolean {
  return c?.status === 'True';
}

const WORD = { True: 'Succeeded', False: 'Failed', Unknown: 'Running' } as const;

/** The STATUS column of `tkn pr list` / `tkn tr list`; `---` before the controller wrote one. */
export function tknStatus(c: RunCondition | undefined): string {
  if (!c) return '---';
  const word = WORD[c.status];
  const reason = c.reason;
  if (!reason || reason === word) return word;
  if (c.status === 'True' && reason === 'Completed') return 'Succeeded';
  if (reason === 'Cancelled') return 'Cancelled';
  if (reason === 'TaskRunCancelled') return 'Cancelled(TaskRunCancelled)';
  if (reason === 'PipelineRunPending') return 'Pending';
  if (reason === 'ExceededNodeResources') return 'Pending(ExceededNodeResources)';
  return `${word}(${reason})`;
}
