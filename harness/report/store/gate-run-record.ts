// What the results store keeps of one gate run, derived from the JUnit the gate wrote: the verdict
// (failed when any testcase failed or none ran), its class (junit-verdict.ts), and every testcase.
// Pure: the database write is record.ts.
import { createHash } from 'node:crypto';
import type { FailureClass } from '../../failure.ts';
import { junitVerdict } from '../junit-verdict.ts';
import type { JUnitFlavour } from '../junit-flavour.ts';
import type { JUnitCase, JUnitReport } from '../junit-read.ts';

export type TestcaseRecord = {
  suite: string;
  name: string;
  status: JUnitCase['status'];
  failureClass?: string;
  failureMessage?: string;
  skippedReason?: string;
  durationMs: number;
  properties: Record<string, string>;
};

export type GateRunRecord = {
  runId: string;
  gate: string;
  pipelineRun?: string;
  taskRun?: string;
  commit?: string;
  revision?: string;
  verdict: 'passed' | 'failed';
  failureClass?: FailureClass;
  startedAt: Date;
  durationMs: number;
  fingerprint: string;
  junit: { flavour: JUnitFlavour; xml: string; sha256: string };
  testcases: TestcaseRecord[];
};

export type GateRunFacts = Omit<GateRunRecord, 'verdict' | 'failureClass' | 'testcases' | 'junit' | 'commit'> & { flavour: JUnitFlavour; xml: string };

function caseClass(c: JUnitCase): string | undefined {
  if (c.status !== 'failed') return undefined;
  return c.properties['unidesk.failure-class'] ?? c.failure?.type;
}

export function gateRunRecord(report: JUnitReport, facts: GateRunFacts): GateRunRecord {
  const testcases = report.suites.flatMap((s) =>
    s.cases.map(
      (c): TestcaseRecord => ({
        suite: s.name,
        name: c.name,
        status: c.status,
        failureClass: caseClass(c),
        failureMessage: c.failure?.message,
        skippedReason: c.properties['unidesk.skipped-reason'] ?? c.skippedMessage,
        durationMs: c.timeSeconds * 1000,
        properties: c.properties,
      }),
    ),
  );
  const v = junitVerdict(report);
  const { flavour, xml, ...rest } = facts;
  return {
    ...rest,
    commit: v.commit,
    verdict: v.failed.length === 0 && v.ran > 0 ? 'passed' : 'failed',
    failureClass: v.failureClass,
    junit: { flavour, xml, sha256: createHash('sha256').update(xml).digest('hex') },
    testcases,
  };
}
