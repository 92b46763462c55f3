// What every gate-running command shares: one configuration parse that pins the run id and report
// dir for all its gates, each gate as its own Vitest invocation with progress lines, the summary,
// and the exit code of the worst failure class.
import { resolve } from 'node:path';
import { loadConfig, type Gate, type RunConfig } from '../config.ts';
import { exitCodeFor, UNCLASSIFIED_EXIT_CODE, worstFailureClass } from '../failure.ts';
import { runGate, type GateRun } from '../report/junit-gate-run.ts';
import { formatSummary, verdictOf } from './summary.ts';

export type PreparedRun = { config: RunConfig; reportDir: string; env: Record<string, string | undefined> };

/** Validate the variables once; the gates then share one run id and an absolute report dir. */
export function prepareRun(env: Record<string, string | undefined>): PreparedRun {
  const config = loadConfig(env);
  const reportDir = resolve(config.reportDir);
  return { config, reportDir, env: { ...env, UNIDESK_CI_RUN_ID: config.runId, UNIDESK_CI_REPORT_DIR: reportDir } };
}

export async function runGates(gates: readonly Gate[], run: PreparedRun, timeoutMs?: number): Promise<GateRun[]> {
  const runs: GateRun[] = [];
  for (const gate of gates) {
    console.log(`\n=== gate ${gate}: starting (vitest run --project ${gate})`);
    const r = await runGate({ gate, env: run.env, reportDir: run.reportDir, timeoutMs, onLine: (l) => console.log(`[${gate}] ${l}`) });
    runs.push(r);
    const v = verdictOf(r);
    console.log(`=== gate ${gate}: ${v.passed ? 'passed' : `failed${v.failureClass ? ` (${v.failureClass})` : ''}`} after ${(r.durationMs / 1000).toFixed(1)} s`);
  }
  console.log(formatSummary(runs));
  return runs;
}

/** 0 when every gate passed; else the worst failure class's exit code (1 if none was classified). */
export function exitCodeOf(runs: readonly GateRun[]): number {
  const verdicts = runs.map(verdictOf);
  if (verdicts.every((v) => v.passed)) return 0;
  const worst = worstFailureClass(verdicts.map((v) => v.failureClass));
  return worst ? exitCodeFor(worst) : UNCLASSIFIED_EXIT_CODE;
}
