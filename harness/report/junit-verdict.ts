// A gate's verdict read from its JUnit, in one place for every reader (the CLI summary, the results
// store, the Task results): the failed testcases, the worst of their failure classes (the order of
// harness/failure.ts, as for the CLI's exit code across gates) and the commit the gate recorded.
import { isFailureClass, worstFailureClass, type FailureClass } from '../failure.ts';
import { testcases, type JUnitCase, type JUnitReport } from './junit-read.ts';

/** A failed testcase's class: its unidesk.failure-class property, else the failure type. */
export function caseFailureClass(c: JUnitCase): FailureClass | undefined {
  if (c.status !== 'failed') return undefined;
  const cls = c.properties['unidesk.failure-class'] ?? c.failure?.type;
  return isFailureClass(cls) ? cls : undefined;
}

export type JUnitVerdict = { ran: number; failed: JUnitCase[]; failureClass?: FailureClass; commit?: string };

export function junitVerdict(report: JUnitReport): JUnitVerdict {
  const cases = testcases(report);
  const failed = cases.filter((c) => c.status === 'failed');
  const commit = report.suites.map((s) => s.properties['unidesk.commit']).find(Boolean) ?? cases.map((c) => c.properties['unidesk.commit']).find(Boolean);
  return { ran: cases.length, failed, failureClass: worstFailureClass(failed.map(caseFailureClass)), commit };
}
