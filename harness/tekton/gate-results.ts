// What a gate tells Tekton when it runs as a Task step: the `commit` it resolved and its
// `failure-class` (`none` when it passed), as result files in UNIDESK_CI_RESULTS_DIR, so a
// PipelineRun's consumer (the CLI, a dashboard, the next Task) needs no JUnit parsing. Read from the
// gate's own JUnit after it is written: the verdict and the results can never disagree.
import type { FailureClass } from '../failure.ts';
import type { JUnitReport } from '../report/junit-read.ts';
import { junitVerdict } from '../report/junit-verdict.ts';
import { writeTektonResults } from '../image/results.ts';

/** A gate whose steps failed without a class reports this, so nothing reads it as a pass. */
export const UNCLASSIFIED_RESULT = 'unclassified';
export const PASSED_RESULT = 'none';

/** Results of one TaskRun share 4096 bytes (the termination message): the line is capped well below. */
export const FAILURE_MESSAGE_MAX = 300;

export type GateResults = {
  'failure-class': FailureClass | typeof UNCLASSIFIED_RESULT | typeof PASSED_RESULT;
  /** The first line of the first failed step's message (already redacted in the JUnit); empty when passed. */
  'failure-message': string;
  commit?: string;
};

/** Pure: the results of a gate from its JUnit report (undefined: the gate wrote no report). */
export function gateResults(report: JUnitReport | undefined): GateResults {
  const v = report ? junitVerdict(report) : { ran: 0, failed: [], failureClass: undefined, commit: undefined };
  // a result consumers pin builds on: only a full commit
  const commit = v.commit && /^[0-9a-f]{40}$/.test(v.commit) ? v.commit : undefined;
  const noReport = v.ran === 0;
  const cls = noReport ? UNCLASSIFIED_RESULT : v.failed.length ? (v.failureClass ?? UNCLASSIFIED_RESULT) : PASSED_RESULT;
  const failed = v.failed[0];
  const first = failed ? `${failed.name}: ${(failed.failure?.message ?? '').split('\n')[0]}` : noReport ? 'the gate wrote no JUnit report (it crashed before its reporter ran)' : '';
  const message = first.length > FAILURE_MESSAGE_MAX ? `${first.slice(0, FAILURE_MESSAGE_MAX - 1)}…` : first;
  return commit ? { 'failure-class': cls, 'failure-message': message, commit } : { 'failure-class': cls, 'failure-message': message };
}

export async function writeGateResults(dir: string, report: JUnitReport | undefined): Promise<GateResults> {
  const results = gateResults(report);
  await writeTektonResults(dir, results as Record<string, string>);
  return results;
}
