// Without a results store the report still shows this run: its gates from their JUnit files, no
// history (and so no perf trend).
import { readFile } from 'node:fs/promises';
import type { GateRun } from '../junit-gate-run.ts';
import type { ReportData, ReportRun } from './model.ts';

export async function reportFromRuns(runs: readonly GateRun[], runId: string, note: string): Promise<ReportData> {
  const out: ReportRun[] = [];
  for (const r of runs) {
    const failed = r.steps.filter((s) => s.status === 'failed');
    out.push({
      runId,
      gate: r.gate,
      commit: r.steps.find((s) => s.commit)?.commit,
      verdict: r.exitCode === 0 && r.steps.length > 0 && failed.length === 0 ? 'passed' : 'failed',
      failureClass: failed.map((s) => s.failureClass).find(Boolean),
      startedAt: new Date(Date.now() - r.durationMs),
      durationMs: r.durationMs,
      steps: r.steps.map((s) => ({ name: s.name, status: s.status, failureClass: s.failureClass, message: s.message, skippedReason: s.skippedReason })),
      junitXml: r.report ? await readFile(r.junitPath, 'utf8').catch(() => undefined) : undefined,
    });
  }
  return { generatedAt: new Date(), source: 'JUnit files of this run', runs: out, trends: [], note };
}
