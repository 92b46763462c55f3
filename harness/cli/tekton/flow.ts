// What `run`, `run-dev-e2e` and `publish-backend-core` share: create the PipelineRun, print its name
// at once, follow it (a line per TaskRun state change, step logs as `[task : step] line`), then the
// summary and the exit code of the run's worst failure class (verdict.ts).
// --wait-ms exceeded: the run is left running, the command says how to follow it and exits
// STILL_RUNNING_EXIT_CODE. Ctrl-C: the run is cancelled (spec.status Cancelled), awaited, exit 130;
// a second Ctrl-C exits at once.
import { PollTimeout } from '../../kube/wait.ts';
import type { Kube } from '../../kube/kube.ts';
import { isDone, succeededCondition, tknStatus } from '../../tekton/condition.ts';
import { paintStatus } from '../style.ts';
import { listTaskRuns, waitForPipelineRun } from '../../tekton/follow.ts';
import { followPipelineRunLogs } from '../../tekton/log-follow.ts';
import { cancelPipelineRun, createPipelineRun, readPipelineRun, type PipelineRunRequest } from '../../tekton/pipelinerun.ts';
import type { PipelineRun } from '../../tekton/run-objects.ts';
import { CANCELLED_EXIT_CODE, formatVerdict, pipelineRunVerdict, type PipelineRunVerdict } from './verdict.ts';

/** --wait-ms passed while the run goes on (EX_TEMPFAIL: come back later); the run is not cancelled. */
export const STILL_RUNNING_EXIT_CODE = 75;

/** How long the summary waits for the last log lines after the run has ended. */
const LOG_DRAIN_MS = 10_000;

export type FlowOptions = {
  kube: Kube;
  request: PipelineRunRequest;
  waitMs: number;
  /** Progress and logs (stderr under --output json). */
  say: (line: string) => void;
  /** Where the summary goes (stdout). */
  print: (line: string) => void;
  json?: boolean;
  /** Tests: instead of process signals. */
  interrupt?: AbortSignal;
  /** Statuses in colour (a TTY without NO_COLOR; style.ts). */
  colour?: boolean;
};

/** The first Ctrl-C starts the cancellation; the second exits at once. */
export function sigintHandler(interrupted: AbortController, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  return () => {
    if (interrupted.signal.aborted) exit(CANCELLED_EXIT_CODE);
    else interrupted.abort();
  };
}

export type FlowOutcome = { exitCode: number; pipelineRun: string; verdict?: PipelineRunVerdict };

export async function runPipelineFlow(o: FlowOptions): Promise<FlowOutcome> {
  const created = await createPipelineRun(o.kube, o.request);
  const name = created.metadata.name;
  o.say(`PipelineRun started: ${name}`);
  o.say(`(follow it elsewhere with: unidesk-ci logs ${name} -f)`);
  const stopLogs = new AbortController();
  const interrupted = new AbortController();
  const onSigint = sigintHandler(interrupted);
  if (!o.interrupt) process.on('SIGINT', onSigint);
  o.interrupt?.addEventListener('abort', () => interrupted.abort(), { once: true });
  try {
    const logs = followPipelineRunLogs(o.kube, name, { signal: stopLogs.signal, onLine: o.say });
    const waited = await waitForPipelineRun(o.kube, name, {
      timeoutMs: o.waitMs,
      signal: interrupted.signal,
      log: o.say,
      onTaskRun: (c) => o.say(`TaskRun ${c.taskRun} (${c.pipelineTask}): ${paintStatus(c.status, Boolean(o.colour))}${c.message ? ` — ${c.message}` : ''}`),
    }).then(
      (pr) => ({ pr }),
      (e: unknown) => ({ error: e }),
    );
    if (interrupted.signal.aborted) {
      stopLogs.abort();
      return await cancelAndWait(o, name);
    }
    if ('error' in waited) {
      stopLogs.abort();
      const live = await readPipelineRun(o.kube, name).catch(() => undefined);
      if (live && !isDone(succeededCondition(live)) && waited.error instanceof PollTimeout) {
        o.say(`PipelineRun ${name} is still running after --wait-ms ${o.waitMs}; it was not cancelled.`);
        o.say(`follow it with: unidesk-ci logs ${name} -f`);
        if (o.json) o.print(JSON.stringify({ name, status: tknStatus(succeededCondition(live)), exitCode: STILL_RUNNING_EXIT_CODE, follow: `unidesk-ci logs ${name} -f` }, null, 2));
        return { exitCode: STILL_RUNNING_EXIT_CODE, pipelineRun: name };
      }
      throw waited.error;
    }
    // the streams end with their containers; a stream the server keeps open does not hold the summary
    await Promise.race([logs, new Promise((r) => setTimeout(r, LOG_DRAIN_MS).unref())]);
    return summarize(o, waited.pr);
  } finally {
    stopLogs.abort();
    if (!o.interrupt) process.off('SIGINT', onSigint);
  }
}

async function cancelAndWait(o: FlowOptions, name: string): Promise<FlowOutcome> {
  o.say(`cancelling PipelineRun ${name} (spec.status: Cancelled); Ctrl-C again to exit at once`);
  await cancelPipelineRun(o.kube, name);
  const pr = await waitForPipelineRun(o.kube, name, { timeoutMs: 120_000, log: o.say });
  o.say(`PipelineRun ${name} ended ${tknStatus(succeededCondition(pr))}`);
  const out = await summarize(o, { ...pr, cancelled: true });
  return { ...out, exitCode: CANCELLED_EXIT_CODE };
}

async function summarize(o: FlowOptions, pr: PipelineRun & { cancelled?: boolean }): Promise<FlowOutcome> {
  const found = pipelineRunVerdict(pr, await listTaskRuns(o.kube, pr.metadata.name));
  // cancelled on the user's word: 130 whatever the tasks said when they were stopped
  const verdict = pr.cancelled ? { ...found, exitCode: CANCELLED_EXIT_CODE } : found;
  if (o.json) o.print(JSON.stringify(verdict, null, 2));
  else for (const l of ['', ...formatVerdict(verdict, Boolean(o.colour))]) o.print(l);
  return { exitCode: verdict.exitCode, pipelineRun: pr.metadata.name, verdict };
}
