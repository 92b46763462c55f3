// The per-gate, per-step summary printed after a run, read from each gate's JUnit.
import { relative } from 'node:path';
import { worstFailureClass, type FailureClass } from '../failure.ts';
import type { GateRun, StepSummary } from '../report/junit-gate-run.ts';

export type GateVerdict = { gate: string; passed: boolean; failureClass?: FailureClass; unclassified: boolean };

export function verdictOf(run: GateRun): GateVerdict {
  const failed = run.steps.filter((s) => s.status === 'failed');
  // a gate that crashed before its reporter wrote anything, or failed without a class, is unclassified
  const noReport = !run.report || run.steps.length === 0;
  const passed = run.exitCode === 0 && !noReport && failed.length === 0;
  const failureClass = worstFailureClass(failed.map((s) => s.failureClass));
  return { gate: run.gate, passed, failureClass, unclassified: !passed && !failureClass };
}

const MARK: Record<StepSummary['status'], string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' };

export function formatSummary(runs: readonly GateRun[], cwd = process.cwd()): string {
  const out: string[] = ['', 'unidesk-ci run summary'];
  for (const run of runs) {
    const v = verdictOf(run);
    const status = v.passed ? 'passed' : `FAILED${v.failureClass ? ` (${v.failureClass})` : ' (unclassified: see the output above)'}`;
    const commit = run.steps.find((s) => s.commit)?.commit;
    out.push(`gate ${run.gate}: ${status} in ${(run.durationMs / 1000).toFixed(1)} s${commit ? `, commit ${commit}` : ''}`);
    for (const s of run.steps) {
      const cls = s.failureClass ? ` [${s.failureClass}]` : '';
      const why = s.status === 'failed' ? ` — ${firstLine(s.message)}` : s.status === 'skipped' && s.skippedReason ? ` — ${s.skippedReason}` : '';
      out.push(`  ${MARK[s.status]} ${s.name}${cls}${why}`);
    }
    out.push(`  junit: ${run.report ? shortPath(run.junitPath, cwd) : `none written (${run.junitPath})`}`);
  }
  return out.join('\n');
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].slice(0, 300);
}
