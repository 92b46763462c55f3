// One verdict per JUnit for every reader: the results store and the Task results agree on the
// class of a run whose failed steps carry two classes (the worst, as the CLI's exit code).
import { expect, test } from 'vitest';
import { parseJUnit } from '../../harness/report/junit-read.ts';
import { junitVerdict } from '../../harness/report/junit-verdict.ts';
import { gateRunRecord } from '../../harness/report/store/gate-run-record.ts';
import { gateResults } from '../../harness/tekton/gate-results.ts';

const failed = (name: string, cls: string) =>
  `<testcase name="${name}" classname="c"><properties><property name="unidesk.failure-class" value="${cls}"/></properties><failure message="m" type="${cls}">m</failure></testcase>`;
const report = parseJUnit(
  `<testsuites><testsuite name="s" tests="3"><testcase name="ok" classname="c"></testcase>${failed('a', 'app')}${failed('b', 'infra.cluster')}<testcase name="t" classname="c"><failure message="x" type="Error">x</failure></testcase></testsuite></testsuites>`,
);

test('the store record and the Task results take the same, worst class', () => {
  expect(junitVerdict(report)).toMatchObject({ ran: 4, failureClass: 'infra.cluster' });
  expect(junitVerdict(report).failed.map((c) => c.name)).toEqual(['a', 'b', 't']);
  const record = gateRunRecord(report, { runId: 'r', gate: 'commit', startedAt: new Date(0), durationMs: 1, fingerprint: 'f', flavour: 'default', xml: '<x/>' });
  expect(record).toMatchObject({ verdict: 'failed', failureClass: 'infra.cluster' });
  expect(gateResults(report)['failure-class']).toBe('infra.cluster');
});
